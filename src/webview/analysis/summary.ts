// The summary card: every number of the analysis, with what it means and how it was computed.

import type { AnalysisReport } from '../../core/analysis/report';
import { formatInteger, formatValue } from '../../core/format';
import { h } from '../dom';
import type { ComputePlace } from '../../shared/analysisProtocol';
import { placeText } from './computeInfo';

const v = (x: number | null | undefined) => formatValue(x ?? null);

function section(title: string, rows: readonly (readonly [string, string, string?])[]): HTMLElement {
  return h(
    'section',
    { class: 'summary-section' },
    h('h3', { text: title }),
    h(
      'dl',
      { class: 'facts' },
      ...rows.flatMap(([k, val, hint]) => [
        h('dt', { text: k, attrs: hint ? { title: hint } : {} }),
        h('dd', { text: val }),
      ]),
    ),
  );
}

/** A visible warning when near-duplicate rows inflate the overlaps (absent in older cached reports). */
function nearDuplicateNote(r: AnalysisReport): HTMLElement | null {
  const d = r.nearDuplicates;
  if (d === null || d === undefined || d.rows === 0) return null;
  const sampled = d.method === 'sampled';
  return h(
    'p',
    { class: 'near-duplicates', attrs: { id: 'near-duplicates', role: 'note' } },
    h('strong', { text: 'Near-duplicate rows: ' }),
    h('span', {
      text:
        `${formatInteger(d.rows)} rows${sampled ? ` of ${formatInteger(d.rowsChecked)} sampled` : ''} in ${formatInteger(d.groups)} group${d.groups === 1 ? '' : 's'} have |u·u| ≥ ${d.threshold}, ` +
        `which inflates max |u·u| and mean (u·u)². With one row per group${sampled ? ' (estimated from the sample)' : ''}: ` +
        `mean (u·u)² ${v(d.meanSqOverlap)} (× m = ${v(d.meanSqOverlap === null ? null : d.meanSqOverlap * r.m)}), mean |u·u| ${v(d.meanAbsOverlap)}, max |u·u| ${v(d.maxAbsOverlap)}.`,
    }),
  );
}

export function summaryCard(r: AnalysisReport, place?: ComputePlace): HTMLElement {
  const ci = r.meanAbsOverlapCI95;
  const sampled = r.overlapMethod === 'sampled';
  const method =
    r.overlapMethod === 'exact'
      ? `exact, all ${formatInteger(r.pairs)} pairs`
      : sampled
        ? `mean (u·u)² exact over all ${formatInteger(r.pairs)} pairs; |u·u| from ${formatInteger(r.sampledPairs ?? 0)} pairs of ${formatInteger(r.sampledRows ?? 0)} rows sampled with seed ${r.seed}`
        : 'no pairs';
  return h(
    'div',
    { class: 'summary-card', attrs: { id: 'summary' } },
    section('Row norms', [
      ['mean ± std', r.rowNorm ? `${v(r.rowNorm.mean)} ± ${v(r.rowNorm.std)}` : '—'],
      ['min … max', r.rowNorm ? `${v(r.rowNorm.min)} … ${v(r.rowNorm.max)}` : '—'],
      ['φ½ (norm > ½)', v(r.fracRepresented), 'Fraction of represented features (paper Eq. 3)'],
      ['φ₁ (norm > 1)', v(r.fracStrong), 'Fraction of strongly represented features (paper Eq. 9)'],
      ['left out', `${formatInteger(r.zeroRows)} zero, ${formatInteger(r.nonFiniteRows)} non-finite rows`],
    ]),
    section('Overlaps of normalised rows', [
      ['mean (u·u)²', v(r.meanSqOverlap), 'Exact over all pairs i < j (Gram identity)'],
      ['× m', v(r.meanSqOverlapTimesM), '1 for independent random directions'],
      ['1/m', v(r.invM)],
      ['mean |u·u|', `${v(r.meanAbsOverlap)}${ci ? ` (95% CI ${v(ci[0])} – ${v(ci[1])})` : ''}`],
      ['max |u·u|', `${v(r.maxAbsOverlap)}${sampled ? ' (largest sampled; a lower bound)' : ''}`],
      [
        'Welch κ / κ²',
        `${v(r.welchBound)} / ${v(r.welchBoundSq)}`,
        `Lower bound on the max |overlap| of ${r.validRows} unit vectors in R^${r.m}`,
      ],
      ['method', method],
    ]),
    section('Strongly represented set S (norm > 1)', [
      ['rows', formatInteger(r.strong.rows)],
      ['mean (u·u)²', v(r.strong.meanSqOverlap)],
      ['mean |u·u|', v(r.strong.meanAbsOverlap)],
      ['Welch κ² for |S|', v(r.strong.welchBoundSq)],
      [
        'var (u·u)² / random',
        // Reports cached before this statistic existed lack it: shown as "—".
        `${v(r.strong.sqOverlapVarianceRatio ?? null)}${r.strong.sqOverlapVarianceRatioCI95 ? ` (95% CI ${v(r.strong.sqOverlapVarianceRatioCI95[0])} – ${v(r.strong.sqOverlapVarianceRatioCI95[1])})` : ''}`,
        'Variance of the squared overlaps in S over 2(m−1)/(m²(m+2)), its value for random unit vectors (paper Fig. 5c): < 1 is more regular than random',
      ],
    ]),
    section('Computed', [
      ['where', place === undefined ? '—' : placeText(place), 'The extension host runs the analysis next to the file'],
      ['kernel', r.kernel],
      ['time', `${(r.ms / 1000).toFixed(2)} s`],
    ]),
    nearDuplicateNote(r),
    r.notes.length > 0 ? h('ul', { class: 'notes' }, ...r.notes.map((n) => h('li', { text: n }))) : null,
  );
}
