// The `train` job of the Node compute worker: one run of the toy model on its backend (paper-spec §1), then
// its metrics (§2). Progress goes out at every sync point (see trainer.ts); there the job yields to the
// event loop so that a `cancel` message gets in even on the CPU backends.
//
// On WebGPU the run trains on the fused step (src/core/toy/gpu: a few WGSL dispatches a step)
// unless SUPERPOSITION_LAB_WEBGPU_TRAINER=tfjs asks for TF.js's WebGPU ops (trainer.ts), so that
// both can be measured side by side (bench/gpu/run.sh). The fused trainer uses TF.js's own
// GPUDevice (dawn.ts) rather than a second device from the same adapter: one device per process,
// so the size check (worker.ts), the lost-device report and its test hook see the device the run
// is on, and no second set of device memory is reserved; TF.js is idle while the run trains.

/// <reference types="@webgpu/types" />
import { executeRun } from '../core/toy/executeRun';
import { executeFusedRun } from '../core/toy/gpu/executeFused';
import type { BackendReport } from '../core/compute/backend';
import { describeAdapter } from '../core/compute/describeBackend';
import type { TrainJob, TrainResult } from '../shared/computeJobs';
import { webgpuDevice } from './dawn';

export interface TrainJobHooks {
  readonly isCancelled: () => boolean;
  readonly progress: (step: number, mse: number) => void;
}

/** The environment variable that picks the WebGPU trainer, and its values. */
export const WEBGPU_TRAINER_ENV = 'SUPERPOSITION_LAB_WEBGPU_TRAINER';
export type WebgpuTrainer = 'fused' | 'tfjs';

/** The WebGPU trainer asked for: 'tfjs' only when named, else 'fused'. */
export function webgpuTrainer(env: NodeJS.ProcessEnv = process.env): WebgpuTrainer {
  return env[WEBGPU_TRAINER_ENV]?.trim().toLowerCase() === 'tfjs' ? 'tfjs' : 'fused';
}

/** The trainer a `train` job runs on `backend`, as the `started` message names it. */
export function trainKernel(backend: BackendReport): 'toy-model' | 'toy-model-fused' {
  return backend.name === 'webgpu' && webgpuTrainer() === 'fused' && webgpuDevice() !== null
    ? 'toy-model-fused'
    : 'toy-model';
}

const yieldToEvents = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** The array's own buffer, or a copy when it is a view into a larger one. */
const ownBuffer = (a: Float32Array): ArrayBuffer =>
  a.byteOffset === 0 && a.byteLength === a.buffer.byteLength
    ? (a.buffer as ArrayBuffer)
    : (a.slice().buffer as ArrayBuffer);

export async function trainJob(job: TrainJob, backend: BackendReport, hooks: TrainJobHooks): Promise<TrainResult> {
  const { p, capped, effectiveDensity } = job.frequencies;
  const freq = { p: Float64Array.from(p), capped, effectiveDensity };
  const trainHooks = { isCancelled: hooks.isCancelled, onProgress: hooks.progress, yieldToEvents };
  const device = trainKernel(backend) === 'toy-model-fused' ? webgpuDevice() : null;
  const trained =
    device === null
      ? await executeRun(job.spec, freq, backend.name, trainHooks)
      : await executeFusedRun(device as unknown as GPUDevice, job.spec, freq, backend.name, trainHooks, {
          adapter: backend.adapter === undefined ? 'this GPU' : describeAdapter(backend.adapter),
        });
  return {
    kind: 'train',
    backend,
    result: trained.result,
    W: ownBuffer(trained.W),
    b: ownBuffer(trained.b),
  };
}
