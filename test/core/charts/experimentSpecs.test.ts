// The experiment plots: each spec compiles with Vega-Lite and renders headlessly with Vega (to
// SVG, as in the panel), and plots exactly the data of the results it was given.
import { describe, expect, it } from 'vitest';
import { compile } from 'vega-lite';
import { parse, View } from 'vega';
import { parseExperimentConfig } from '../../../src/core/config/parse';
import { expandSweep } from '../../../src/core/config/sweep';
import { emptyResults, withRun } from '../../../src/core/toy/results';
import { fakeExperimentResults } from '../../fixtures/chartData';
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
import { fakeRunResult } from '../../fixtures/runs';

async function render(spec: Record<string, unknown>): Promise<View> {
  const view = new View(parse(compile(spec as never).spec), { renderer: 'none' });
  await view.toSVG();
  return view;
}

describe('experiment chart specs', () => {
  const results = fakeExperimentResults();

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

describe('seeds of one setting are pooled', () => {
  // L = 2·m^(−α)·(1 + 0.1·(seed − 1)) for seeds 0, 1, 2: the mean over seeds is exactly 2·m^(−α).
  const config = parseExperimentConfig(
    'version: 1\ndata: {features: 64}\nmodel: {width: [4, 8, 16]}\noptimizer: {weightDecay: [-1, 0.3]}\ntrain: {steps: 100, seeds: [0, 1, 2]}\n',
    { fileName: 'seeds.experiment.yaml' },
  ).config!;
  let results = emptyResults(config, 18, '2026-01-01T00:00:00Z');
  for (const spec of expandSweep(config)) {
    const alpha = spec.values.weightDecay < 0 ? 1 : 0.5;
    const loss = 2 * spec.values.width ** -alpha * (1 + 0.1 * (spec.values.seed - 1));
    results = withRun(results, fakeRunResult(spec, loss), '2026-01-01T00:00:01Z');
  }

  it('one series per setting with the mean and spread per width, α_m fitted on the means', () => {
    expect(results.series.map((s) => s.id).sort()).toEqual(['power-a1.2-E1-g-1', 'power-a1.2-E1-g0.3']);
    for (const s of results.series) {
      const alpha = s.values.weightDecay < 0 ? 1 : 0.5;
      expect(s.seeds).toEqual([0, 1, 2]);
      expect(s.runs).toHaveLength(9);
      expect(s.points.map((p) => p.m)).toEqual([4, 8, 16]);
      for (const p of s.points) {
        expect(p.seeds).toBe(3);
        expect(p.loss).toBeCloseTo(2 * p.m ** -alpha, 12);
        expect(p.spread!).toBeCloseTo(0.1 * 2 * p.m ** -alpha, 12); // sd of 0.9, 1.0, 1.1 is 0.1
      }
      expect(s.alphaM!).toBeCloseTo(alpha, 10);
      // Every seed alone has the same slope (the factor is per seed): no spread of α_m.
      expect(s.alphaMSeedSpread!).toBeCloseTo(0, 10);
    }
  });

  it('the loss-vs-width chart draws one point per setting and width, with spread bars and seeds in the legend', async () => {
    const view = await render(lossVsWidthSpec(results)!.spec);
    const points = view.data('points') as { series: string; seeds: number; loss: number }[];
    expect(points).toHaveLength(6);
    expect(points.every((p) => p.seeds === 3)).toBe(true);
    expect(view.data('spread')).toHaveLength(6);
    expect(new Set(points.map((p) => p.series))).toEqual(
      new Set([
        'power α=1.2, γ=-1, 3 seeds: α_m = 1.00 ± 0.00 (seed sd 0.00)',
        'power α=1.2, γ=0.3, 3 seeds: α_m = 0.50 ± 0.00 (seed sd 0.00)',
      ]),
    );
  });
});
