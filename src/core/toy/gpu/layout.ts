// The fused WebGPU trainer's memory: which buffers it keeps, how large they are, and how the
// per-step uniform, per-run parameters and sparse batches are packed into bytes. Pure arithmetic,
// no GPU calls, so the packing is testable and the size check runs before anything is allocated.
//
// Shapes: R runs, n features, width m, row capacity C = batch size (a compact batch never has more
// rows than samples). Every array is float32, runs outermost:
//   W, mW, vW, dW   R×n×m       b, mb, vb   R×n
//   h, u            R×C×m       (h = x W and u = Ĝ W per compact row)
//   G               R×C×n       (Ĝ = (y − x) ⊙ [pre > 0], the gradient without its factor c)
//   partials        R×⌈C/16⌉×⌈n/16⌉  (the forward kernel's per-tile sums of w_s (y − x)²)
//   mse             R×SYNC      (one slot per step between sync points)

import type { SparseBatch } from '../sampler';
import type { StepHyper } from '../reference';
import { bufferLimitProblem, type GpuBuffer, type GpuBufferLimits } from '../../compute/gpuLimits';
import { formatInteger } from '../../format';

/** The GEMM tile edge of the forward, Ĝ W and Ĝᵀ h kernels (16×16 = 256 invocations). */
export const TILE = 16;
/** Invocations per workgroup of the one-dimensional kernels. */
export const GROUP = 64;

export interface FusedShape {
  readonly runs: number;
  readonly n: number;
  readonly m: number;
  /** Rows of the compact batch at most: the batch size. */
  readonly cap: number;
  /** Steps between sync points at most (slots of the MSE buffer). */
  readonly syncCap: number;
}

const ceilDiv = (a: number, b: number) => Math.ceil(a / b);

/** Bytes of every resident buffer, by name (the WGSL binding names of kernels.ts). */
export function bufferBytes(s: FusedShape): Record<string, number> {
  const { runs: R, n, m, cap } = s;
  const nm = 4 * R * n * m;
  return {
    W: nm,
    mW: nm,
    vW: nm,
    dW: nm,
    b: 4 * R * n,
    mb: 4 * R * n,
    vb: 4 * R * n,
    h: 4 * R * cap * m,
    u: 4 * R * cap * m,
    G: 4 * R * cap * n,
    partials: 4 * R * ceilDiv(cap, TILE) * ceilDiv(n, TILE),
    mse: 4 * R * s.syncCap,
  };
}

/** The two largest buffers named for people, as gpuLimits.ts words them. */
export function fusedBuffers(s: FusedShape): GpuBuffer[] {
  const bytes = bufferBytes(s);
  const runs = s.runs === 1 ? '' : `${formatInteger(s.runs)} × `;
  return [
    { what: `W (${runs}${formatInteger(s.n)} × ${formatInteger(s.m)} float32)`, bytes: bytes['W']! },
    {
      what: `the output gradient (${runs}${formatInteger(s.cap)} × ${formatInteger(s.n)} float32)`,
      bytes: bytes['G']!,
    },
  ];
}

export interface FusedLimits extends GpuBufferLimits {
  readonly maxComputeWorkgroupsPerDimension: number;
}

/**
 * Why these runs do not fit the device (one sentence, as the worker's `compute/too-large`), or
 * null. Besides buffer sizes, the tiled kernels put ⌈n/16⌉ workgroups on one dispatch axis.
 */
export function fusedLimitProblem(s: FusedShape, limits: FusedLimits, adapter: string): string | null {
  const problem = bufferLimitProblem(fusedBuffers(s), limits, adapter);
  if (problem !== null) return problem;
  const tiles = Math.max(ceilDiv(s.n, TILE), ceilDiv(s.cap, TILE), s.runs);
  if (tiles > limits.maxComputeWorkgroupsPerDimension) {
    return (
      `This run needs ${formatInteger(tiles)} workgroups along one axis, more than the ` +
      `${formatInteger(limits.maxComputeWorkgroupsPerDimension)} ${adapter} allows. Train it on WebAssembly ` +
      '(--backend wasm, or the setting superpositionLab.compute.backend) or with fewer features.'
    );
  }
  return null;
}

/** A one-dimensional dispatch of `count` invocations folded into x·y workgroups (each ≤ max). */
export function foldedGroups(count: number, max: number): [number, number] {
  const groups = Math.max(1, ceilDiv(count, GROUP));
  const x = Math.min(groups, max);
  return [x, ceilDiv(groups, x)];
}

// ---- the uniform (struct Dims in kernels.ts): 20 four-byte words, 80 bytes ----
export const DIMS_WORDS = 20;

export interface StepDims {
  /** Compact rows this step: the largest of the runs' (shorter runs have rows of weight 0). */
  readonly rows: number;
  /** The MSE slot of this step (steps since the last sync). */
  readonly slot: number;
  readonly batch: number;
  readonly eps: number;
  readonly beta1: number;
  readonly beta2: number;
}

export function packDims(s: FusedShape, step: StepDims): ArrayBuffer {
  const buf = new ArrayBuffer(4 * DIMS_WORDS);
  const u = new Uint32Array(buf);
  const f = new Float32Array(buf);
  u.set([s.n, s.m, s.cap, step.rows, s.runs, step.slot, s.syncCap, ceilDiv(s.n, TILE), ceilDiv(s.cap, TILE)]);
  // 1 − β in double, then rounded, as trainer.ts's tf.scalar(1 − β) is.
  f.set([1 / (step.batch * s.n), step.eps, step.beta1, step.beta2, 1 - step.beta1, 1 - step.beta2], 12);
  return buf;
}

// ---- per-run parameters (struct Run in kernels.ts): 16 words, 64 bytes each ----
export const RUN_WORDS = 16;

/** Where one run's batch lives in the batch buffer (word offsets), from packBatches. */
export interface RunBatchOffsets {
  readonly samples: number;
  readonly cols: number;
  readonly values: number;
  readonly featPtr: number;
  readonly featCount: number;
  readonly rowPtr: number;
  readonly perm: number;
  readonly weights: number;
}

/**
 * The optimizer's per-run numbers for Adam step t (t ≥ 1), as trainer.ts computes them:
 * decay W ← W·(A + B/(‖W_i‖ + ε)) with (A, B) = (1 − ηγ, 0) for γ > 0, (1 + ηγ, −ηγ) for γ < 0,
 * (1, 0) for γ = 0; then p ← p − η·bc₂/bc₁ · m̂/(√v̂ + ε·bc₂/c) with moments of the gradient
 * without its factor c = lossScale·2/(B n).
 */
export function runOptimizer(h: StepHyper, t: number, batch: number, n: number) {
  const lg = h.lrW * h.gamma;
  const bc1 = 1 - h.beta1 ** t;
  const bc2 = Math.sqrt(1 - h.beta2 ** t);
  const c = (h.lossScale * 2) / (batch * n);
  return {
    decayA: h.gamma > 0 ? 1 - lg : h.gamma < 0 ? 1 + lg : 1,
    decayB: h.gamma < 0 ? -lg : 0,
    stepW: (h.lrW * bc2) / bc1,
    stepB: (h.lrB * bc2) / bc1,
    epsHat: (h.eps * bc2) / c,
  };
}

export function packRuns(
  offsets: readonly RunBatchOffsets[],
  opt: readonly ReturnType<typeof runOptimizer>[],
): ArrayBuffer {
  const buf = new ArrayBuffer(4 * RUN_WORDS * offsets.length);
  const u = new Uint32Array(buf);
  const f = new Float32Array(buf);
  offsets.forEach((o, r) => {
    const at = r * RUN_WORDS;
    u.set([o.samples, o.cols, o.values, o.featPtr, o.featCount, o.rowPtr, o.perm, o.weights], at);
    const p = opt[r]!;
    f.set([p.decayA, p.decayB, p.stepW, p.stepB, p.epsHat], at + 8);
  });
  return buf;
}

/** Words one run's batch takes in the batch buffer (see packBatches). */
function batchWords(x: SparseBatch, rows: number): number {
  return 4 * x.count + x.featureCount + 1 + 2 * rows + 1;
}

/**
 * Every run's batch in one array of 32-bit words (floats as their bits), with each run's offsets.
 * Per run, from the sampler's real entries (which come grouped by feature):
 *   samples, cols, values   the entries in the sampler's order (feature-major)
 *   featPtr                 featureCount + 1 entry indices: feature f's entries are
 *                           [featPtr[f], featPtr[f+1]) — the encoder gradient adds per feature
 *   rowPtr, perm            the entries by compact row (a counting sort): row s's entries are
 *                           perm[rowPtr[s] .. rowPtr[s+1]) — h = x W and the target x are per row
 *   weights                 `rows` floats: the sampler's sampleWeights, then 0 (padding rows)
 * Runs whose batches are the same object share one copy.
 */
export function packBatches(
  x: readonly SparseBatch[],
  rows: number,
): { words: Uint32Array<ArrayBuffer>; offsets: RunBatchOffsets[] } {
  const distinct = [...new Set(x)];
  const words = new Uint32Array(distinct.reduce((s, xr) => s + batchWords(xr, rows), 0));
  const floats = new Float32Array(words.buffer);
  const placed = new Map<SparseBatch, RunBatchOffsets>();
  let at = 0;
  for (const xr of distinct) {
    const E = xr.count;
    const o: RunBatchOffsets = {
      samples: at,
      cols: at + E,
      values: at + 2 * E,
      perm: at + 3 * E,
      featPtr: at + 4 * E,
      featCount: xr.featureCount,
      rowPtr: at + 4 * E + xr.featureCount + 1,
      weights: at + 4 * E + xr.featureCount + 2 + rows,
    };
    words.set(xr.samples.subarray(0, E), o.samples);
    words.set(xr.cols.subarray(0, E), o.cols);
    floats.set(xr.values.subarray(0, E), o.values);
    let f = 0;
    for (let e = 0; e < E; e++) if (e === 0 || xr.cols[e] !== xr.cols[e - 1]) words[o.featPtr + f++] = e;
    if (f !== xr.featureCount) {
      throw new Error(`fused trainer: entries not grouped by feature (${f} ≠ ${xr.featureCount})`);
    }
    words[o.featPtr + f] = E;
    // Counting sort of the entries by row: rowPtr[s + 1] counts, then prefix sums, then place.
    for (let e = 0; e < E; e++) words[o.rowPtr + xr.samples[e]! + 1]!++;
    for (let s = 0; s < rows; s++) words[o.rowPtr + s + 1]! += words[o.rowPtr + s]!;
    const next = words.slice(o.rowPtr, o.rowPtr + rows);
    for (let e = 0; e < E; e++) words[o.perm + next[xr.samples[e]!]!++] = e;
    floats.set(xr.sampleWeights, o.weights);
    placed.set(xr, o);
    at += batchWords(xr, rows);
  }
  return { words, offsets: x.map((xr) => placed.get(xr)!) };
}
