// Entry point of the analysis panel. The extension host computes (its compute worker reads the
// checkpoint); this page only shows progress (with Cancel) and partial row norms while a job runs,
// then the summary with where it ran and the plots (or, in compare mode, the overlap-vs-1/m
// scaling plot). It keeps what it was opened for with setState, so a reloaded window reopens it.

import {
  compareSpec,
  rowNormHistogramSpec,
  rowNormSpec,
  sqOverlapSpec,
  type ChartData,
} from '../../core/charts/analysisSpecs';
import { linearFit } from '../../core/stats/regression';
import { formatInteger, formatValue, fileSlug } from '../../core/format';
import { listen, type Handlers } from '../../shared/channel';
import {
  ANALYSIS_PROTOCOL_VERSION,
  TO_ANALYSIS_TYPES,
  type AnalysisInit,
  type FromAnalysis,
  type ToAnalysis,
} from '../../shared/analysisProtocol';
import type { AnalysisSettings } from '../../shared/computeJobs';
import { readInit, vscodeApi } from '../vscodeApi';
import { h, showPageError } from '../dom';
import { onThemeChange, type Chart } from '../charts/vegaChart';
import { exportBar } from '../charts/exportBar';
import { chartFigure } from '../charts/chartFigure';
import { drawHeatmap } from './heatmap';
import { summaryCard } from './summary';
import type { SubjectState } from './subjectState';
import { compactStatus, statusId, statusLine, updateRunningStatus, type StatusActions } from './status';
import { settingsForm } from './settingsForm';

const init = readInit<AnalysisInit>();
const api = vscodeApi<unknown>();
const post = (m: FromAnalysis) => api.postMessage(m);
const app = document.getElementById('app')!;

let subjects: SubjectState[] = [];
let settings: AnalysisSettings | undefined;
let charts: Chart[] = [];

const byId = (id: string) => subjects.find((s) => s.subject.id === id);
const byJob = (jobId: string) => subjects.find((s) => s.status === 'running' && s.jobId === jobId);

// ---------------------------------------------------------------------------------------------
// Jobs run in the extension host; the page follows them and can cancel them.

function cancel(state: SubjectState): void {
  if (state.status !== 'running' || state.jobId === undefined) return;
  post({ type: 'cancel', jobId: state.jobId });
  state.label = 'cancelling…';
  renderStatus();
}

const handlers: Handlers<ToAnalysis> = {
  subjects: (m) => {
    settings = m.settings;
    // Kept by VS Code across window reloads: the serializer reopens the panel from it.
    api.setState(m.state);
    subjects = m.subjects.map((subject) => ({ subject, status: 'queued', fraction: 0, label: '', startedAt: 0 }));
    render();
  },
  result: (m) => {
    const state = byId(m.subjectId);
    if (!state) return;
    Object.assign(state, {
      status: 'done',
      report: m.report,
      cached: m.cached,
      place: m.place,
      error: undefined,
      partial: undefined,
      jobId: undefined,
    });
    render();
  },
  heatmap: (m) => {
    const state = byId(m.subjectId);
    // Sent just before its result; a cached result has none.
    if (state) state.gram = new Float32Array(m.gram, 0, m.n * m.n);
  },
  jobQueued: (m) => {
    const state = byId(m.subjectId);
    if (!state) return;
    Object.assign(state, {
      status: 'running',
      jobId: m.jobId,
      fraction: 0,
      label: 'starting the compute worker in the extension host',
      startedAt: performance.now(),
      place: undefined,
      error: undefined,
      partial: undefined,
      gram: undefined,
    });
    render();
  },
  jobStarted: (m) => {
    const state = byJob(m.jobId);
    if (!state) return;
    Object.assign(state, { place: m.place, label: 'reading the checkpoint' });
    renderStatus();
  },
  progress: (m) => {
    const state = byJob(m.jobId);
    if (!state) return;
    if (state.label !== 'cancelling…') state.label = m.label;
    state.fraction = m.fraction;
    renderStatus();
  },
  partial: (m) => {
    const state = byJob(m.jobId);
    if (!state) return;
    const first = state.partial === undefined;
    state.partial = { norms: m.norms, total: m.total };
    // The first one lays the page out with the plot; later ones only redraw the plot.
    void (first ? render() : drawPartial(state));
  },
  subjectFailed: (m) => {
    const state = byId(m.subjectId);
    if (!state) return;
    Object.assign(state, { status: 'failed', error: m.error, partial: undefined, jobId: undefined });
    render();
  },
};

// ---------------------------------------------------------------------------------------------
// Rendering.

const actions: StatusActions = {
  cancel,
  rerun: () => settings && post({ type: 'rerun', settings }),
};

/** The settings form; its Run again keeps the new settings for the next one. */
const settingsBox = (s: AnalysisSettings) =>
  settingsForm(s, (next) => {
    settings = next;
    post({ type: 'rerun', settings: next });
  });

/** Updates only the status lines (progress ticks), keeping focus on Cancel. */
function renderStatus(): void {
  for (const state of subjects) {
    const old = document.getElementById(statusId(state));
    if (!old) continue;
    if (init.mode === 'compare') old.replaceWith(compactStatus(state));
    else if (!updateRunningStatus(old, state)) old.replaceWith(statusLine(state, actions));
  }
}

async function figure(id: string, data: ChartData, baseName: string, into: HTMLElement): Promise<void> {
  const chart = await chartFigure(id, data, baseName, into, post);
  if (chart) charts.push(chart);
}

let partialChart: Chart | null = null;

function partialSpec(state: SubjectState): ChartData | null {
  const p = state.partial;
  if (!p) return null;
  return rowNormHistogramSpec(
    p.norms.histogram,
    { half: p.norms.half, one: p.norms.one },
    {
      text: 'Row norms so far',
      subtitle: `${formatInteger(p.norms.rows)} of ${formatInteger(p.total)} rows; the full analysis follows`,
    },
  );
}

/** Redraws only the partial plot (the rest of the page, and focus on Cancel, stay as they are). */
async function drawPartial(state: SubjectState): Promise<void> {
  const holder = document.getElementById('partial-plot');
  const data = partialSpec(state);
  if (!holder || !data || state.status !== 'running') return;
  partialChart?.dispose();
  partialChart = null;
  holder.replaceChildren();
  partialChart = await chartFigure('chart-row-norms-partial', data, 'row-norms-partial', holder, post);
}

async function renderSingle(state: SubjectState): Promise<string[]> {
  const s = state.subject;
  const layoutText = `${s.layout.dtype} · ${formatInteger(s.layout.n)} × ${formatInteger(s.layout.m)}${s.layout.transpose ? ' (transposed)' : ''}`;
  const header = h(
    'header',
    { class: 'analysis-header' },
    h('h1', { text: `Superposition of ${s.tensor}` }),
    h('p', { class: 'muted', text: `${s.file} · ${layoutText} · ${s.tensorChoice}` }),
  );
  const parts: HTMLElement[] = [header, statusLine(state, actions)];
  if (s.transposeHint && state.status !== 'running') {
    parts.push(
      h(
        'p',
        { class: 'banner warning' },
        `${s.transposeHint} `,
        h('button', {
          text: 'Analyze transposed',
          class: 'small',
          attrs: { type: 'button' },
          on: { click: () => post({ type: 'analyzeTransposed', subjectId: s.id }) },
        }),
      ),
    );
  }
  const rendered: string[] = [];
  const body = h('div', { class: 'analysis-body' });
  parts.push(body);
  if (settings) parts.push(settingsBox(settings));
  app.replaceChildren(...parts);
  app.removeAttribute('aria-busy');
  const r = state.report;
  partialChart?.dispose();
  partialChart = null;
  const partial = state.status === 'running' ? partialSpec(state) : null;
  if (partial) {
    const holder = h('div', { class: 'plots', attrs: { id: 'partial-plot' } });
    body.append(holder);
    partialChart = await chartFigure('chart-row-norms-partial', partial, 'row-norms-partial', holder, post);
    rendered.push('rowNormsPartial');
  }
  if (state.status !== 'done' || !r) return rendered;
  const plots = h('div', { class: 'plots' });
  body.append(summaryCard(r, state.place), plots);
  const base = fileSlug(`${s.file.split('/').pop()}-${s.tensor}`);
  await figure('chart-row-norms', rowNormSpec(r), `${base}-row-norms`, plots);
  rendered.push('rowNorms');
  const overlaps = sqOverlapSpec(r);
  if (overlaps) {
    await figure('chart-sq-overlaps', overlaps, `${base}-squared-overlaps`, plots);
    rendered.push('sqOverlaps');
  }
  if (state.gram) {
    const map = drawHeatmap(state.gram, r.n, `W Wᵀ (${formatInteger(r.n)} × ${formatInteger(r.n)})`);
    const gram = state.gram;
    map.element.append(
      exportBar(
        {
          baseName: `${base}-gram`,
          png: async () => map.canvas.toDataURL('image/png'),
          rows: () => {
            const rows: Record<string, number>[] = [];
            for (let i = 0; i < r.n; i++) for (let j = 0; j < r.n; j++) rows.push({ i, j, value: gram[i * r.n + j]! });
            return rows;
          },
        },
        post,
      ),
    );
    plots.append(map.element);
    rendered.push('heatmap');
  } else if (r.n > (settings?.heatmapMaxRows ?? 0)) {
    plots.append(
      h('p', {
        class: 'muted',
        text: `No W Wᵀ heatmap: ${formatInteger(r.n)} rows is more than the ${formatInteger(settings?.heatmapMaxRows ?? 0)} set in superpositionLab.analysis.heatmapMaxRows.`,
      }),
    );
  } else if (state.cached) {
    plots.append(h('p', { class: 'muted', text: 'The W Wᵀ heatmap is not cached: run again to draw it.' }));
  }
  return rendered;
}

async function renderCompare(): Promise<string[]> {
  const done = subjects.filter(
    (s) => s.status === 'done' && s.report && s.report.meanSqOverlap !== null && s.report.meanSqOverlap > 0,
  );
  const table = h(
    'table',
    { class: 'kv compare-table', attrs: { id: 'compare-table' } },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['Checkpoint', 'Tensor', 'n', 'm', '1/m', 'mean (u·u)²', '× m', 'φ½', 'Status'].map((t) =>
          h('th', { text: t, attrs: { scope: 'col' } }),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      ...[...subjects]
        .sort((a, b) => a.subject.layout.m - b.subject.layout.m)
        .map((s) => {
          const r = s.report;
          return h(
            'tr',
            {},
            h('th', { text: s.subject.file, attrs: { scope: 'row' } }),
            h('td', { text: s.subject.tensor }),
            h('td', { class: 'right', text: formatInteger(s.subject.layout.n) }),
            h('td', { class: 'right', text: formatInteger(s.subject.layout.m) }),
            h('td', { class: 'right', text: formatValue(1 / s.subject.layout.m) }),
            h('td', { class: 'right', text: formatValue(r?.meanSqOverlap ?? null) }),
            h('td', { class: 'right', text: formatValue(r?.meanSqOverlapTimesM ?? null) }),
            h('td', { class: 'right', text: formatValue(r?.fracRepresented ?? null) }),
            h('td', {}, compactStatus(s)),
          );
        }),
    ),
  );
  const plots = h('div', { class: 'plots wide' });
  app.replaceChildren(
    h(
      'header',
      { class: 'analysis-header' },
      h('h1', { text: `Compare superposition across ${subjects.length} checkpoints` }),
      h('p', {
        class: 'muted',
        text: 'The paper (Fig. 6a) finds the mean squared overlap of LLM heads scaling like 1/m: a slope near 1 here.',
      }),
    ),
    table,
    plots,
    ...(settings ? [settingsBox(settings)] : []),
  );
  app.removeAttribute('aria-busy');
  const widths = new Set(done.map((s) => s.report!.m));
  if (done.length < 2 || widths.size < 2) {
    plots.append(
      h('p', {
        class: 'muted',
        text: subjects.some((s) => s.status !== 'done' && s.status !== 'failed')
          ? 'The plot appears when two checkpoints of different widths are done.'
          : 'The plot needs results for at least two different widths.',
      }),
    );
    return [];
  }
  const points = done.map((s) => ({
    file: s.subject.file
      .split('/')
      .pop()!
      .replace(/\.safetensors(\.index\.json)?$/, ''),
    m: s.report!.m,
    invM: s.report!.invM,
    meanSqOverlap: s.report!.meanSqOverlap!,
  }));
  const fit = linearFit(
    points.map((p) => Math.log(p.invM)),
    points.map((p) => Math.log(p.meanSqOverlap)),
  );
  await figure('chart-compare', compareSpec(points, fit), 'superposition-compare', plots);
  return ['compare'];
}

let renderToken = 0;

async function render(): Promise<void> {
  const token = ++renderToken;
  charts.forEach((c) => c.dispose());
  charts = [];
  if (subjects.length === 0) return;
  const drawn = init.mode === 'single' ? await renderSingle(subjects[0]!) : await renderCompare();
  if (token === renderToken && drawn.length > 0) post({ type: 'rendered', charts: drawn });
}

const receive = listen(TO_ANALYSIS_TYPES, handlers, showPageError);
window.addEventListener('message', (e: MessageEvent) => receive(e.data));
document.addEventListener('securitypolicyviolation', (e) =>
  post({ type: 'cspViolation', directive: e.violatedDirective, blockedURI: e.blockedURI }),
);
onThemeChange(() => void render());

post({ type: 'ready', protocolVersion: ANALYSIS_PROTOCOL_VERSION });
