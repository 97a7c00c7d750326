// Vega-Lite specs of the experiment plots, from the results on disk (plain data in, plain JSON
// out; the webview adds the theme). Each returns the rows it plots, for CSV/JSON export.
//
//   lossCurvesSpec   loss (n·MSE) against step for every run, log y; a live run streams into the
//                    named dataset "live" while it trains
//   lossVsWidthSpec  final loss against m, log–log: each setting's seeds pooled (mean, bars of
//                    ± one standard deviation over seeds), its fitted line and α_m ± SE (paper
//                    Figs. 1, 9) and a slope −1 guide (the strong-regime prediction)
//   phiVsGammaSpec   φ½ against the weight decay γ, one line per width (paper Fig. 3)
//   weakLossSpec     measured final loss against the weak-regime prediction of Eq. 4 (Fig. 4a)
//   normHistogramSpec one run's row norms with the ½ and 1 thresholds (Fig. 5b)
//   idealWeakSpec    α_m of the least ambiguous (γ, α) series against α − 1 (Fig. 4b, App. D.5)

import type { ExperimentResults, RunResult, SeriesResult } from '../toy/results';
import { BASE, rowNormHistogramSpec, type ChartData } from './analysisSpecs';
import { idealWeakSelection } from '../toy/idealWeak';

export type Row = Record<string, number | string | null>;

/** The series label used in legends: what distinguishes it, not its full id (pooled seeds counted). */
export function seriesLabel(s: Pick<SeriesResult, 'values'> & { readonly seeds?: readonly number[] }): string {
  const v = s.values;
  const dist = v.distribution === 'power' ? `power α=${v.exponent}` : v.distribution;
  const seeds =
    s.seeds !== undefined && s.seeds.length > 1 ? `, ${s.seeds.length} seeds` : v.seed === 0 ? '' : `, seed ${v.seed}`;
  return `${dist}, γ=${v.weightDecay}${v.density === 1 ? '' : `, E=${v.density}`}${seeds}`;
}

const runSeriesLabel = (r: RunResult) => seriesLabel({ values: r.values });

/** Rows of every finished run's saved (down-sampled) curve. */
export function curveRows(runs: readonly RunResult[]): Row[] {
  return runs.flatMap((r) =>
    r.lossCurve.map((p) => ({ run: r.id, series: runSeriesLabel(r), m: r.values.width, step: p.step, loss: p.loss })),
  );
}

export function lossCurvesSpec(results: ExperimentResults | null, stepsPerRun: number): ChartData {
  const rows = curveRows(results?.runs ?? []);
  const encoding = {
    x: { field: 'step', type: 'quantitative', title: 'step', scale: { domain: [0, stepsPerRun] } },
    y: { field: 'loss', type: 'quantitative', scale: { type: 'log' }, title: 'loss L = n·MSE (log)' },
    detail: { field: 'run', type: 'nominal' },
  };
  return {
    rows,
    spec: {
      ...BASE,
      title: {
        text: 'Training loss',
        subtitle: 'every run; the one training now is drawn as it goes',
        anchor: 'start',
      },
      height: 220,
      layer: [
        {
          data: { name: 'curves', values: rows },
          mark: { type: 'line', strokeWidth: 1.5, tooltip: true },
          // Without finished runs, no legends: empty ones would take the space and clip the title.
          encoding:
            rows.length === 0
              ? encoding
              : {
                  ...encoding,
                  color: { field: 'm', type: 'ordinal', title: 'width m', scale: { scheme: 'viridis' } },
                  strokeDash: { field: 'series', type: 'nominal', title: 'series' },
                },
        },
        {
          data: { name: 'live', values: [] },
          mark: { type: 'line', strokeWidth: 2, color: '#d18616', tooltip: true },
          encoding,
        },
      ],
    },
  };
}

/** Final loss against width per series, the fitted power laws, and a slope −1 guide. */
export function lossVsWidthSpec(results: ExperimentResults): ChartData | null {
  const runs = results.runs;
  const widths = new Set(runs.map((r) => r.values.width));
  if (widths.size < 2) return null;
  const label = new Map(results.series.map((s) => [s.id, seriesLabel(s)]));
  const fitText = (s: SeriesResult) =>
    s.alphaM === null
      ? `${label.get(s.id)}: —`
      : `${label.get(s.id)}: α_m = ${s.alphaM.toFixed(2)}${s.alphaMStderr === null ? '' : ` ± ${s.alphaMStderr.toFixed(2)}`}` +
        (s.alphaMSeedSpread === null ? '' : ` (seed sd ${s.alphaMSeedSpread.toFixed(2)})`);
  const legend = new Map(results.series.map((s) => [s.id, fitText(s)]));
  // One point per setting and width: the mean over seeds, with the seeds' spread as a bar.
  const points: Row[] = results.series.flatMap((s) =>
    s.points.map((p) => ({
      run: p.seeds === 1 ? (s.runs.find((id) => id.endsWith(`-m${p.m}`)) ?? null) : null,
      series: legend.get(s.id)!,
      m: p.m,
      loss: p.loss,
      seeds: p.seeds,
      spread: p.spread,
      lossLow: p.spread === null ? null : Math.max(p.loss - p.spread, p.loss * 1e-3),
      lossHigh: p.spread === null ? null : p.loss + p.spread,
    })),
  );
  const lines: Row[] = [];
  for (const s of results.series) {
    if (s.alphaM === null || s.intercept === null || s.fitWidths.length < 2) continue;
    for (const m of [Math.min(...s.fitWidths), Math.max(...s.fitWidths)]) {
      lines.push({ series: legend.get(s.id)!, m, loss: Math.exp(s.intercept - s.alphaM * Math.log(m)) });
    }
  }
  // The slope −1 guide (L ∝ 1/m, the strong-regime theory) through the geometric mean of the points.
  const positive = points.filter((p) => (p.loss as number) > 0);
  const gm = Math.exp(positive.reduce((a, p) => a + Math.log(p.m as number), 0) / positive.length);
  const gl = Math.exp(positive.reduce((a, p) => a + Math.log(p.loss as number), 0) / positive.length);
  const lo = Math.min(...widths);
  const hi = Math.max(...widths);
  const guide: Row[] = [lo, hi].map((m) => ({ m, loss: (gl * gm) / m, line: 'L ∝ 1/m' }));
  // nice: false keeps the axes on the data (a "nice" log domain pads to whole decades).
  const x = {
    field: 'm',
    type: 'quantitative',
    scale: { type: 'log', nice: false, padding: 12 },
    // A tick at every trained width: a log axis alone would skip the largest (e.g. 16 after 10).
    axis: { values: [...widths].sort((a, b) => a - b), labelOverlap: true },
    title: 'width m (log)',
  };
  const y = {
    field: 'loss',
    type: 'quantitative',
    scale: { type: 'log', nice: false, padding: 12 },
    title: 'final loss (log)',
  };
  return {
    rows: points,
    spec: {
      ...BASE,
      title: {
        text: 'Loss vs width',
        subtitle: 'least-squares fit of ln L on ln m per setting, on the mean over seeds',
        anchor: 'start',
      },
      height: 260,
      layer: [
        {
          data: { name: 'guide', values: guide },
          mark: { type: 'line', strokeDash: [5, 4], strokeWidth: 1, color: '#888' },
          encoding: { x, y },
        },
        {
          data: { name: 'fits', values: lines },
          mark: { type: 'line', strokeWidth: 1.5 },
          encoding: {
            x,
            y,
            color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'bottom', columns: 1 } },
          },
        },
        {
          data: { name: 'spread', values: points.filter((p) => p.spread !== null) },
          mark: { type: 'rule', strokeWidth: 1.5 },
          encoding: {
            x,
            y: { ...y, field: 'lossLow' },
            y2: { field: 'lossHigh' },
            color: { field: 'series', type: 'nominal' },
          },
        },
        {
          data: { name: 'points', values: points },
          mark: { type: 'point', filled: true, size: 60, tooltip: true },
          encoding: { x, y, color: { field: 'series', type: 'nominal' } },
        },
      ],
    },
  };
}

/** φ½ against γ, one line per width (only when the experiment sweeps γ). */
export function phiVsGammaSpec(results: ExperimentResults): ChartData | null {
  const gammas = new Set(results.runs.map((r) => r.values.weightDecay));
  if (gammas.size < 2) return null;
  const rows: Row[] = results.runs
    .map((r) => ({
      run: r.id,
      gamma: r.values.weightDecay,
      phiHalf: r.fracRepresented,
      phiOne: r.fracStrong,
      m: r.values.width,
      mOverN: r.values.width / r.n,
      group: `${r.values.distribution}${r.values.exponent === null ? '' : ` α=${r.values.exponent}`}, m=${r.values.width}`,
    }))
    .sort((a, b) => a.gamma - b.gamma);
  return {
    rows,
    spec: {
      ...BASE,
      title: {
        text: 'Fraction of represented features φ½ vs weight decay γ',
        subtitle: 'φ½ = share of rows with ‖W_i‖ > ½; strong superposition near 1, weak near m/n',
        anchor: 'start',
      },
      height: 220,
      data: { name: 'phi', values: rows },
      mark: { type: 'line', point: { filled: true, size: 50 }, tooltip: true },
      encoding: {
        x: { field: 'gamma', type: 'quantitative', title: 'weight decay γ' },
        y: { field: 'phiHalf', type: 'quantitative', title: 'φ½', scale: { domain: [0, 1] } },
        color: { field: 'm', type: 'ordinal', title: 'width m', scale: { scheme: 'viridis' } },
        detail: { field: 'group', type: 'nominal' },
      },
    },
  };
}

/** Measured final loss against the Eq. 4 prediction; on the diagonal in the weak regime. */
export function weakLossSpec(results: ExperimentResults): ChartData | null {
  if (results.runs.length === 0) return null;
  const rows: Row[] = results.runs.map((r) => ({
    run: r.id,
    predicted: r.predictedWeakLoss,
    loss: r.finalLoss,
    regime: r.values.weightDecay < 0 ? 'γ < 0 (strong)' : 'γ ≥ 0 (weak)',
    m: r.values.width,
  }));
  const top = Math.max(...rows.map((r) => Math.max(r.predicted as number, r.loss as number))) * 1.05;
  return {
    rows,
    spec: {
      ...BASE,
      title: {
        text: 'Loss vs weak-regime prediction',
        subtitle: 'Eq. 4: (4/3)·Σ p_i − p_i² over the features with ‖W_i‖ ≤ ½; the dashed line is y = x',
        anchor: 'start',
      },
      height: 220,
      layer: [
        {
          data: { name: 'diagonal', values: [{ v: 0 }, { v: top }] },
          mark: { type: 'line', strokeDash: [5, 4], strokeWidth: 1, color: '#888' },
          encoding: { x: { field: 'v', type: 'quantitative' }, y: { field: 'v', type: 'quantitative' } },
        },
        {
          data: { name: 'weak', values: rows },
          mark: { type: 'point', filled: true, size: 60, tooltip: true },
          encoding: {
            x: {
              field: 'predicted',
              type: 'quantitative',
              title: 'predicted loss (Eq. 4)',
              scale: { domain: [0, top] },
            },
            y: { field: 'loss', type: 'quantitative', title: 'final loss', scale: { domain: [0, top] } },
            color: { field: 'regime', type: 'nominal', title: null, legend: { orient: 'top-left' } },
            shape: { field: 'regime', type: 'nominal' }, // merged with the colour legend
          },
        },
      ],
    },
  };
}

/** One run's row-norm histogram with the ½ and 1 thresholds. */
export function normHistogramSpec(run: RunResult): ChartData {
  return rowNormHistogramSpec(
    run.rowNormHistogram,
    { half: run.fracRepresented, one: run.fracStrong },
    { text: `Row norms ‖W_i‖ of ${run.id}`, subtitle: `${run.n} features, m = ${run.values.width}` },
    180,
  );
}

/**
 * α_m of the "ideal weak" series (least ambiguity, App. D.5) against α − 1, with ± SE and the line
 * α_m = α − 1 (paper Fig. 4b); the other power-law series faint, for context. Null without an
 * ambiguity per run (older results) or without a power-law series of two widths.
 */
export function idealWeakSpec(results: ExperimentResults): ChartData | null {
  const selection = idealWeakSelection(results.runs);
  if (selection === null || selection.pairs.length === 0) return null;
  const chosen = new Set(selection.selected);
  const rows: Row[] = selection.pairs
    .filter((p) => p.alphaM !== null)
    .map((p) => ({
      series: p.series,
      gamma: p.gamma,
      alpha: p.alpha,
      alphaMinusOne: p.alpha - 1,
      alphaM: p.alphaM,
      low: p.alphaM! - (p.alphaMStderr ?? 0),
      high: p.alphaM! + (p.alphaMStderr ?? 0),
      maxAmbiguity: p.maxAmbiguity,
      kept: chosen.has(p) ? 'ideal weak (least ambiguous)' : 'other series',
    }));
  if (rows.length === 0) return null;
  const xs = rows.map((r) => r.alphaMinusOne as number);
  const lo = Math.min(0, ...xs);
  const hi = Math.max(1, ...xs);
  const x = { field: 'alphaMinusOne', type: 'quantitative', title: 'α − 1' };
  return {
    rows,
    spec: {
      ...BASE,
      title: {
        text: 'Ideal weak runs: α_m vs α − 1',
        subtitle: `${selection.selected.length} of ${selection.pairs.length} series with the smallest max ‖W Wᵀ − R‖₂; dashed: α_m = α − 1`,
        anchor: 'start',
      },
      height: 220,
      layer: [
        {
          data: { name: 'theory', values: [{ v: lo }, { v: hi }] },
          mark: { type: 'line', strokeDash: [5, 4], strokeWidth: 1, color: '#888' },
          encoding: { x: { field: 'v', type: 'quantitative' }, y: { field: 'v', type: 'quantitative' } },
        },
        {
          data: { name: 'idealWeak', values: rows },
          layer: [
            {
              mark: { type: 'rule' },
              encoding: {
                x,
                y: { field: 'low', type: 'quantitative' },
                y2: { field: 'high' },
                opacity: { condition: { test: "datum.kept === 'other series'", value: 0.25 }, value: 1 },
              },
            },
            {
              mark: { type: 'point', filled: true, size: 60, tooltip: true },
              encoding: {
                x,
                y: { field: 'alphaM', type: 'quantitative', title: 'α_m (fit of L ∝ m^−α_m)' },
                color: { field: 'kept', type: 'nominal', title: null, legend: { orient: 'top-left' } },
                opacity: { condition: { test: "datum.kept === 'other series'", value: 0.35 }, value: 1 },
              },
            },
          ],
        },
      ],
    },
  };
}
