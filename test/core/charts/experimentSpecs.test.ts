// The experiment plots: each spec compiles with Vega-Lite and renders headlessly with Vega (to
// SVG, as in the panel), and plots exactly the data of the results it was given.
import { describe, expect, it } from 'vitest';
import { compile } from 'vega-lite';
import { parse, View } from 'vega';
import { parseExperimentConfig } from '../../../src/core/config/parse';
import { expandSweep } from '../../../src/core/config/sweep';
import { emptyResults, withRun, type ExperimentResults, type RunResult } from '../../../src/core/toy/results';
import {
  idealWeakSpec,
  lossCurvesSpec,
  lossVsWidthSpec,
  normHistogramSpec,
  phiVsGammaSpec,
  seriesLabel,
  weakLossSpec,
} from '../../../src/core/charts/experimentSpecs';
import { gramMatrix } from '../../../src/core/analysis/gram';

/** Results of a fake sweep: L = 2·m^(−α) exactly, α = 1 for γ = −1 and 0.5 for γ = 0.3. */
function fakeResults(): ExperimentResults {
  const config = parseExperimentConfig(
    'version: 1\ndata: {features: 64}\nmodel: {width: [4, 8, 16]}\noptimizer: {weightDecay: [-1, 0.3]}\ntrain: {steps: 100}\n',
    { fileName: 'fake.experiment.yaml' },
  ).config!;
  let results = emptyResults(config, 6, '2026-01-01T00:00:00Z');
  for (const spec of expandSweep(config)) {
    const alpha = spec.values.weightDecay < 0 ? 1 : 0.5;
    const loss = 2 * spec.values.width ** -alpha;
    const run: RunResult = {
      id: spec.id,
      series: spec.series,
      values: spec.values,
      n: 64,
      steps: 100,
      finalLoss: loss,
      finalLossStd: 0.01,
      finalMse: loss / 64,
      fracRepresented: spec.values.weightDecay < 0 ? 1 : spec.values.width / 64,
      fracStrong: 0.5,
      meanSqOverlap: 1 / spec.values.width,
      meanSqOverlapStrong: 1 / spec.values.width,
      strongRows: 32,
      welchBoundSq: 0.9 / spec.values.width,
      predictedWeakLoss: spec.values.weightDecay < 0 ? 0 : loss * 0.9,
      predictedWeakLossEq14: null,
      rowNorm: { mean: 1, std: 0.1, min: 0.5, max: 1.2 },
      rowNormHistogram: { max: 1.25, counts: [1, 2, 3, 58] },
      lossCurve: [
        { step: 50, mse: (2 * loss) / 64, loss: 2 * loss },
        { step: 100, mse: loss / 64, loss },
      ],
      cappedFeatures: 0,
      effectiveDensity: 1,
      ms: 10,
      backend: 'cpu',
      weights: `runs/${spec.id}.safetensors`,
    };
    results = withRun(results, run, '2026-01-01T00:00:01Z');
  }
  return results;
}

async function render(spec: Record<string, unknown>): Promise<View> {
  const view = new View(parse(compile(spec as never).spec), { renderer: 'none' });
  await view.toSVG();
  return view;
}

describe('experiment chart specs', () => {
  const results = fakeResults();

  it('loss curves: every saved point, log y, and an empty live dataset to stream into', async () => {
    const chart = lossCurvesSpec(results, 100);
    expect(chart.rows).toHaveLength(12);
    const view = await render(chart.spec);
    expect(view.data('curves')).toHaveLength(12);
    expect(view.data('live')).toEqual([]);
    view.data('live', [{ run: 'x', step: 50, loss: 1 }]);
    await view.runAsync();
    expect(view.data('live')).toHaveLength(1);
  });

  it('loss curves of nothing yet still render (no legends)', async () => {
    const view = await render(lossCurvesSpec(null, 100).spec);
    expect(view.data('curves')).toEqual([]);
  });

  it('loss vs width: one point per run and each series line from its own fit', async () => {
    const chart = lossVsWidthSpec(results)!;
    const view = await render(chart.spec);
    expect(view.data('points')).toHaveLength(6);
    const fits = view.data('fits') as { series: string; m: number; loss: number }[];
    expect(fits).toHaveLength(4);
    // The fitted lines go through the exact power laws.
    for (const f of fits) {
      const alpha = f.series.includes('γ=-1') ? 1 : 0.5;
      expect(f.loss).toBeCloseTo(2 * f.m ** -alpha, 10);
    }
    expect(new Set(fits.map((f) => f.series))).toEqual(
      new Set(['power α=1.2, γ=-1: α_m = 1.00 ± 0.00', 'power α=1.2, γ=0.3: α_m = 0.50 ± 0.00']),
    );
  });

  it('phi vs gamma only when γ is swept; sorted by γ', async () => {
    const chart = phiVsGammaSpec(results)!;
    const rows = (await render(chart.spec)).data('phi') as { gamma: number }[];
    expect(rows.map((r) => r.gamma)).toEqual([-1, -1, -1, 0.3, 0.3, 0.3]);
    const oneGamma = { ...results, runs: results.runs.filter((r) => r.values.weightDecay < 0) };
    expect(phiVsGammaSpec(oneGamma)).toBeNull();
    expect(lossVsWidthSpec({ ...results, runs: results.runs.filter((r) => r.values.width === 4) })).toBeNull();
  });

  it('weak-loss plot and norm histogram render with the run data', async () => {
    expect((await render(weakLossSpec(results)!.spec)).data('weak')).toHaveLength(6);
    const norms = await render(normHistogramSpec(results.runs[0]!).spec);
    expect((norms.data('norms') as { rows: number }[]).reduce((s, r) => s + r.rows, 0)).toBe(64);
  });

  it('ideal weak α_m vs α − 1: the least ambiguous series marked, the others faint; null without ambiguity', async () => {
    expect(idealWeakSpec(results)).toBeNull(); // these runs carry no ambiguity (older results)
    // The weak series (γ = 0.3) has A = 0.1 at every width, the strong one A = 64/m.
    const withA = {
      ...results,
      runs: results.runs.map((r) => ({ ...r, ambiguity: r.values.weightDecay < 0 ? 64 / r.values.width : 0.1 })),
    };
    const chart = idealWeakSpec(withA)!;
    const rows = (await render(chart.spec)).data('idealWeak') as {
      gamma: number;
      alphaM: number;
      alphaMinusOne: number;
      kept: string;
    }[];
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ gamma: 0.3, kept: 'ideal weak (least ambiguous)' });
    expect(rows[0]!.alphaM).toBeCloseTo(0.5, 10);
    expect(rows[0]!.alphaMinusOne).toBeCloseTo(0.2, 10);
    expect(rows[1]).toMatchObject({ gamma: -1, kept: 'other series' });
  });

  it('labels series by what distinguishes them', () => {
    expect(seriesLabel(results.series[0]!)).toBe('power α=1.2, γ=-1');
    expect(
      seriesLabel({ values: { distribution: 'linear', exponent: null, density: 2, weightDecay: 0.1, seed: 3 } }),
    ).toBe('linear, γ=0.1, E=2, seed 3');
  });
});

describe('gramMatrix', () => {
  it('is W Wᵀ, symmetric', () => {
    const W = Float32Array.from([1, 0, 0, 1, 1, 1]); // 3×2
    expect(Array.from(gramMatrix(W, 3, 2))).toEqual([1, 0, 1, 0, 1, 1, 1, 1, 2]);
  });
});
