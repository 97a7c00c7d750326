// Vega-Lite specs of the analysis plots, from an AnalysisReport: plain data in, plain JSON out
// (the webview adds the theme). Each builder also returns the rows it plots, for CSV/JSON export.

import type { AnalysisReport } from '../analysis/report';
import type { LinearFit } from '../stats/regression';

export interface ChartData {
  readonly spec: Record<string, unknown>;
  /** The plotted data, one object per row (what "Export CSV/JSON" saves). */
  readonly rows: readonly Record<string, number | string | null>[];
}

/** The Vega-Lite version every spec builder targets. */
export const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** A chart that fills its panel's width and resizes with it. */
export const BASE = {
  $schema: SCHEMA,
  width: 'container',
  autosize: { type: 'fit-x', contains: 'padding', resize: true },
} as const;

/**
 * A row-norm histogram (the datasets "norms", "thresholds", "thresholdLabels") with the paper's
 * thresholds ½ (represented) and 1 (strongly represented): shared by the analysis and experiment
 * panels.
 */
export function rowNormHistogramSpec(
  histogram: { readonly max: number; readonly counts: readonly number[] },
  phi: { readonly half: number; readonly one: number },
  title: { readonly text: string; readonly subtitle: string },
  height = 200,
): ChartData {
  const { max, counts } = histogram;
  const width = max / counts.length;
  const rows = counts.map((count, i) => ({ lo: i * width, hi: (i + 1) * width, rows: count }));
  // Labels on two lines (pixel offsets from the top) so they never overlap.
  const rules = [
    { x: 0.5, label: `φ½ = ${phi.half.toPrecision(3)} (norm > ½)`, top: 2 },
    { x: 1, label: `φ₁ = ${phi.one.toPrecision(3)} (norm > 1)`, top: 16 },
  ];
  return {
    rows,
    spec: {
      $schema: SCHEMA,
      title: { ...title, anchor: 'start' },
      width: 'container',
      height,
      autosize: { type: 'fit-x', contains: 'padding', resize: true },
      layer: [
        {
          data: { name: 'norms', values: rows },
          mark: { type: 'bar', binSpacing: 0, tooltip: true },
          encoding: {
            x: { field: 'lo', type: 'quantitative', bin: { binned: true }, title: 'row norm' },
            x2: { field: 'hi' },
            y: { field: 'rows', type: 'quantitative', title: 'rows' },
          },
        },
        {
          data: { name: 'thresholds', values: rules },
          mark: { type: 'rule', strokeDash: [4, 3], strokeWidth: 1.5 },
          encoding: { x: { field: 'x', type: 'quantitative' }, color: { value: '#d18616' } },
        },
        // Labels in the theme's text colour (orange text is unreadable on a light theme), right of
        // their rule, or left of it in the right half so they stay inside the chart.
        ...(['left', 'right'] as const).map((align) => ({
          data: {
            name: align === 'left' ? 'thresholdLabels' : 'thresholdLabelsRight',
            values: rules.filter((r) => r.x > max * 0.55 === (align === 'right')),
          },
          mark: { type: 'text', align, baseline: 'top', dx: align === 'left' ? 4 : -4 },
          encoding: {
            x: { field: 'x', type: 'quantitative' },
            // Pixel offsets from the top (scale: null), so the two labels never overlap.
            y: { field: 'top', type: 'quantitative', scale: null },
            text: { field: 'label' },
          },
        })),
      ],
    },
  };
}

/** Row norms of an analysed matrix. */
export function rowNormSpec(r: AnalysisReport): ChartData {
  return rowNormHistogramSpec(
    r.histograms.rowNorm,
    { half: r.fracRepresented, one: r.fracStrong },
    {
      text: 'Row norms ‖W_i‖',
      subtitle: `${r.n.toLocaleString('en-US')} rows; mean ${r.rowNorm?.mean.toPrecision(4) ?? '—'}`,
    },
  );
}

/**
 * Squared overlaps (u_i·u_j)² on a log axis, as the fraction of pairs per bin, with the
 * reference lines: 1/m (random isotropic directions), κ² (Welch bound) and the measured mean.
 */
export function sqOverlapSpec(r: AnalysisReport): ChartData | null {
  const h = r.histograms.sqOverlap;
  if (h === null) return null;
  const total = h.counts.reduce((a, b) => a + b, 0);
  const edges = h.lowerEdges;
  const rows = h.counts.map((count, i) => ({
    // The first bin is [0, 1e-8): drawn from 1e-9 so it fits on the log axis.
    lo: i === 0 ? 1e-9 : edges[i]!,
    hi: i + 1 < edges.length ? edges[i + 1]! : 1,
    fraction: total > 0 ? count / total : 0,
    pairs: count,
  }));
  const lines = [
    { x: r.invM, label: `1/m = ${r.invM.toPrecision(3)}` },
    ...(r.welchBoundSq > 0 ? [{ x: r.welchBoundSq, label: `Welch κ² = ${r.welchBoundSq.toPrecision(3)}` }] : []),
    ...(r.meanSqOverlap !== null && r.meanSqOverlap > 0
      ? [{ x: r.meanSqOverlap, label: `mean = ${r.meanSqOverlap.toPrecision(3)}` }]
      : []),
  ];
  const basis =
    r.overlapMethod === 'sampled'
      ? `${(r.sampledPairs ?? 0).toLocaleString('en-US')} sampled pairs`
      : `all ${total.toLocaleString('en-US')} pairs`;
  return {
    rows,
    spec: {
      $schema: SCHEMA,
      title: { text: 'Squared overlaps (u_i·u_j)² of normalised rows', subtitle: basis, anchor: 'start' },
      width: 'container',
      height: 200,
      autosize: { type: 'fit-x', contains: 'padding', resize: true },
      layer: [
        {
          data: { name: 'overlaps', values: rows },
          mark: { type: 'bar', binSpacing: 0, tooltip: true },
          encoding: {
            x: {
              field: 'lo',
              type: 'quantitative',
              bin: { binned: true },
              scale: { type: 'log', domain: [1e-9, 1] },
              axis: { format: '.0e' },
              title: 'squared overlap (log scale)',
            },
            x2: { field: 'hi' },
            y: { field: 'fraction', type: 'quantitative', title: 'fraction of pairs', axis: { format: '.0%' } },
          },
        },
        {
          data: { name: 'references', values: lines },
          mark: { type: 'rule', strokeDash: [4, 3], strokeWidth: 1.5 },
          encoding: {
            x: { field: 'x', type: 'quantitative' },
            color: { field: 'label', type: 'nominal', title: null, legend: { orient: 'top-left' } },
          },
        },
      ],
    },
  };
}

export interface CompareRowData {
  readonly file: string;
  readonly m: number;
  readonly invM: number;
  readonly meanSqOverlap: number;
}

/** Mean squared overlap against 1/m (log–log), the fitted line with its slope, and a slope-1 guide. */
export function compareSpec(points: readonly CompareRowData[], fit: LinearFit | null): ChartData {
  const xs = points.map((p) => p.invM);
  const lo = Math.min(...xs) / 1.5;
  const hi = Math.max(...xs) * 1.5;
  // Slope-1 guide through the geometric mean of the points: y ∝ 1/m.
  const gx = Math.exp(points.reduce((s, p) => s + Math.log(p.invM), 0) / points.length);
  const gy = Math.exp(points.reduce((s, p) => s + Math.log(p.meanSqOverlap), 0) / points.length);
  const lines = [
    { line: 'slope 1 (∝ 1/m)', x: lo, y: (gy * lo) / gx },
    { line: 'slope 1 (∝ 1/m)', x: hi, y: (gy * hi) / gx },
    ...(fit === null
      ? []
      : [
          { line: 'fit', x: lo, y: Math.exp(fit.intercept + fit.slope * Math.log(lo)) },
          { line: 'fit', x: hi, y: Math.exp(fit.intercept + fit.slope * Math.log(hi)) },
        ]),
  ];
  const slope =
    fit === null
      ? 'needs two widths'
      : `slope ${fit.slope.toPrecision(3)}${fit.slopeStderr === null ? '' : ` ± ${fit.slopeStderr.toPrecision(2)}`}${fit.r2 === null ? '' : `, R² ${fit.r2.toPrecision(3)}`}`;
  return {
    rows: points.map((p) => ({ file: p.file, m: p.m, invM: p.invM, meanSqOverlap: p.meanSqOverlap })),
    spec: {
      $schema: SCHEMA,
      title: {
        text: 'Mean squared overlap vs 1/m',
        subtitle: `fit of ln(mean overlap²) on ln(1/m): ${slope}`,
        anchor: 'start',
      },
      width: 'container',
      height: 280,
      autosize: { type: 'fit-x', contains: 'padding', resize: true },
      layer: [
        {
          data: { name: 'lines', values: lines },
          mark: { type: 'line' },
          encoding: {
            x: { field: 'x', type: 'quantitative', scale: { type: 'log' }, title: '1/m' },
            y: { field: 'y', type: 'quantitative', scale: { type: 'log' }, title: 'mean squared overlap' },
            color: { field: 'line', type: 'nominal', title: null, legend: { orient: 'top-left' } },
            // The fit solid, the slope-1 guide dashed: they can coincide (random heads).
            strokeDash: {
              field: 'line',
              type: 'nominal',
              scale: {
                domain: ['fit', 'slope 1 (∝ 1/m)'],
                range: [
                  [1, 0],
                  [5, 4],
                ],
              },
              legend: null,
            },
          },
        },
        {
          data: { name: 'points', values: points },
          mark: { type: 'point', filled: true, size: 70, tooltip: true },
          encoding: {
            x: { field: 'invM', type: 'quantitative', scale: { type: 'log' } },
            y: { field: 'meanSqOverlap', type: 'quantitative', scale: { type: 'log' } },
          },
        },
        // File names right of their points, or left of them in the right half of the (log) axis,
        // so that they stay inside the chart.
        ...(['left', 'right'] as const).map((align) => ({
          data: {
            name: align === 'left' ? 'pointLabels' : 'pointLabelsRight',
            values: points.filter((p) => Math.log(p.invM / lo) > 0.55 * Math.log(hi / lo) === (align === 'right')),
          },
          mark: { type: 'text', align, dx: align === 'left' ? 7 : -7, fontSize: 10 },
          encoding: {
            x: { field: 'invM', type: 'quantitative', scale: { type: 'log' } },
            y: { field: 'meanSqOverlap', type: 'quantitative', scale: { type: 'log' } },
            text: { field: 'file' },
          },
        })),
      ],
    },
  };
}

/** RFC 4180 CSV of uniform rows (header from the first row's keys). */
export function toCsv(rows: readonly Record<string, number | string | null>[]): string {
  if (rows.length === 0) return '';
  const keys = Object.keys(rows[0]!);
  const cell = (v: number | string | null) => {
    const s = v === null ? '' : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `${[keys.join(','), ...rows.map((r) => keys.map((k) => cell(r[k] ?? null)).join(','))].join('\n')}\n`;
}
