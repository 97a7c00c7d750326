// The CLI's training loop, shared by `run` and `reproduce`: trains an experiment's pending runs on
// the CLI's backend, runs of one shape together as one batch (src/core/toy/batchPlan.ts), saving
// each run (results.json and its weights, atomically) as soon as its batch finishes. A cancel
// stops at the next sync point; finished runs stay saved.

import { backendBatchOptions, planBatches, type BatchPlanOptions } from '../core/toy/batchPlan';
import { executeRunGroup } from '../core/toy/executeRun';
import type { ExperimentResults, TrainedRun } from '../core/toy/results';
import type { RunSpec } from '../core/config/sweep';
import { frequencyKey, saveRun, type PreparedExperiment } from '../node/experimentStore';

export interface TrainHooksCli {
  readonly isCancelled: () => boolean;
  /**
   * Steps done in the current batch of runs, for progress bars: called for each run of the batch
   * (`group` is the whole batch; they advance together, so steps done overall grow by
   * group.length per step).
   */
  readonly onStep?: (spec: RunSpec, index: number, step: number, mse: number, group: readonly RunSpec[]) => void;
  readonly onRunSaved?: (spec: RunSpec, index: number, trained: TrainedRun) => void;
  /** How runs are grouped (default: backendBatchOptions); `{ maxRuns: 1 }` trains one at a time. */
  readonly batching?: BatchPlanOptions;
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
  const indexOf = new Map(experiment.todo.map((spec, i) => [spec, i]));
  for (const group of planBatches(experiment.todo, hooks.batching ?? backendBatchOptions(backend))) {
    const freqs = group.map((spec) => experiment.frequencies.get(frequencyKey(spec.values))!);
    const trained = await executeRunGroup(group, freqs, backend, {
      isCancelled: hooks.isCancelled,
      yieldToEvents,
      onProgress: (step, mse) =>
        group.forEach((spec, r) => hooks.onStep?.(spec, indexOf.get(spec)!, step, mse[r]!, group)),
    });
    for (const [r, spec] of group.entries()) {
      results = await saveRun(experiment, results, trained[r]!);
      hooks.onRunSaved?.(spec, indexOf.get(spec)!, trained[r]!);
    }
  }
  return results;
}
