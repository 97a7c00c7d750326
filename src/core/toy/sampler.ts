// One batch of the paper's data (paper-spec §1.1): x_bi = Bernoulli(p_i) · Uniform(0, 2),
// independent over samples b and features i, drawn fresh every step.
//
// With E = Σ p_i ≈ 1 active feature per sample, x is almost all zeros, so instead of 2·B·n
// uniforms (the reference code) we jump between successes: for each feature the gap to the next
// active sample is geometric, Geom(p_i), which gives exactly the same Bernoulli process with
// about n + B·E draws. The batch is written into a dense B×n buffer; only the entries set last
// time are cleared.
//
// For the trainer, sparse() also numbers the samples that have at least one active feature
// (about (1 − e^−E)·B of them, 63% at E = 1): every empty sample gives the same output ReLU(b),
// so the trainer computes one of them and weighs it by their number (sampleWeights).

import type { Rng } from './rng';

/** Sparse batches are padded to a multiple of this many entries. */
export const PAD = 32;
/** The list of active features is padded to a multiple of this. */
export const FEATURE_PAD = 8;
/** The active samples (plus at least one empty one) are padded to a multiple of this. */
export const SAMPLE_PAD = 16;

export interface SparseBatch {
  /** For each entry, its sample's index among the active samples (0 for padding). */
  readonly samples: Int32Array;
  readonly cols: Int32Array;
  readonly values: Float32Array;
  /** Real (unpadded) entries. */
  readonly count: number;
  /**
   * The distinct active features (columns), padded with feature 0 to a multiple of FEATURE_PAD,
   * with at least one padding slot (the trainer keeps the bias gradient there).
   */
  readonly features: Int32Array;
  /** Real (unpadded) distinct features. */
  readonly featureCount: number;
  /** For each entry, the index of its column in `features` (0 for padding). */
  readonly local: Int32Array;
  /**
   * Per row of the trainer's compact batch (the active samples, then empty ones up to a multiple
   * of SAMPLE_PAD, at most B rows): how many samples of the batch the row stands for. 1, except
   * the first empty row, which also stands for every empty sample left out. Σ = B.
   */
  readonly sampleWeights: Float32Array;
  /** Real (unpadded) active samples. */
  readonly sampleCount: number;
}

export class BatchSampler {
  /** B×n row-major, float32: the current batch. */
  readonly x: Float32Array;
  private readonly set: Uint32Array;
  private count = 0;
  /** Per feature, its index among the batch's distinct active features, or −1 (scratch). */
  private readonly slot: Int32Array;
  /** Per sample, its index among the batch's active samples, or −1 (scratch). */
  private readonly sampleSlot: Int32Array;
  /** log(1 − p_i), or 0 for features that are always (p ≥ 1) or never (p ≤ 0) active. */
  private readonly logq: Float64Array;

  constructor(
    private readonly p: Float64Array,
    readonly batch: number,
  ) {
    const n = p.length;
    this.x = new Float32Array(batch * n);
    this.set = new Uint32Array(batch * n);
    this.slot = new Int32Array(n).fill(-1);
    this.sampleSlot = new Int32Array(batch).fill(-1);
    this.logq = Float64Array.from(p, (pi) => (pi > 0 && pi < 1 ? Math.log1p(-pi) : 0));
  }

  /**
   * The active entries of the current batch as (row, column, value) triples, padded with zeros to
   * a multiple of PAD so that tensor shapes repeat from step to step (GPU backends compile one
   * program per shape). A padding entry is (0, 0, 0): it adds nothing. Also the distinct active
   * features, for the trainer's active-feature path, and the active samples (see sampleWeights).
   */
  sparse(): SparseBatch {
    const n = this.p.length;
    const size = Math.max(PAD, Math.ceil(this.count / PAD) * PAD);
    const samples = new Int32Array(size);
    const cols = new Int32Array(size);
    const values = new Float32Array(size);
    const local = new Int32Array(size);
    const { slot, sampleSlot } = this;
    const distinct: number[] = [];
    const active: number[] = [];
    for (let k = 0; k < this.count; k++) {
      const at = this.set[k]!;
      const row = Math.floor(at / n);
      const col = at - row * n;
      if (sampleSlot[row] === -1) {
        sampleSlot[row] = active.length;
        active.push(row);
      }
      samples[k] = sampleSlot[row]!;
      cols[k] = col;
      values[k] = this.x[at]!;
      if (slot[col] === -1) {
        slot[col] = distinct.length;
        distinct.push(col);
      }
      local[k] = slot[col]!;
    }
    for (const col of distinct) slot[col] = -1;
    for (const row of active) sampleSlot[row] = -1;
    const features = new Int32Array(Math.ceil((distinct.length + 1) / FEATURE_PAD) * FEATURE_PAD);
    features.set(distinct);
    // At least one empty row whenever some sample is empty, to stand for all of them.
    const B = this.batch;
    const rows = active.length === B ? B : Math.min(B, Math.ceil((active.length + 1) / SAMPLE_PAD) * SAMPLE_PAD);
    const sampleWeights = new Float32Array(rows).fill(1);
    if (rows > active.length) sampleWeights[active.length] = 1 + B - rows;
    return {
      samples,
      cols,
      values,
      count: this.count,
      features,
      featureCount: distinct.length,
      local,
      sampleWeights,
      sampleCount: active.length,
    };
  }

  /** Draws the next batch into `x`; returns the number of active entries. */
  next(rng: Rng): number {
    const { x, set, p, logq, batch } = this;
    const n = p.length;
    for (let k = 0; k < this.count; k++) x[set[k]!] = 0;
    let count = 0;
    for (let i = 0; i < n; i++) {
      const pi = p[i]!;
      if (pi <= 0) continue;
      if (pi >= 1) {
        for (let b = 0; b < batch; b++) {
          const at = b * n + i;
          x[at] = 2 * rng.uniform();
          set[count++] = at;
        }
        continue;
      }
      // Positions of successes: each gap is Geom(p) ≥ 0 failures, i.e. floor(log(U) / log(1 − p)).
      let b = -1;
      for (;;) {
        b += 1 + Math.floor(Math.log(1 - rng.uniform()) / logq[i]!);
        if (b >= batch) break;
        const at = b * n + i;
        x[at] = 2 * rng.uniform();
        set[count++] = at;
      }
    }
    this.count = count;
    return count;
  }
}
