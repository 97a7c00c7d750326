// The preview's "quick check": a few short runs that put measured points beside the theory
// before anything is trained for real. At most two series (the first and the last of the sweep,
// which differ most) and three widths each (smallest, middle, largest), with fewer steps and a
// smaller batch, kept under a time budget by the cost model.

import type { ExperimentConfig } from '../config/schema';
import { expandSweep, type RunSpec } from '../config/sweep';
import { estimateSeconds } from '../config/costModel';

export const QUICK_STEPS = 300;
export const QUICK_BATCH = 256;
/** A quick check that the cost model puts above this is shrunk, then skipped. */
export const QUICK_BUDGET_SECONDS = 20;

export interface QuickCheckPlan {
  readonly runs: readonly RunSpec[];
  readonly estimatedSeconds: number;
  /** Why there is nothing to run, when `runs` is empty. */
  readonly skipped?: string;
}

function pick<T>(xs: readonly T[], count: number): T[] {
  if (xs.length <= count) return [...xs];
  if (count === 2) return [xs[0]!, xs.at(-1)!];
  return [xs[0]!, xs[Math.floor((xs.length - 1) / 2)]!, xs.at(-1)!];
}

export function quickCheckPlan(config: ExperimentConfig, calibration = 1): QuickCheckPlan {
  const all = expandSweep(config).filter((r) => r.values.distribution !== 'empirical' || config.data.counts !== null);
  const seriesIds = [...new Set(all.map((r) => r.series))];
  for (const [widthCount, steps] of [
    [3, QUICK_STEPS],
    [2, Math.round(QUICK_STEPS / 2)],
  ] as const) {
    const runs = pick(seriesIds, 2).flatMap((id) => {
      const members = all.filter((r) => r.series === id);
      return pick(members, widthCount).map((r) => ({
        ...r,
        id: `quick-${r.id}`,
        steps: Math.min(r.steps, steps),
        batch: Math.min(r.batch, QUICK_BATCH),
        finalWindow: Math.min(r.finalWindow, 20),
        curvePoints: 20,
        warmup: r.warmup >= 1 ? Math.min(r.warmup, Math.round(steps / 10)) : r.warmup,
      }));
    });
    const seconds = estimateSeconds(runs, calibration);
    if (seconds <= QUICK_BUDGET_SECONDS) return { runs, estimatedSeconds: seconds };
  }
  const full = estimateSeconds(all, calibration);
  return {
    runs: [],
    estimatedSeconds: 0,
    skipped: `too large for a quick check (the full sweep is ≈ ${Math.round(full)} s)`,
  };
}
