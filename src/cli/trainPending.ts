// The CLI's training loop, shared by `run` and `reproduce`: trains an experiment's pending runs
// one after another on the CLI's backend, saving each (its record and weights, atomically) as
// soon as it finishes. A cancel stops at the next sync point; finished runs stay saved.
//
// Several processes may train one folder at once (`run --shard K/N`, a restarted task): each run
// is trained under its lock, and skipped when another process holds it or has finished it.

import { executeRun } from '../core/toy/executeRun';
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

export interface TrainHooksCli {
  readonly isCancelled: () => boolean;
  /** Steps done in the current run, for progress bars. */
  readonly onStep?: (spec: RunSpec, index: number, step: number, mse: number) => void;
  readonly onRunSaved?: (spec: RunSpec, index: number, trained: TrainedRun) => void;
  /** A run left to another process (it holds the lock or has finished it). */
  readonly onRunSkipped?: (spec: RunSpec, index: number, why: 'locked' | 'finished') => void;
}

// Ctrl-C arrives as an event; during a run on the CPU nothing else would let it in.
const yieldToEvents = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Trains `todo` (default: experiment.todo); throws CoreError('job/cancelled') when stopped, after
 * saving. Ends by writing results.json from every finished record on disk (other shards' too).
 */
export async function trainPending(
  experiment: PreparedExperiment,
  backend: string,
  hooks: TrainHooksCli,
  todo: readonly RunSpec[] = experiment.todo,
): Promise<ExperimentResults> {
  let results = experiment.results;
  try {
    for (const [i, spec] of todo.entries()) {
      const lock = await acquireRunLock(lockFile(experiment.outDir, spec.id, experiment.fingerprints.get(spec.id)!));
      if (lock === null) {
        hooks.onRunSkipped?.(spec, i, 'locked');
        continue;
      }
      try {
        // Finished by another process since this one looked (a retrain asked for is trained anyway).
        if (!experiment.retrain.has(spec.id) && (await isFinished(experiment, spec))) {
          hooks.onRunSkipped?.(spec, i, 'finished');
          continue;
        }
        const trained = await executeRun(spec, experiment.frequencies.get(frequencyKey(spec.values))!, backend, {
          isCancelled: hooks.isCancelled,
          yieldToEvents,
          onProgress: (step, mse) => hooks.onStep?.(spec, i, step, mse),
        });
        results = await saveRun(experiment, results, trained);
        hooks.onRunSaved?.(spec, i, trained);
      } finally {
        await lock.release();
      }
    }
  } finally {
    results = await refreshResults(experiment);
  }
  return results;
}
