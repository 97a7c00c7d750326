// Vega-Lite specs of the live preview (theory before training, src/core/toy/theory.ts), with the
// quick check's measured points streamed into the "measured" dataset.

import type { PreviewTheory } from '../toy/theory';
import type { ChartData } from './analysisSpecs';
import type { Row } from './experimentSpecs';
import { BASE } from './analysisSpecs';

const LOG = { type: 'log', nice: false, padding: 10 } as const;

/** p_i against rank on log–log axes, one line per distinct frequency family. */
export function frequencySpec(theory: PreviewTheory): ChartData {
  const rows: Row[] = theory.frequencies.flatMap((f) =>
    f.points.map((p) => ({ family: `${f.label} (E = ${f.density.toPrecision(3)})`, rank: p.rank, p: p.p })),
  );
  const capped = theory.frequencies.filter((f) => f.capped > 0);
  return {
    rows,
    spec: {
      ...BASE,
      title: {
        text: 'Feature frequencies p_i',
        subtitle:
          capped.length > 0
            ? `capped at 1: ${capped.map((f) => `${f.capped} features of ${f.label}`).join('; ')}`
            : `n = ${theory.n.toLocaleString('en-US')} features, by frequency rank`,
        anchor: 'start',
      },
      height: 200,
      data: { name: 'frequencies', values: rows },
      mark: { type: 'line', tooltip: true },
      encoding: {
        x: { field: 'rank', type: 'quantitative', scale: LOG, title: 'rank i (log)' },
        y: { field: 'p', type: 'quantitative', scale: LOG, title: 'p_i (log)' },
        color: { field: 'family', type: 'nominal', title: null, legend: { orient: 'bottom', columns: 1 } },
      },
    },
  };
}

export interface MeasuredPoint {
  readonly series: string;
  readonly m: number;
  readonly loss: number;
}

/**
 * Series whose predicted curves are the same drawn once: the predictions depend on the feature
 * frequencies only, so the γ values of one distribution would otherwise be drawn on top of each
 * other and look like a single series.
 */
function samePrediction(
  series: PreviewTheory['series'],
): { label: string; points: PreviewTheory['series'][number]['points'] }[] {
  const groups = new Map<string, { labels: string[]; points: PreviewTheory['series'][number]['points'] }>();
  for (const s of series) {
    const key = JSON.stringify(s.points);
    const group = groups.get(key);
    if (group) group.labels.push(s.label);
    else groups.set(key, { labels: [s.label], points: s.points });
  }
  return [...groups.values()].map((g) => ({
    label: g.labels.length === 1 ? g.labels[0]! : `${g.labels.join(' · ')} (one prediction for all)`,
    points: g.points,
  }));
}

/** The predictions against width: weak (Eq. 4, Eq. 14), the strong 1/m guide, and measured points. */
export function predictionSpec(theory: PreviewTheory, measured: readonly MeasuredPoint[]): ChartData {
  const weak: Row[] = [];
  const eq14: Row[] = [];
  const strong: Row[] = [];
  for (const s of samePrediction(theory.series)) {
    for (const p of s.points) {
      weak.push({ series: s.label, m: p.m, loss: p.weakLoss, curve: 'weak (Eq. 4)' });
      if (p.weakLossEq14 !== null && p.weakLossEq14 > 0) {
        eq14.push({ series: s.label, m: p.m, loss: p.weakLossEq14, curve: 'weak (Eq. 14)' });
      }
      strong.push({ series: s.label, m: p.m, loss: p.strongGuide, curve: 'strong ∝ 1/m' });
    }
  }
  const x = { field: 'm', type: 'quantitative', scale: LOG, title: 'width m (log)' };
  const y = { field: 'loss', type: 'quantitative', scale: LOG, title: 'loss (log)' };
  const color = { field: 'series', type: 'nominal', title: null, legend: { orient: 'bottom', columns: 1 } };
  const line = (name: string, values: Row[], dash: number[]) => ({
    data: { name, values: values.filter((r) => (r.loss as number) > 0) },
    mark: { type: 'line', strokeDash: dash, tooltip: true },
    encoding: { x, y, color, detail: { field: 'series' } },
  });
  return {
    rows: [...weak, ...eq14, ...strong],
    spec: {
      ...BASE,
      title: {
        text: 'Predicted loss vs width',
        subtitle:
          'solid: weak regime, top m features learned (Eq. 4) · dashed: Eq. 14 · dotted: strong-regime slope 1/m · points: quick check',
        anchor: 'start',
      },
      height: 260,
      layer: [
        line('weak', weak, [1, 0]),
        line('eq14', eq14, [6, 4]),
        line('strong', strong, [2, 3]),
        {
          data: { name: 'measured', values: measured.map((p) => ({ ...p })) },
          mark: { type: 'point', filled: true, size: 70, tooltip: true, shape: 'diamond' },
          encoding: { x, y, color },
        },
      ],
    },
  };
}

/** The Welch bound κ² for n unit vectors in R^m against 1/m. */
export function welchSpec(theory: PreviewTheory): ChartData {
  const rows: Row[] = theory.welch.flatMap((w) => [
    { m: w.m, value: w.kappaSq, line: `Welch κ² (ν = n = ${theory.n})` },
    { m: w.m, value: w.invM, line: '1/m' },
  ]);
  return {
    rows,
    spec: {
      ...BASE,
      title: {
        text: 'Smallest possible overlap: Welch κ² vs 1/m',
        subtitle: 'no n unit vectors in R^m can all overlap less than κ; strong superposition sits near it',
        anchor: 'start',
      },
      height: 180,
      data: { name: 'welch', values: rows },
      mark: { type: 'line', point: true, tooltip: true },
      encoding: {
        x: { field: 'm', type: 'quantitative', scale: LOG, title: 'width m (log)' },
        y: { field: 'value', type: 'quantitative', scale: LOG, title: 'squared overlap (log)' },
        color: { field: 'line', type: 'nominal', title: null, legend: { orient: 'top-right' } },
        strokeDash: { field: 'line', type: 'nominal', legend: null },
      },
    },
  };
}
