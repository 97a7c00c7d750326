// Training the toy model on TensorFlow.js, on whatever backend the Node compute worker selected
// (WebGPU through Dawn, WASM, CPU). The maths is reference.ts, in tensor ops:
// the gradient is written out (no autodiff), and the optimizer is the paper's custom AdamW, which
// TF.js does not have. Everything is float32; data and initial weights come from the seeded CPU
// generator, so a seed gives the same run on every backend up to float rounding.
//
// Performance: matMul with transpose flags is slow on the WASM backend (platform notes), so the
// transposes are explicit. Per-step losses stay on the device and are read back at sync points,
// which is also when cancellation is checked and progress reported: every SYNC_EVERY steps, or
// sooner where steps are slow (a software GPU), so a sync point comes about every SYNC_TARGET_MS
// and a cancel is answered well inside the worker client's grace period.

import * as tf from '@tensorflow/tfjs-core';
import { Rng, STREAM } from './rng';
import { BatchSampler, type SparseBatch } from './sampler';
import { lrMultiplier, peakLearningRates, warmupSteps } from './schedule';
import type { StepHyper } from './reference';
import type { OptimizerSettings } from '../config/sweep';
import { CoreError, messages } from '../errors';

export interface TrainSettings extends OptimizerSettings {
  readonly n: number;
  readonly m: number;
  readonly batch: number;
  readonly steps: number;
  readonly seed: number;
  readonly weightDecay: number;
}

export interface TrainHooks {
  /** Checked at every sync point; a true answer ends the run with `job/cancelled`. */
  readonly isCancelled?: () => boolean;
  /** Called at every sync point with the steps done and the latest MSE. */
  readonly onProgress?: (stepsDone: number, mse: number) => void;
  /**
   * Awaited at every sync point. On the CPU backends every await inside a run resolves as a
   * microtask, so without a real yield (setTimeout, setImmediate) a worker never sees its cancel
   * message and a CLI never sees Ctrl-C until the run ends.
   */
  readonly yieldToEvents?: () => Promise<void>;
}

export interface TrainOutput {
  /** n×m, row-major. */
  readonly W: Float32Array;
  readonly b: Float32Array;
  /** The unscaled MSE of every step (before that step's update). */
  readonly mse: Float32Array;
  readonly ms: number;
}

/** At most this many steps between sync points. */
export const SYNC_EVERY = 50;
/** Wall time aimed for between sync points when steps are slow. */
export const SYNC_TARGET_MS = 250;
/** The first interval is short: nothing is known yet about the step time. */
export const FIRST_SYNC = 5;

/** Steps until the next sync point, from the time the last interval took. */
export function nextSyncInterval(msPerStep: number): number {
  if (!(msPerStep > 0)) return SYNC_EVERY;
  return Math.max(1, Math.min(SYNC_EVERY, Math.floor(SYNC_TARGET_MS / msPerStep)));
}

/**
 * 'auto' takes the active-feature path when its products are clearly smaller than the dense
 * ones: few distinct features against the compact batch (k ≤ 0.5·rows) and a width where the
 * products dominate the step (m ≥ 16; at m = 16 the two tie). Below that its extra n-wide gathers
 * and scatters cost more than they save (measured on WASM: bench/train.ts, docs/performance.md).
 */
export function preferActive(distinctFeatures: number, rows: number, m: number): boolean {
  return m >= 16 && distinctFeatures <= 0.5 * rows;
}

/** The gradient without its constant factor c = lossScale · 2/(B n), and the batch's MSE. */
interface Gradients {
  /** The unscaled MSE of the batch, before the update. */
  readonly mse: tf.Scalar;
  readonly gW: tf.Tensor;
  readonly gb: tf.Tensor;
}

/**
 * Index tensors of one batch, [count, 1] or [count, 2], as gatherND and scatterND take them.
 * Rows are gathered with gatherND, which copies whole rows, where tf.gather on the WASM backend
 * indexes element by element (40× slower for 1,024-wide rows, measured).
 */
function indexColumn(a: Int32Array): tf.Tensor2D {
  return tf.tensor2d(a, [a.length, 1], 'int32');
}
function indexPairs(a: Int32Array, b: Int32Array): tf.Tensor2D {
  const pairs = new Int32Array(2 * a.length);
  for (let i = 0; i < a.length; i++) {
    pairs[2 * i] = a[i]!;
    pairs[2 * i + 1] = b[i]!;
  }
  return tf.tensor2d(pairs, [a.length, 2], 'int32');
}

/** W ~ N(0, 1/m), b ~ N(0, 1) (paper-spec §1.2), from the run's init stream. */
export function initialWeights(n: number, m: number, seed: number): { W: Float32Array; b: Float32Array } {
  const rng = new Rng(seed, STREAM.init);
  const std = 1 / Math.sqrt(m);
  const W = Float32Array.from({ length: n * m }, () => std * rng.normal());
  const b = Float32Array.from({ length: n }, () => rng.normal());
  return { W, b };
}

/**
 * The model's parameters and optimizer state as TF.js variables, and one step of training.
 *
 * Adam's moments are kept for the gradient without its constant factor c (see Gradients), which
 * saves two n-wide products a step: with g = c·ĝ, m = c·m̂ and v = c²·v̂, so Adam's
 * m/(√v/bc₂ + ε) is m̂/(√v̂/bc₂ + ε/c) exactly.
 */
export class TfToyModel {
  readonly W: tf.Variable;
  readonly b: tf.Variable;
  private readonly mW: tf.Variable;
  private readonly vW: tf.Variable;
  private readonly mb: tf.Variable;
  private readonly vb: tf.Variable;
  /** Steps taken (Adam's t before the next step). */
  t = 0;

  constructor(
    readonly n: number,
    readonly m: number,
    W: Float32Array,
    b: Float32Array,
  ) {
    // A variable keeps its own reference to the data; the initial tensors are then disposed.
    const variable = (init: tf.Tensor) => {
      const v = tf.variable(init, false);
      init.dispose();
      return v;
    };
    this.W = variable(tf.tensor2d(W, [n, m]));
    this.b = variable(tf.tensor1d(b));
    this.mW = variable(tf.zeros([n, m]));
    this.vW = variable(tf.zeros([n, m]));
    this.mb = variable(tf.zeros([n]));
    this.vb = variable(tf.zeros([n]));
  }

  /**
   * How the gradient is computed: 'dense' (products with the compact batch), 'active' (products
   * with the k distinct active features of the batch), or 'auto' (preferActive). Both give the
   * same numbers up to float rounding.
   */
  mode: 'auto' | 'dense' | 'active' = 'auto';

  /**
   * One step on a batch given by its active entries (x has ~E nonzeros per row). Returns the
   * unscaled MSE as a scalar tensor the caller owns. Both paths work on the compact batch: the
   * active samples, then empty ones (SparseBatch.sampleWeights), so at E = 1 the n-wide arrays
   * have ~0.63·B rows; x W is a gather and a scatter-add instead of a product.
   */
  step(x: SparseBatch, batch: number, h: StepHyper): tf.Scalar {
    this.t++;
    const t = this.t;
    const rows = x.sampleWeights.length;
    // TF.js's plain-JS CPU backend gathers and scatters slowly: dense wins there at every width.
    const active =
      this.mode === 'active' ||
      (this.mode === 'auto' && tf.getBackend() !== 'cpu' && preferActive(x.featureCount, rows, this.m));
    return tf.tidy(() => {
      const { mse, gW, gb } = active ? this.activeGradients(x, batch) : this.denseGradients(x, batch);
      const c = (h.lossScale * 2) / (batch * this.n);
      const W = this.W as tf.Tensor2D;
      // Decay first (W only; b's γ is 0): γ ≥ 0 scales W by 1 − ηγ; γ < 0 scales row i by
      // 1 + ηγ(1 − 1/r_i) = (1 + ηγ) − ηγ/r_i with r_i = ‖W_i‖ + ε.
      const lg = h.lrW * h.gamma;
      let Wd: tf.Tensor = W;
      if (h.gamma > 0) Wd = tf.mul(W, tf.scalar(1 - lg));
      else if (h.gamma < 0) {
        const r = tf.add(tf.sqrt(tf.sum(tf.square(W), 1, true)), tf.scalar(h.eps));
        Wd = tf.mul(W, tf.add(tf.div(tf.scalar(-lg), r), tf.scalar(1 + lg)));
      }
      // Then Adam with bias correction: p − η/bc₁ · m/(√v/bc₂ + ε/c) = p − η·bc₂/bc₁ · m/(√v + ε·bc₂/c).
      const bc1 = 1 - h.beta1 ** t;
      const bc2 = Math.sqrt(1 - h.beta2 ** t);
      const adam = (p: tf.Tensor, g: tf.Tensor, m1: tf.Variable, v2: tf.Variable, lr: number) => {
        const mNew = tf.add(tf.mul(m1, tf.scalar(h.beta1)), tf.mul(g, tf.scalar(1 - h.beta1)));
        const vNew = tf.add(tf.mul(v2, tf.scalar(h.beta2)), tf.mul(tf.square(g), tf.scalar(1 - h.beta2)));
        m1.assign(mNew);
        v2.assign(vNew);
        const denom = tf.add(tf.sqrt(vNew), tf.scalar((h.eps * bc2) / c));
        return tf.sub(p, tf.mul(tf.div(mNew, denom), tf.scalar((lr * bc2) / bc1)));
      };
      this.W.assign(adam(Wd, gW, this.mW, this.vW, h.lrW));
      this.b.assign(adam(this.b, gb, this.mb, this.vb, h.lrB));
      return tf.keep(mse) as tf.Scalar;
    });
  }

  /**
   * The gradient with the compact batch feature-major (n×rows): the three big products (W hᵀ,
   * Gᵀ h, Wᵀ Gᵀ) run without transposing an n-wide array (transposes are slow on WASM, and so are
   * matMul's transpose flags) and only m-wide arrays are transposed. Cost: three rows·n·m
   * products.
   */
  private denseGradients(x: SparseBatch, batch: number): Gradients {
    const { n, m } = this;
    const W = this.W as tf.Tensor2D;
    const rows = x.sampleWeights.length;
    const samples = indexColumn(x.samples);
    const cols = indexColumn(x.cols);
    const values = tf.tensor2d(x.values, [x.values.length, 1]);
    const weights = tf.tensor2d(x.sampleWeights, [rows, 1]);
    const xT = tf.scatterND(indexPairs(x.cols, x.samples), x.values, [n, rows]); // n×rows
    // x W: Σ over active (s, i) of x_si W_i into row s.
    const hidden = tf.scatterND(samples, tf.mul(tf.gatherND(W, cols), values), [rows, m]) as tf.Tensor2D;
    const preT = tf.add(tf.matMul(W, tf.transpose(hidden)), tf.reshape(this.b, [n, 1])); // n×rows
    const diffT = tf.sub(tf.relu(preT), xT);
    const sse = tf.sum(tf.matMul(tf.square(diffT), weights));
    // Ĝ = (y − x) ⊙ [pre > 0] (ReLU'(0) = 0, as in PyTorch); G = c·Ĝ.
    const GT = tf.mul(diffT, tf.step(preT)) as tf.Tensor2D; // n×rows
    // ∂/∂W = Gᵀ h (decoder) + xᵀ (G W) (encoder; sparse like x W). Empty rows have h = 0, x = 0.
    const GW = tf.transpose(tf.matMul(tf.transpose(W), GT)); // rows×m
    const encoder = tf.scatterND(cols, tf.mul(tf.gatherND(GW, samples), values), [n, m]);
    return {
      mse: tf.mul(sse, tf.scalar(1 / (batch * n))) as tf.Scalar,
      gW: tf.add(tf.matMul(GT, hidden), encoder),
      gb: tf.reshape(tf.matMul(GT, weights), [n]),
    };
  }

  /**
   * The gradient through the k distinct active features A of the batch (k ≈ 150–300 for
   * Zipf-like data at B = 512): with R = W_A Wᵀ (k×n), pre_s = Σ_i x_si R_i + b; with
   * M = x_Aᵀ Ĝ (k×n), ∂/∂W ∝ Mᵀ W_A (decoder) + scatter_A(M W) (encoder). Cost: three k·n·m
   * products instead of three rows·n·m, plus gathers and scatters of nnz(x)·n.
   *
   * The bias gradient Σ_s w_s Ĝ_s rides in the same scatter as M, into a spare row of M (the
   * sampler pads k to leave one): a product with Ĝ as its right operand costs more (the WASM
   * matMul repacks its right operand every call) and a sum over the first axis much more (the
   * WASM backend transposes first). The feature mask keeps that row (and the padding rows) out
   * of both W terms.
   */
  private activeGradients(x: SparseBatch, batch: number): Gradients {
    const { n, m } = this;
    const W = this.W as tf.Tensor2D;
    const k = x.features.length;
    const rows = x.sampleWeights.length;
    const nnz = x.values.length;
    const spare = k - 1;
    // Entries, then one per compact row for the bias gradient: Ĝ rows to gather, their factors,
    // and the rows of M they add into.
    const from = new Int32Array(nnz + rows);
    const into = new Int32Array(nnz + rows);
    const factor = new Float32Array(nnz + rows);
    from.set(x.samples);
    into.set(x.local);
    factor.set(x.values);
    for (let s = 0; s < rows; s++) {
      from[nnz + s] = s;
      into[nnz + s] = spare;
      factor[nnz + s] = x.sampleWeights[s]!;
    }
    const mask = new Float32Array(k);
    mask.fill(1, 0, x.featureCount);
    const featureMask = tf.tensor2d(mask, [k, 1]);
    const features = indexColumn(x.features);
    const WA = tf.mul(tf.gatherND(W, features), featureMask) as tf.Tensor2D; // k×m, padding rows 0
    const R = tf.matMul(WA, tf.transpose(W)); // k×n
    const values = tf.tensor2d(x.values, [nnz, 1]);
    const samples = indexColumn(x.samples);
    const pre = tf.add(tf.scatterND(samples, tf.mul(tf.gatherND(R, indexColumn(x.local)), values), [rows, n]), this.b);
    const diff = tf.sub(tf.relu(pre), tf.scatterND(indexPairs(x.samples, x.cols), x.values, [rows, n]));
    const sse = tf.sum(tf.mul(tf.sum(tf.square(diff), 1), x.sampleWeights));
    const G = tf.mul(diff, tf.step(pre)); // rows×n, Ĝ
    const gathered = tf.mul(tf.gatherND(G, indexColumn(from)), tf.tensor2d(factor, [nnz + rows, 1]));
    const M = tf.scatterND(indexColumn(into), gathered, [k, n]) as tf.Tensor2D; // k×n
    // Mᵀ W_A with the small W_A as the right operand: the WASM matMul repacks its right operand
    // every call, and that costs more than transposing M (measured).
    const decoder = tf.matMul(tf.transpose(M), WA); // n×m
    const encoder = tf.scatterND(features, tf.mul(tf.matMul(M, W), featureMask), [n, m]);
    return {
      mse: tf.mul(sse, tf.scalar(1 / (batch * n))) as tf.Scalar,
      gW: tf.add(decoder, encoder),
      gb: tf.reshape(tf.gatherND(M, tf.tensor2d([spare], [1, 1], 'int32')), [n]),
    };
  }

  async read(): Promise<{ W: Float32Array; b: Float32Array }> {
    const [W, b] = await Promise.all([this.W.data(), this.b.data()]);
    return { W: W as Float32Array, b: b as Float32Array };
  }

  dispose(): void {
    for (const v of [this.W, this.b, this.mW, this.vW, this.mb, this.vb]) v.dispose();
  }
}

/** The per-step hyperparameters of a run at 0-based `step`. */
export function stepHyper(s: TrainSettings, step: number): StepHyper {
  const peak = peakLearningRates(s.lr, s.m);
  const mult = lrMultiplier(step, s.steps, warmupSteps(s.warmup, s.steps), s.minLrRatio);
  return {
    lrW: peak.W * mult,
    lrB: peak.b * mult,
    gamma: s.weightDecay,
    lossScale: s.lossScale,
    beta1: s.beta1,
    beta2: s.beta2,
    eps: s.eps,
  };
}

/** Trains one run from scratch with feature frequencies `p` (length n). */
export async function trainRun(s: TrainSettings, p: Float64Array, hooks: TrainHooks = {}): Promise<TrainOutput> {
  const t0 = performance.now();
  const { W, b } = initialWeights(s.n, s.m, s.seed);
  const model = new TfToyModel(s.n, s.m, W, b);
  const sampler = new BatchSampler(p, s.batch);
  const data = new Rng(s.seed, STREAM.data);
  const mse = new Float32Array(s.steps);
  let pending: tf.Scalar[] = [];
  let flushedUpTo = 0;
  let syncEvery = Math.min(FIRST_SYNC, SYNC_EVERY);
  let intervalStart = performance.now();
  const flush = async () => {
    if (pending.length === 0) return;
    const stacked = tf.stack(pending);
    const values = (await stacked.data()) as Float32Array;
    stacked.dispose();
    pending.forEach((t) => t.dispose());
    mse.set(values, flushedUpTo);
    flushedUpTo += values.length;
    pending = [];
  };
  try {
    for (let step = 0; step < s.steps; step++) {
      sampler.next(data);
      pending.push(model.step(sampler.sparse(), s.batch, stepHyper(s, step)));
      if (pending.length >= syncEvery || step === s.steps - 1) {
        const steps = pending.length;
        await flush();
        const now = performance.now();
        syncEvery = nextSyncInterval((now - intervalStart) / steps);
        intervalStart = now;
        hooks.onProgress?.(step + 1, mse[step]!);
        await hooks.yieldToEvents?.();
        if (hooks.isCancelled?.() && step < s.steps - 1) throw new CoreError('job/cancelled', messages.cancelled());
      }
    }
    const out = await model.read();
    return { ...out, mse, ms: performance.now() - t0 };
  } finally {
    pending.forEach((t) => t.dispose());
    model.dispose();
  }
}
