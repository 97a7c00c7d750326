// Training the toy model on TensorFlow.js, on whatever backend the caller selected (WASM in the
// CLI, WebGPU/WebGL/WASM/CPU in the webview worker). The maths is reference.ts, in tensor ops:
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
import type { LrSpec } from '../config/schema';
import { CoreError, messages } from '../errors';

export interface TrainSettings {
  readonly n: number;
  readonly m: number;
  readonly batch: number;
  readonly steps: number;
  readonly seed: number;
  readonly weightDecay: number;
  readonly lr: LrSpec;
  readonly warmup: number;
  readonly minLrRatio: number;
  readonly lossScale: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
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
const FIRST_SYNC = 5;

/** Steps until the next sync point, from the time the last interval took. */
export function nextSyncInterval(msPerStep: number): number {
  if (!(msPerStep > 0)) return SYNC_EVERY;
  return Math.max(1, Math.min(SYNC_EVERY, Math.floor(SYNC_TARGET_MS / msPerStep)));
}

/**
 * 'auto' takes the active-feature path when its products are clearly smaller: few distinct
 * features per sample (k ≤ 0.4·B) and a width where the products dominate the step (m ≥ 32).
 * Below that its extra gathers cost more than they save (measured on WASM: bench/train.ts).
 */
export function preferActive(distinctFeatures: number, batch: number, m: number): boolean {
  return m >= 32 && distinctFeatures <= 0.4 * batch;
}

/**
 * Rows of a matrix: gatherND with one index per row, which copies whole rows, where tf.gather
 * on the WASM backend indexes element by element (40× slower for 1,024-wide rows, measured).
 */
function gatherRows(x: tf.Tensor, indices: tf.Tensor1D): tf.Tensor2D {
  return tf.gatherND(x, tf.expandDims(indices, 1)) as tf.Tensor2D;
}

interface Gradients {
  /** The unscaled MSE of the batch, before the update. */
  readonly mse: tf.Scalar;
  readonly gW: tf.Tensor;
  readonly gb: tf.Tensor;
}

/** W ~ N(0, 1/m), b ~ N(0, 1) (paper-spec §1.2), from the run's init stream. */
export function initialWeights(n: number, m: number, seed: number): { W: Float32Array; b: Float32Array } {
  const rng = new Rng(seed, STREAM.init);
  const std = 1 / Math.sqrt(m);
  const W = Float32Array.from({ length: n * m }, () => std * rng.normal());
  const b = Float32Array.from({ length: n }, () => rng.normal());
  return { W, b };
}

/** The model's parameters and optimizer state as TF.js variables, and one step of training. */
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
   * How the gradient is computed: 'dense' (products with the B×n batch arrays), 'active'
   * (products with the k distinct active features of the batch), or 'auto' (preferActive).
   * Both give the same numbers up to float rounding.
   */
  mode: 'auto' | 'dense' | 'active' = 'auto';

  /**
   * One step on a batch given by its active entries (x has ~E nonzeros per row). Returns the
   * unscaled MSE as a scalar tensor the caller owns. Either way x W is a gather and a
   * scatter-add instead of a B×n×m product, and so is the encoder term xᵀ(G W); the gradient's
   * constant factor is applied to the n×m result instead of a B×n array.
   */
  step(x: SparseBatch, batch: number, h: StepHyper): tf.Scalar {
    this.t++;
    const t = this.t;
    const active = this.mode === 'active' || (this.mode === 'auto' && preferActive(x.featureCount, batch, this.m));
    return tf.tidy(() => {
      const { mse, gW, gb } = active ? this.activeGradients(x, batch, h) : this.denseGradients(x, batch, h);
      const W = this.W as tf.Tensor2D;
      // Decay first (W only; b's γ is 0), then Adam with bias correction.
      let Wd: tf.Tensor = W;
      if (h.gamma >= 0) {
        Wd = tf.mul(W, tf.scalar(1 - h.lrW * h.gamma));
      } else {
        const norms = tf.add(tf.sqrt(tf.sum(tf.square(W), 1, true)), tf.scalar(h.eps));
        Wd = tf.add(
          W,
          tf.mul(tf.mul(tf.scalar(h.lrW * h.gamma), tf.sub(tf.scalar(1), tf.div(tf.scalar(1), norms))), W),
        );
      }
      const bc1 = 1 - h.beta1 ** t;
      const bc2 = Math.sqrt(1 - h.beta2 ** t);
      const adam = (p: tf.Tensor, g: tf.Tensor, m1: tf.Variable, v2: tf.Variable, lr: number) => {
        const mNew = tf.add(tf.mul(m1, tf.scalar(h.beta1)), tf.mul(g, tf.scalar(1 - h.beta1)));
        const vNew = tf.add(tf.mul(v2, tf.scalar(h.beta2)), tf.mul(tf.square(g), tf.scalar(1 - h.beta2)));
        m1.assign(mNew);
        v2.assign(vNew);
        const denom = tf.add(tf.div(tf.sqrt(vNew), tf.scalar(bc2)), tf.scalar(h.eps));
        return tf.sub(p, tf.mul(tf.div(mNew, denom), tf.scalar(lr / bc1)));
      };
      this.W.assign(adam(Wd, gW, this.mW, this.vW, h.lrW));
      this.b.assign(adam(this.b, gb, this.mb, this.vb, h.lrB));
      return tf.keep(mse) as tf.Scalar;
    });
  }

  /**
   * The gradient with the batch arrays feature-major (n×B): the three big products (W hᵀ, Gᵀ h,
   * Wᵀ Gᵀ) run without transposing a B×n array and the bias gradient is a last-axis sum; only
   * m-wide arrays are transposed. Cost: three B·n·m products.
   */
  private denseGradients(x: SparseBatch, batch: number, h: StepHyper): Gradients {
    const { n, m } = this;
    const W = this.W as tf.Tensor2D;
    const rows = tf.tensor1d(x.rows, 'int32');
    const cols = tf.tensor1d(x.cols, 'int32');
    const values = tf.tensor2d(x.values, [x.values.length, 1]);
    const xT = tf.scatterND(tf.stack([cols, rows], 1), tf.reshape(values, [-1]), [n, batch]); // n×B
    // x W: Σ over active (b, i) of x_bi W_i into row b.
    const hidden = tf.scatterND(tf.expandDims(rows, 1), tf.mul(gatherRows(W, cols), values), [batch, m]) as tf.Tensor2D;
    const preT = tf.add(tf.matMul(W, tf.transpose(hidden)), tf.reshape(this.b, [n, 1])); // n×B
    const diffT = tf.sub(tf.relu(preT), xT);
    const mse = tf.mean(tf.square(diffT)) as tf.Scalar;
    // G = c · (y − x) ⊙ [pre > 0] with c = lossScale · 2/(B n)   (ReLU'(0) = 0, as in PyTorch)
    const GT = tf.mul(diffT, tf.step(preT)) as tf.Tensor2D; // n×B, without c
    const c = tf.scalar((h.lossScale * 2) / (batch * n));
    // ∂/∂W = Gᵀ h (decoder) + xᵀ (G W) (encoder; sparse like x W).
    const GW = tf.transpose(tf.matMul(tf.transpose(W), GT)); // B×m
    const encoder = tf.scatterND(tf.expandDims(cols, 1), tf.mul(gatherRows(GW, rows), values), [n, m]);
    return { mse, gW: tf.mul(tf.add(tf.matMul(GT, hidden), encoder), c), gb: tf.mul(tf.sum(GT, 1), c) };
  }

  /**
   * The gradient through the k distinct active features A of the batch (k ≈ 150–300 for
   * Zipf-like data at B = 512): with R = W_A Wᵀ (k×n), pre_b = Σ_i x_bi R_i + b; with
   * M = x_Aᵀ G (k×n), ∂/∂W = Mᵀ W_A (decoder) + scatter_A(M W) (encoder). Cost: three k·n·m
   * products instead of three B·n·m, plus gathers of nnz(x)·n.
   */
  private activeGradients(x: SparseBatch, batch: number, h: StepHyper): Gradients {
    const { n, m } = this;
    const W = this.W as tf.Tensor2D;
    const k = x.features.length;
    const rows = tf.tensor1d(x.rows, 'int32');
    const cols = tf.tensor1d(x.cols, 'int32');
    const local = tf.tensor1d(x.local, 'int32');
    const values = tf.tensor2d(x.values, [x.values.length, 1]);
    const features = tf.tensor1d(x.features, 'int32');
    const WA = gatherRows(W, features) as tf.Tensor2D; // k×m
    const R = tf.matMul(WA, tf.transpose(W)); // k×n
    const xs = tf.scatterND(tf.stack([rows, cols], 1), tf.reshape(values, [-1]), [batch, n]); // B×n
    const pre = tf.add(tf.scatterND(tf.expandDims(rows, 1), tf.mul(gatherRows(R, local), values), [batch, n]), this.b); // B×n
    const diff = tf.sub(tf.relu(pre), xs);
    const mse = tf.mean(tf.square(diff)) as tf.Scalar;
    const G = tf.mul(diff, tf.step(pre)) as tf.Tensor2D; // B×n, without c
    const c = tf.scalar((h.lossScale * 2) / (batch * n));
    const M = tf.scatterND(tf.expandDims(local, 1), tf.mul(gatherRows(G, rows), values), [k, n]) as tf.Tensor2D; // k×n
    const decoder = tf.transpose(tf.matMul(tf.transpose(WA), M)); // (W_Aᵀ M)ᵀ = Mᵀ W_A, n×m
    const encoder = tf.scatterND(tf.expandDims(features, 1), tf.matMul(M, W), [n, m]);
    return { mse, gW: tf.mul(tf.add(decoder, encoder), c), gb: tf.mul(tf.sum(G, 0), c) };
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
