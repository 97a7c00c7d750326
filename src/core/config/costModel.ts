// How long a sweep will take, before it runs: for the editor's "N runs ≈ T" and the large-sweep
// warning. A three-term model of one training step on TF.js WASM (one core of the development
// machine, bench/train.ts): a fixed cost per step (about 60 kernel launches), the B×n
// element-wise work, and the B·n·m products. Other machines and backends differ by a factor,
// which the extension measures from runs that finished there (`calibration`).

import type { RunSpec } from './sweep';

/** Milliseconds per step on WASM, one core: fixed, per B·n element, per B·n·m multiply-add. */
const FIXED_MS = 1.5;
const PER_ELEMENT_MS = 1.2e-5;
const PER_MAC_MS = 3.8e-7;

export function estimateStepMs(n: number, m: number, batch: number): number {
  return FIXED_MS + PER_ELEMENT_MS * batch * n + PER_MAC_MS * batch * n * m;
}

/** Seconds for these runs; `calibration` multiplies the model (measured ÷ modelled, default 1). */
export function estimateSeconds(
  runs: readonly Pick<RunSpec, 'n' | 'batch' | 'steps' | 'values'>[],
  calibration = 1,
): number {
  let ms = 0;
  for (const r of runs) ms += r.steps * estimateStepMs(r.n, r.values.width, r.batch);
  return (ms * calibration) / 1000;
}

/** "45 s", "12 min", "3.5 h". */
export function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** A sweep is "large" (worth a warning in the editor) above either of these. */
export const LARGE_SWEEP_RUNS = 100;
export const LARGE_SWEEP_SECONDS = 30 * 60;

/**
 * The runs in order of estimated cost, longest first (ties keep their order). Several workers
 * that take runs in this order finish close together: the last run to start is a short one, so
 * no worker idles through a long one at the end (LPT scheduling).
 */
export function longestFirst<T extends Pick<RunSpec, 'n' | 'batch' | 'steps' | 'values'>>(runs: readonly T[]): T[] {
  return runs
    .map((run, index) => ({ run, index, seconds: estimateSeconds([run]) }))
    .sort((a, b) => b.seconds - a.seconds || a.index - b.index)
    .map((x) => x.run);
}
