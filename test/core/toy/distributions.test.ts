// Feature frequencies against paper-spec §1.1, the counts-file reader, and the Zipf fit (§3.4).
import { describe, expect, it } from 'vitest';
import {
  cappedFeatures,
  featureFrequencies,
  parseCounts,
  zipfExponent,
  type FrequencySpec,
} from '../../../src/core/toy/distributions';
import { CoreError } from '../../../src/core/errors';

const spec = (over: Partial<FrequencySpec>): FrequencySpec => ({
  distribution: 'power',
  n: 1000,
  exponent: 1,
  scale: 400,
  density: 1,
  ...over,
});
const sum = (p: ArrayLike<number>) => Array.from(p).reduce((a, b) => a + b, 0);
/** H_n = Σ_{i=1}^n 1/i. */
const harmonic = (n: number) => sum(Array.from({ length: n }, (_, k) => 1 / (k + 1)));

function expectDescending(p: Float64Array) {
  for (let i = 1; i < p.length; i++) expect(p[i]!, `p_${i + 1} ≤ p_${i}`).toBeLessThanOrEqual(p[i - 1]!);
}

/** Expects the CoreError code `config/counts` with a message matching `pattern`. */
function expectCountsError(run: () => unknown, pattern: RegExp) {
  let caught: unknown;
  try {
    run();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(CoreError);
  expect((caught as CoreError).code).toBe('config/counts');
  expect((caught as CoreError).message).toMatch(pattern);
}

describe('featureFrequencies: the families of §1.1', () => {
  it('power: p_i = i^−α / Σ_j j^−α, in rank order, summing to E = 1', () => {
    for (const alpha of [0, 0.5, 1, 1.2, 2]) {
      const n = 500;
      const { p, capped, effectiveDensity } = featureFrequencies(spec({ n, exponent: alpha }));
      const z = sum(Array.from({ length: n }, (_, k) => (k + 1) ** -alpha));
      expect(p).toHaveLength(n);
      for (const i of [1, 2, 3, 10, 100, 500]) expect(p[i - 1]!, `α=${alpha}, i=${i}`).toBeCloseTo(i ** -alpha / z, 15);
      expect(sum(p)).toBeCloseTo(1, 12);
      expect(effectiveDensity).toBeCloseTo(1, 12);
      expect(capped).toBe(0);
      expectDescending(p);
    }
    // α = 0 is flat.
    expect(featureFrequencies(spec({ n: 4, exponent: 0 })).p).toEqual(Float64Array.from([0.25, 0.25, 0.25, 0.25]));
    // α = 1: p_1 = 1/H_n, and p_i/p_j = j/i.
    const { p } = featureFrequencies(spec({ n: 1000, exponent: 1 }));
    expect(p[0]!).toBeCloseTo(1 / harmonic(1000), 15);
    expect(p[9]! / p[99]!).toBeCloseTo(10, 12);
  });

  it('exponential: p ∝ e^(−k/scale), k = 0..n−1; `exponential1` at n = 1024 has p_n/p_1 = e^(−1023/400)', () => {
    const { p } = featureFrequencies(spec({ distribution: 'exponential', n: 1024, scale: 400 }));
    expect(p[1023]! / p[0]!).toBeCloseTo(Math.exp(-1023 / 400), 14);
    expect(p[1]! / p[0]!).toBeCloseTo(Math.exp(-1 / 400), 15);
    // Normalised: p_1 = (1 − e^(−1/400)) / (1 − e^(−1024/400)) for a geometric series.
    expect(p[0]!).toBeCloseTo((1 - Math.exp(-1 / 400)) / (1 - Math.exp(-1024 / 400)), 15);
    expect(sum(p)).toBeCloseTo(1, 12);
    expectDescending(p);
    // The exponent does not matter to this family.
    expect(featureFrequencies(spec({ distribution: 'exponential', n: 1024, scale: 400, exponent: 3 })).p).toEqual(p);
  });

  it('linear: p ∝ n − k for k = 0..n−1 (the paper writes n − i): p_1/p_n = n, p_i = 2(n−i+1)/(n(n+1))', () => {
    const n = 1024;
    const { p } = featureFrequencies(spec({ distribution: 'linear', n }));
    expect(p[0]! / p[n - 1]!).toBeCloseTo(n, 9);
    for (const i of [1, 2, 512, 1024]) expect(p[i - 1]!).toBeCloseTo((2 * (n - i + 1)) / (n * (n + 1)), 15);
    expect(sum(p)).toBeCloseTo(1, 12);
    expectDescending(p);
  });

  it('density E scales every p_i: Σ p_i = E while no p_i exceeds 1', () => {
    const one = featureFrequencies(spec({ exponent: 1.5 })).p;
    const three = featureFrequencies(spec({ exponent: 1.5, density: 0.3 }));
    expect(three.capped).toBe(0);
    expect(sum(three.p)).toBeCloseTo(0.3, 12);
    for (let i = 0; i < one.length; i++) expect(three.p[i]!).toBeCloseTo(0.3 * one[i]!, 15);
  });

  it('exp-15: E = 1 + s(H_1000 − 1) for s = 0, 1/8, …, 1 is the spec’s list, and E·p̃ is the code’s rescaling', () => {
    const H = harmonic(1000);
    expect(H).toBeCloseTo(7.48547, 5);
    const base = featureFrequencies(spec({ n: 1000, exponent: 1 })).p;
    const expected = [1.0, 1.811, 2.621, 3.432, 4.243, 5.053, 5.864, 6.675, 7.485];
    for (let k = 0; k <= 8; k++) {
      const s = k / 8;
      const E = 1 + s * (H - 1);
      expect(E).toBeCloseTo(expected[k]!, 3);
      // exp-15: p = p̃ · (1 + s(1/p̃_1 − 1)).
      const f = featureFrequencies(spec({ n: 1000, exponent: 1, density: E }));
      for (const i of [0, 1, 9, 999]) expect(f.p[i]!).toBeCloseTo(base[i]! * (1 + s * (1 / base[0]! - 1)), 13);
    }
  });

  it('exp-15’s largest density E = 7.485 at α = 1, n = 1000 gives p_1 ≈ 1, uncapped', () => {
    const f = featureFrequencies(spec({ n: 1000, exponent: 1, density: 7.485 }));
    // p_1 = 7.485 / H_1000 = 0.99994.
    expect(f.p[0]!).toBeCloseTo(7.485 / 7.48547, 5);
    expect(f.p[0]!).toBeGreaterThan(0.9999);
    expect(f.p[0]!).toBeLessThanOrEqual(1);
    expect(f.capped).toBe(0);
    expect(f.effectiveDensity).toBeCloseTo(7.485, 10);
  });

  it('caps p_i at 1, counting the capped features, and reports the lowered effective density', () => {
    // α = 1, n = 1000, E = 20: 20/H_1000 = 2.672 and 20/(2 H_1000) = 1.336 exceed 1, 20/(3 H) = 0.891 does not.
    const E = 20;
    const f = featureFrequencies(spec({ n: 1000, exponent: 1, density: E }));
    const H = harmonic(1000);
    expect(f.capped).toBe(2);
    expect(f.p[0]).toBe(1);
    expect(f.p[1]).toBe(1);
    expect(f.p[2]!).toBeCloseTo(E / (3 * H), 14);
    expect(f.effectiveDensity).toBeCloseTo(2 + E * (1 - 1.5 / H), 10);
    expect(f.effectiveDensity).toBeCloseTo(sum(f.p), 10);
    expect(f.effectiveDensity).toBeLessThan(E);
    expect(cappedFeatures(spec({ n: 1000, exponent: 1, density: E }))).toBe(2);
    // Everything capped: p_n = 60 · 1/55 > 1, so every feature is always on.
    const all = featureFrequencies(spec({ distribution: 'linear', n: 10, density: 60 }));
    expect(all.capped).toBe(10);
    expect(all.effectiveDensity).toBe(10);
  });

  it('empirical: p ∝ the n largest counts; coverage is their share of the total; a Zipf fit comes with it', () => {
    const counts = [60, 30, 6, 3, 1];
    const f = featureFrequencies(spec({ distribution: 'empirical', n: 3, counts }));
    expect(Array.from(f.p)).toEqual([60 / 96, 30 / 96, 6 / 96]);
    expect(f.coverage).toBeCloseTo(96 / 100, 15);
    expect(f.capped).toBe(0);
    expect(f.zipf).toBeDefined();
    expect(f.zipf!.points).toBe(5);
    // E = 2 asks for p_1 = 120/96 > 1: capped like the other families.
    const dense = featureFrequencies(spec({ distribution: 'empirical', n: 3, counts, density: 2 }));
    expect(dense.capped).toBe(1);
    expect(Array.from(dense.p)).toEqual([1, 60 / 96, 12 / 96]);
    // Empirical densities are not checked for capping ahead of time (the counts are not known then).
    expect(cappedFeatures(spec({ distribution: 'empirical', n: 3, counts, density: 100 }))).toBe(0);
    // The other families carry neither.
    expect(featureFrequencies(spec({})).zipf).toBeUndefined();
  });

  it('empirical with fewer counts than features is a config/counts error that says how many there are', () => {
    expectCountsError(
      () => featureFrequencies(spec({ distribution: 'empirical', n: 10, counts: [5, 4, 3] })),
      /has 3 non-zero counts; data\.features asks for 10/,
    );
    expectCountsError(() => featureFrequencies(spec({ distribution: 'empirical', n: 2 })), /has 0 non-zero counts/);
  });
});

describe('parseCounts', () => {
  it('reads one count per line, sorted descending, blank lines skipped and zeros dropped', () => {
    expect(parseCounts('5\n3\n\n10\n0\n7\n', 'c.csv')).toEqual([10, 7, 5, 3]);
    expect(parseCounts('5\r\n3\r\n10\r\n', 'c.csv')).toEqual([10, 5, 3]);
    expect(parseCounts('2.5\n1e3\n', 'c.csv')).toEqual([1000, 2.5]);
  });

  it('reads token,count lines, with or without a header; the count is the last column', () => {
    expect(parseCounts('the,100\nof,50\nand,75\n', 't.csv')).toEqual([100, 75, 50]);
    expect(parseCounts('token,count\nthe,100\nof,50\n', 't.csv')).toEqual([100, 50]);
    expect(parseCounts('id,token,count\n0,the, 100\n1,a,b,20\n', 't.csv')).toEqual([100, 20]);
  });

  it('reads a JSON array, or an object of token → count', () => {
    expect(parseCounts('[3, 1, 2, 0]', 'c.json')).toEqual([3, 2, 1]);
    expect(parseCounts('  {"the": 7, "of": 3, "a": 5}\n', 'c.json')).toEqual([7, 5, 3]);
  });

  it('rejects bad entries and files with fewer than two non-zero counts, naming the file', () => {
    expectCountsError(() => parseCounts('5\nabc\n3\n', 'bad.csv'), /^bad\.csv: line 2: "abc" is not a count$/);
    expectCountsError(
      () => parseCounts('5\n-1\n3\n', 'neg.csv'),
      /^neg\.csv: entry 2 is -1, not a non-negative count$/,
    );
    expectCountsError(
      () => parseCounts('[1, "x", 2]', 'bad.json'),
      /^bad\.json: entry 2 is "x", not a non-negative count$/,
    );
    expectCountsError(() => parseCounts('{"a": 1, "b": null}', 'bad.json'), /^bad\.json: entry 2 is null/);
    expectCountsError(() => parseCounts('[1, 2', 'broken.json'), /^broken\.json: not valid JSON \(/);
    expectCountsError(() => parseCounts('5\n0\n', 'one.csv'), /^one\.csv: needs at least two non-zero counts$/);
    expectCountsError(() => parseCounts('{"a": 4}', 'one.json'), /needs at least two non-zero counts/);
    expectCountsError(() => parseCounts('', 'empty.csv'), /needs at least two non-zero counts/);
    expectCountsError(() => parseCounts('token,count\n', 'header-only.csv'), /needs at least two non-zero counts/);
  });
});

describe('zipfExponent', () => {
  it('recovers α of synthetic Zipf counts round(1e7 · k^−α) within 0.02', () => {
    for (const alpha of [0.8, 1, 1.1, 1.5]) {
      const counts = Array.from({ length: 100_000 }, (_, k) => Math.round(1e7 * (k + 1) ** -alpha));
      const fit = zipfExponent(counts);
      expect(Math.abs(fit.alpha - alpha), `α = ${alpha}: got ${fit.alpha}`).toBeLessThan(0.02);
      expect(fit.r2!).toBeGreaterThan(0.99);
      // At most 1000 ranks, spaced uniformly in log rank (duplicates at small ranks merged).
      expect(fit.points).toBeLessThanOrEqual(1000);
      expect(fit.points).toBeGreaterThan(500);
    }
  });

  it('is exact on an exact power law, ignores zeros, and needs two non-zero counts', () => {
    const counts = Array.from({ length: 50 }, (_, k) => 1000 * (k + 1) ** -2);
    expect(zipfExponent([...counts, 0, 0]).alpha).toBeCloseTo(2, 10);
    expect(zipfExponent([...counts, 0, 0]).points).toBe(50);
    expectCountsError(() => zipfExponent([5, 0, 0]), /at least two non-zero counts/);
  });
});
