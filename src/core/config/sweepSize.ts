// The large-sweep warning: how many runs a config makes and how long they would take here
// (the cost model times the machine's calibration), as a problem on the first line.

import type { ExperimentConfig } from './schema';
import type { ConfigProblem } from './parse';
import { expandSweep } from './sweep';
import { LARGE_SWEEP_RUNS, LARGE_SWEEP_SECONDS, estimateSeconds, formatDuration } from '../toy/costModel';

export interface SweepSize {
  readonly runs: number;
  readonly seconds: number;
}

export function sweepSize(config: ExperimentConfig, calibration = 1): SweepSize {
  const runs = expandSweep(config);
  return { runs: runs.length, seconds: estimateSeconds(runs, calibration) };
}

/** A warning when the sweep is large, else null. `firstLineLength` sizes its range. */
export function largeSweepProblem(
  config: ExperimentConfig,
  firstLineLength: number,
  calibration = 1,
): ConfigProblem | null {
  const size = sweepSize(config, calibration);
  if (size.runs <= LARGE_SWEEP_RUNS && size.seconds <= LARGE_SWEEP_SECONDS) return null;
  return {
    severity: 'warning',
    code: 'config/large-sweep',
    message: `this sweep is ${size.runs} runs, about ${formatDuration(size.seconds)} of training on this machine; lists multiply (the runs are their cartesian product)`,
    start: 0,
    end: firstLineLength,
    line: 1,
    col: 1,
  };
}
