// What a finished run reports (paper-spec §2): the weak-regime loss predictors (Eq. 4 and 14), the
// down-sampled loss curve, and the representation/overlap statistics of a hand-made W.
import { describe, expect, it } from 'vitest';
import {
  downsampleCurve,
  predictedWeakLoss,
  predictedWeakLossEq14,
  runMetrics,
  TOY_PAIR_BUDGET,
} from '../../../src/core/toy/metrics';
import { featureFrequencies } from '../../../src/core/toy/distributions';

const power = (alpha: number, n: number) =>
  featureFrequencies({ distribution: 'power', n, exponent: alpha, scale: 400, density: 1 }).p;

describe('predictedWeakLoss (Eq. 4)', () => {
  const p = Float64Array.from([0.5, 0.3, 0.2]);

  it('sums ⟨v²⟩p_i − ⟨v⟩²p_i² = (4/3)p_i − p_i² over the features after the top k', () => {
    // k = 1: (4/3)(0.3 + 0.2) − (0.09 + 0.04) = 0.536667
    expect(predictedWeakLoss(p, 1)).toBeCloseTo(4 / 3 / 2 - 0.13, 14);
    expect(predictedWeakLoss(p, 1)).toBeCloseTo(0.536667, 6);
    // k = 0: (4/3) − (0.25 + 0.09 + 0.04) = 0.953333
    expect(predictedWeakLoss(p, 0)).toBeCloseTo(0.953333, 6);
    // k = 2: (4/3)·0.2 − 0.04 = 0.226667
    expect(predictedWeakLoss(p, 2)).toBeCloseTo(0.226667, 6);
    expect(predictedWeakLoss(p, 3)).toBe(0);
  });

  it('rounds a fractional count of represented features (k = φ½·n) to the nearest integer', () => {
    expect(predictedWeakLoss(p, 1.4)).toBe(predictedWeakLoss(p, 1));
    expect(predictedWeakLoss(p, 1.6)).toBe(predictedWeakLoss(p, 2));
  });
});

describe('predictedWeakLossEq14 (the integral version for power laws)', () => {
  const n = 1000;
  /** (4/3) Σ_{i>k} p_i for the normalised discrete power law: what Eq. 14 approximates. */
  const direct = (alpha: number, phi: number) => {
    const p = power(alpha, n);
    let tail = 0;
    for (let i = Math.round(phi * n); i < n; i++) tail += p[i]!;
    return (4 / 3) * tail;
  };
  /** Σ_{i=1}^n i^−α over ∫_1^n x^−α dx: the discrete and continuous normalisations differ by this. */
  const headRatio = (alpha: number) => {
    let sum = 0;
    for (let i = 1; i <= n; i++) sum += i ** -alpha;
    return sum / (alpha === 1 ? Math.log(n) : (n ** (1 - alpha) - 1) / (1 - alpha));
  };

  it('writes out Eq. 14 × (4/3)E', () => {
    // α = 1: −ln φ / ln n.
    expect(predictedWeakLossEq14(1, n, 0.1, 1)).toBeCloseTo(((4 / 3) * Math.log(10)) / Math.log(1000), 14);
    // α = 1.5, φ = 0.25: n^(−½)(φ^(−½) − 1)/(1 − n^(−½)) = (1/√1000)(2 − 1)/(1 − 1/√1000)
    const share = 1 / Math.sqrt(1000) / (1 - 1 / Math.sqrt(1000));
    expect(predictedWeakLossEq14(1.5, n, 0.25, 2)).toBeCloseTo((4 / 3) * 2 * share, 14);
    // Continuous in α across the α = 1 special case.
    expect(predictedWeakLossEq14(1 + 1e-7, n, 0.3, 1)).toBeCloseTo(predictedWeakLossEq14(1, n, 0.3, 1), 6);
  });

  it('matches the direct sum up to the head correction, at α = 1 and α = 1.5, for several φ', () => {
    // The integral from 1 under-counts the head of the distribution (Σ i^−α > ∫ x^−α), so it
    // normalises by a smaller total: Eq. 14 is larger than the direct sum by about that ratio,
    // 1.084 at α = 1 (H_1000 / ln 1000) and 1.316 at α = 1.5. Once that is divided out, the two
    // agree within 3 % for k = φn ≥ 10 (the rest is the tail's sum-vs-integral offset, < ½ p_k).
    for (const alpha of [1, 1.5]) {
      for (const phi of [0.01, 0.05, 0.1, 0.3, 0.6, 0.9]) {
        const corrected = predictedWeakLossEq14(alpha, n, phi, 1) / headRatio(alpha);
        const d = direct(alpha, phi);
        expect(Math.abs(corrected / d - 1), `α=${alpha}, φ=${phi}: ${corrected} vs ${d}`).toBeLessThan(0.03);
        // Uncorrected, it is within the head ratio (+3 %) of the direct sum and never below it.
        expect(predictedWeakLossEq14(alpha, n, phi, 1)).toBeGreaterThan(d);
        expect(predictedWeakLossEq14(alpha, n, phi, 1) / d).toBeLessThan(headRatio(alpha) * 1.03);
      }
    }
    expect(headRatio(1)).toBeCloseTo(1.0836, 4);
    expect(headRatio(1.5)).toBeCloseTo(1.3162, 4);
  });

  it('is (4/3)·E when nothing is represented (φ → 0, clamped), and 0 when everything is', () => {
    for (const alpha of [0.5, 1, 1.5, 2]) {
      expect(predictedWeakLossEq14(alpha, n, 0, 1)).toBeCloseTo(4 / 3, 14);
      expect(predictedWeakLossEq14(alpha, n, 0, 3)).toBeCloseTo(4, 14);
      // Below φ = 1/n the share exceeds 1 and is clamped.
      expect(predictedWeakLossEq14(alpha, n, 1e-6, 2)).toBeCloseTo((4 / 3) * 2, 14);
      expect(predictedWeakLossEq14(alpha, n, 1 / n, 1)).toBeCloseTo(4 / 3, 12);
      expect(predictedWeakLossEq14(alpha, n, 1, 1)).toBeCloseTo(0, 14);
    }
  });

  it('falls as more features are represented', () => {
    const values = [0.01, 0.1, 0.2, 0.5, 0.9].map((phi) => predictedWeakLossEq14(1.2, n, phi, 1));
    for (let i = 1; i < values.length; i++) expect(values[i]!).toBeLessThan(values[i - 1]!);
  });
});

describe('downsampleCurve', () => {
  const mse = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

  it('averages consecutive steps, labels each point with its last step, and scales loss by n', () => {
    // ⌈10/3⌉ = 4 steps per point: [1..4], [5..8], [9, 10].
    expect(downsampleCurve(mse, 4, 3)).toEqual([
      { step: 4, mse: 2.5, loss: 10 },
      { step: 8, mse: 6.5, loss: 26 },
      { step: 10, mse: 9.5, loss: 38 },
    ]);
    expect(downsampleCurve(mse, 1, 5).map((p) => p.step)).toEqual([2, 4, 6, 8, 10]);
    expect(downsampleCurve(mse, 1, 5).map((p) => p.mse)).toEqual([1.5, 3.5, 5.5, 7.5, 9.5]);
  });

  it('keeps every step when there are no more steps than points, and nothing of nothing', () => {
    const all = downsampleCurve(mse, 2, 200);
    expect(all).toHaveLength(10);
    expect(all[0]).toEqual({ step: 1, mse: 1, loss: 2 });
    expect(all[9]).toEqual({ step: 10, mse: 10, loss: 20 });
    expect(downsampleCurve(new Float32Array(0), 2, 10)).toEqual([]);
  });

  it('never returns more than the requested points', () => {
    const long = Float32Array.from({ length: 6000 }, (_, i) => 1 / (i + 1));
    for (const points of [2, 7, 200, 5999]) {
      expect(downsampleCurve(long, 10, points).length).toBeLessThanOrEqual(points);
    }
    expect(downsampleCurve(long, 10, 200).at(-1)!.step).toBe(6000);
  });
});

describe('runMetrics on a hand-made W', () => {
  it('orthonormal rows plus zero rows: φ½ = 3/5, none strongly represented, no overlap', async () => {
    const n = 5;
    const m = 3;
    // Rows e1, e2, e3, 0, 0: norm exactly 1 is represented (> ½) but not strongly (> 1).
    const W = new Float32Array(n * m);
    W[0] = 1;
    W[4] = 1;
    W[8] = 1;
    const p = power(1, n);
    const mse = Float32Array.from([4, 4, 4, 1, 1]);
    const r = await runMetrics(W, n, m, mse, p, { finalWindow: 2, exponent: 1, density: 1 });
    expect(r.fracRepresented).toBeCloseTo(3 / 5, 15);
    expect(r.fracStrong).toBe(0);
    expect(r.meanSqOverlap).toBe(0);
    expect(r.meanSqOverlapStrong).toBeNull();
    expect(r.strongRows).toBe(0);
    expect(r.welchBoundSq).toBe(0);
    expect(r.rowNorms).toEqual([1, 1, 1, 0, 0]);
    expect(r.rowNorm).toMatchObject({ min: 0, max: 1 });
    expect(r.rowNorm!.mean).toBeCloseTo(0.6, 15);
    expect(r.rowNorm!.std).toBeCloseTo(Math.sqrt(0.24), 15);
    // The last 2 MSEs are 1: loss n·1, no spread.
    expect(r.finalMse).toBe(1);
    expect(r.finalLoss).toBe(5);
    expect(r.finalLossStd).toBe(0);
    expect(r.predictedWeakLoss).toBeCloseTo(predictedWeakLoss(p, 3), 15);
    expect(r.predictedWeakLoss).toBeCloseTo((4 / 3) * (p[3]! + p[4]!) - p[3]! ** 2 - p[4]! ** 2, 15);
    expect(r.predictedWeakLossEq14).toBeCloseTo(((4 / 3) * -Math.log(0.6)) / Math.log(5), 14);
    // W Wᵀ = R exactly (the first m rows are e1, e2, e3): no ambiguity. No S: no variance ratio.
    expect(r.ambiguity!).toBeLessThan(1e-12);
    expect(r.sqOverlapVarianceRatioStrong).toBeNull();
  });

  it('a Mercedes frame of strong rows attains the Welch bound; a weaker row and zero rows join the rest', async () => {
    const n = 6;
    const m = 2;
    // Rows 0–2: three unit vectors 120° apart scaled to norm 1.1 (an ETF in R²: every squared
    // overlap is cos² 120° = ¼). Row 3: 0.7·(1, 0). Rows 4–5: zero.
    const angles = [90, 210, 330].map((d) => (d * Math.PI) / 180);
    const rows = [...angles.map((a) => [1.1 * Math.cos(a), 1.1 * Math.sin(a)]), [0.7, 0], [0, 0], [0, 0]];
    const W = Float32Array.from(rows.flat());
    const p = power(1.2, n);
    const mse = Float32Array.from([10, 10, 1, 2, 3]);
    const r = await runMetrics(W, n, m, mse, p, { finalWindow: 3, exponent: null, density: 1 });
    expect(r.fracRepresented).toBeCloseTo(4 / 6, 15); // norms 1.1, 1.1, 1.1, 0.7 > ½
    expect(r.fracStrong).toBeCloseTo(3 / 6, 15); // norms 1.1 > 1
    expect(r.strongRows).toBe(3);
    expect(r.meanSqOverlapStrong!).toBeCloseTo(0.25, 6);
    // Welch: κ² = (ν − m)/(m(ν − 1)) = (3 − 2)/(2 · 2) = ¼, attained by the ETF.
    expect(r.welchBoundSq).toBeCloseTo(0.25, 15);
    // All 4 non-zero rows: the 3 frame pairs (¼ each), and (1, 0) against the frame: cos² 90° = 0,
    // cos² 210° = cos² 330° = ¾ → (3·¼ + 0 + ¾ + ¾) / 6 pairs = 0.375.
    expect(r.meanSqOverlap!).toBeCloseTo(0.375, 6);
    expect(r.rowNorms.map((v) => Number(v.toFixed(6)))).toEqual([1.1, 1.1, 1.1, 0.7, 0, 0]);
    expect(r.rowNorm!.max).toBeCloseTo(1.1, 6);
    expect(r.rowNorm!.mean).toBeCloseTo(4 / 6, 6);
    // Final window: the last 3 MSEs 1, 2, 3: mean 2, population std √(2/3); losses are n × MSE.
    expect(r.finalMse).toBeCloseTo(2, 15);
    expect(r.finalLoss).toBeCloseTo(12, 14);
    expect(r.finalLossStd).toBeCloseTo(6 * Math.sqrt(2 / 3), 14);
    expect(r.predictedWeakLoss).toBeCloseTo(predictedWeakLoss(p, 4), 15);
    // Not a power law run (exponent null): no Eq. 14.
    expect(r.predictedWeakLossEq14).toBeNull();
    // Every squared overlap in S is ¼: no variance at all, the ETF extreme of the ratio.
    expect(r.sqOverlapVarianceRatioStrong!).toBeLessThan(1e-6);
    expect(r.sqOverlapVarianceRatioStrongCI95).toBeNull();
    // ‖W Wᵀ‖₂ = ‖WᵀW‖₂ = 1.21·3/2 + 0.49 = 2.305 (the frame is tight, row 3 adds 0.49 e₁e₁ᵀ) and
    // ‖R‖₂ = 1, so the triangle inequality puts A in [1.305, 3.305]; ambiguity.test.ts has the
    // exact dense comparisons.
    expect(r.ambiguity!).toBeGreaterThanOrEqual(1.305 - 1e-6);
    expect(r.ambiguity!).toBeLessThanOrEqual(3.305 + 1e-6);
  });

  it('past the pair budget the variance ratio of S is sampled, with an interval; random rows give ≈ 1', async () => {
    const n = 3000;
    const m = 16; // |S|²·m = 1.44e8 > TOY_PAIR_BUDGET
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) + 0.5) / 2147483648;
    const W = new Float32Array(n * m);
    for (let i = 0; i < n; i++) {
      const g = Array.from({ length: m }, () => Math.sqrt(-2 * Math.log(random())) * Math.cos(2 * Math.PI * random()));
      const norm = Math.hypot(...g);
      for (let k = 0; k < m; k++) W[i * m + k] = (2 * g[k]!) / norm; // norm 2: all rows in S
    }
    expect(n * n * m).toBeGreaterThan(TOY_PAIR_BUDGET);
    const r = await runMetrics(W, n, m, Float32Array.from([1]), power(1, n), {
      finalWindow: 1,
      exponent: 1,
      density: 1,
    });
    const [lo, hi] = r.sqOverlapVarianceRatioStrongCI95!;
    expect(lo).toBeLessThan(1);
    expect(hi).toBeGreaterThan(1);
    expect(r.sqOverlapVarianceRatioStrong!).toBeGreaterThan(0.85);
    expect(r.sqOverlapVarianceRatioStrong!).toBeLessThan(1.15);
  });

  it('a final window longer than the run averages the whole run', async () => {
    const W = Float32Array.from([1, 0, 0, 1]);
    const r = await runMetrics(W, 2, 2, Float32Array.from([3, 5]), power(1, 2), {
      finalWindow: 100,
      exponent: 1,
      density: 1,
    });
    expect(r.finalMse).toBe(4);
    expect(r.finalLoss).toBe(8);
    expect(r.finalLossStd).toBe(2);
  });
});
