// The CLI's training loop, shared by `run` and `reproduce`: trains an experiment's pending runs in
// the pool's compute workers (several at once with --jobs), saving each (results.json and its
// weights, atomically) as soon as it finishes. A cancel stops at the next sync point; finished
// runs stay saved.

import type { ExperimentResults, TrainedRun } from '../core/toy/results';
import type { RunSpec } from '../core/config/sweep';
import { frequencyKey, saveRun, type PreparedExperiment } from '../node/experimentStore';
import type { WorkerPool } from '../node/workerPool';
import type { TrainResult } from '../shared/workerProtocol';
import { whileRunning } from './compute';

export interface TrainHooksCli {
  readonly isCancelled: () => boolean;
  /** Steps done in a run (`lane`: the worker it runs in), for progress bars. */
  readonly onStep?: (spec: RunSpec, index: number, step: number, mse: number, lane: number) => void;
  readonly onRunSaved?: (spec: RunSpec, index: number, trained: TrainedRun, lane: number) => void;
}

/** Trains `experiment.todo`; throws CoreError('job/cancelled') when stopped, after saving. */
export async function trainPending(
  experiment: PreparedExperiment,
  pool: WorkerPool,
  hooks: TrainHooksCli,
): Promise<ExperimentResults> {
  let results = experiment.results;
  // Saves go one after another: each rewrites results.json with every run so far.
  let saving = Promise.resolve();
  await pool.each(experiment.todo, async (spec, i, worker, lane) => {
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
  });
  return results;
}
