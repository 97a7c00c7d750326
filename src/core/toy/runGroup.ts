// What every trainer of several runs at once needs, whatever computes the step (TF.js in
// batchedTrainer.ts, WGSL in gpu/fusedTrainer.ts): the runs, their hooks, the check that they
// share what the step applies once for all, and their data, one sampler per distinct data stream.
// No TF.js here.

import { Rng, STREAM } from './rng';
import { BatchSampler, type SparseBatch } from './sampler';
import type { TrainHooks, TrainSettings } from './trainer';
import { CoreError, messages } from '../errors';

export interface BatchedRun {
  readonly settings: TrainSettings;
  /**
   * Feature frequencies (length n). Runs given the same array object and the same seed draw the
   * same batches alone, so they share one sampler here.
   */
  readonly p: Float64Array;
}

export interface BatchHooks extends Omit<TrainHooks, 'onProgress'> {
  /** Called at every sync point with the steps done and each run's latest MSE. */
  readonly onProgress?: (stepsDone: number, mse: readonly number[]) => void;
}

/** The settings every run of a batch shares (the step applies them once for all runs), as errors name them. */
const SHARED: readonly (readonly [keyof TrainSettings, string])[] = [
  ['n', 'n'],
  ['m', 'width'],
  ['batch', 'batch size'],
  ['steps', 'steps'],
  ['beta1', 'β₁'],
  ['beta2', 'β₂'],
  ['eps', 'ε'],
  ['lossScale', 'loss scale'],
];

/** The shared settings (the first run's); `train/batch` naming the first that differs, if one does. */
export function sharedSettings(runs: readonly BatchedRun[]): TrainSettings {
  const first = runs[0]?.settings;
  if (first === undefined) throw new CoreError('train/batch', messages.batchEmpty());
  runs.forEach(({ settings, p }, i) => {
    const differs = SHARED.find(([key]) => settings[key] !== first[key]);
    const name = differs?.[1] ?? (p.length !== first.n ? 'the number of feature frequencies' : undefined);
    if (name !== undefined) throw new CoreError('train/batch', messages.batchMismatch('1', String(i + 1), name));
  });
  return first;
}

/**
 * The runs' data: one sampler per distinct (frequencies, seed), so runs that would see the same
 * batches alone share one draw. Each call draws the next step's batches, one per run, in order.
 */
export function groupBatches(runs: readonly BatchedRun[], batch: number): () => SparseBatch[] {
  const samplers: { sampler: BatchSampler; rng: Rng; p: Float64Array; seed: number }[] = [];
  const samplerOf = runs.map(({ settings, p }) => {
    const found = samplers.findIndex((s) => s.p === p && s.seed === settings.seed);
    if (found >= 0) return found;
    samplers.push({
      sampler: new BatchSampler(p, batch),
      rng: new Rng(settings.seed, STREAM.data),
      p,
      seed: settings.seed,
    });
    return samplers.length - 1;
  });
  return () => {
    const batches = samplers.map(({ sampler, rng }) => {
      sampler.next(rng);
      return sampler.sparse();
    });
    return samplerOf.map((i) => batches[i]!);
  };
}
