// The experiment panel's tables: the α_m fit of each series, and every finished run with its
// metrics. A run's name is a button (keyboard reachable) that selects it for the norm histogram
// and the W Wᵀ heatmap below.

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

export function runsTable(
  runs: readonly RunResult[],
  selected: string | null,
  select: (id: string) => void,
): HTMLElement {
  const sorted = [...runs].sort((a, b) => a.series.localeCompare(b.series) || a.values.width - b.values.width);
  const rows = sorted.map((r) =>
    h(
      'tr',
      { attrs: { 'data-run': r.id, 'aria-selected': String(r.id === selected) } },
      h(
        'th',
        { attrs: { scope: 'row' } },
        h('button', {
          text: r.id,
          class: 'link',
          attrs: { type: 'button', title: 'Show this run’s row norms and W Wᵀ' },
          on: { click: () => select(r.id) },
        }),
      ),
      h('td', { class: 'right', text: String(r.values.width) }),
      h('td', { class: 'right', text: String(r.values.weightDecay) }),
      h('td', { class: 'right final-loss', text: formatValue(r.finalLoss) }),
      h('td', { class: 'right', text: formatValue(r.fracRepresented) }),
      h('td', { class: 'right', text: formatValue(r.fracStrong) }),
      h('td', { class: 'right', text: formatValue(r.meanSqOverlap) }),
      h('td', { class: 'right', text: formatValue(r.meanSqOverlapStrong) }),
      h('td', { class: 'right', text: formatValue(r.welchBoundSq) }),
      h('td', { class: 'right variance-ratio', text: formatValue(r.sqOverlapVarianceRatioStrong ?? null) }),
      h('td', { class: 'right ambiguity', text: formatValue(r.ambiguity ?? null) }),
      h('td', { class: 'right', text: formatValue(r.predictedWeakLoss) }),
      h('td', { class: 'right', text: (r.ms / 1000).toFixed(1) }),
      h('td', { text: r.backend }),
    ),
  );
  return table(
    'runs-table',
    'Finished runs',
    [
      'run',
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
