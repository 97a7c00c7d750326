// Entry point of the analysis panel. The host streams row blocks; this page hands them to the
// compute worker, shows progress (with Cancel), builds the report when the worker is done, and
// draws the summary and the plots (or, in compare mode, the overlap-vs-1/m scaling plot).

import type { AnalysisReport } from '../../core/analysis/report';
import { analysisReport } from '../../core/analysis/report';
import type { WireError } from '../../core/errors';
import {
  compareSpec,
  rowNormHistogramSpec,
  rowNormSpec,
  sqOverlapSpec,
  type ChartData,
} from '../../core/charts/analysisSpecs';
import type { PartialNorms } from '../../core/analysis/superposition';
import { linearFit } from '../../core/stats/regression';
import { formatInteger, formatValue, fileSlug } from '../../core/format';
import { dispatch, isMessageOf, type Handlers } from '../../shared/channel';
import {
  ANALYSIS_PROTOCOL_VERSION,
  TO_ANALYSIS_TYPES,
  type AnalysisInit,
  type AnalysisSubject,
  type FromAnalysis,
  type ToAnalysis,
} from '../../shared/analysisProtocol';
import type { AnalysisSettings } from '../../shared/workerProtocol';
import { readInit, vscodeApi } from '../vscodeApi';
import { h } from '../dom';
import { onThemeChange, type Chart } from '../charts/vegaChart';
import { WorkerClient, JobError } from '../workerClient';
import { progressLabel } from '../viewer/progress';
import { exportBar } from '../charts/exportBar';
import { chartFigure } from '../charts/chartFigure';
import { drawHeatmap } from './heatmap';
import { summaryCard } from './summary';

interface SubjectState {
  readonly subject: AnalysisSubject;
  status: 'queued' | 'running' | 'done' | 'failed';
  fraction: number;
  label: string;
  startedAt: number;
  compute: string;
  report?: AnalysisReport;
  cached?: boolean;
  gram?: Float32Array;
  error?: WireError;
  /** Row norms of the rows analysed so far, while a job runs (a first plot before the report). */
  partial?: { norms: PartialNorms; total: number };
}

/** A host job as the page sees it: the worker job behind it, and blocks that came before it existed. */
interface PageJob {
  readonly hostJobId: string;
  readonly subjectId: string;
  workerJobId?: string;
  buffered: { index: number; rows: number; bytes: ArrayBuffer }[];
  ended: boolean;
}

const init = readInit<AnalysisInit>();
const api = vscodeApi<unknown>();
const post = (m: FromAnalysis) => api.postMessage(m);
const client = new WorkerClient({ workerUrl: init.workerUrl, wasmUrls: init.wasmUrls });
const app = document.getElementById('app')!;

let subjects: SubjectState[] = [];
let settings: AnalysisSettings | undefined;
const jobs = new Map<string, PageJob>();
let charts: Chart[] = [];

const byId = (id: string) => subjects.find((s) => s.subject.id === id);

// ---------------------------------------------------------------------------------------------
// Jobs: host blocks → worker, worker progress → page and host.

async function startJob(m: Extract<ToAnalysis, { type: 'jobStart' }>): Promise<void> {
  const state = byId(m.subjectId);
  if (!state) return;
  const job: PageJob = { hostJobId: m.jobId, subjectId: m.subjectId, buffered: [], ended: false };
  jobs.set(m.jobId, job);
  Object.assign(state, {
    status: 'running',
    fraction: 0,
    label: 'starting the compute worker',
    startedAt: performance.now(),
    error: undefined,
    partial: undefined,
  });
  render();
  try {
    const { jobId, result } = await client.run(
      { kind: 'analyze', layout: m.layout, settings: m.settings },
      init.backend,
      {
        onStarted: (backend, kernel) => {
          state.compute = `${backend.toUpperCase()} · ${kernel}`;
          post({ type: 'jobStarted', jobId: m.jobId, backend, kernel });
          renderStatus();
        },
        onBlockDone: (index) => post({ type: 'blockDone', jobId: m.jobId, index }),
        onPartial: (norms, total) => {
          const first = state.partial === undefined;
          state.partial = { norms, total };
          // The first one lays the page out with the plot; later ones only redraw the plot.
          void (first ? render() : drawPartial(state));
        },
        onProgress: (fraction, label) => {
          state.fraction = fraction;
          state.label = label;
          post({ type: 'progress', jobId: m.jobId, fraction, label });
          renderStatus();
        },
      },
    );
    job.workerJobId = jobId;
    for (const b of job.buffered.splice(0)) client.sendBlock(jobId, b.index, b.rows, b.bytes);
    if (job.ended) client.endBlocks(jobId);
    const done = await result;
    if (done.kind !== 'analyze') throw new Error('The worker returned the wrong kind of result.');
    const s = state.subject;
    const report = analysisReport(
      {
        file: s.file,
        tensor: s.tensor,
        dtype: s.layout.dtype,
        transposed: s.layout.transpose,
        tensorChoice: s.tensorChoice,
        pairBudget: m.settings.pairBudget,
        seed: m.settings.seed,
        backend: done.backend.name,
        ms: done.ms,
      },
      done.analysis,
    );
    Object.assign(state, {
      status: 'done',
      partial: undefined,
      report,
      cached: false,
      gram: done.gram === null ? undefined : new Float32Array(done.gram),
    });
    post({ type: 'jobDone', jobId: m.jobId, report, backend: done.backend });
  } catch (e) {
    const error: WireError =
      e instanceof JobError ? e.wire : { code: 'internal', message: e instanceof Error ? e.message : String(e) };
    Object.assign(state, { status: 'failed', error, partial: undefined });
    post({ type: 'jobFailed', jobId: m.jobId, error });
  } finally {
    jobs.delete(m.jobId);
    render();
  }
}

function cancel(state: SubjectState): void {
  for (const job of jobs.values()) {
    if (job.subjectId !== state.subject.id) continue;
    post({ type: 'cancel', jobId: job.hostJobId });
    if (job.workerJobId) client.cancel(job.workerJobId);
    state.label = 'cancelling…';
    renderStatus();
  }
}

const handlers: Handlers<ToAnalysis> = {
  subjects: (m) => {
    settings = m.settings;
    subjects = m.subjects.map((subject) => ({
      subject,
      status: 'queued',
      fraction: 0,
      label: '',
      startedAt: 0,
      compute: '',
    }));
    render();
  },
  result: (m) => {
    const state = byId(m.subjectId);
    if (!state) return;
    Object.assign(state, { status: 'done', report: m.report, cached: m.cached, error: undefined });
    render();
  },
  jobStart: (m) => void startJob(m),
  block: (m) => {
    const job = jobs.get(m.jobId);
    if (!job) return;
    if (job.workerJobId) client.sendBlock(job.workerJobId, m.index, m.rows, m.bytes);
    else job.buffered.push({ index: m.index, rows: m.rows, bytes: m.bytes });
  },
  blocksEnd: (m) => {
    const job = jobs.get(m.jobId);
    if (!job) return;
    job.ended = true;
    if (job.workerJobId) client.endBlocks(job.workerJobId);
  },
  jobAbort: (m) => {
    const job = jobs.get(m.jobId);
    if (job?.workerJobId) client.cancel(job.workerJobId);
    const state = job ? byId(job.subjectId) : undefined;
    if (state) Object.assign(state, { status: 'failed', error: m.error });
    render();
  },
  subjectFailed: (m) => {
    const state = byId(m.subjectId);
    if (!state || state.status === 'done') return;
    Object.assign(state, { status: 'failed', error: m.error });
    render();
  },
};

// ---------------------------------------------------------------------------------------------
// Rendering.

/** Where and how a result was computed, in words: the exact kernel runs in plain JavaScript whatever backend is available. */
function computeInfo(r: AnalysisReport, cached: boolean): string {
  const backend = r.backend === 'none' ? 'CPU' : r.backend.toUpperCase();
  // The exact kernel is plain JavaScript, used for small matrices whatever backend is available.
  const where =
    r.kernel === 'float64'
      ? `with the exact float64 kernel (small matrix; backend ${backend} available)`
      : `on ${backend} (${r.kernel})`;
  return `${cached ? 'From the cache; computed' : 'Computed'} in ${(r.ms / 1000).toFixed(2)} s ${where}.`;
}

function statusLine(state: SubjectState): HTMLElement {
  const line = h('div', {
    class: 'status',
    attrs: { 'aria-live': 'polite', id: `status-${fileSlug(state.subject.id)}` },
  });
  switch (state.status) {
    case 'queued':
      line.append(h('span', { class: 'muted', text: 'Waiting…' }));
      break;
    case 'running': {
      const pct = Math.round(state.fraction * 100);
      line.append(
        h('progress', { attrs: { max: '100', value: String(pct), 'aria-label': `Analysing ${state.subject.tensor}` } }),
        h('span', {
          class: 'muted',
          text: `${progressLabel(state.fraction, performance.now() - state.startedAt)} · ${state.label}`,
        }),
        h('button', { text: 'Cancel', attrs: { type: 'button', class: 'cancel' }, on: { click: () => cancel(state) } }),
      );
      if (state.compute) line.append(h('span', { class: 'muted compute', text: `on ${state.compute}` }));
      break;
    }
    case 'done': {
      const r = state.report!;
      line.append(
        h('span', { class: 'muted', attrs: { id: 'compute-info' }, text: computeInfo(r, state.cached === true) }),
      );
      break;
    }
    case 'failed': {
      const cancelled = state.error?.code === 'job/cancelled';
      line.append(
        h('span', {
          class: cancelled ? 'muted' : 'error',
          attrs: cancelled ? {} : { role: 'alert' },
          text: cancelled ? 'Cancelled.' : (state.error?.message ?? 'Failed.'),
        }),
      );
      line.append(
        h('button', {
          text: 'Run again',
          attrs: { type: 'button' },
          on: { click: () => settings && post({ type: 'rerun', settings }) },
        }),
      );
      break;
    }
  }
  return line;
}

/** Updates only the status lines (progress ticks), keeping focus on Cancel. */
function renderStatus(): void {
  for (const state of subjects) {
    const old = document.getElementById(`status-${fileSlug(state.subject.id)}`);
    if (!old) continue;
    if (init.mode === 'compare') {
      old.replaceWith(compactStatus(state));
      continue;
    }
    if (state.status === 'running' && old.querySelector('progress')) {
      old.querySelector('progress')!.setAttribute('value', String(Math.round(state.fraction * 100)));
      old.querySelector('span')!.textContent =
        `${progressLabel(state.fraction, performance.now() - state.startedAt)} · ${state.label}`;
      const compute = old.querySelector('.compute');
      if (state.compute && !compute) old.append(h('span', { class: 'muted compute', text: `on ${state.compute}` }));
    } else {
      old.replaceWith(statusLine(state));
    }
  }
}

/** A short status for a row of the compare table; the details go in the tooltip. */
function compactStatus(state: SubjectState): HTMLElement {
  switch (state.status) {
    case 'queued':
      return h('span', { class: 'muted', text: 'waiting' });
    case 'running':
      return h(
        'span',
        { class: 'muted', attrs: { id: `status-${fileSlug(state.subject.id)}` } },
        h('progress', {
          attrs: {
            max: '100',
            value: String(Math.round(state.fraction * 100)),
            'aria-label': `Analysing ${state.subject.file}`,
          },
        }),
        h('span', { text: ` ${Math.round(state.fraction * 100)}%` }),
      );
    case 'done':
      return h('span', {
        text: `✓ ${(state.report!.ms / 1000).toFixed(2)} s${state.cached ? ' (cached)' : ''}`,
        attrs: { title: computeInfo(state.report!, state.cached === true) },
      });
    case 'failed':
      return h('span', {
        class: state.error?.code === 'job/cancelled' ? 'muted' : 'error',
        text: state.error?.code === 'job/cancelled' ? 'cancelled' : 'failed',
        attrs: { title: state.error?.message ?? '' },
      });
  }
}

function settingsForm(): HTMLElement {
  const s = settings!;
  const field = (label: string, name: keyof AnalysisSettings, value: number, help: string) =>
    h(
      'label',
      { class: 'field', attrs: { title: help } },
      `${label} `,
      h('input', { attrs: { type: 'number', name, value: String(value), min: '0', step: 'any' } }),
    );
  const form = h(
    'form',
    { class: 'settings', attrs: { id: 'settings-form' } },
    field(
      'exact pairs up to n²·m =',
      'pairBudget',
      s.pairBudget,
      'Beyond this, mean and max |overlap| are estimated from a sample of rows',
    ),
    field('sample rows', 'sampleRows', s.sampleRows, 'Rows sampled for pair statistics beyond the budget'),
    field('seed', 'seed', s.seed, 'Seed of the row sample'),
    h('button', { text: 'Run again', attrs: { type: 'submit' } }),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const num = (k: string, fallback: number) => {
      const x = Number(data.get(k));
      return Number.isFinite(x) && x >= 0 ? x : fallback;
    };
    settings = {
      ...s,
      pairBudget: num('pairBudget', s.pairBudget),
      sampleRows: Math.max(2, Math.round(num('sampleRows', s.sampleRows))),
      seed: Math.round(num('seed', s.seed)),
    };
    post({ type: 'rerun', settings });
  });
  return h('details', { class: 'settings-box' }, h('summary', { text: 'Settings' }), form);
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
  const parts: HTMLElement[] = [header, statusLine(state)];
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
  if (settings) parts.push(settingsForm());
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
  body.append(summaryCard(r), plots);
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
    ...(settings ? [settingsForm()] : []),
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

window.addEventListener('message', (e: MessageEvent) => {
  if (isMessageOf<ToAnalysis>(e.data, TO_ANALYSIS_TYPES)) void dispatch(handlers, e.data);
});
document.addEventListener('securitypolicyviolation', (e) =>
  post({ type: 'cspViolation', directive: e.violatedDirective, blockedURI: e.blockedURI }),
);
onThemeChange(() => void render());
window.addEventListener('unload', () => client.dispose());

post({ type: 'ready', protocolVersion: ANALYSIS_PROTOCOL_VERSION });
