// A config's runs: the cartesian product of its list-valued keys (distribution, exponent,
// density, weight decay, seed, width), each run named by its values. Runs that differ only in
// width form a series, the unit of the α_m fits.

import { CoreError, messages } from '../errors';
import { SWEEP_KEYS, type Distribution, type ExperimentConfig } from './schema';

export interface RunValues {
  readonly distribution: Distribution;
  /** Null unless the distribution is `power` (other families do not use it). */
  readonly exponent: number | null;
  readonly density: number;
  readonly weightDecay: number;
  readonly seed: number;
  readonly width: number;
}

/** The optimizer settings a run is trained with (every one but weightDecay, a sweep dimension). */
export type OptimizerSettings = Omit<ExperimentConfig['optimizer'], 'weightDecay'>;

export interface RunSpec extends OptimizerSettings {
  /** Stable and file-name safe, e.g. "power-a1.2-E1-g-1-s0-m64". */
  readonly id: string;
  /** The run's id without the width: runs of one series differ only in m. */
  readonly series: string;
  readonly values: RunValues;
  readonly n: number;
  readonly scale: number;
  readonly steps: number;
  readonly batch: number;
  readonly finalWindow: number;
  readonly curvePoints: number;
}

const list = <T>(v: T | readonly T[]): readonly T[] => (Array.isArray(v) ? (v as readonly T[]) : [v as T]);

/** Series name from the values that define it. */
export function seriesName(v: Omit<RunValues, 'width'>): string {
  const parts: string[] = [v.distribution];
  if (v.exponent !== null) parts.push(`a${v.exponent}`);
  parts.push(`E${v.density}`, `g${v.weightDecay}`, `s${v.seed}`);
  return parts.join('-');
}

/**
 * The most runs one config may make. Above it the config is an error (parse.ts), so nothing
 * expands a sweep that would take gigabytes to list: the paper's largest sweeps are hundreds.
 */
export const MAX_RUNS = 10_000;

/** The sweepable keys, in the order their lists multiply (one list, in schema.ts). */
export { SWEEP_KEYS };
export type SweepKey = (typeof SWEEP_KEYS)[number];

/** How many values each sweepable key contributes (the exponent only counts for `power`). */
export function sweepFactors(config: ExperimentConfig): Record<SweepKey, number> {
  const distributions = list(config.data.distribution);
  return {
    'data.distribution': distributions.length,
    'data.exponent': list(config.data.exponent).length,
    'data.density': list(config.data.density).length,
    'optimizer.weightDecay': list(config.optimizer.weightDecay).length,
    'train.seeds': list(config.train.seeds).length,
    'model.width': list(config.model.width).length,
  };
}

/**
 * The number of runs expandSweep would make, without making them (the lists are already free of
 * duplicates: parse.ts keeps each value once). Only `power` multiplies by the exponents.
 */
export function countRuns(config: ExperimentConfig): number {
  const f = sweepFactors(config);
  const distributions = list(config.data.distribution);
  const powers = distributions.filter((d) => d === 'power').length;
  const shapes = powers * f['data.exponent'] + (distributions.length - powers);
  return shapes * f['data.density'] * f['optimizer.weightDecay'] * f['train.seeds'] * f['model.width'];
}

export function expandSweep(config: ExperimentConfig): RunSpec[] {
  const count = countRuns(config);
  if (count > MAX_RUNS) {
    throw new CoreError('config/too-many-runs', messages.tooManyRuns(count, MAX_RUNS));
  }
  const runs: RunSpec[] = [];
  const seen = new Set<string>();
  for (const distribution of list(config.data.distribution)) {
    // Only the power law uses the exponent: other families get one run, not one per exponent.
    const exponents = distribution === 'power' ? list(config.data.exponent) : [null];
    for (const exponent of exponents) {
      for (const density of list(config.data.density)) {
        for (const weightDecay of list(config.optimizer.weightDecay)) {
          for (const seed of list(config.train.seeds)) {
            const series = seriesName({ distribution, exponent, density, weightDecay, seed });
            for (const width of [...list(config.model.width)].sort((a, b) => a - b)) {
              const id = `${series}-m${width}`;
              if (seen.has(id)) continue;
              seen.add(id);
              runs.push({
                id,
                series,
                values: { distribution, exponent, density, weightDecay, seed, width },
                n: config.data.features,
                scale: config.data.scale,
                steps: config.train.steps,
                batch: config.train.batch,
                lr: config.optimizer.lr,
                warmup: config.optimizer.warmup,
                minLrRatio: config.optimizer.minLrRatio,
                lossScale: config.optimizer.lossScale,
                beta1: config.optimizer.beta1,
                beta2: config.optimizer.beta2,
                eps: config.optimizer.eps,
                finalWindow: config.train.finalWindow,
                curvePoints: config.train.curvePoints,
              });
            }
          }
        }
      }
    }
  }
  return runs;
}
