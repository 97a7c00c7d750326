// The live preview beside an experiment config. Every `config` message (one per edit, tagged with
// the document version) redraws the theory at once; then, after a pause in typing, a quick check
// trains a few short runs in the worker and adds their measured losses to the predictions. A new
// version cancels the check in flight, and results carry their version: an old one is dropped,
// never drawn as current.

import type { ExperimentConfig } from '../../core/config/schema';
import type { ChartData } from '../../core/charts/analysisSpecs';
import { frequencySpec, predictionSpec, welchSpec, type MeasuredPoint } from '../../core/charts/previewSpecs';
import { previewTheory, seriesLabelOf, type PreviewTheory } from '../../core/toy/theory';
import { estimateSeconds, formatDuration } from '../../core/config/costModel';
import { quickCheckPlan } from '../../core/toy/quickCheck';
import { featureFrequencies } from '../../core/toy/distributions';
import { expandSweep } from '../../core/config/sweep';
import { dispatch, isMessageOf, type Handlers } from '../../shared/channel';
import {
  PREVIEW_PROTOCOL_VERSION,
  TO_PREVIEW_TYPES,
  type FromPreview,
  type PreviewInit,
  type QuickCheckState,
  type ToPreview,
} from '../../shared/previewProtocol';
import { readInit, vscodeApi } from '../vscodeApi';
import { h } from '../dom';
import { onThemeChange, type Chart } from '../charts/vegaChart';
import { chartFigure } from '../charts/chartFigure';
import { WorkerClient, JobError } from '../workerClient';
import { fileSlug } from '../../core/format';

/** The quick check starts after this long without edits. */
const QUICK_DELAY_MS = 600;

type ConfigMessage = Extract<ToPreview, { type: 'config' }>;

const init = readInit<PreviewInit>();
const api = vscodeApi<unknown>();
const post = (m: FromPreview) => api.postMessage(m);
const client = new WorkerClient({ workerUrl: init.workerUrl, wasmUrls: init.wasmUrls });
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
let measured: MeasuredPoint[] = [];
let quick: { version: number; state: QuickCheckState; message: string; jobId?: string } | null = null;
let quickTimer: ReturnType<typeof setTimeout> | undefined;

function setQuick(version: number, state: QuickCheckState, message: string, jobId?: string): void {
  quick = { version, state, message, jobId };
  post({ type: 'quickCheck', version, state, message, points: measured.length });
  const el = document.getElementById('quick-status');
  if (el) el.replaceWith(quickStatus());
}

/** Cancels the quick check in flight (its results will be dropped by version anyway). */
function cancelQuick(reason: string): void {
  clearTimeout(quickTimer);
  if (quick && (quick.state === 'running' || quick.state === 'waiting')) {
    if (quick.jobId) client.cancel(quick.jobId);
    setQuick(quick.version, 'cancelled', reason);
  }
}

async function runQuickCheck(message: ConfigMessage, config: ExperimentConfig): Promise<void> {
  const version = message.version;
  const plan = quickCheckPlan(config, message.calibration);
  if (plan.runs.length === 0) {
    setQuick(version, 'skipped', `Quick check skipped: ${plan.skipped ?? 'nothing to run'}.`);
    return;
  }
  const t0 = performance.now();
  const frequencies = new Map<string, ReturnType<typeof featureFrequencies>>();
  for (const [i, spec] of plan.runs.entries()) {
    if (latest?.version !== version) return; // superseded: the new version has its own check
    const v = spec.values;
    const key = `${v.distribution}|${v.exponent}|${v.density}`;
    let f = frequencies.get(key);
    if (!f) {
      f = featureFrequencies({
        distribution: v.distribution,
        n: spec.n,
        exponent: v.exponent ?? 0,
        scale: spec.scale,
        density: v.density,
        counts: message.counts,
      });
      frequencies.set(key, f);
    }
    setQuick(
      version,
      'running',
      `Quick check: run ${i + 1} of ${plan.runs.length} (m = ${v.width}, ${spec.steps} steps, B = ${spec.batch})…`,
    );
    try {
      const { jobId, result } = await client.run(
        {
          kind: 'train',
          spec,
          frequencies: { p: Array.from(f.p), capped: f.capped, effectiveDensity: f.effectiveDensity },
        },
        init.backend,
      );
      if (quick?.version === version) quick.jobId = jobId;
      const done = await result;
      if (done.kind !== 'train' || latest?.version !== version) return;
      measured.push({ series: seriesLabelOf(v), m: v.width, loss: done.result.finalLoss });
      const view = predictionChart?.result.view;
      if (view && shown?.message.version === version) {
        view.data(
          'measured',
          measured.map((p) => ({ ...p })),
        );
        await view.runAsync();
      }
    } catch (e) {
      if (latest?.version !== version) return;
      const cancelled = e instanceof JobError && e.wire.code === 'job/cancelled';
      setQuick(
        version,
        cancelled ? 'cancelled' : 'failed',
        cancelled ? 'Quick check cancelled.' : `Quick check failed: ${e instanceof Error ? e.message : String(e)}`,
      );
      return;
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  setQuick(
    version,
    'done',
    `Quick check: ${plan.runs.length} short runs in ${seconds.toFixed(1)} s (♦ on the loss plot; fewer steps than the real runs, so above them).`,
  );
}

function quickStatus(): HTMLElement {
  const el = h('div', { class: 'status', attrs: { id: 'quick-status', 'aria-live': 'polite' } });
  if (!quick) return el;
  el.dataset['version'] = String(quick.version);
  el.dataset['state'] = quick.state;
  el.append(h('span', { class: quick.state === 'failed' ? 'error' : 'muted', text: quick.message }));
  if (quick.state === 'running' || quick.state === 'waiting') {
    el.append(
      h('button', {
        text: 'Cancel',
        class: 'small',
        attrs: { type: 'button', id: 'quick-cancel' },
        on: { click: () => cancelQuick('Quick check cancelled.') },
      }),
    );
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
    cancelQuick('Quick check discarded: the config changed.');
    if (m.config !== null) {
      try {
        const theory = previewTheory(m.config, m.counts);
        if (shown?.message.version !== m.version) measured = [];
        shown = { message: m, config: m.config, theory };
        const config = m.config;
        setQuick(m.version, 'waiting', 'Quick check starts when you stop typing…');
        quickTimer = setTimeout(() => void runQuickCheck(m, config), QUICK_DELAY_MS);
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
};

window.addEventListener('message', (e: MessageEvent) => {
  if (isMessageOf<ToPreview>(e.data, TO_PREVIEW_TYPES)) void dispatch(handlers, e.data);
});
document.addEventListener('securitypolicyviolation', (e) =>
  post({ type: 'cspViolation', directive: e.violatedDirective, blockedURI: e.blockedURI }),
);
onThemeChange(() => {
  // Colours are baked in when a view is built: a theme change redraws from scratch.
  themeChanged = true;
  void render();
});
window.addEventListener('unload', () => client.dispose());

post({ type: 'ready', protocolVersion: PREVIEW_PROTOCOL_VERSION });
