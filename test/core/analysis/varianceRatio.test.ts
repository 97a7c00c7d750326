// The variance ratio of the squared overlaps (spec §2 item 5, paper Fig. 5c): ≈ 1 for random unit
// vectors, ≪ 1 for ETF-like frames, exact against brute force, and a sampled interval that covers
// the exact value.
import { describe, expect, it } from 'vitest';
import { SuperpositionAccumulator, type AnalysisOptions } from '../../../src/core/analysis/superposition';
import { float64Kernel } from '../../../src/core/analysis/kernel';
import { pairStatistics, randomSqOverlapVariance } from '../../../src/core/analysis/pairs';
import { prng } from '../../fixtures/safetensors';

function gaussian(count: number, seed: number, scale = 1): Float32Array {
  const r = prng(seed);
  return Float32Array.from(
    { length: count },
    () => scale * Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r()),
  );
}

async function analyse(values: Float32Array, n: number, m: number, options: Partial<AnalysisOptions> = {}) {
  const acc = new SuperpositionAccumulator(n, m, { kernel: float64Kernel, ...options });
  await acc.addRows(values, n);
  return acc.finish();
}

/** Rows scaled to norm 2, so that all of them are in S = {‖W_i‖ > 1}. */
function normalised(values: Float32Array, n: number, m: number, norm = 2): Float32Array {
  const out = new Float32Array(n * m);
  for (let i = 0; i < n; i++) {
    const row = values.subarray(i * m, (i + 1) * m);
    const length = Math.hypot(...row);
    for (let k = 0; k < m; k++) out[i * m + k] = (norm * row[k]!) / length;
  }
  return out;
}

describe('squared-overlap variance ratio', () => {
  it('the random-vector reference is the Beta(½, (m−1)/2) variance', () => {
    expect(randomSqOverlapVariance(10)).toBeCloseTo((2 * 9) / (100 * 12), 15);
    expect(randomSqOverlapVariance(1)).toBeNull();
  });

  it('is ≈ 1 for random unit vectors, in S and over all rows', async () => {
    for (const [n, m, seed] of [
      [600, 16, 1],
      [500, 40, 2],
    ] as const) {
      const a = await analyse(gaussian(n * m, seed, 2 / Math.sqrt(m)), n, m);
      expect(a.strong.rows).toBeGreaterThan(n / 2);
      expect(a.strong.sqOverlapVarianceRatio!, `m = ${m}`).toBeGreaterThan(0.85);
      expect(a.strong.sqOverlapVarianceRatio!, `m = ${m}`).toBeLessThan(1.15);
      expect(a.all.sqOverlapVarianceRatio!).toBeGreaterThan(0.85);
      expect(a.all.sqOverlapVarianceRatio!).toBeLessThan(1.15);
    }
  });

  it('is ≪ 1 for ETF-like frames: a simplex (all overlaps −1/m) and two mutually unbiased bases', async () => {
    const m = 16;
    // Simplex: e_i − centroid in R^(m+1), expressed in R^(m+1) with one coordinate to spare.
    const d = m + 1;
    const simplex = new Float32Array(d * d);
    for (let i = 0; i < d; i++) for (let k = 0; k < d; k++) simplex[i * d + k] = (i === k ? 1 : 0) - 1 / d;
    const s = await analyse(normalised(simplex, d, d), d, d);
    expect(s.strong.sqOverlapVarianceRatio!).toBeLessThan(1e-6);
    // The standard basis and the normalised Hadamard basis of R^16: squared overlaps 0 or 1/16.
    const hadamard = (i: number, k: number) => (((i & k).toString(2).split('1').length - 1) % 2 === 0 ? 1 : -1);
    const frame = new Float32Array(2 * m * m);
    for (let i = 0; i < m; i++) {
      frame[i * m + i] = 2;
      for (let k = 0; k < m; k++) frame[(m + i) * m + k] = (2 * hadamard(i, k)) / Math.sqrt(m);
    }
    const mub = await analyse(frame, 2 * m, m);
    expect(mub.strong.rows).toBe(2 * m);
    expect(mub.strong.sqOverlapVarianceRatio!).toBeGreaterThan(0.05);
    expect(mub.strong.sqOverlapVarianceRatio!).toBeLessThan(0.2);
  });

  it('matches a brute-force variance over all pairs', async () => {
    const n = 45;
    const m = 6;
    const u = normalised(gaussian(n * m, 7), n, m, 1);
    const stats = (await pairStatistics(u, n, m, { kernel: float64Kernel }))!;
    const sq: number[] = [];
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        let c = 0;
        for (let k = 0; k < m; k++) c += u[i * m + k]! * u[j * m + k]!;
        sq.push(c * c);
      }
    }
    const mean = sq.reduce((a, b) => a + b, 0) / sq.length;
    const variance = sq.reduce((a, b) => a + (b - mean) ** 2, 0) / sq.length;
    expect(stats.varSq).toBeCloseTo(variance, 12);
  });

  it('sampled beyond the pair budget: an interval that covers the exact value', async () => {
    const n = 3000;
    const m = 8;
    const W = gaussian(n * m, 11, 2 / Math.sqrt(m));
    const exact = await analyse(W, n, m);
    expect(exact.strong.method).toBe('exact');
    expect(exact.strong.sqOverlapVarianceRatioCI95).toBeNull();
    const sampled = await analyse(W, n, m, { pairBudget: 1e5, sampleRows: 600, seed: 3 });
    expect(sampled.strong.method).toBe('sampled');
    const [lo, hi] = sampled.strong.sqOverlapVarianceRatioCI95!;
    expect(lo).toBeLessThan(sampled.strong.sqOverlapVarianceRatio!);
    expect(hi).toBeGreaterThan(sampled.strong.sqOverlapVarianceRatio!);
    expect(exact.strong.sqOverlapVarianceRatio!).toBeGreaterThanOrEqual(lo);
    expect(exact.strong.sqOverlapVarianceRatio!).toBeLessThanOrEqual(hi);
    expect(hi - lo).toBeLessThan(0.5);
  });
});
