// Learning-rate schedules (paper-spec §1.5). Both of the paper's schedules are a linear warmup to
// the peak followed by a half cosine down to minLrRatio × peak:
//   s = step + 1 (steps are 0-indexed); w = warmup steps
//   s < w:  multiplier = s / w
//   else:   multiplier = (1 − r) · ½ (1 + cos(π (s − w) / (N − w))) + r
// exp-17 (large models): w = int(0.05 · N), r = 0.05, per-group peaks W 0.02·(8/m)^¼ and b 2/m.
// exp-10 (small models): w = 2000 of N = 20000, r = 0.05, both peaks 0.01.

import type { LrSpec } from '../config/schema';

/** Warmup in steps: below 1 a fraction of the steps (truncated, as int() does), else a count. */
export function warmupSteps(warmup: number, steps: number): number {
  return warmup < 1 ? Math.floor(warmup * steps) : Math.floor(warmup);
}

/** The multiplier of the peak learning rate at 0-based `step`. */
export function lrMultiplier(step: number, steps: number, warmup: number, minLrRatio: number): number {
  const s = step + 1;
  // With no warmup, or warmup covering the whole run (unused by the paper), the cosine starts at once.
  const w = warmup >= steps ? 0 : warmup;
  if (s < w) return s / w;
  const progress = steps === w ? 1 : (s - w) / (steps - w);
  return (1 - minLrRatio) * 0.5 * (1 + Math.cos(Math.PI * progress)) + minLrRatio;
}

/** Peak learning rates of the two parameter groups for width m. */
export function peakLearningRates(lr: LrSpec, m: number): { readonly W: number; readonly b: number } {
  if (lr === 'paper-large') return { W: 0.02 * (8 / m) ** 0.25, b: 2 / m };
  if (lr === 'paper-small') return { W: 0.01, b: 0.01 };
  return { W: lr, b: lr };
}
