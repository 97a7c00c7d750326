// The experiment panel's tables: the α_m fit of each series, and every run of the sweep with its
// status (pending, running here or elsewhere, done, failed) and, once finished, its metrics.

import type { RunResult, SeriesResult } from '../../core/toy/results';
import { formatValue } from '../../core/format';
import { h } from '../dom';

const fixed = (v: number | null, digits = 3) => (v === null ? '—' : v.toFixed(digits));

function table(id: string, caption: string, headers: readonly string[], rows: HTMLElement[]): HTMLElement {
  return h(
    'table',
    { class: 'kv data-table', attrs: { id } },
    h('caption', { text: caption }),
    h('thead', {}, h('tr', {}, ...headers.map((t) => h('th', { text: t, attrs: { scope: 'col' } })))),
    h('tbody', {}, ...rows),
  );
}

export function seriesTable(series: readonly SeriesResult[], label: (s: SeriesResult) => string): HTMLElement {
  const rows = series.map((s) =>
    h(
      'tr',
      { attrs: { 'data-series': s.id } },
      h('th', { text: label(s), attrs: { scope: 'row', title: s.id } }),
      h('td', { class: 'right alpha', text: fixed(s.alphaM) }),
      h('td', { class: 'right', text: s.alphaMStderr === null ? '—' : `± ${fixed(s.alphaMStderr)}` }),
      h('td', { class: 'right', text: fixed(s.r2) }),
      h('td', { text: s.fitWidths.join(', ') || '—' }),
    ),
  );
  return table(
    'series-table',
    'Width exponent α_m per series (L ∝ m^−α_m)',
    ['series', 'α_m', 'SE', 'R²', 'widths fitted'],
    rows,
  );
}

/** Where a run of the sweep stands, as the runs table shows it. */
export type RunStatus =
  | { readonly kind: 'pending' }
  | { readonly kind: 'running-here'; readonly step: number; readonly steps: number; readonly loss: number | null }
  | { readonly kind: 'running-elsewhere'; readonly host: string; readonly pid: number }
  | { readonly kind: 'done' }
  | { readonly kind: 'failed'; readonly message: string };

export function statusLabel(s: RunStatus): string {
  switch (s.kind) {
    case 'pending':
      return 'pending';
    case 'running-here':
      return `running here · step ${s.step}/${s.steps}${s.loss === null ? '' : ` · loss ${formatValue(s.loss)}`}`;
    case 'running-elsewhere':
      return `running elsewhere · ${s.host}:${s.pid}`;
    case 'done':
      return 'done';
    case 'failed':
      return 'failed';
  }
}

const statusTitle = (s: RunStatus): string =>
  s.kind === 'failed'
    ? s.message
    : s.kind === 'running-elsewhere'
      ? `Another process (pid ${s.pid} on ${s.host}) holds this run's lock and its heartbeat is fresh.`
      : s.kind === 'running-here'
        ? "Training in this VS Code window's extension host."
        : '';

/** Sets a status cell (and its row's data-status) to `s`; cheap when nothing changed. */
export function setStatusCell(row: HTMLElement, s: RunStatus): void {
  const cell = row.querySelector<HTMLElement>('td.run-status');
  if (!cell) return;
  const text = statusLabel(s);
  if (cell.textContent !== text) cell.textContent = text;
  if (row.dataset['status'] !== s.kind) {
    row.dataset['status'] = s.kind;
    cell.className = `run-status status-${s.kind}`;
  }
  const title = statusTitle(s);
  if (cell.title !== title) cell.title = title;
}

interface SweepRun {
  readonly id: string;
  readonly series: string;
  readonly values: { readonly width: number; readonly weightDecay: number };
}

/**
 * Every run of the sweep, finished or not, with its status; a finished run's name is a button
 * (keyboard reachable) that selects it for the norm histogram and the W Wᵀ heatmap below.
 */
export function runsTable(
  runs: readonly SweepRun[],
  finished: readonly RunResult[],
  statusOf: (id: string) => RunStatus,
  selected: string | null,
  select: (id: string) => void,
): HTMLElement {
  const byId = new Map(finished.map((r) => [r.id, r]));
  const sorted = [...runs].sort((a, b) => a.series.localeCompare(b.series) || a.values.width - b.values.width);
  const metric = (r: RunResult | undefined, value: (r: RunResult) => string, cls = 'right') =>
    h('td', { class: cls, text: r === undefined ? '' : value(r) });
  const rows = sorted.map((spec) => {
    const r = byId.get(spec.id);
    const row = h(
      'tr',
      { attrs: { 'data-run': spec.id, 'aria-selected': String(spec.id === selected) } },
      h(
        'th',
        { attrs: { scope: 'row' } },
        r === undefined
          ? h('span', { text: spec.id })
          : h('button', {
              text: spec.id,
              class: 'link',
              attrs: { type: 'button', title: 'Show this run’s row norms and W Wᵀ' },
              on: { click: () => select(spec.id) },
            }),
      ),
      h('td', { class: 'run-status' }),
      h('td', { class: 'right', text: String(spec.values.width) }),
      h('td', { class: 'right', text: String(spec.values.weightDecay) }),
      metric(r, (x) => formatValue(x.finalLoss), 'right final-loss'),
      metric(r, (x) => formatValue(x.fracRepresented)),
      metric(r, (x) => formatValue(x.fracStrong)),
      metric(r, (x) => formatValue(x.meanSqOverlap)),
      metric(r, (x) => formatValue(x.meanSqOverlapStrong)),
      metric(r, (x) => formatValue(x.welchBoundSq)),
      metric(r, (x) => formatValue(x.sqOverlapVarianceRatioStrong ?? null), 'right variance-ratio'),
      metric(r, (x) => formatValue(x.ambiguity ?? null), 'right ambiguity'),
      metric(r, (x) => formatValue(x.predictedWeakLoss)),
      metric(r, (x) => (x.ms / 1000).toFixed(1)),
      metric(r, (x) => x.backend, ''),
    );
    setStatusCell(row, statusOf(spec.id));
    return row;
  });
  return table(
    'runs-table',
    `Runs (${finished.length} of ${runs.length} finished)`,
    [
      'run',
      'status',
      'm',
      'γ',
      'final loss',
      'φ½',
      'φ₁',
      'overlap² (all)',
      'overlap² (S)',
      'Welch κ²',
      'var. ratio (S)',
      'ambiguity',
      'weak pred.',
      's',
      'backend',
    ],
    rows,
  );
}
