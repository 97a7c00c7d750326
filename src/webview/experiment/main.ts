// Entry point of the experiment panel: a view of the sweep the extension host trains. The host
// sends the experiment (runs, results on disk, runs training elsewhere), the sweep's state and the
// run in progress (its loss so far, streamed into the live curve); this page draws them and sends
// commands (run, stop, open a run, export). Everything drawn comes from the results on disk, plus
// the run in progress. The page keeps its config's URI in its state, so the host can bring the
// panel back after a window reload.

import type { ExperimentResults } from '../../core/toy/results';
import type { ChartData } from '../../core/charts/analysisSpecs';
import {
  lossCurvesSpec,
  lossVsWidthSpec,
  normHistogramSpec,
  phiVsGammaSpec,
  seriesLabel,
  weakLossSpec,
  idealWeakSpec,
} from '../../core/charts/experimentSpecs';
import { gramMatrix } from '../../core/analysis/gram';
import { formatValue, fileSlug } from '../../core/format';
import { listen, type Handlers } from '../../shared/channel';
import {
  EXPERIMENT_PROTOCOL_VERSION,
  TO_EXPERIMENT_TYPES,
  type ExperimentInit,
  type ExperimentOverview,
  type ExperimentPageState,
  type ExperimentState,
  type FromExperiment,
  type LiveRun,
  type ToExperiment,
} from '../../shared/experimentProtocol';
import { readInit, vscodeApi } from '../vscodeApi';
import { h, showPageError } from '../dom';
import { onThemeChange, type Chart } from '../charts/vegaChart';
import { chartFigure } from '../charts/chartFigure';
import { exportBar } from '../charts/exportBar';
import { drawHeatmap } from '../analysis/heatmap';
import { progressLabel } from '../viewer/progress';
import { runsTable, seriesTable, setStatusCell, type RunStatus } from './tables';

/** Heatmaps are drawn for n up to this (n² cells computed in the page). */
const HEATMAP_MAX_ROWS = 2000;
/** W of at most this many runs is kept in memory for heatmaps. */
const WEIGHTS_KEPT = 6;
/** The live curve is redrawn at most this often. */
const LIVE_REDRAW_MS = 250;

const init = readInit<ExperimentInit>();
const api = vscodeApi<ExperimentPageState>();
const post = (m: FromExperiment) => api.postMessage(m);
// Read back by the host's WebviewPanelSerializer after a window reload.
api.setState({ configUri: init.configUri });
const app = document.getElementById('app')!;

let overview: ExperimentOverview | null = null;
let results: ExperimentResults | null = null;
let hostState: ExperimentState = { kind: 'idle' };
let live: LiveRun | null = null;
let selectedRun: string | null = null;
const weights = new Map<string, { n: number; m: number; W: Float32Array } | { error: string }>();
let charts: Chart[] = [];
let lossChart: Chart | null = null;
let liveTimer: ReturnType<typeof setTimeout> | undefined;

/** Streams the live run's points into the loss chart without redrawing the page. */
function scheduleLiveRedraw(): void {
  if (liveTimer !== undefined) return;
  liveTimer = setTimeout(() => {
    liveTimer = undefined;
    const view = lossChart?.result.view;
    if (!view || !live) return;
    const run = live.runId;
    view.data(
      'live',
      live.points.map((p) => ({ run, step: p.step, loss: p.loss })),
    );
    void view.runAsync();
  }, LIVE_REDRAW_MS);
}

const handlers: Handlers<ToExperiment> = {
  overview: (m) => {
    overview = m.overview;
    results = m.overview.results;
    selectedRun ??= results?.runs.at(-1)?.id ?? null;
    void render();
  },
  state: (m) => {
    const wasRunning = hostState.kind === 'running';
    hostState = m.state;
    if (wasRunning && m.state.kind !== 'running') void render();
    else renderStatus();
  },
  live: (m) => {
    const before = live?.runId;
    live = m.live;
    if (live) scheduleLiveRedraw();
    renderStatus();
    updateRunStatuses(before);
  },
  results: (m) => {
    results = m.results;
    selectedRun = m.results.runs.at(-1)?.id ?? selectedRun;
    void render();
  },
  weights: (m) => {
    weights.set(
      m.runId,
      m.W === null ? { error: m.error ?? 'unreadable' } : { n: m.n, m: m.m, W: new Float32Array(m.W) },
    );
    while (weights.size > WEIGHTS_KEPT) weights.delete(weights.keys().next().value!);
    void renderSelection();
  },
};

// ---------------------------------------------------------------------------------------------
// Rendering.

/** Where a run stands: training here wins (a retrain), then finished, then another process's lock. */
function runStatus(id: string): RunStatus {
  if (live?.runId === id) return { kind: 'running-here', step: live.step, steps: live.steps, loss: live.loss };
  if (results?.runs.some((r) => r.id === id)) return { kind: 'done' };
  const other = overview?.elsewhere.find((o) => o.id === id);
  if (other) return { kind: 'running-elsewhere', host: other.host, pid: other.pid };
  const failed = overview?.failed.find((f) => f.id === id);
  if (failed) return { kind: 'failed', message: failed.message };
  return { kind: 'pending' };
}

/** The live run's row (and the one before it) in place, several times a second, without a redraw. */
function updateRunStatuses(previous: string | undefined): void {
  for (const id of new Set([previous, live?.runId])) {
    if (id === undefined) continue;
    const row = document.querySelector<HTMLElement>(`#runs-table tr[data-run="${CSS.escape(id)}"]`);
    if (row) setStatusCell(row, runStatus(id));
  }
}

/** Runs other processes train now (a sharded or cluster sweep), from the host's lock reading. */
function elsewhereText(): string {
  const others = overview?.elsewhere ?? [];
  const slurm = overview?.slurm ? ` ${overview.slurm}` : '';
  if (others.length === 0) return slurm;
  const hosts = [...new Set(others.map((o) => o.host))];
  return ` ${others.length} training elsewhere (${hosts.slice(0, 3).join(', ')}${hosts.length > 3 ? ', …' : ''}): ${others
    .map((o) => o.id)
    .slice(0, 3)
    .join(', ')}${others.length > 3 ? ', …' : ''}.${slurm}`;
}

function statusText(): string {
  const total = overview?.runs.length ?? 0;
  const finished = results?.runs.length ?? 0;
  const stopping = hostState.kind === 'running' && hostState.stopping ? ' · stopping…' : '';
  if (live) {
    const overall = (finished + live.step / live.steps) / Math.max(1, total);
    const elapsed = Math.max(0, Date.now() - live.startedAt);
    const loss = live.loss === null ? '' : ` · loss ${formatValue(live.loss)}`;
    const where = live.where ? ` · ${live.where}` : '';
    return `Run ${Math.min(total, finished + 1)} of ${total}: ${live.runId} · step ${live.step}/${live.steps} (${progressLabel(live.step / live.steps, elapsed)})${loss}${where}${stopping} · ${Math.floor(overall * 100)}% of the experiment`;
  }
  switch (hostState.kind) {
    case 'idle':
      if (total === 0) return 'Loading…';
      // A window reload restarts the extension host and ends its sweep: say so where it matters.
      return finished < total
        ? `${finished} of ${total} runs finished.${elsewhereText()} Run trains the rest in the extension host (a sweep stops when the window reloads; its finished runs stay saved and Run resumes).`
        : `${finished} of ${total} runs finished.${elsewhereText()}`;
    case 'running':
      return `Run ${Math.min(total, finished + 1)} of ${total}: starting…${stopping}`;
    default:
      return hostState.message;
  }
}

function statusBar(): HTMLElement {
  const total = overview?.runs.length ?? 0;
  const finished = results?.runs.length ?? 0;
  const running = live !== null || hostState.kind === 'running';
  const bar = h('div', { class: 'status', attrs: { id: 'experiment-status', 'aria-live': 'polite' } });
  if (running) {
    const fraction = live ? (finished + live.step / live.steps) / Math.max(1, total) : finished / Math.max(1, total);
    bar.append(
      h('progress', {
        attrs: { max: '100', value: String(Math.round(fraction * 100)), 'aria-label': 'Experiment progress' },
      }),
    );
  }
  const failed = hostState.kind === 'failed';
  bar.append(
    h('span', {
      class: failed ? 'error' : 'muted',
      attrs: { id: 'status-text', ...(failed ? { role: 'alert' } : {}) },
      text: statusText(),
    }),
  );
  if (running) {
    const stopping = hostState.kind === 'running' && hostState.stopping;
    bar.append(
      h('button', {
        text: stopping ? 'Stopping…' : 'Stop',
        attrs: { type: 'button', id: 'stop', title: 'Stop after saving the finished runs' },
        on: { click: () => post({ type: 'stop' }) },
      }),
    );
  } else if (overview && finished < total) {
    bar.append(
      h('button', {
        text: finished === 0 ? `Run ${total} run${total === 1 ? '' : 's'}` : `Resume (${total - finished} left)`,
        attrs: { type: 'button', id: 'run' },
        on: { click: () => post({ type: 'start' }) },
      }),
    );
  }
  return bar;
}

/** Updates the status bar in place (progress ticks), keeping keyboard focus on its button. */
function renderStatus(): void {
  const old = document.getElementById('experiment-status');
  if (!old) return;
  const progress = old.querySelector('progress');
  const text = document.getElementById('status-text');
  const runningNow = live !== null || hostState.kind === 'running';
  if (runningNow && progress && text && old.querySelector('#stop')) {
    const total = overview?.runs.length ?? 1;
    const finished = results?.runs.length ?? 0;
    const fraction = live ? (finished + live.step / live.steps) / total : finished / total;
    progress.setAttribute('value', String(Math.round(fraction * 100)));
    text.textContent = statusText();
    return;
  }
  const focused = document.activeElement?.id;
  const fresh = statusBar();
  old.replaceWith(fresh);
  if (focused === 'stop' || focused === 'run') (fresh.querySelector('button') as HTMLElement | null)?.focus();
}

async function figure(id: string, data: ChartData | null, baseName: string, into: HTMLElement, drawn: string[]) {
  if (data === null) return null;
  const chart = await chartFigure(id, data, `${fileSlug(overview?.name ?? 'experiment')}-${baseName}`, into, post);
  if (chart) {
    charts.push(chart);
    drawn.push(id);
  }
  return chart;
}

function selectRun(id: string): void {
  selectedRun = id;
  document.querySelectorAll('#runs-table tr[aria-selected]').forEach((tr) => {
    tr.setAttribute('aria-selected', String(tr.getAttribute('data-run') === id));
  });
  void renderSelection();
}

let selectionCharts: Chart[] = [];

/** The selected run: its row-norm histogram and its W Wᵀ heatmap. */
async function renderSelection(): Promise<void> {
  const holder = document.getElementById('selection');
  if (!holder) return;
  selectionCharts.forEach((c) => c.dispose());
  selectionCharts = [];
  const run = results?.runs.find((r) => r.id === selectedRun);
  if (!run) {
    holder.replaceChildren();
    return;
  }
  const actions = h(
    'div',
    { class: 'run-actions' },
    h('button', {
      text: 'Open weights',
      class: 'small',
      attrs: { type: 'button', title: `Open ${run.weights} in the checkpoint viewer` },
      on: { click: () => post({ type: 'openRun', runId: run.id, action: 'view' }) },
    }),
    h('button', {
      text: 'Analyze superposition',
      class: 'small',
      attrs: { type: 'button', title: 'Open the superposition analysis of this W' },
      on: { click: () => post({ type: 'openRun', runId: run.id, action: 'analyze' }) },
    }),
  );
  const plots = h('div', { class: 'selection-plots' });
  const ratio = run.sqOverlapVarianceRatioStrong;
  const detail = h('p', {
    class: 'muted run-detail',
    text:
      `ambiguity ‖W Wᵀ − R‖₂ = ${formatValue(run.ambiguity ?? null)} · ` +
      `variance of overlap² in S / random = ${formatValue(ratio ?? null)}` +
      (run.sqOverlapVarianceRatioStrongCI95
        ? ` (95% ${run.sqOverlapVarianceRatioStrongCI95.map((x) => formatValue(x)).join('–')}, sampled)`
        : '') +
      ` · |S| = ${run.strongRows}`,
  });
  holder.replaceChildren(h('h2', { text: `Run ${run.id}` }), detail, actions, plots);
  const chart = await chartFigure('chart-norms', normHistogramSpec(run), `${fileSlug(run.id)}-row-norms`, plots, post);
  if (chart) selectionCharts.push(chart);
  if (run.n > HEATMAP_MAX_ROWS) {
    plots.append(h('p', { class: 'muted', text: `No W Wᵀ heatmap for n = ${run.n} (over ${HEATMAP_MAX_ROWS}).` }));
    return;
  }
  const w = weights.get(run.id);
  if (w === undefined) {
    plots.append(h('p', { class: 'muted', attrs: { id: 'heatmap-loading' }, text: 'Reading W for the heatmap…' }));
    post({ type: 'requestWeights', runId: run.id });
    return;
  }
  if ('error' in w) {
    plots.append(h('p', { class: 'error', text: `No heatmap: ${w.error}` }));
    return;
  }
  const gram = gramMatrix(w.W, w.n, w.m);
  const map = drawHeatmap(gram, w.n, `W Wᵀ of ${run.id} (features in frequency order)`);
  map.element.append(
    exportBar({ baseName: `${fileSlug(run.id)}-gram`, png: async () => map.canvas.toDataURL('image/png') }, post),
  );
  map.element.id = 'heatmap';
  plots.append(map.element);
}

let renderToken = 0;

async function render(): Promise<void> {
  const token = ++renderToken;
  charts.forEach((c) => c.dispose());
  charts = [];
  lossChart = null;
  if (!overview) {
    app.replaceChildren(statusBar());
    return;
  }
  const o = overview;
  const header = h(
    'header',
    { class: 'experiment-header' },
    h('h1', { text: `Experiment ${o.name}` }),
    o.description ? h('p', { text: o.description }) : null,
    h('p', {
      class: 'muted',
      text: `${o.configFile} · ${o.runs.length} run${o.runs.length === 1 ? '' : 's'} × ${o.stepsPerRun} steps · results in ${o.outDir}`,
    }),
  );
  const grid = h('div', { class: 'experiment-grid' });
  const tables = h('div', { class: 'experiment-tables' });
  const selection = h('section', { class: 'selection', attrs: { id: 'selection', 'aria-label': 'Selected run' } });
  app.replaceChildren(header, statusBar(), grid, tables, selection);
  app.removeAttribute('aria-busy');
  const drawn: string[] = [];
  lossChart = await figure('chart-loss-curves', lossCurvesSpec(results, o.stepsPerRun), 'loss-curves', grid, drawn);
  if (live) scheduleLiveRedraw();
  if (results && results.runs.length > 0) {
    await figure('chart-loss-vs-width', lossVsWidthSpec(results), 'loss-vs-width', grid, drawn);
    await figure('chart-phi-vs-gamma', phiVsGammaSpec(results), 'phi-vs-gamma', grid, drawn);
    await figure('chart-weak-loss', weakLossSpec(results), 'weak-loss', grid, drawn);
    await figure('chart-ideal-weak', idealWeakSpec(results), 'ideal-weak', grid, drawn);
    if (token !== renderToken) return;
    tables.append(seriesTable(results.series, seriesLabel));
  } else {
    grid.append(h('p', { class: 'muted', text: 'The plots fill in as runs finish.' }));
  }
  tables.append(runsTable(o.runs, results?.runs ?? [], runStatus, selectedRun, selectRun));
  if (results && results.runs.length > 0) await renderSelection();
  if (token === renderToken) {
    const doneRows = document.querySelectorAll('#runs-table tr[data-status="done"]').length;
    post({ type: 'rendered', charts: drawn, doneRows });
  }
}

const receive = listen(TO_EXPERIMENT_TYPES, handlers, showPageError);
window.addEventListener('message', (e: MessageEvent) => receive(e.data));
document.addEventListener('securitypolicyviolation', (e) =>
  post({ type: 'cspViolation', directive: e.violatedDirective, blockedURI: e.blockedURI }),
);
onThemeChange(() => void render());

void render();
post({ type: 'ready', protocolVersion: EXPERIMENT_PROTOCOL_VERSION });
