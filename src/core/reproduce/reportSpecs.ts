// The report's charts that the experiment panel does not already draw: α_m against α (Figs. 4b,
// 5e), the overlap of the strongly represented rows against m (Fig. 5d), φ₁ against m (Fig. 5 /
// 16), loss against density (Fig. 14), and the two LLM-side fits (Fig. 6b, Fig. 23). Plain
// Vega-Lite with data inlined; the report adds the size and the theme.

import type { ChartData } from '../charts/analysisSpecs';
import type { ExperimentResults } from '../toy/results';
import { seriesFit, offsetModelFit } from '../toy/fits';
import { reconstructedLlmLosses } from '../toy/llmLossTable';
import { LLM_MODELS, nonEmbeddingParams, paramWidthFit } from './llmParams';

type Row = Record<string, number | string | null>;
const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const logX = (field: string, title: string) => ({
  field,
  type: 'quantitative',
  title,
  scale: { type: 'log', nice: false, padding: 12 },
});
const logY = logX;
const title = (text: string, subtitle: string) => ({ text, subtitle, anchor: 'start' });

/** α_m of each (α, γ) series of experiment D against α, with the two theory lines. */
export function alphaMVsAlphaSpec(D: ExperimentResults): ChartData | null {
  const keys = new Map<string, { alpha: number; gamma: number }>();
  for (const r of D.runs) {
    keys.set(`${r.values.exponent}|${r.values.weightDecay}`, {
      alpha: r.values.exponent ?? 0,
      gamma: r.values.weightDecay,
    });
  }
  const rows: Row[] = [];
  for (const { alpha, gamma } of keys.values()) {
    const fit = seriesFit(
      D.runs
        .filter((r) => r.values.exponent === alpha && r.values.weightDecay === gamma)
        .map((r) => ({ m: r.values.width, loss: r.finalLoss })),
    );
    if (fit) rows.push({ alpha, gamma: `γ = ${gamma}`, alphaM: fit.alphaM, stderr: fit.alphaMStderr });
  }
  if (rows.length === 0) return null;
  const alphas = rows.map((r) => r.alpha as number);
  const lo = Math.min(...alphas);
  const hi = Math.max(...alphas);
  const theory: Row[] = [];
  for (let i = 0; i <= 20; i++) {
    const a = lo + ((hi - lo) * i) / 20;
    theory.push({ alpha: a, alphaM: Math.max(0, a - 1), line: 'weak: α − 1' });
    theory.push({ alpha: a, alphaM: Math.max(1, 2 * (a - 1)), line: 'strong: max(1, 2(α − 1))' });
  }
  return {
    rows,
    spec: {
      $schema: SCHEMA,
      title: title('Width exponent α_m vs data exponent α', 'one fit of ln L on ln m per (α, γ); lines: theory'),
      height: 240,
      layer: [
        {
          data: { values: theory },
          mark: { type: 'line', strokeDash: [5, 4], strokeWidth: 1 },
          encoding: {
            x: { field: 'alpha', type: 'quantitative', title: 'data exponent α' },
            y: { field: 'alphaM', type: 'quantitative', title: 'α_m' },
            detail: { field: 'line', type: 'nominal' },
            color: { value: '#888' },
          },
        },
        {
          data: { values: rows },
          mark: { type: 'line', point: { filled: true, size: 60 } },
          encoding: {
            x: { field: 'alpha', type: 'quantitative' },
            y: { field: 'alphaM', type: 'quantitative' },
            color: { field: 'gamma', type: 'nominal', title: null, legend: { orient: 'top-left' } },
          },
        },
      ],
    },
  };
}

/** Mean squared overlap of S = {‖W_i‖ > 1} against m, strong runs, with 1/m and the Welch κ². */
export function overlapVsWidthSpec(D: ExperimentResults): ChartData | null {
  const rows: Row[] = D.runs
    .filter((r) => r.values.weightDecay < 0 && r.meanSqOverlapStrong !== null)
    .map((r) => ({
      m: r.values.width,
      overlap: r.meanSqOverlapStrong,
      welch: r.welchBoundSq,
      series: `α = ${r.values.exponent}, γ = ${r.values.weightDecay}`,
    }));
  if (rows.length === 0) return null;
  const widths = [...new Set(rows.map((r) => r.m as number))].sort((a, b) => a - b);
  const guide: Row[] = widths.map((m) => ({ m, overlap: 1 / m }));
  return {
    rows,
    spec: {
      $schema: SCHEMA,
      title: title(
        'Overlap of the strongly represented rows vs width',
        'mean (Ŵ_i·Ŵ_j)² over S = {‖W_i‖ > 1}; dashed: 1/m',
      ),
      height: 240,
      layer: [
        {
          data: { values: guide },
          mark: { type: 'line', strokeDash: [5, 4], color: '#888' },
          encoding: { x: logX('m', 'width m (log)'), y: logY('overlap', 'mean squared overlap (log)') },
        },
        {
          data: { values: rows },
          mark: { type: 'point', filled: true, size: 50 },
          encoding: {
            x: logX('m', 'width m (log)'),
            y: logY('overlap', 'mean squared overlap (log)'),
            color: { field: 'series', type: 'nominal', title: null },
          },
        },
      ],
    },
  };
}

/** φ₁ (share of rows with norm > 1) against m in the strong regime, with m/n and min(1, m²/2n). */
export function phiOneVsWidthSpec(D: ExperimentResults): ChartData | null {
  const strong = D.runs.filter((r) => r.values.weightDecay < 0);
  if (strong.length === 0) return null;
  const n = strong[0]!.n;
  const rows: Row[] = strong.map((r) => ({
    m: r.values.width,
    phiOne: r.fracStrong,
    series: `α = ${r.values.exponent}`,
  }));
  const widths = [...new Set(rows.map((r) => r.m as number))].sort((a, b) => a - b);
  const guides: Row[] = widths.flatMap((m) => [
    { m, phiOne: m / n, line: 'm/n' },
    { m, phiOne: Math.min(1, (m * m) / (2 * n)), line: 'min(1, m²/2n)' },
  ]);
  return {
    rows,
    spec: {
      $schema: SCHEMA,
      title: title(
        'Strongly represented features φ₁ vs width',
        `n = ${n}; dashed: m/n and the ETF limit min(1, m²/2n)`,
      ),
      height: 220,
      layer: [
        {
          data: { values: guides },
          mark: { type: 'line', strokeDash: [5, 4], color: '#888' },
          encoding: {
            x: logX('m', 'width m (log)'),
            y: { field: 'phiOne', type: 'quantitative', title: 'φ₁' },
            detail: { field: 'line', type: 'nominal' },
          },
        },
        {
          data: { values: rows },
          mark: { type: 'line', point: { filled: true } },
          encoding: {
            x: logX('m', 'width m (log)'),
            y: { field: 'phiOne', type: 'quantitative' },
            color: { field: 'series', type: 'nominal', title: null },
          },
        },
      ],
    },
  };
}

/** Final loss against the activation density E, one line per (γ, m). */
export function lossVsDensitySpec(E: ExperimentResults): ChartData | null {
  const rows: Row[] = E.runs.map((r) => ({
    density: r.values.density,
    loss: r.finalLoss,
    gamma: `γ = ${r.values.weightDecay}`,
    m: r.values.width,
  }));
  if (new Set(rows.map((r) => r.density)).size < 2) return null;
  return {
    rows,
    spec: {
      $schema: SCHEMA,
      title: title('Loss vs activation density E', 'one line per width; colour: γ'),
      height: 220,
      data: { values: rows },
      mark: { type: 'line', point: { filled: true } },
      encoding: {
        x: { field: 'density', type: 'quantitative', title: 'expected active features E' },
        y: { field: 'loss', type: 'quantitative', title: 'final loss', scale: { type: 'log' } },
        color: { field: 'gamma', type: 'nominal', title: null },
        detail: { field: 'm', type: 'nominal' },
      },
    },
  };
}

/** Fig. 6b: the model part L − B of the (reconstructed) LLM losses against m, with C/m^α. */
export function llmLossSpec(): ChartData {
  const points = reconstructedLlmLosses();
  const fit = offsetModelFit(points);
  const rows: Row[] = points.map((p) => ({
    m: p.m,
    part: p.loss - fit.offsets[p.group]!,
    family: p.group.split('/')[0]!,
  }));
  const ms = points.map((p) => p.m);
  const line: Row[] = [Math.min(...ms), Math.max(...ms)].map((m) => ({ m, part: fit.C * m ** -fit.alpha }));
  return {
    rows,
    spec: {
      $schema: SCHEMA,
      title: title(
        'LLM loss minus its offset vs width',
        `reconstructed table; fit C/m^α with α = ${fit.alpha.toFixed(3)}, C = ${fit.C.toFixed(1)}`,
      ),
      height: 220,
      layer: [
        {
          data: { values: line },
          mark: { type: 'line', strokeDash: [5, 4], color: '#888' },
          encoding: { x: logX('m', 'width m (log)'), y: logY('part', 'L − L∞ (log)') },
        },
        {
          data: { values: rows },
          mark: { type: 'point', filled: true },
          encoding: {
            x: logX('m', 'width m (log)'),
            y: logY('part', 'L − L∞ (log)'),
            color: { field: 'family', type: 'nominal', title: null },
          },
        },
      ],
    },
  };
}

/** Fig. 23: non-embedding parameters against width for the four families, with the shared-k fit. */
export function paramsVsWidthSpec(): ChartData {
  const fit = paramWidthFit(nonEmbeddingParams);
  const rows: Row[] = LLM_MODELS.map((x) => ({
    model: x.name,
    family: x.family,
    m: x.m,
    params: nonEmbeddingParams(x),
  }));
  const lines: Row[] = Object.entries(fit.logPrefactors).flatMap(([family, c]) => {
    const ms = LLM_MODELS.filter((x) => x.family === family).map((x) => x.m);
    return [Math.min(...ms), Math.max(...ms)].map((m) => ({ family, m, params: Math.exp(c + fit.k * Math.log(m)) }));
  });
  return {
    rows,
    spec: {
      $schema: SCHEMA,
      title: title(
        'Parameters vs width (non-embedding)',
        `N ∝ m^k, k = ${fit.k.toFixed(2)} ± ${fit.kStderr.toFixed(2)} shared by the four families`,
      ),
      height: 220,
      layer: [
        {
          data: { values: lines },
          mark: { type: 'line', strokeWidth: 1 },
          encoding: {
            x: logX('m', 'width m (log)'),
            y: logY('params', 'parameters N (log)'),
            color: { field: 'family', type: 'nominal', title: null },
          },
        },
        {
          data: { values: rows },
          mark: { type: 'point', filled: true, tooltip: true },
          encoding: {
            x: logX('m', 'width m (log)'),
            y: logY('params', 'parameters N (log)'),
            color: { field: 'family', type: 'nominal' },
          },
        },
      ],
    },
  };
}
