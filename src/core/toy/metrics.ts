// What a finished run reports (paper-spec §2): final loss, representation and overlap statistics
// of W, the Welch bound of the strongly represented set, the weak-regime loss prediction and the
// ambiguity ‖W Wᵀ − R‖₂ that picks the paper's "ideal weak" runs.

import { SuperpositionAccumulator } from '../analysis/superposition';
import { float64Kernel } from '../analysis/kernel';
import { welchBound } from '../analysis/welch';
import { ambiguity } from './ambiguity';
import { pairStatistics, randomSqOverlapVariance } from '../analysis/pairs';
import { mulberry32, sampleWithoutReplacement } from '../random';

/**
 * The pair statistics of S (its squared-overlap variance) are exact while |S|²·m is at most this
 * (every preset up to `default`: n ≤ 1024, m ≤ 100); beyond it, from all pairs among
 * TOY_SAMPLE_ROWS rows of S drawn with a fixed seed, with a 95% interval.
 */
export const TOY_PAIR_BUDGET = 1.2e8;
export const TOY_SAMPLE_ROWS = 1024;

/** Variance ratio of the squared overlaps within S = {‖W_i‖ > 1}: exact, or sampled past the budget. */
async function strongVarianceRatio(
  W: Float32Array,
  n: number,
  m: number,
): Promise<{ ratio: number | null; ci95: readonly [number, number] | null }> {
  const strong: number[] = [];
  for (let i = 0; i < n; i++) if (Math.hypot(...W.subarray(i * m, (i + 1) * m)) > 1) strong.push(i);
  const exact = strong.length * strong.length * m <= TOY_PAIR_BUDGET;
  const rows = exact
    ? strong
    : Array.from(sampleWithoutReplacement(strong.length, TOY_SAMPLE_ROWS, mulberry32(0)), (k) => strong[k]!);
  const u = new Float32Array(rows.length * m);
  rows.forEach((i, k) => {
    const row = W.subarray(i * m, (i + 1) * m);
    const norm = Math.hypot(...row);
    for (let c = 0; c < m; c++) u[k * m + c] = row[c]! / norm;
  });
  const stats = await pairStatistics(u, rows.length, m, { kernel: float64Kernel });
  const reference = randomSqOverlapVariance(m);
  if (stats === null || reference === null) return { ratio: null, ci95: null };
  return {
    ratio: stats.varSq / reference,
    ci95: exact ? null : [stats.varSqCI95[0] / reference, stats.varSqCI95[1] / reference],
  };
}

export interface RunMetrics {
  /** n × mean of the last `finalWindow` per-step MSEs: the paper's L (sum over features). */
  readonly finalLoss: number;
  /** n × std of those MSEs (the notebook's error bar). */
  readonly finalLossStd: number;
  readonly finalMse: number;
  /** φ½ and φ₁ (paper Eq. 3, 9). */
  readonly fracRepresented: number;
  readonly fracStrong: number;
  /** Mean squared overlap of the unit rows over all valid rows, and over S = {‖W_i‖ > 1}. */
  readonly meanSqOverlap: number | null;
  readonly meanSqOverlapStrong: number | null;
  /** |S| and the Welch κ² for ν = |S| unit vectors in R^m (Fig. 8d compares the two). */
  readonly strongRows: number;
  readonly welchBoundSq: number;
  /** Eq. 4: Σ_{i>k} (⟨v²⟩ p_i − ⟨v⟩² p_i²) with k = φ½·n, ⟨v⟩ = 1, ⟨v²⟩ = 4/3. */
  readonly predictedWeakLoss: number;
  /** Eq. 14 for power laws (× (4/3)·E, the factors Eq. 14 omits); null for other families. */
  readonly predictedWeakLossEq14: number | null;
  readonly rowNorm: { readonly mean: number; readonly std: number; readonly min: number; readonly max: number } | null;
  /** Row norms, for histograms. */
  readonly rowNorms: readonly number[];
  /** ‖W Wᵀ − R‖₂ (spec §2 item 8); null for a diverged run. */
  readonly ambiguity: number | null;
  /**
   * Variance of the squared overlaps within S over its value for random unit vectors (spec §2
   * item 5); null when |S| < 2. The interval only when it was sampled.
   */
  readonly sqOverlapVarianceRatioStrong: number | null;
  readonly sqOverlapVarianceRatioStrongCI95: readonly [number, number] | null;
}

/** Eq. 4 with the top k features represented and the rest predicted by their mean. */
export function predictedWeakLoss(p: Float64Array, represented: number): number {
  let loss = 0;
  for (let i = Math.round(represented); i < p.length; i++) loss += (4 / 3) * p[i]! - p[i]! * p[i]!;
  return loss;
}

/** predictedWeakLoss(p, m) for every m = 0..n at once (tail[m]), summed from the small end. */
export function weakLossTail(p: Float64Array): Float64Array {
  const tail = new Float64Array(p.length + 1);
  for (let i = p.length - 1; i >= 0; i--) tail[i] = tail[i + 1]! + ((4 / 3) * p[i]! - p[i]! * p[i]!);
  return tail;
}

/**
 * Eq. 14, the integral version for p_i ∝ i^(−α) on [1, n]: the unlearned share of the mass is
 * n^(1−α)(φ^(1−α) − 1)/(1 − n^(1−α)) (α ≠ 1) or −ln φ / ln n (α = 1), times (4/3)·E.
 */
export function predictedWeakLossEq14(alpha: number, n: number, phi: number, density: number): number {
  if (phi <= 0) return (4 / 3) * density;
  const share =
    Math.abs(alpha - 1) < 1e-12
      ? -Math.log(phi) / Math.log(n)
      : (n ** (1 - alpha) * (phi ** (1 - alpha) - 1)) / (1 - n ** (1 - alpha));
  return (4 / 3) * density * Math.min(1, Math.max(0, share));
}

export async function runMetrics(
  W: Float32Array,
  n: number,
  m: number,
  mse: Float32Array,
  p: Float64Array,
  options: { readonly finalWindow: number; readonly exponent: number | null; readonly density: number },
): Promise<RunMetrics> {
  const window = mse.subarray(Math.max(0, mse.length - options.finalWindow));
  const mean = window.reduce((a, b) => a + b, 0) / window.length;
  const variance = window.reduce((a, b) => a + (b - mean) ** 2, 0) / window.length;
  // Only the Gram-identity statistics are needed from the accumulator: no pairs (budget 0).
  const acc = new SuperpositionAccumulator(n, m, { kernel: float64Kernel, pairBudget: 0, sampleRows: 2 });
  await acc.addRows(W, n);
  const a = await acc.finish();
  const rowNorms = Array.from({ length: n }, (_, i) => Math.hypot(...W.subarray(i * m, (i + 1) * m)));
  const kappa = welchBound(a.strong.rows, m);
  const overlapVariance = await strongVarianceRatio(W, n, m);
  return {
    finalLoss: n * mean,
    finalLossStd: n * Math.sqrt(variance),
    finalMse: mean,
    fracRepresented: a.fracRepresented,
    fracStrong: a.fracStrong,
    meanSqOverlap: a.meanSqOverlap,
    meanSqOverlapStrong: a.strong.meanSqOverlap,
    strongRows: a.strong.rows,
    welchBoundSq: kappa * kappa,
    predictedWeakLoss: predictedWeakLoss(p, a.fracRepresented * n),
    predictedWeakLossEq14:
      options.exponent === null ? null : predictedWeakLossEq14(options.exponent, n, a.fracRepresented, options.density),
    rowNorm: a.rowNorm,
    rowNorms,
    ambiguity: ambiguity(W, n, m).value,
    sqOverlapVarianceRatioStrong: overlapVariance.ratio,
    sqOverlapVarianceRatioStrongCI95: overlapVariance.ci95,
  };
}

/** A loss curve down-sampled to at most `points` points by averaging consecutive steps. */
export function downsampleCurve(
  mse: Float32Array,
  n: number,
  points: number,
): { step: number; mse: number; loss: number }[] {
  const per = Math.max(1, Math.ceil(mse.length / points));
  const out: { step: number; mse: number; loss: number }[] = [];
  for (let start = 0; start < mse.length; start += per) {
    const chunk = mse.subarray(start, Math.min(mse.length, start + per));
    const avg = chunk.reduce((a, b) => a + b, 0) / chunk.length;
    out.push({ step: start + chunk.length, mse: avg, loss: n * avg });
  }
  return out;
}
