// The `train` job of the Node compute worker: one run of the toy model on its TF.js backend (paper-spec §1), then
// its metrics (§2). Progress goes out at every sync point (see trainer.ts); there the job yields to the
// event loop so that a `cancel` message gets in even on the CPU backends.

import { executeRun } from '../core/toy/executeRun';
import type { BackendReport } from '../core/compute/backend';
import type { TrainJob, TrainResult } from '../shared/computeJobs';

export interface TrainJobHooks {
  readonly isCancelled: () => boolean;
  readonly progress: (step: number, mse: number) => void;
}

const yieldToEvents = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** The array's own buffer, or a copy when it is a view into a larger one. */
const ownBuffer = (a: Float32Array): ArrayBuffer =>
  a.byteOffset === 0 && a.byteLength === a.buffer.byteLength
    ? (a.buffer as ArrayBuffer)
    : (a.slice().buffer as ArrayBuffer);

export async function trainJob(job: TrainJob, backend: BackendReport, hooks: TrainJobHooks): Promise<TrainResult> {
  const { p, capped, effectiveDensity } = job.frequencies;
  const trained = await executeRun(job.spec, { p: Float64Array.from(p), capped, effectiveDensity }, backend.name, {
    isCancelled: hooks.isCancelled,
    onProgress: hooks.progress,
    yieldToEvents,
  });
  return {
    kind: 'train',
    backend,
    result: trained.result,
    W: ownBuffer(trained.W),
    b: ownBuffer(trained.b),
  };
}
