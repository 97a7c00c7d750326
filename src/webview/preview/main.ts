// The live preview beside an experiment config. Every `config` message (one per edit, tagged with
// the document version) redraws the theory at once; then, after a pause in typing, the extension
// host runs a quick check (a few short runs on its compute worker) and sends its status and
// measured losses, which are added to the predictions. The page computes only the theory: it has
// no worker. Every status carries its version, and one that is not the latest config's is
// dropped, so an old result is never drawn as current.

import type { ExperimentConfig } from '../../core/config/schema';
import type { ChartData } from '../../core/charts/analysisSpecs';
import { frequencySpec, predictionSpec, welchSpec, type MeasuredPoint } from '../../core/charts/previewSpecs';
import { previewTheory, type PreviewTheory } from '../../core/toy/theory';
import { estimateSeconds, formatDuration } from '../../core/config/costModel';
import { expandSweep } from '../../core/config/sweep';
import { listen, type Handlers } from '../../shared/channel';
import {
  PREVIEW_PROTOCOL_VERSION,
  TO_PREVIEW_TYPES,
  type FromPreview,
  type PreviewInit,
  type PreviewState,
  type QuickCheckStatus,
  type ToPreview,
} from '../../shared/previewProtocol';
import { readInit, vscodeApi } from '../vscodeApi';
import { h, showPageError } from '../dom';
import { onThemeChange, type Chart } from '../charts/vegaChart';
import { chartFigure } from '../charts/chartFigure';
import { fileSlug } from '../../core/format';

type ConfigMessage = Extract<ToPreview, { type: 'config' }>;

const init = readInit<PreviewInit>();
const api = vscodeApi<PreviewState>();
const post = (m: FromPreview) => api.postMessage(m);
// Read back by the host's WebviewPanelSerializer after a window reload.
api.setState({ configUri: init.configUri });
const app = document.getElementById('app')!;

/** The latest message; `shown` is the latest one that had a valid config (its plots stay up). */
let latest: ConfigMessage | null = null;
let shown: { message: ConfigMessage; config: ExperimentConfig; theory: PreviewTheory } | null = null;
let charts: Chart[] = [];
let predictionChart: Chart | null = null;
/**
 * The drawn charts, for redrawing in place: when an edit changes only the data (the usual case:
 * a number in the config), the views get the new datasets instead of being rebuilt, which is the
 * difference between ~20 ms and ~250 ms per keystroke-burst.
 */
interface Drawn {
  readonly grid: HTMLElement;
  readonly ids: readonly string[];
  readonly skeletons: readonly string[];
  /** What each figure's export bar saves; updated with the data. */
  readonly holders: { spec: Record<string, unknown>; rows: ChartData['rows'] }[];
}
let drawn: Drawn | null = null;
let themeChanged = false;
let measured: readonly MeasuredPoint[] = [];
/** The latest quick-check status of the latest config's version (older ones are dropped). */
let quick: QuickCheckStatus | null = null;

function showQuickStatus(): void {
  const el = document.getElementById('quick-status');
  if (!el) return;
  // Progress within one state updates in place, so the Cancel button is not swapped under a click.
  const same =
    quick !== null &&
    el.dataset['version'] === String(quick.version) &&
    el.dataset['state'] === quick.state &&
    el.querySelector('#quick-where')?.textContent === whereText(quick);
  const message = el.querySelector<HTMLElement>('.quick-message');
  const progress = el.querySelector<HTMLProgressElement>('#quick-progress');
  if (same && message && (progress || quick!.state !== 'running')) {
    message.textContent = quick!.message;
    if (progress) progress.value = quick!.fraction;
  } else {
    el.replaceWith(quickStatus());
  }
}

/** Where the check computes, once its worker has said (null before). */
const whereText = (q: QuickCheckStatus): string | undefined =>
  q.backend === null ? undefined : `Computed in the extension host on ${q.backend}.`;

/** Puts `measured` on the loss plot (when drawn) and tells the host what is shown now. */
async function drawMeasured(): Promise<void> {
  const view = predictionChart?.result.view;
  if (!view || !shown) return;
  view.data(
    'measured',
    measured.map((p) => ({ ...p })),
  );
  await view.runAsync();
  post({ type: 'measuredDrawn', version: shown.message.version, points: measured.length });
}

function onQuickCheck(status: QuickCheckStatus): void {
  // A status of an older (or, before its config arrives, newer) version is not about this text.
  if (status.version !== latest?.version) return;
  quick = status;
  showQuickStatus();
  if (shown?.message.version === status.version && status.points.length !== measured.length) {
    measured = status.points;
    void drawMeasured();
  }
}

function quickStatus(): HTMLElement {
  const el = h('div', { class: 'status', attrs: { id: 'quick-status', 'aria-live': 'polite' } });
  if (!quick) return el;
  const { version, state } = quick;
  el.dataset['version'] = String(version);
  el.dataset['state'] = state;
  el.append(h('span', { class: `quick-message ${state === 'failed' ? 'error' : 'muted'}`, text: quick.message }));
  if (state === 'running') {
    el.append(
      h('progress', {
        attrs: { id: 'quick-progress', max: '1', value: String(quick.fraction), 'aria-label': 'Quick check progress' },
      }),
    );
  }
  if (state === 'running' || state === 'waiting') {
    el.append(
      h('button', {
        text: 'Cancel',
        class: 'small',
        attrs: { type: 'button', id: 'quick-cancel' },
        on: { click: () => post({ type: 'cancelQuickCheck', version }) },
      }),
    );
  }
  const where = whereText(quick);
  if (where !== undefined) {
    // data-backend: the backend's name alone ("wasm"), for tests and styles.
    const name = quick.backend!.split(/[ ;]/, 1)[0]!;
    el.append(h('span', { class: 'muted', attrs: { id: 'quick-where', 'data-backend': name }, text: where }));
  }
  return el;
}

function problemsBanner(message: ConfigMessage): HTMLElement | null {
  const errors = message.problems.filter((p) => p.severity === 'error');
  if (errors.length === 0) return null;
  return h(
    'div',
    { class: 'banner warning', attrs: { id: 'problems', role: 'status' } },
    h('strong', { text: `The config has ${errors.length} error${errors.length === 1 ? '' : 's'}` }),
    shown ? ' — showing the last valid version:' : ':',
    h('ul', {}, ...errors.slice(0, 5).map((p) => h('li', { text: `line ${p.line}, column ${p.col}: ${p.message}` }))),
  );
}

function gridTable(theory: PreviewTheory, config: ExperimentConfig): HTMLElement {
  const seeds = Array.isArray(config.train.seeds) ? config.train.seeds.length : 1;
  return h(
    'table',
    { class: 'kv data-table', attrs: { id: 'grid-table' } },
    h('caption', {
      text: `The sweep: ${theory.series.length} series × ${theory.widths.length} widths${seeds > 1 ? ` × ${seeds} seeds` : ''}${theory.omittedSeries > 0 ? ` (${theory.omittedSeries} more series too large to preview)` : ''}`,
    }),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['series', 'expected regime', 'expected α_m', 'widths'].map((t) =>
          h('th', { text: t, attrs: { scope: 'col' } }),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      ...theory.series.map((s) =>
        h(
          'tr',
          {},
          h('th', { text: s.label, attrs: { scope: 'row' } }),
          h('td', { text: s.regime, attrs: { title: s.regimeNote } }),
          h('td', { class: 'right', text: s.expectedAlphaM === null ? '—' : `≈ ${s.expectedAlphaM.toFixed(2)}` }),
          h('td', { text: theory.widths.join(', ') }),
        ),
      ),
    ),
  );
}

async function figure(
  id: string,
  data: { spec: Record<string, unknown>; rows: ChartData['rows'] },
  into: HTMLElement,
  drawn: string[],
): Promise<Chart | null> {
  const chart = await chartFigure(
    id,
    data,
    `${fileSlug(shown?.config.name ?? 'preview')}-${id.replace(/^chart-/, '')}`,
    into,
    post,
  );
  if (chart) {
    charts.push(chart);
    drawn.push(id);
  }
  return chart;
}

let renderToken = 0;

/** A spec without its data: equal skeletons mean the same chart with other numbers. */
const skeleton = (spec: Record<string, unknown>): string =>
  JSON.stringify(spec, (key, value: unknown) => (key === 'values' ? undefined : value));

/** The named inline datasets of a spec (top level and layers), by name. */
function namedDatasets(spec: Record<string, unknown>): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  const visit = (node: unknown) => {
    if (typeof node !== 'object' || node === null) return;
    const data = (node as { data?: { name?: unknown; values?: unknown } }).data;
    if (data && typeof data.name === 'string' && Array.isArray(data.values)) out.set(data.name, data.values);
    const layer = (node as { layer?: unknown }).layer;
    if (Array.isArray(layer)) layer.forEach(visit);
  };
  visit(spec);
  return out;
}

function chartSpecs(theory: PreviewTheory): { id: string; data: ChartData }[] {
  return [
    { id: 'chart-prediction', data: predictionSpec(theory, measured) },
    { id: 'chart-frequencies', data: frequencySpec(theory) },
    { id: 'chart-welch', data: welchSpec(theory) },
  ];
}

/** Puts new data into the drawn views; false when a chart's shape changed and it must be redrawn. */
async function updateInPlace(specs: { id: string; data: ChartData }[]): Promise<boolean> {
  if (drawn === null || themeChanged || charts.length !== specs.length) return false;
  const sk = specs.map((s) => skeleton(s.data.spec));
  if (sk.some((x, i) => x !== drawn!.skeletons[i] || specs[i]!.id !== drawn!.ids[i])) return false;
  await Promise.all(
    specs.map(async (s, i) => {
      const view = charts[i]!.result.view;
      for (const [name, values] of namedDatasets(s.data.spec)) {
        view.data(
          name,
          values.map((v) => ({ ...(v as object) })),
        );
      }
      drawn!.holders[i]!.spec = s.data.spec;
      drawn!.holders[i]!.rows = s.data.rows;
      await view.runAsync();
    }),
  );
  return true;
}

async function render(): Promise<void> {
  const token = ++renderToken;
  const t0 = performance.now();
  if (!latest) return;
  const banner = problemsBanner(latest);
  if (!shown) {
    disposeCharts();
    app.replaceChildren(
      h('h1', { text: init.title }),
      banner ?? h('p', { class: 'muted', text: 'Reading the config…' }),
    );
    app.removeAttribute('aria-busy');
    return;
  }
  const { theory, config, message } = shown;
  const runs = expandSweep(config);
  const seconds = estimateSeconds(runs, message.calibration);
  const stale = latest.version !== message.version;
  const body = h('div', {
    class: `preview-body${stale ? ' stale' : ''}`,
    attrs: { 'data-version': String(message.version) },
  });
  const specs = chartSpecs(theory);
  const reuse = await updateInPlace(specs);
  if (token !== renderToken) return;
  const grid = reuse ? drawn!.grid : h('div', { class: 'experiment-grid' });
  if (!reuse) disposeCharts();
  app.replaceChildren(
    h(
      'header',
      { class: 'experiment-header' },
      h('h1', { text: `Preview: ${config.name}` }),
      h('p', {
        class: 'muted',
        attrs: { id: 'preview-summary' },
        text: `${theory.totalRuns} run${theory.totalRuns === 1 ? '' : 's'} × ${theory.stepsPerRun} steps ≈ ${formatDuration(seconds)} · n = ${theory.n} · from theory, updated as you type`,
      }),
      h('button', {
        text: `▶ Run ${theory.totalRuns} runs`,
        attrs: { type: 'button', id: 'run' },
        on: { click: () => post({ type: 'run' }) },
      }),
    ),
    ...(banner ? [banner] : []),
    quickStatus(),
    body,
  );
  app.removeAttribute('aria-busy');
  body.append(grid, gridTable(theory, config));
  if (reuse) {
    post({ type: 'rendered', version: message.version, charts: [...drawn!.ids], ms: performance.now() - t0 });
    await drawMeasured();
    return;
  }
  const ids: string[] = [];
  const holders = specs.map((s) => ({ spec: s.data.spec, rows: s.data.rows }));
  for (const [i, s] of specs.entries()) {
    const chart = await figure(s.id, holders[i]!, grid, ids);
    if (i === 0) predictionChart = chart;
    if (token !== renderToken) return;
  }
  themeChanged = false;
  drawn =
    ids.length === specs.length ? { grid, ids, skeletons: specs.map((s) => skeleton(s.data.spec)), holders } : null;
  post({ type: 'rendered', version: message.version, charts: ids, ms: performance.now() - t0 });
  // Points that landed while the charts were built are not in their specs: put them in now.
  await drawMeasured();
}

function disposeCharts(): void {
  charts.forEach((c) => c.dispose());
  charts = [];
  predictionChart = null;
  drawn = null;
}

const handlers: Handlers<ToPreview> = {
  config: (m) => {
    if (latest && m.version < latest.version) return; // out of order: never go back
    latest = m;
    // The host's check of this version (if any) reports next; the old one's status no longer applies.
    if (quick?.version !== m.version) quick = null;
    if (m.config !== null) {
      try {
        const theory = previewTheory(m.config, m.counts);
        if (shown?.message.version !== m.version) measured = [];
        shown = { message: m, config: m.config, theory };
      } catch (e) {
        // Theory of a valid config should not fail; if it does, say so and keep the text intact.
        latest = {
          ...m,
          problems: [
            ...m.problems,
            {
              severity: 'error',
              code: 'preview/theory',
              message: e instanceof Error ? e.message : String(e),
              start: 0,
              end: 0,
              line: 1,
              col: 1,
            },
          ],
        };
      }
    }
    void render();
  },
  quickCheck: (m) => onQuickCheck(m.status),
};

const receive = listen(TO_PREVIEW_TYPES, handlers, showPageError);
window.addEventListener('message', (e: MessageEvent) => {
  receive(e.data);
});
document.addEventListener('securitypolicyviolation', (e) =>
  post({ type: 'cspViolation', directive: e.violatedDirective, blockedURI: e.blockedURI }),
);
onThemeChange(() => {
  // Colours are baked in when a view is built: a theme change redraws from scratch.
  themeChanged = true;
  void render();
});

post({ type: 'ready', protocolVersion: PREVIEW_PROTOCOL_VERSION });
