/// <reference types="@webgpu/types" />
// Training the toy model on WebGPU with a fused step: the whole step (forward, gradient, the
// paper's AdamW) is eight WGSL dispatches in one compute pass (kernels.ts), for R runs at once,
// where TF.js's WebGPU backend issues dozens of small ops per step (docs/performance.md).
//
// As in batchedTrainer.ts, each run keeps its initial weights and data stream (its seed), its
// frequencies, γ, learning-rate schedule and losses; runs share n, m, the batch size, the steps,
// β₁, β₂, ε and the loss scale. Batches are drawn on the CPU by the same BatchSampler and uploaded
// as sparse entries (layout.ts packBatches: a few KB a step). W, b, Adam's moments and every
// temporary stay on the GPU; per-step MSEs are read back at sync points (trainer.ts's cadence),
// where progress is reported and cancellation checked.
//
// Only the WebGPU API is used (no TF.js, no Node): the caller hands in a GPUDevice. The Node
// worker passes TF.js's own device (src/nodeWorker/trainJob.ts says why).

import type { SparseBatch } from '../sampler';
import type { StepHyper } from '../reference';
import { FIRST_SYNC, initialWeights, nextSyncInterval, stepHyper, SYNC_EVERY, type TrainOutput } from '../trainer';
import { groupBatches, sharedSettings, type BatchHooks, type BatchedRun } from '../runGroup';
import { CoreError, messages } from '../../errors';
import { BINDINGS, stepKernels, threadsPerRow, type BufferName } from './kernels';
import {
  bufferBytes,
  DIMS_WORDS,
  foldedGroups,
  fusedLimitProblem,
  GROUP,
  packBatches,
  packDims,
  packRuns,
  runOptimizer,
  RUN_WORDS,
  TILE,
  type FusedShape,
} from './layout';

// The WebGPU flag values (fixed by the spec), so that no GPUBufferUsage global is needed.
const USAGE = { MAP_READ: 1, COPY_SRC: 4, COPY_DST: 8, UNIFORM: 64, STORAGE: 128 } as const;
const MAP_READ = 1;

const ceilDiv = (a: number, b: number) => Math.ceil(a / b);

export interface FusedOptions {
  /** The adapter in words, for the too-large message (e.g. "google swiftshader"). */
  readonly adapter?: string;
}

/** R runs' parameters, Adam state and step temporaries on one GPUDevice, and one fused step. */
export class FusedToyModel {
  readonly shape: FusedShape;
  /** Steps taken (Adam's t before the next step). */
  t = 0;
  /** Steps since the last readMse (their MSE slots are filled). */
  pending = 0;
  private readonly buffers = new Map<BufferName, GPUBuffer>();
  private readonly pipelines: { pipeline: GPUComputePipeline; uses: readonly BufferName[]; name: string }[];
  private bindGroups: GPUBindGroup[] = [];
  private batchWords = 0;
  private disposed = false;

  /**
   * Refuses (CoreError 'compute/too-large') before allocating anything when a buffer would pass
   * the device's limits. W and b are the runs' initial parameters, each n×m and n.
   */
  constructor(
    private readonly device: GPUDevice,
    shape: { runs: number; n: number; m: number; batch: number },
    W: readonly Float32Array[],
    b: readonly Float32Array[],
    options: FusedOptions = {},
  ) {
    this.shape = { runs: shape.runs, n: shape.n, m: shape.m, cap: shape.batch, syncCap: SYNC_EVERY };
    const problem = fusedLimitProblem(this.shape, device.limits, options.adapter ?? 'this GPU');
    if (problem !== null) throw new CoreError('compute/too-large', problem);
    const { runs: R, n, m } = this.shape;
    const storage = USAGE.STORAGE | USAGE.COPY_DST | USAGE.COPY_SRC;
    for (const [name, bytes] of Object.entries(bufferBytes(this.shape))) {
      // Fresh buffers are zero-filled (WebGPU guarantees it): Adam's moments start at 0.
      this.buffers.set(
        name as BufferName,
        device.createBuffer({ label: `fused ${name}`, size: bytes, usage: storage }),
      );
    }
    this.buffers.set(
      'd',
      device.createBuffer({ label: 'fused dims', size: 4 * DIMS_WORDS, usage: USAGE.UNIFORM | USAGE.COPY_DST }),
    );
    this.buffers.set('runs', device.createBuffer({ label: 'fused runs', size: 4 * RUN_WORDS * R, usage: storage }));
    this.growBatch(1024);
    const stack = (parts: readonly Float32Array[], size: number) => {
      const all = new Float32Array(R * size);
      parts.forEach((part, r) => all.set(part.subarray(0, size), r * size));
      return all;
    };
    device.queue.writeBuffer(this.buffer('W'), 0, stack(W, n * m));
    device.queue.writeBuffer(this.buffer('b'), 0, stack(b, n));
    this.pipelines = stepKernels(m).map((k) => ({
      name: k.name,
      uses: Object.keys(k.uses) as BufferName[],
      pipeline: device.createComputePipeline({
        label: `fused ${k.name}`,
        layout: 'auto',
        compute: { module: device.createShaderModule({ label: `fused ${k.name}`, code: k.code }), entryPoint: 'main' },
      }),
    }));
    this.makeBindGroups();
  }

  private buffer(name: BufferName): GPUBuffer {
    return this.buffers.get(name)!;
  }

  /** The batch buffer holds at least `words` words (it grows by doubling; bind groups follow). */
  private growBatch(words: number): boolean {
    if (words <= this.batchWords) return false;
    const size = Math.max(words, 2 * this.batchWords);
    this.buffers.get('batch')?.destroy();
    this.buffers.set(
      'batch',
      this.device.createBuffer({ label: 'fused batch', size: 4 * size, usage: USAGE.STORAGE | USAGE.COPY_DST }),
    );
    this.batchWords = size;
    return true;
  }

  private makeBindGroups(): void {
    this.bindGroups = this.pipelines.map(({ pipeline, uses, name }) =>
      this.device.createBindGroup({
        label: `fused ${name}`,
        layout: pipeline.getBindGroupLayout(0),
        entries: uses.map((u) => ({ binding: BINDINGS[u], resource: { buffer: this.buffer(u) } })),
      }),
    );
  }

  /**
   * Compiles and links every kernel now and says what the device refused (shader or validation
   * errors), instead of failing silently at the first step.
   */
  static async create(
    device: GPUDevice,
    shape: { runs: number; n: number; m: number; batch: number },
    W: readonly Float32Array[],
    b: readonly Float32Array[],
    options: FusedOptions = {},
  ): Promise<FusedToyModel> {
    device.pushErrorScope('validation');
    let model: FusedToyModel | undefined;
    try {
      model = new FusedToyModel(device, shape, W, b, options);
    } finally {
      const error = await device.popErrorScope();
      if (error !== null) {
        model?.dispose();
        throw new Error(`fused WebGPU trainer: ${error.message}`);
      }
    }
    return model;
  }

  /**
   * Queues one step of every run, run r on `x[r]` with `h[r]` (the shared settings from h[0]).
   * Its MSEs land in slot `pending` and come back with readMse.
   */
  step(x: readonly SparseBatch[], batch: number, h: readonly StepHyper[]): void {
    if (this.pending >= this.shape.syncCap) throw new Error('fused trainer: readMse before more steps');
    this.t++;
    const { runs: R, n, m } = this.shape;
    const rows = Math.max(...x.map((xr) => xr.sampleWeights.length));
    const packed = packBatches(x, rows);
    if (this.growBatch(packed.words.length)) this.makeBindGroups();
    const opt = h.map((hr) => runOptimizer(hr, this.t, batch, n));
    const h0 = h[0]!;
    const q = this.device.queue;
    // Queue writes are ordered with submits: this step's kernels see this step's data.
    q.writeBuffer(this.buffer('batch'), 0, packed.words);
    q.writeBuffer(this.buffer('runs'), 0, packRuns(packed.offsets, opt));
    q.writeBuffer(
      this.buffer('d'),
      0,
      packDims(this.shape, { rows, slot: this.pending, batch, eps: h0.eps, beta1: h0.beta1, beta2: h0.beta2 }),
    );
    const max = this.device.limits.maxComputeWorkgroupsPerDimension;
    const maxFeatures = Math.max(...x.map((xr) => xr.featureCount));
    const grid: Record<string, [number, number, number] | null> = {
      hidden: [...foldedGroups(rows * m, max), R],
      forward: [ceilDiv(n, TILE), ceilDiv(rows, TILE), R],
      gw: [ceilDiv(m, TILE), ceilDiv(rows, TILE), R],
      decoder: [ceilDiv(m, TILE), ceilDiv(n, TILE), R],
      encoder: maxFeatures === 0 ? null : [ceilDiv(m, GROUP), Math.min(maxFeatures, max), R],
      adamB: [...foldedGroups(n, max), R],
      mse: [R, 1, 1],
      // threadsPerRow(m) invocations per row of W.
      adamW: [...foldedGroups(n * threadsPerRow(m), max), R],
    };
    const encoder = this.device.createCommandEncoder({ label: 'fused step' });
    const pass = encoder.beginComputePass({ label: 'fused step' });
    this.pipelines.forEach(({ pipeline, name }, i) => {
      const g = grid[name];
      if (g === null || g === undefined) return;
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, this.bindGroups[i]!);
      pass.dispatchWorkgroups(g[0], g[1], g[2]);
    });
    pass.end();
    q.submit([encoder.finish()]);
    this.pending++;
  }

  /** Copies `bytes` of a buffer into a fresh mappable one and reads it (waits for queued work). */
  private async readBuffer(name: BufferName, bytes: number): Promise<Float32Array> {
    const staging = this.device.createBuffer({ size: bytes, usage: USAGE.MAP_READ | USAGE.COPY_DST });
    try {
      const encoder = this.device.createCommandEncoder();
      encoder.copyBufferToBuffer(this.buffer(name), 0, staging, 0, bytes);
      this.device.queue.submit([encoder.finish()]);
      await staging.mapAsync(MAP_READ);
      return new Float32Array(staging.getMappedRange().slice(0));
    } finally {
      staging.destroy();
    }
  }

  /** The MSEs of the steps since the last call: [step][run]. */
  async readMse(): Promise<Float32Array[]> {
    const { runs: R, syncCap } = this.shape;
    const count = this.pending;
    if (count === 0) return [];
    const all = await this.readBuffer('mse', 4 * R * syncCap);
    this.pending = 0;
    return Array.from({ length: count }, (_, s) => Float32Array.from({ length: R }, (_, r) => all[r * syncCap + s]!));
  }

  /** Each run's W (n×m, row-major) and b. */
  async read(): Promise<{ W: Float32Array; b: Float32Array }[]> {
    const { runs: R, n, m } = this.shape;
    const W = await this.readBuffer('W', 4 * R * n * m);
    const b = await this.readBuffer('b', 4 * R * n);
    return Array.from({ length: R }, (_, r) => ({
      W: W.slice(r * n * m, (r + 1) * n * m),
      b: b.slice(r * n, (r + 1) * n),
    }));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const buffer of this.buffers.values()) buffer.destroy();
    this.buffers.clear();
  }
}

/**
 * Trains runs together from scratch on `device`, as trainBatch does on TF.js (same outputs, same
 * hooks, same sync cadence and cancel semantics); outputs come in the order of `runs`, each `ms`
 * the group's wall time divided by the number of runs.
 */
export async function trainFused(
  device: GPUDevice,
  runs: readonly BatchedRun[],
  hooks: BatchHooks = {},
  options: FusedOptions = {},
): Promise<TrainOutput[]> {
  const t0 = performance.now();
  const shared = sharedSettings(runs);
  const { n, m, batch, steps } = shared;
  const R = runs.length;
  const init = runs.map(({ settings }) => initialWeights(n, m, settings.seed));
  const model = await FusedToyModel.create(
    device,
    { runs: R, n, m, batch },
    init.map((i) => i.W),
    init.map((i) => i.b),
    options,
  );
  const nextBatches = groupBatches(runs, batch);
  const mse = runs.map(() => new Float32Array(steps));
  let flushedUpTo = 0;
  let syncEvery = FIRST_SYNC;
  let intervalStart = performance.now();
  try {
    for (let step = 0; step < steps; step++) {
      model.step(
        nextBatches(),
        batch,
        runs.map(({ settings }) => stepHyper(settings, step)),
      );
      if (model.pending >= syncEvery || step === steps - 1) {
        const rowsOfSteps = await model.readMse();
        rowsOfSteps.forEach((values, s) => values.forEach((v, r) => (mse[r]![flushedUpTo + s] = v)));
        flushedUpTo += rowsOfSteps.length;
        const now = performance.now();
        syncEvery = nextSyncInterval((now - intervalStart) / rowsOfSteps.length);
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
    model.dispose();
  }
}
