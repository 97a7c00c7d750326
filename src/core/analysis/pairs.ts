// Statistics of the overlaps u_i·u_j over all pairs i < j of a set of unit rows: mean |overlap|,
// mean squared overlap, max |overlap|, and a histogram of squared overlaps. Computed in blocks of
// rows (A·Bᵀ on the kernel), so memory is one block of products at a time.
//
// When the rows are a uniform random sample of a larger set, the pair means are U-statistics:
// unbiased for the mean over all pairs of the full set. Their variance is Hoeffding's
//   Var(U) = 4(r−2)/(r(r−1))·ζ₁ + 2/(r(r−1))·ζ₂,
// with ζ₁ the variance of each row's mean over its partners and ζ₂ the variance of one pair's
// value. Both are estimated from the sample (the ζ₁ estimate is slightly high, so the interval is
// conservative), and the 95% interval is the mean ± 1.96·√Var.
//
// The variance of the squared overlaps over pairs, V = mean(c⁴) − mean(c²)², gets its interval
// the same way, with the pair value (c² − mean c²)²: its row means and its pair variance follow
// from per-row sums of c² and c⁴ and the pair sums of c², c⁴, c⁶, c⁸ (plugging in the sample mean
// of c² is a second-order effect, small beside the interval).

import type { MatrixKernel } from './kernel';

/** Squared-overlap histogram: bin 0 is [0, 1e-8); then BINS_PER_DECADE bins per decade up to 1. */
export const SQ_OVERLAP_MIN_LOG10 = -8;
export const BINS_PER_DECADE = 4;
export const SQ_OVERLAP_BINS = 1 + -SQ_OVERLAP_MIN_LOG10 * BINS_PER_DECADE;

/** Lower edge of each histogram bin (the last bin ends at 1). */
export function sqOverlapBinEdges(): number[] {
  return [
    0,
    ...Array.from({ length: SQ_OVERLAP_BINS - 1 }, (_, i) => 10 ** (SQ_OVERLAP_MIN_LOG10 + i / BINS_PER_DECADE)),
  ];
}

function sqOverlapBin(c2: number): number {
  if (c2 < 1e-8) return 0;
  const b = 1 + Math.floor((Math.log10(c2) - SQ_OVERLAP_MIN_LOG10) * BINS_PER_DECADE);
  return Math.min(SQ_OVERLAP_BINS - 1, b);
}

export interface PairStatistics {
  readonly rows: number;
  readonly pairs: number;
  readonly meanAbs: number;
  readonly meanSq: number;
  readonly maxAbs: number;
  /** 95% interval of meanAbs as an estimate of the mean over a larger set (sampled rows). */
  readonly meanAbsCI95: readonly [number, number];
  /** Counts of pairs per squared-overlap bin (see sqOverlapBinEdges). */
  readonly sqHistogram: readonly number[];
  /** Variance of the squared overlaps over the pairs (population variance). */
  readonly varSq: number;
  /** 95% interval of varSq as an estimate of the variance over a larger set (sampled rows). */
  readonly varSqCI95: readonly [number, number];
  /**
   * With options.nearDuplicate: for each row, the smallest row index of its near-duplicate group
   * (pairs with |u_i·u_j| ≥ the threshold, joined transitively by union-find); a row in no such
   * pair is its own. Null without the option.
   */
  readonly duplicateOf: Int32Array | null;
}

/** Near-duplicate groups from `duplicateOf`: rows in at least one near-duplicate pair, and groups. */
export function nearDuplicateCounts(duplicateOf: Int32Array): { rows: number; groups: number } {
  const size = new Int32Array(duplicateOf.length);
  for (let i = 0; i < duplicateOf.length; i++) size[duplicateOf[i]!]!++;
  let rows = 0;
  let groups = 0;
  for (let i = 0; i < size.length; i++) {
    if (size[i]! > 1) {
      rows += size[i]!;
      groups++;
    }
  }
  return { rows, groups };
}

/**
 * Variance of the squared overlap of two independent uniform random unit vectors in R^m: the
 * squared overlap is Beta(½, (m−1)/2), variance 2(m−1)/(m²(m+2)) (spec §2 item 5). Null for m < 2.
 */
export function randomSqOverlapVariance(m: number): number | null {
  return m < 2 ? null : (2 * (m - 1)) / (m * m * (m + 2));
}

export interface PairOptions {
  readonly kernel: MatrixKernel;
  /** Rows per block of products (default: about 1M products per block). */
  readonly blockRows?: number;
  readonly isCancelled?: () => boolean;
  readonly onProgress?: (fraction: number) => void;
  readonly cancelled?: () => Error;
  /** Also group rows into near duplicates: pairs with |u_i·u_j| at least this (see duplicateOf). */
  readonly nearDuplicate?: number;
}

/** Union-find root with path halving; roots are always the smallest index of their set. */
function findRoot(parent: Int32Array, i: number): number {
  while (parent[i] !== i) {
    parent[i] = parent[parent[i]!]!;
    i = parent[i]!;
  }
  return i;
}

/** Statistics over all pairs of the `r` unit rows in `u` (r×m, row-major); null for r < 2. */
export async function pairStatistics(
  u: Float32Array,
  r: number,
  m: number,
  options: PairOptions,
): Promise<PairStatistics | null> {
  if (r < 2) return null;
  const block = options.blockRows ?? Math.max(1, Math.min(r, Math.floor(1_048_576 / r)));
  const rowAbs = new Float64Array(r);
  const rowSq = new Float64Array(r);
  const rowQuartic = new Float64Array(r);
  let sumQuartic = 0;
  let sumSixth = 0;
  let sumEighth = 0;
  const hist = new Array<number>(SQ_OVERLAP_BINS).fill(0);
  let sumAbs = 0;
  let sumSq = 0;
  let maxAbs = 0;
  const threshold = options.nearDuplicate;
  // O(r) memory: one parent index per row.
  const parent = threshold === undefined ? null : Int32Array.from({ length: r }, (_, i) => i);
  for (let i0 = 0; i0 < r; i0 += block) {
    if (options.isCancelled?.()) throw options.cancelled?.() ?? new Error('cancelled');
    const bi = Math.min(block, r - i0);
    // Only partners j > i are needed: multiply the block by rows i0.. r-1.
    const partners = r - i0;
    const c = await options.kernel.crossProducts(
      u.subarray(i0 * m, (i0 + bi) * m),
      bi,
      u.subarray(i0 * m),
      partners,
      m,
    );
    for (let a = 0; a < bi; a++) {
      const i = i0 + a;
      let rowSum = 0;
      let rowSumSq = 0;
      let rowSumQuartic = 0;
      for (let jj = a + 1; jj < partners; jj++) {
        const v = c[a * partners + jj]!;
        const abs = v < 0 ? -v : v;
        const sq = v * v;
        const quartic = sq * sq;
        sumAbs += abs;
        sumSq += sq;
        sumQuartic += quartic;
        sumSixth += quartic * sq;
        sumEighth += quartic * quartic;
        if (abs > maxAbs) maxAbs = abs;
        if (parent !== null && abs >= threshold!) {
          const a1 = findRoot(parent, i);
          const b1 = findRoot(parent, i0 + jj);
          if (a1 !== b1) parent[Math.max(a1, b1)] = Math.min(a1, b1);
        }
        hist[sqOverlapBin(sq)]!++;
        rowSum += abs;
        rowSumSq += sq;
        rowSumQuartic += quartic;
        rowAbs[i0 + jj]! += abs;
        rowSq[i0 + jj]! += sq;
        rowQuartic[i0 + jj]! += quartic;
      }
      rowAbs[i]! += rowSum;
      rowSq[i]! += rowSumSq;
      rowQuartic[i]! += rowSumQuartic;
    }
    options.onProgress?.((i0 + bi) / r);
  }
  const pairs = (r * (r - 1)) / 2;
  const meanAbs = sumAbs / pairs;
  const meanSq = sumSq / pairs;
  // Hoeffding's variance of a U-statistic, estimated from the sample.
  let zeta1 = 0;
  for (let i = 0; i < r; i++) {
    const g = rowAbs[i]! / (r - 1) - meanAbs;
    zeta1 += g * g;
  }
  zeta1 /= Math.max(1, r - 1);
  const zeta2 = Math.max(0, meanSq - meanAbs * meanAbs);
  const variance = r > 2 ? ((4 * (r - 2)) / (r * (r - 1))) * zeta1 + (2 / (r * (r - 1))) * zeta2 : zeta2;
  const half = 1.96 * Math.sqrt(variance);
  const varInterval = sqVarianceInterval(r, pairs, meanSq, rowSq, rowQuartic, [sumQuartic, sumSixth, sumEighth]);
  return {
    rows: r,
    pairs,
    meanAbs,
    meanSq,
    maxAbs,
    meanAbsCI95: [Math.max(0, meanAbs - half), Math.min(1, meanAbs + half)],
    sqHistogram: hist,
    varSq: varInterval.value,
    varSqCI95: varInterval.ci95,
    duplicateOf: parent === null ? null : parent.map((_, i) => findRoot(parent, i)),
  };
}

/** V = mean (c² − μ)² over pairs and its Hoeffding interval (see the header). */
function sqVarianceInterval(
  r: number,
  pairs: number,
  mu: number,
  rowSq: Float64Array,
  rowQuartic: Float64Array,
  [sumQuartic, sumSixth, sumEighth]: readonly [number, number, number],
): { value: number; ci95: readonly [number, number] } {
  const e4 = sumQuartic / pairs;
  const value = Math.max(0, e4 - mu * mu);
  let zeta1 = 0;
  for (let i = 0; i < r; i++) {
    const rowMean = (rowQuartic[i]! - 2 * mu * rowSq[i]!) / (r - 1) + mu * mu;
    zeta1 += (rowMean - value) ** 2;
  }
  zeta1 /= Math.max(1, r - 1);
  const e6 = sumSixth / pairs;
  const e8 = sumEighth / pairs;
  // E(c² − μ)⁴ expanded in the power sums; E c² = μ turns −4μ³·E c² + μ⁴ into −3μ⁴.
  const fourth = e8 - 4 * mu * e6 + 6 * mu * mu * e4 - 3 * mu ** 4;
  const zeta2 = Math.max(0, fourth - value * value);
  const variance = r > 2 ? ((4 * (r - 2)) / (r * (r - 1))) * zeta1 + (2 / (r * (r - 1))) * zeta2 : zeta2;
  const half = 1.96 * Math.sqrt(variance);
  return { value, ci95: [Math.max(0, value - half), value + half] };
}
