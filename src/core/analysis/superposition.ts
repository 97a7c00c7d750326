// Superposition geometry of a matrix W (n rows × m columns; rows are features or tokens), after
// the paper's LLM analysis (paper-spec §2.3–2.6, §3.2–3.3), computed in one streaming pass over
// row blocks. Memory: one block, two m×m Gram matrices, the row norms (n numbers) and the rows
// kept for pair statistics (all rows when n²·m is within the pair budget, else a seeded sample).
//
// 1. Row norms ‖W_i‖ in float64. Rows with a NaN/±Inf entry are "non-finite"; rows of norm 0
//    are "zero". Both are counted and left out of every overlap statistic.
// 2. φ½ = |{‖W_i‖ > ½}|/n and φ₁ = |{‖W_i‖ > 1}|/n (paper Eq. 3 and 9), over all n rows.
// 3. Mean squared overlap of the unit rows u_i over all pairs i < j, exactly, by the Gram
//    identity Σ_{i≠j}(u_i·u_j)² = ‖UᵀU‖²_F − Σ_i‖u_i‖⁴, with G = UᵀU (m×m) accumulated in float64.
//    (Σ_i‖u_i‖⁴ is ν for exact unit rows; using the stored float32 rows' own norms keeps the
//    identity exact for the numbers actually multiplied.)
// 4. Mean and max |u_i·u_j| need every pair: exact (blocked) when n²·m ≤ pairBudget, otherwise
//    estimated from all pairs among `sampleRows` rows drawn uniformly with `seed`, with a 95%
//    interval (pairs.ts). A sampled max is the largest sampled overlap: a lower bound.
// 5. The same for the strongly represented set S = {‖W_i‖ > 1} (paper Fig. 5d), with the Welch
//    bound κ for ν = |S|.
// 6. Near-duplicate rows: pairs of kept rows with |u_i·u_j| ≥ NEAR_DUPLICATE_OVERLAP, grouped by
//    union-find during the pair pass (O(rows) memory). Unused tokens of a small vocabulary often
//    keep near-identical rows, which alone drive max |u·u| to 1 and the mean squared overlap far
//    above 1/m. The statistics are recomputed over one row per group (a second pair pass, only
//    when there are duplicates): exact in exact mode, among the sampled rows in sampled mode.

import { CoreError, messages } from '../errors';
import type { MatrixKernel } from './kernel';
import { nearDuplicateCounts, pairStatistics, randomSqOverlapVariance, type PairStatistics } from './pairs';
import { welchBound } from './welch';
import { mulberry32, sampleWithoutReplacement } from '../random';

export interface AnalysisOptions {
  readonly kernel: MatrixKernel;
  /** Pair statistics are exact when n²·m is at most this (default 2·10⁹, seconds of work). */
  readonly pairBudget?: number;
  /** Rows sampled for pair statistics beyond the budget (default 2048: about 2.1M pairs). */
  readonly sampleRows?: number;
  readonly seed?: number;
  /** Bins of the row-norm histogram (default 60). */
  readonly normBins?: number;
  /** Keep W Wᵀ (n×n) for a heatmap when n is at most this and pairs are exact (default 0: never). */
  readonly heatmapMaxRows?: number;
  readonly isCancelled?: () => boolean;
}

export const DEFAULT_PAIR_BUDGET = 2e9;
export const DEFAULT_SAMPLE_ROWS = 2048;
/**
 * |u_i·u_j| at or above this marks rows i, j as near duplicates: an angle under 2.6°. Random
 * directions in the dimensions analysed (m ≥ 32 or so) essentially never get there (the overlap is
 * about ±1/√m), while copied or untrained rows do; it is far enough below 1 that float32 products
 * of identical rows (error ~1e-6) always pass.
 */
export const NEAR_DUPLICATE_OVERLAP = 0.999;

export interface NearDuplicateSummary {
  /** The |u·u| threshold (NEAR_DUPLICATE_OVERLAP). */
  readonly threshold: number;
  /** exact: over all valid rows; sampled: among the sampled rows only (counts are of the sample). */
  readonly method: 'exact' | 'sampled';
  /** Rows checked: all valid rows (exact) or the valid sampled rows. */
  readonly rowsChecked: number;
  /** Rows in at least one near-duplicate pair. */
  readonly rows: number;
  /** Groups of near-duplicate rows (connected by such pairs). */
  readonly groups: number;
  /** Rows left with one representative per group: rowsChecked − rows + groups. */
  readonly keptRows: number;
  /**
   * Over all pairs of the kept rows (exact), or estimated from the sampled kept rows (sampled).
   * Equal to the ordinary statistics when there are no near duplicates.
   */
  readonly meanSqOverlap: number | null;
  readonly meanAbsOverlap: number | null;
  readonly maxAbsOverlap: number | null;
}

export interface OverlapSummary {
  /** ν: the rows this summary is over (finite, non-zero; for S also ‖W_i‖ > 1). */
  readonly rows: number;
  readonly pairs: number;
  /** Exact over all pairs (Gram identity). Null with fewer than two rows. */
  readonly meanSqOverlap: number | null;
  readonly meanAbsOverlap: number | null;
  /** Only for sampled statistics: the 95% interval of meanAbsOverlap. */
  readonly meanAbsOverlapCI95: readonly [number, number] | null;
  /** Exact, or the largest sampled |overlap| (a lower bound) when sampled. */
  readonly maxAbsOverlap: number | null;
  readonly method: 'exact' | 'sampled' | 'none';
  readonly sampledRows: number | null;
  readonly sampledPairs: number | null;
  /** κ for ν unit vectors in R^m. */
  readonly welchBound: number;
  /** Pair counts per squared-overlap bin (pairs.ts sqOverlapBinEdges); null without pairs. */
  readonly sqOverlapHistogram: readonly number[] | null;
  /**
   * Variance of the squared overlaps over the pairs, divided by 2(m−1)/(m²(m+2)), its value for
   * i.i.d. uniform random unit vectors (spec §2 item 5, paper Fig. 5c): < 1 means more regular
   * than random (ETF-like). Exact or sampled like meanAbsOverlap; null without pairs or for m < 2.
   */
  readonly sqOverlapVarianceRatio: number | null;
  /** Only for sampled statistics: the 95% interval of sqOverlapVarianceRatio. */
  readonly sqOverlapVarianceRatioCI95: readonly [number, number] | null;
}

export interface SuperpositionAnalysis {
  readonly n: number;
  readonly m: number;
  /** Over rows with finite entries (zero rows included). Null when there are none. */
  readonly rowNorm: { readonly mean: number; readonly std: number; readonly min: number; readonly max: number } | null;
  /** Equal-width bins over [0, max(1.25, largest norm)], so the ½ and 1 thresholds are on the axis. */
  readonly rowNormHistogram: { readonly max: number; readonly counts: readonly number[] };
  readonly zeroRows: number;
  readonly nonFiniteRows: number;
  readonly validRows: number;
  /** φ½ and φ₁, over all n rows (non-finite rows count as not represented). */
  readonly fracRepresented: number;
  readonly fracStrong: number;
  readonly invM: number;
  /** All valid rows: the headline numbers, also flattened below. */
  readonly all: OverlapSummary;
  /** The strongly represented rows S = {‖W_i‖ > 1}. */
  readonly strong: OverlapSummary;
  readonly meanSqOverlap: number | null;
  readonly meanAbsOverlap: number | null;
  readonly maxAbsOverlap: number | null;
  readonly overlapMethod: 'exact' | 'sampled' | 'none';
  readonly welchBound: number;
  readonly kernel: string;
  /** Near-duplicate rows and the overlap statistics without them; null with fewer than two rows. */
  readonly nearDuplicates: NearDuplicateSummary | null;
  /** Sentences explaining what was excluded or estimated. */
  readonly notes: readonly string[];
}

/** Growable row-major float32 storage for kept rows. */
class RowStore {
  private data: Float32Array;
  count = 0;
  constructor(
    private readonly m: number,
    initialRows: number,
  ) {
    this.data = new Float32Array(Math.max(1, initialRows) * m);
  }
  push(row: Float32Array): void {
    if ((this.count + 1) * this.m > this.data.length) {
      const grown = new Float32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data.set(row, this.count * this.m);
    this.count++;
  }
  rows(): Float32Array {
    return this.data.subarray(0, this.count * this.m);
  }
  select(keep: (i: number) => boolean): Float32Array {
    const out = new Float32Array(this.count * this.m);
    let k = 0;
    for (let i = 0; i < this.count; i++) {
      if (!keep(i)) continue;
      out.set(this.data.subarray(i * this.m, (i + 1) * this.m), k * this.m);
      k++;
    }
    return out.subarray(0, k * this.m);
  }
}

/** Accumulates Σ‖u‖⁴ and G = UᵀU for one set of rows, block by block. */
class GramSet {
  readonly g: Float64Array;
  sumQuartic = 0;
  rows = 0;
  constructor(m: number) {
    this.g = new Float64Array(m * m);
  }
  meanSq(): number | null {
    if (this.rows < 2) return null;
    let frob = 0;
    for (let i = 0; i < this.g.length; i++) frob += this.g[i]! * this.g[i]!;
    // Clamp tiny negative values from rounding when every pair is orthogonal.
    return Math.max(0, (frob - this.sumQuartic) / (this.rows * (this.rows - 1)));
  }
}

/** Row norms of the first rows of a matrix (SuperpositionAccumulator.partialNorms). */
export interface PartialNorms {
  readonly rows: number;
  readonly histogram: { readonly max: number; readonly counts: readonly number[] };
  /** φ½ and φ₁ among the finite rows seen. */
  readonly half: number;
  readonly one: number;
}

export class SuperpositionAccumulator {
  private readonly norms: Float64Array;
  private readonly finite: Uint8Array;
  private seen = 0;
  /** G over S rows and over the other valid rows; G_all is their sum (one GEMM per row, not 1.5). */
  private readonly gramStrong: GramSet;
  private readonly gramRest: GramSet;
  private readonly exact: boolean;
  /** Exact mode: every valid row. Sampled mode: the valid rows among the sample. */
  private readonly kept: RowStore;
  private readonly keptIndex: number[] = [];
  private readonly sample: Uint32Array | null;
  private nextSample = 0;
  /** Sampled mode: every S row while |S|²·m stays within the budget. */
  private strongRows: RowStore | null;
  private readonly strongLimit: number;
  private readonly pairBudget: number;
  private readonly seed: number;
  private finished = false;

  constructor(
    readonly n: number,
    readonly m: number,
    private readonly options: AnalysisOptions,
  ) {
    if (!Number.isInteger(n) || n < 1 || !Number.isInteger(m) || m < 1) {
      throw new CoreError('usage', `Cannot analyse a ${n}×${m} matrix.`);
    }
    this.norms = new Float64Array(n);
    this.finite = new Uint8Array(n);
    this.gramStrong = new GramSet(m);
    this.gramRest = new GramSet(m);
    this.pairBudget = options.pairBudget ?? DEFAULT_PAIR_BUDGET;
    this.seed = options.seed ?? 0;
    const sampleRows = options.sampleRows ?? DEFAULT_SAMPLE_ROWS;
    // A "sample" of every row is the exact computation: call it that.
    this.exact = n * n * m <= this.pairBudget || sampleRows >= n;
    this.sample = this.exact ? null : sampleWithoutReplacement(n, sampleRows, mulberry32(this.seed));
    this.kept = new RowStore(m, this.exact ? Math.min(n, 4096) : Math.min(n, sampleRows));
    this.strongLimit = Math.floor(Math.sqrt(this.pairBudget / m));
    this.strongRows = this.exact ? null : new RowStore(m, 256);
  }

  get rowsSeen(): number {
    return this.seen;
  }

  /**
   * The row norms of the rows seen so far: a histogram on the same bins as the final one (up to
   * max(1.25, the largest norm so far)) and φ½, φ₁ among them. O(rows seen); for a first plot
   * while the rest of a large matrix streams in.
   */
  partialNorms(): PartialNorms {
    let finiteRows = 0;
    let max = 0;
    let half = 0;
    let one = 0;
    for (let i = 0; i < this.seen; i++) {
      if (!this.finite[i]) continue;
      const v = this.norms[i]!;
      finiteRows++;
      if (v > max) max = v;
      if (v > 0.5) half++;
      if (v > 1) one++;
    }
    const bins = this.options.normBins ?? 60;
    const histMax = Math.max(1.25, max);
    const counts = new Array<number>(bins).fill(0);
    for (let i = 0; i < this.seen; i++) {
      if (this.finite[i]) counts[Math.min(bins - 1, Math.floor((this.norms[i]! / histMax) * bins))]!++;
    }
    return {
      rows: this.seen,
      histogram: { max: histMax, counts },
      half: finiteRows > 0 ? half / finiteRows : 0,
      one: finiteRows > 0 ? one / finiteRows : 0,
    };
  }

  private checkCancelled(): void {
    if (this.options.isCancelled?.()) throw new CoreError('job/cancelled', messages.cancelled());
  }

  /** The next `rows` rows of W, row-major (rows × m). */
  async addRows(values: Float32Array, rows: number): Promise<void> {
    this.checkCancelled();
    const m = this.m;
    if (this.finished) throw new Error('SuperpositionAccumulator: addRows after finish');
    if (values.length < rows * m || this.seen + rows > this.n) {
      throw new Error('SuperpositionAccumulator: block does not fit the matrix');
    }
    // Valid rows are written to `unitRest`, or to `unitStrong` when ‖W_i‖ > 1.
    const unitRest = new Float32Array(rows * m);
    const unitStrong = new Float32Array(rows * m);
    let rest = 0;
    let strong = 0;
    for (let r = 0; r < rows; r++) {
      const index = this.seen + r;
      const off = r * m;
      let ss = 0;
      let isFinite = true;
      for (let k = 0; k < m; k++) {
        const x = values[off + k]!;
        if (x - x !== 0) isFinite = false;
        ss += x * x;
      }
      const norm = Math.sqrt(ss);
      this.norms[index] = isFinite ? norm : NaN;
      this.finite[index] = isFinite ? 1 : 0;
      let inSample = false;
      if (this.sample !== null) {
        while (this.nextSample < this.sample.length && this.sample[this.nextSample]! < index) this.nextSample++;
        inSample = this.nextSample < this.sample.length && this.sample[this.nextSample] === index;
      }
      if (!isFinite || norm === 0) continue;
      // Normalise in float64, store in float32; the quartic term uses the stored values.
      const isStrong = norm > 1;
      const row = isStrong
        ? unitStrong.subarray(strong * m, (strong + 1) * m)
        : unitRest.subarray(rest * m, (rest + 1) * m);
      let stored = 0;
      for (let k = 0; k < m; k++) {
        const u = values[off + k]! / norm;
        row[k] = u;
        stored += row[k]! * row[k]!;
      }
      if (isStrong) {
        this.gramStrong.sumQuartic += stored * stored;
        strong++;
      } else {
        this.gramRest.sumQuartic += stored * stored;
        rest++;
      }
      if (this.exact || inSample) {
        this.kept.push(row);
        this.keptIndex.push(index);
      }
      if (isStrong && this.strongRows !== null) {
        this.strongRows.push(row);
        if (this.strongRows.count > this.strongLimit) this.strongRows = null; // S too large: sample it
      }
    }
    if (rest > 0) await this.options.kernel.gramAccumulate(unitRest, rest, m, this.gramRest.g);
    if (strong > 0) await this.options.kernel.gramAccumulate(unitStrong, strong, m, this.gramStrong.g);
    this.gramRest.rows += rest;
    this.gramStrong.rows += strong;
    this.seen += rows;
  }

  private summary(gram: GramSet, pairs: PairStatistics | null, method: OverlapSummary['method']): OverlapSummary {
    const rows = gram.rows;
    const sampled = method === 'sampled' && pairs !== null;
    const reference = randomSqOverlapVariance(this.m);
    const ratio = pairs === null || reference === null ? null : pairs.varSq / reference;
    return {
      rows,
      pairs: (rows * (rows - 1)) / 2,
      meanSqOverlap: gram.meanSq(),
      meanAbsOverlap: pairs?.meanAbs ?? null,
      meanAbsOverlapCI95: sampled ? pairs.meanAbsCI95 : null,
      maxAbsOverlap: pairs?.maxAbs ?? null,
      method: pairs === null ? 'none' : method,
      sampledRows: sampled ? pairs.rows : null,
      sampledPairs: sampled ? pairs.pairs : null,
      welchBound: welchBound(rows, this.m),
      sqOverlapHistogram: pairs?.sqHistogram ?? null,
      sqOverlapVarianceRatio: ratio,
      sqOverlapVarianceRatioCI95:
        sampled && ratio !== null ? [pairs.varSqCI95[0] / reference!, pairs.varSqCI95[1] / reference!] : null,
    };
  }

  /** Completes the analysis. `onProgress` reports the pair phase, 0..1. */
  async finish(onProgress?: (fraction: number) => void): Promise<SuperpositionAnalysis> {
    if (this.seen !== this.n) throw new Error(`SuperpositionAccumulator: got ${this.seen} of ${this.n} rows`);
    this.finished = true;
    const m = this.m;
    const gramAll = new GramSet(m);
    for (let i = 0; i < m * m; i++) gramAll.g[i] = this.gramStrong.g[i]! + this.gramRest.g[i]!;
    gramAll.rows = this.gramStrong.rows + this.gramRest.rows;
    gramAll.sumQuartic = this.gramStrong.sumQuartic + this.gramRest.sumQuartic;
    const pairOptions = (weight: number, start: number) => ({
      kernel: this.options.kernel,
      isCancelled: this.options.isCancelled,
      cancelled: () => new CoreError('job/cancelled', messages.cancelled()),
      onProgress: (f: number) => onProgress?.(start + weight * f),
    });
    const keptRows = this.kept.rows();
    const allPairs = await pairStatistics(keptRows, this.kept.count, m, {
      ...pairOptions(0.7, 0),
      nearDuplicate: NEAR_DUPLICATE_OVERLAP,
    });

    // S: exact when every S row was kept (always in exact mode), otherwise the S rows of the sample.
    const keptStrong = (i: number) => this.norms[this.keptIndex[i]!]! > 1;
    let strongPairs: PairStatistics | null;
    let strongMethod: OverlapSummary['method'];
    if (this.exact) {
      const s = this.kept.select(keptStrong);
      strongPairs = await pairStatistics(s, s.length / m, m, pairOptions(0.3, 0.7));
      strongMethod = 'exact';
    } else if (this.strongRows !== null) {
      strongPairs = await pairStatistics(this.strongRows.rows(), this.strongRows.count, m, pairOptions(0.3, 0.7));
      strongMethod = 'exact';
    } else {
      const s = this.kept.select(keptStrong);
      strongPairs = await pairStatistics(s, s.length / m, m, pairOptions(0.3, 0.7));
      strongMethod = 'sampled';
    }
    const nearDuplicates = await this.nearDuplicateSummary(allPairs, gramAll.meanSq());
    onProgress?.(1);

    // Row norms over finite rows.
    let finiteRows = 0;
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    let zeroRows = 0;
    let represented = 0;
    let strongCount = 0;
    for (let i = 0; i < this.n; i++) {
      if (!this.finite[i]) continue;
      const v = this.norms[i]!;
      finiteRows++;
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
      if (v === 0) zeroRows++;
      if (v > 0.5) represented++;
      if (v > 1) strongCount++;
    }
    const mean = finiteRows > 0 ? sum / finiteRows : 0;
    let sq = 0;
    for (let i = 0; i < this.n; i++) if (this.finite[i]) sq += (this.norms[i]! - mean) ** 2;
    const bins = this.options.normBins ?? 60;
    const histMax = Math.max(1.25, finiteRows > 0 ? max : 0);
    const counts = new Array<number>(bins).fill(0);
    for (let i = 0; i < this.n; i++) {
      if (this.finite[i]) counts[Math.min(bins - 1, Math.floor((this.norms[i]! / histMax) * bins))]!++;
    }
    const nonFiniteRows = this.n - finiteRows;

    const all = this.summary(gramAll, allPairs, this.exact ? 'exact' : 'sampled');
    const strong = this.summary(this.gramStrong, strongPairs, strongMethod);
    const notes: string[] = [];
    if (zeroRows + nonFiniteRows > 0) {
      notes.push(
        `${zeroRows} zero row${zeroRows === 1 ? '' : 's'} and ${nonFiniteRows} row${nonFiniteRows === 1 ? '' : 's'} with NaN or infinite entries are left out of every overlap statistic${nonFiniteRows > 0 ? ' and of the row-norm statistics' : ''}.`,
      );
    }
    if (all.method === 'sampled') {
      notes.push(
        `Mean and max |overlap| are estimated from all ${all.sampledPairs!.toLocaleString('en-US')} pairs among ${all.sampledRows!.toLocaleString('en-US')} rows sampled with seed ${this.seed} (n²·m = ${(this.n * this.n * m).toExponential(2)} is over the pair budget ${this.pairBudget.toExponential(2)}); the max is the largest sampled overlap, a lower bound. The mean squared overlap is exact.`,
      );
    }
    if (all.method === 'none') notes.push('Fewer than two usable rows: there are no pairs to compare.');
    return {
      n: this.n,
      m,
      rowNorm: finiteRows > 0 ? { mean, std: Math.sqrt(sq / finiteRows), min, max } : null,
      rowNormHistogram: { max: histMax, counts },
      zeroRows,
      nonFiniteRows,
      validRows: gramAll.rows,
      fracRepresented: represented / this.n,
      fracStrong: strongCount / this.n,
      invM: 1 / m,
      all,
      strong,
      meanSqOverlap: all.meanSqOverlap,
      meanAbsOverlap: all.meanAbsOverlap,
      maxAbsOverlap: all.maxAbsOverlap,
      overlapMethod: all.method,
      welchBound: all.welchBound,
      kernel: this.options.kernel.name,
      nearDuplicates,
      notes,
    };
  }

  /** Near duplicates among the kept rows, and the pair statistics over one row per group. */
  private async nearDuplicateSummary(
    pairs: PairStatistics | null,
    gramMeanSq: number | null,
  ): Promise<NearDuplicateSummary | null> {
    if (pairs === null || pairs.duplicateOf === null) return null;
    const { rows, groups } = nearDuplicateCounts(pairs.duplicateOf);
    const base = {
      threshold: NEAR_DUPLICATE_OVERLAP,
      method: this.exact ? ('exact' as const) : ('sampled' as const),
      rowsChecked: pairs.rows,
      rows,
      groups,
      keptRows: pairs.rows - rows + groups,
    };
    if (rows === 0) {
      // Nothing to drop: the ordinary statistics (the mean square exact by the Gram identity in
      // exact mode; in sampled mode the sample's, so both modes compare like with like).
      return {
        ...base,
        meanSqOverlap: this.exact ? gramMeanSq : pairs.meanSq,
        meanAbsOverlap: pairs.meanAbs,
        maxAbsOverlap: pairs.maxAbs,
      };
    }
    const dup = pairs.duplicateOf;
    const kept = this.kept.select((i) => dup[i] === i);
    const rest = await pairStatistics(kept, kept.length / this.m, this.m, {
      kernel: this.options.kernel,
      isCancelled: this.options.isCancelled,
      cancelled: () => new CoreError('job/cancelled', messages.cancelled()),
    });
    return {
      ...base,
      meanSqOverlap: rest?.meanSq ?? null,
      meanAbsOverlap: rest?.meanAbs ?? null,
      maxAbsOverlap: rest?.maxAbs ?? null,
    };
  }

  /**
   * W Wᵀ (n×n, row-major) when pairs were exact and n ≤ heatmapMaxRows; rows that are zero or
   * non-finite are 0 (their diagonal too, for non-finite). Call after finish().
   */
  async gramOfRows(): Promise<Float32Array | null> {
    const limit = this.options.heatmapMaxRows ?? 0;
    if (!this.finished || !this.exact || this.n > limit) return null;
    const count = this.kept.count;
    const cos = await this.options.kernel.crossProducts(this.kept.rows(), count, this.kept.rows(), count, this.m);
    const out = new Float32Array(this.n * this.n);
    for (let a = 0; a < count; a++) {
      const i = this.keptIndex[a]!;
      const ni = this.norms[i]!;
      for (let b = 0; b < count; b++) {
        const j = this.keptIndex[b]!;
        out[i * this.n + j] = cos[a * count + b]! * ni * this.norms[j]!;
      }
    }
    return out;
  }
}
