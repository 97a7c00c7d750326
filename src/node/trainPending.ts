// The training loop of a sweep, shared by the CLI (`run`, `reproduce`: a pool of compute workers,
// several at once with --jobs) and the extension host's sweep runner (its 'train' lane): trains an
// experiment's pending runs, saving each (its record and weights, atomically) as soon as it
// finishes. A cancel stops at the next sync point; finished runs stay saved.
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
} from './experimentStore';
import { acquireRunLock } from './runLock';
import type { BackendReport } from '../core/compute/backend';
import type { ComputeWorker } from './computeWorker';
import type { TrainResult } from '../shared/computeJobs';
import { whileRunning } from './whileRunning';

/** What the loop needs of a worker: run a job, cancel it (a ComputeWorker, or an adapter). */
export type TrainWorker = Pick<ComputeWorker, 'run' | 'cancel'>;

/** Lanes that take runs one at a time each (a WorkerPool; the extension host's single lane). */
export interface TrainLanes {
  each<T>(
    units: readonly T[],
    work: (unit: T, index: number, worker: TrainWorker, lane: number) => Promise<void>,
  ): Promise<void>;
}

export interface TrainHooksCli {
  readonly isCancelled: () => boolean;
  /** Steps done in a run (`lane`: the worker it runs in), for progress bars. */
  readonly onStep?: (spec: RunSpec, index: number, step: number, mse: number, lane: number) => void;
  /** A run's worker is ready: where it trains. */
  readonly onStarted?: (spec: RunSpec, index: number, backend: BackendReport, lane: number) => void;
  /** `results`: every run this loop knows finished, this one included. */
  readonly onRunSaved?: (
    spec: RunSpec,
    index: number,
    trained: TrainedRun,
    lane: number,
    results: ExperimentResults,
  ) => void;
  /** A run left to another process (it holds the lock or has finished it). */
  readonly onRunSkipped?: (spec: RunSpec, index: number, why: 'locked' | 'finished') => void;
}

/**
 * Trains `todo` (default: experiment.todo); throws CoreError('job/cancelled') when stopped, after
 * saving. Ends by writing results.json from every finished record on disk (other shards' too).
 */
export async function trainPending(
  experiment: PreparedExperiment,
  pool: TrainLanes,
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
          {
            started: (backend) => hooks.onStarted?.(spec, i, backend, lane),
            trainProgress: (step, mse) => hooks.onStep?.(spec, i, step, mse, lane),
          },
        );
        const done = (await whileRunning(hooks.isCancelled, () => worker.cancel(job.jobId), job.result)) as TrainResult;
        const trained: TrainedRun = { result: done.result, W: new Float32Array(done.W), b: new Float32Array(done.b) };
        saving = saving.then(async () => {
          results = await saveRun(experiment, results, trained);
          hooks.onRunSaved?.(spec, i, trained, lane, results);
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
