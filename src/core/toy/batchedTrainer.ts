// Several runs of a sweep trained as one model with a leading run dimension (W: R×n×m, b: R×n):
// every TF.js op of a step works on all R runs at once, so the per-op cost (dispatch, ~60 ops a
// step, which dominates small models: docs/performance.md) is paid once per step instead of once
// per run, and the products become batched matMuls.
//
// Each run keeps what makes it that run: its initial weights and data stream (from its seed), its
// feature frequencies, γ, learning-rate schedule and its own losses, so a run trained in a batch
// gives what trainRun gives alone, to float rounding. Runs whose data are the same (the same
// frequencies, the same seed) share one sampled batch. The runs must share n, m, the batch size,
// the steps, β₁, β₂, ε and the loss scale (batchPlan.ts groups them).
//
// The step is trainer.ts's dense path on the compact batch, with each run's compact rows padded to
// the group's largest with rows of weight 0 (an empty row of weight 0 adds nothing to the loss or
// the gradients). The active-feature path does not batch: its size follows each run's features.

import * as tf from '@tensorflow/tfjs-core';
import type { SparseBatch } from './sampler';
import type { StepHyper } from './reference';
import { FIRST_SYNC, initialWeights, nextSyncInterval, stepHyper, type TrainOutput } from './trainer';
import { groupBatches, sharedSettings, type BatchedRun, type BatchHooks } from './runGroup';
import { CoreError, messages } from '../errors';

/**
 * a[r] @ b[r] for every run r. TF.js's WASM backend runs a matMul with a batch dimension as plain
 * loops (0.25 GMAC/s at 3×512×64 @ 3×64×176, measured with tf.profile), against XNNPACK's
 * 7–11 GMAC/s for each 2-D product, so there the runs are multiplied one by one: R products and a
 * split and a stack, still far fewer ops than R separate steps. Other backends batch natively.
 */
function batchMatMul(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  if (tf.getBackend() !== 'wasm' || a.shape[0] === 1) return tf.matMul(a, b);
  const R = a.shape[0];
  const part = (t: tf.Tensor3D, r: number) =>
    tf.reshape(tf.gatherND(t, tf.tensor2d([r], [1, 1], 'int32')), [t.shape[1], t.shape[2]]) as tf.Tensor2D;
  return tf.stack(Array.from({ length: R }, (_, r) => tf.matMul(part(a, r), part(b, r)))) as tf.Tensor3D;
}

/** R runs' parameters and Adam state as TF.js variables, and one batched step. */
export class BatchedToyModel {
  readonly W: tf.Variable;
  readonly b: tf.Variable;
  private readonly mW: tf.Variable;
  private readonly vW: tf.Variable;
  private readonly mb: tf.Variable;
  private readonly vb: tf.Variable;
  /** Steps taken (Adam's t before the next step). */
  t = 0;

  constructor(
    readonly runs: number,
    readonly n: number,
    readonly m: number,
    W: readonly Float32Array[],
    b: readonly Float32Array[],
  ) {
    const stack = (parts: readonly Float32Array[], size: number) => {
      const all = new Float32Array(runs * size);
      parts.forEach((part, r) => all.set(part, r * size));
      return all;
    };
    const variable = (init: tf.Tensor) => {
      const v = tf.variable(init, false);
      init.dispose();
      return v;
    };
    this.W = variable(tf.tensor3d(stack(W, n * m), [runs, n, m]));
    this.b = variable(tf.tensor2d(stack(b, n), [runs, n]));
    this.mW = variable(tf.zeros([runs, n, m]));
    this.vW = variable(tf.zeros([runs, n, m]));
    this.mb = variable(tf.zeros([runs, n]));
    this.vb = variable(tf.zeros([runs, n]));
  }

  /**
   * One step of every run, run r on `x[r]` with `h[r]` (the shared settings from h[0]). Returns
   * the R unscaled MSEs as a tensor the caller owns.
   */
  step(x: readonly SparseBatch[], batch: number, h: readonly StepHyper[]): tf.Tensor1D {
    this.t++;
    const t = this.t;
    const { runs: R, n } = this;
    const h0 = h[0]!;
    return tf.tidy(() => {
      const { mse, gW, gb } = this.gradients(x, batch);
      const c = (h0.lossScale * 2) / (batch * n);
      // Decay first, per run (trainer.ts): γ > 0 scales W by 1 − ηγ; γ < 0 scales row i by
      // (1 + ηγ) − ηγ/r_i. As one formula: W ⊙ (A + B/r) with (A, B) = (1 − ηγ, 0), (1 + ηγ, −ηγ)
      // or (1, 0); the row norms are computed only if some run needs them.
      const A = new Float32Array(R);
      const Bc = new Float32Array(R);
      h.forEach((hr, r) => {
        const lg = hr.lrW * hr.gamma;
        A[r] = hr.gamma > 0 ? 1 - lg : hr.gamma < 0 ? 1 + lg : 1;
        Bc[r] = hr.gamma < 0 ? -lg : 0;
      });
      const W = this.W as tf.Tensor3D;
      let Wd: tf.Tensor = W;
      if (Bc.some((v) => v !== 0)) {
        const norms = tf.add(tf.sqrt(tf.sum(tf.square(W), 2, true)), tf.scalar(h0.eps)); // R×n×1
        Wd = tf.mul(W, tf.add(tf.div(tf.tensor3d(Bc, [R, 1, 1]), norms), tf.tensor3d(A, [R, 1, 1])));
      } else if (A.some((v) => v !== 1)) Wd = tf.mul(W, tf.tensor3d(A, [R, 1, 1]));
      // Adam with bias correction, moments of the unscaled gradient (trainer.ts: ε becomes ε/c).
      const bc1 = 1 - h0.beta1 ** t;
      const bc2 = Math.sqrt(1 - h0.beta2 ** t);
      const adam = (p: tf.Tensor, g: tf.Tensor, m1: tf.Variable, v2: tf.Variable, lr: tf.Tensor) => {
        const mNew = tf.add(tf.mul(m1, tf.scalar(h0.beta1)), tf.mul(g, tf.scalar(1 - h0.beta1)));
        const vNew = tf.add(tf.mul(v2, tf.scalar(h0.beta2)), tf.mul(tf.square(g), tf.scalar(1 - h0.beta2)));
        m1.assign(mNew);
        v2.assign(vNew);
        const denom = tf.add(tf.sqrt(vNew), tf.scalar((h0.eps * bc2) / c));
        return tf.sub(p, tf.mul(tf.div(mNew, denom), lr));
      };
      const lrW = Float32Array.from(h, (hr) => (hr.lrW * bc2) / bc1);
      const lrB = Float32Array.from(h, (hr) => (hr.lrB * bc2) / bc1);
      this.W.assign(adam(Wd, gW, this.mW, this.vW, tf.tensor3d(lrW, [R, 1, 1])));
      this.b.assign(adam(this.b, gb, this.mb, this.vb, tf.tensor2d(lrB, [R, 1])));
      return tf.keep(mse) as tf.Tensor1D;
    });
  }

  /**
   * trainer.ts's dense gradient with a run axis in front: the compact batches feature-major
   * (R×n×rows), the three products as batched matMuls. Entries of all runs go into one gather and
   * one scatter, each indexed by (run, row) or (run, feature).
   */
  private gradients(x: readonly SparseBatch[], batch: number): { mse: tf.Tensor; gW: tf.Tensor; gb: tf.Tensor } {
    const { runs: R, n, m } = this;
    const W = this.W as tf.Tensor3D;
    const rows = Math.max(...x.map((xr) => xr.sampleWeights.length));
    const entries = x.reduce((s, xr) => s + xr.values.length, 0);
    const runRow = new Int32Array(2 * entries);
    const runCol = new Int32Array(2 * entries);
    const runColRow = new Int32Array(3 * entries);
    const values = new Float32Array(entries);
    const weights = new Float32Array(R * rows); // 0 in each run's padding rows
    let e = 0;
    x.forEach((xr, r) => {
      weights.set(xr.sampleWeights, r * rows);
      values.set(xr.values, e);
      for (let k = 0; k < xr.values.length; k++, e++) {
        runRow[2 * e] = r;
        runRow[2 * e + 1] = xr.samples[k]!;
        runCol[2 * e] = r;
        runCol[2 * e + 1] = xr.cols[k]!;
        runColRow[3 * e] = r;
        runColRow[3 * e + 1] = xr.cols[k]!;
        runColRow[3 * e + 2] = xr.samples[k]!;
      }
    });
    const rs = tf.tensor2d(runRow, [entries, 2], 'int32');
    const rc = tf.tensor2d(runCol, [entries, 2], 'int32');
    const v = tf.tensor2d(values, [entries, 1]);
    const w = tf.tensor3d(weights, [R, 1, rows]);
    const xT = tf.scatterND(tf.tensor2d(runColRow, [entries, 3], 'int32'), values, [R, n, rows]);
    const hidden = tf.scatterND(rs, tf.mul(tf.gatherND(W, rc), v), [R, rows, m]) as tf.Tensor3D;
    const preT = tf.add(batchMatMul(W, tf.transpose(hidden, [0, 2, 1])), tf.reshape(this.b, [R, n, 1])); // R×n×rows
    const diffT = tf.sub(tf.relu(preT), xT);
    // Sums over the rows (the last axis) of weighted arrays, not products with the weights: a
    // batched product with one column is slow on WASM (see batchMatMul) and a sum over the last
    // axis is cheap on every backend.
    const sse = tf.sum(tf.mul(tf.square(diffT), w), [1, 2]);
    const GT = tf.mul(diffT, tf.step(preT)) as tf.Tensor3D; // R×n×rows, Ĝ
    const GW = tf.transpose(batchMatMul(tf.transpose(W, [0, 2, 1]), GT), [0, 2, 1]); // R×rows×m
    const encoder = tf.scatterND(rc, tf.mul(tf.gatherND(GW, rs), v), [R, n, m]);
    return {
      mse: tf.mul(sse, tf.scalar(1 / (batch * n))),
      gW: tf.add(batchMatMul(GT, hidden), encoder),
      gb: tf.sum(tf.mul(GT, w), 2),
    };
  }

  /** Each run's W (n×m, row-major) and b. */
  async read(): Promise<{ W: Float32Array; b: Float32Array }[]> {
    const [W, b] = (await Promise.all([this.W.data(), this.b.data()])) as [Float32Array, Float32Array];
    const { n, m } = this;
    return Array.from({ length: this.runs }, (_, r) => ({
      W: W.slice(r * n * m, (r + 1) * n * m),
      b: b.slice(r * n, (r + 1) * n),
    }));
  }

  dispose(): void {
    for (const v of [this.W, this.b, this.mW, this.vW, this.mb, this.vb]) v.dispose();
  }
}

/**
 * Trains runs together from scratch; the outputs come in the order of `runs`. Each output's `ms`
 * is the group's wall time divided by the number of runs (its share, which is what a per-run cost
 * estimate needs). A cancel ends every run of the group with `job/cancelled`.
 */
export async function trainBatch(runs: readonly BatchedRun[], hooks: BatchHooks = {}): Promise<TrainOutput[]> {
  const t0 = performance.now();
  const shared = sharedSettings(runs);
  const { n, m, batch, steps } = shared;
  const R = runs.length;
  const init = runs.map(({ settings }) => initialWeights(n, m, settings.seed));
  const model = new BatchedToyModel(
    R,
    n,
    m,
    init.map((i) => i.W),
    init.map((i) => i.b),
  );
  const nextBatches = groupBatches(runs, batch);
  const mse = runs.map(() => new Float32Array(steps));
  let pending: tf.Tensor1D[] = [];
  let flushedUpTo = 0;
  let syncEvery = FIRST_SYNC;
  let intervalStart = performance.now();
  const flush = async () => {
    if (pending.length === 0) return;
    const stacked = tf.stack(pending); // steps×R
    const values = (await stacked.data()) as Float32Array;
    stacked.dispose();
    pending.forEach((t) => t.dispose());
    for (let s = 0; s < pending.length; s++) for (let r = 0; r < R; r++) mse[r]![flushedUpTo + s] = values[s * R + r]!;
    flushedUpTo += pending.length;
    pending = [];
  };
  try {
    for (let step = 0; step < steps; step++) {
      const x = nextBatches();
      const h = runs.map(({ settings }) => stepHyper(settings, step));
      pending.push(model.step(x, batch, h));
      if (pending.length >= syncEvery || step === steps - 1) {
        const count = pending.length;
        await flush();
        const now = performance.now();
        syncEvery = nextSyncInterval((now - intervalStart) / count);
        intervalStart = now;
        hooks.onProgress?.(
          step + 1,
          mse.map((curve) => curve[step]!),
        );
        await hooks.yieldToEvents?.();
        if (hooks.isCancelled?.() && step < steps - 1) throw new CoreError('job/cancelled', messages.cancelled());
      }
    }
    const params = await model.read();
    const ms = (performance.now() - t0) / R;
    return params.map((p, r) => ({ ...p, mse: mse[r]!, ms }));
  } finally {
    pending.forEach((t) => t.dispose());
    model.dispose();
  }
}
