// The large-sweep warning: how many runs a config makes and how long they would take here
// (the cost model times the machine's calibration), as a problem on the first line.

import type { ExperimentConfig } from './schema';
import type { ConfigProblem } from './parse';
import { countRuns } from './sweep';
import { LARGE_SWEEP_RUNS, LARGE_SWEEP_SECONDS, estimateStepMs, formatDuration } from './costModel';

export interface SweepSize {
  readonly runs: number;
  readonly seconds: number;
}

/**
 * Counted, not expanded (a small config can multiply to 10^10 runs): every combination of the
 * other lists runs each width once, so the time is (runs ÷ widths) × the time of one width sweep.
 */
export function sweepSize(config: ExperimentConfig, calibration = 1): SweepSize {
  const runs = countRuns(config);
  const widths = [config.model.width].flat();
  const { features: n } = config.data;
  const { steps, batch } = config.train;
  let msPerWidthSweep = 0;
  for (const m of widths) msPerWidthSweep += steps * estimateStepMs(n, m, batch);
  return { runs, seconds: ((runs / widths.length) * msPerWidthSweep * calibration) / 1000 };
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
