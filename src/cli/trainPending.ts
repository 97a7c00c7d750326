// The CLI's training loop, shared by `run` and `reproduce`: trains an experiment's pending runs
// one after another on the CLI's backend, saving each (results.json and its weights, atomically)
// as soon as it finishes. A cancel stops at the next sync point; finished runs stay saved.

import { executeRun } from '../core/toy/executeRun';
import type { ExperimentResults, TrainedRun } from '../core/toy/results';
import type { RunSpec } from '../core/config/sweep';
import { frequencyKey, saveRun, type PreparedExperiment } from '../node/experimentStore';

export interface TrainHooksCli {
  readonly isCancelled: () => boolean;
  /** Steps done in the current run, for progress bars. */
  readonly onStep?: (spec: RunSpec, index: number, step: number, mse: number) => void;
  readonly onRunSaved?: (spec: RunSpec, index: number, trained: TrainedRun) => void;
}

// Ctrl-C arrives as an event; during a run on the CPU nothing else would let it in.
const yieldToEvents = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Trains `experiment.todo`; throws CoreError('job/cancelled') when stopped, after saving. */
export async function trainPending(
  experiment: PreparedExperiment,
  backend: string,
  hooks: TrainHooksCli,
): Promise<ExperimentResults> {
  let results = experiment.results;
  for (const [i, spec] of experiment.todo.entries()) {
    const trained = await executeRun(spec, experiment.frequencies.get(frequencyKey(spec.values))!, backend, {
      isCancelled: hooks.isCancelled,
      yieldToEvents,
      onProgress: (step, mse) => hooks.onStep?.(spec, i, step, mse),
    });
    results = await saveRun(experiment, results, trained);
    hooks.onRunSaved?.(spec, i, trained);
  }
  return results;
}
