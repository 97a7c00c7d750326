// The extension host's 'train' lane as the lanes the shared training loop (src/node/trainPending.ts)
// runs a sweep on: one run at a time on HostCompute's training worker, with a watchdog that
// ends a run whose worker has gone silent (a hung driver) with one clear error instead of a hang.

import { CoreError } from '../../core/errors';
import type { NodeWorkerResult } from '../../shared/nodeWorkerProtocol';
import type { TrainLanes, TrainWorker } from '../../node/trainPending';
import type { HostCompute, HostJob } from '../compute/hostCompute';

/** A run that reports nothing for this long is abandoned (progress comes at least every 50 steps). */
export const STALL_MS = 10 * 60_000;

export function hostTrainLanes(compute: HostCompute, stallMs = STALL_MS): TrainLanes {
  const jobs = new Map<string, HostJob>();
  let next = 0;
  const worker: TrainWorker = {
    run: (job, hooks = {}) => {
      const jobId = `sweep-${next++}`;
      let lastHeard = Date.now();
      const heard = () => (lastHeard = Date.now());
      const running = compute.run('train', job, {
        ...hooks,
        started: (backend, kernel) => {
          heard();
          hooks.started?.(backend, kernel);
        },
        trainProgress: (step, mse) => {
          heard();
          hooks.trainProgress?.(step, mse);
        },
      });
      jobs.set(jobId, running);
      let watchdog: ReturnType<typeof setInterval> | undefined;
      const stalled = new Promise<NodeWorkerResult>((_, reject) => {
        watchdog = setInterval(
          () => {
            if (Date.now() - lastHeard <= stallMs) return;
            running.cancel();
            reject(
              new CoreError('job/stalled', `the training worker reported no progress for ${stallMs / 60_000} minutes`),
            );
          },
          Math.min(1000, stallMs),
        );
      });
      const result = Promise.race([running.result, stalled]).finally(() => {
        clearInterval(watchdog);
        jobs.delete(jobId);
      });
      return { jobId, result };
    },
    cancel: (jobId) => jobs.get(jobId)?.cancel(),
  };
  return {
    // One lane: runs in order; the first failure (or cancel) ends the sweep, as WorkerPool.each does.
    each: async (units, work) => {
      for (const [i, unit] of units.entries()) await work(unit, i, worker, 0);
    },
  };
}
