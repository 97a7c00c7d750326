// The CLI's training loop, shared by `run` and `reproduce`: trains an experiment's pending runs in
// the pool's compute workers (several at once with --jobs), saving each (its record and weights,
// atomically) as soon as it finishes. A cancel stops at the next sync point; finished runs stay
// saved.
//
// Several processes may train one folder at once (`run --shard K/N`, a restarted task): each run
// is trained under its lock, and skipped when another process holds it or has finished it.

import type { ExperimentResults, TrainedRun } from '../core/toy/results';
import type { RunSpec } from '../core/config/sweep';
import {
  frequencyKey,
  isFinished,
  lockFile,
  refreshResults,
  saveRun,
  type PreparedExperiment,
} from '../node/experimentStore';
import { acquireRunLock } from '../node/runLock';
import type { WorkerPool } from '../node/workerPool';
import type { TrainResult } from '../shared/workerProtocol';
import { whileRunning } from './compute';

export interface TrainHooksCli {
  readonly isCancelled: () => boolean;
  /** Steps done in a run (`lane`: the worker it runs in), for progress bars. */
  readonly onStep?: (spec: RunSpec, index: number, step: number, mse: number, lane: number) => void;
  readonly onRunSaved?: (spec: RunSpec, index: number, trained: TrainedRun, lane: number) => void;
  /** A run left to another process (it holds the lock or has finished it). */
  readonly onRunSkipped?: (spec: RunSpec, index: number, why: 'locked' | 'finished') => void;
}

/**
 * Trains `todo` (default: experiment.todo); throws CoreError('job/cancelled') when stopped, after
 * saving. Ends by writing results.json from every finished record on disk (other shards' too).
 */
export async function trainPending(
  experiment: PreparedExperiment,
  pool: WorkerPool,
  hooks: TrainHooksCli,
  todo: readonly RunSpec[] = experiment.todo,
): Promise<ExperimentResults> {
  let results = experiment.results;
  // Saves go one after another: each updates the results held in memory.
  let saving = Promise.resolve();
  try {
    await pool.each(todo, async (spec, i, worker, lane) => {
      const lock = await acquireRunLock(lockFile(experiment.outDir, spec.id, experiment.fingerprints.get(spec.id)!));
      if (lock === null) {
        hooks.onRunSkipped?.(spec, i, 'locked');
        return;
      }
      try {
        // Finished by another process since this one looked (a retrain asked for is trained anyway).
        if (!experiment.retrain.has(spec.id) && (await isFinished(experiment, spec))) {
          hooks.onRunSkipped?.(spec, i, 'finished');
          return;
        }
        const f = experiment.frequencies.get(frequencyKey(spec.values))!;
        const job = worker.run(
          {
            kind: 'train',
            spec,
            frequencies: { p: Array.from(f.p), capped: f.capped, effectiveDensity: f.effectiveDensity },
          },
          { trainProgress: (step, mse) => hooks.onStep?.(spec, i, step, mse, lane) },
        );
        const done = (await whileRunning(hooks.isCancelled, () => worker.cancel(job.jobId), job.result)) as TrainResult;
        const trained: TrainedRun = { result: done.result, W: new Float32Array(done.W), b: new Float32Array(done.b) };
        saving = saving.then(async () => {
          results = await saveRun(experiment, results, trained);
          hooks.onRunSaved?.(spec, i, trained, lane);
        });
        await saving;
      } finally {
        await lock.release();
      }
    });
  } finally {
    await saving.catch(() => undefined);
    results = await refreshResults(experiment);
  }
  return results;
}
