// The paper's "ideal weak" runs (App. D.5, spec §2 item 8): for each (γ, α) series of power-law
// runs take the largest ambiguity A = ‖W Wᵀ − R‖₂ over its widths, keep the series whose largest
// A is smallest — models closest to "the m most frequent features on orthonormal rows, the rest
// ignored" at every width — and fit α_m on those. The paper keeps 9 of its 170 (γ, α) pairs; a
// smaller grid keeps the same share, rounded up, at least one.

import type { RunResult } from './results';
import { seriesFit } from './fits';

/** The paper keeps 9 of 17 α × 10 γ = 170 pairs. */
export const PAPER_IDEAL_KEEP = 9;
export const PAPER_IDEAL_PAIRS = 170;

export interface IdealWeakPair {
  readonly series: string;
  readonly gamma: number;
  readonly alpha: number;
  readonly maxAmbiguity: number;
  readonly widths: readonly number[];
  readonly alphaM: number | null;
  readonly alphaMStderr: number | null;
}

export interface IdealWeakSelection {
  /** Every (γ, α) pair with an ambiguity at each width, least ambiguous first. */
  readonly pairs: readonly IdealWeakPair[];
  readonly selected: readonly IdealWeakPair[];
  readonly note: string;
}

/** How many pairs to keep out of `pairs`: 9 of 170 in the paper, the same share of fewer. */
export function idealWeakCount(pairs: number): number {
  if (pairs <= 0) return 0;
  return Math.min(pairs, PAPER_IDEAL_KEEP, Math.max(1, Math.ceil((pairs * PAPER_IDEAL_KEEP) / PAPER_IDEAL_PAIRS)));
}

/**
 * The selection over the power-law runs given; null when none of them has an ambiguity (results
 * from before it was measured). Series with a diverged run (ambiguity null) or a single width are
 * left out: neither has a maximum over widths nor a fit.
 */
export function idealWeakSelection(runs: readonly RunResult[]): IdealWeakSelection | null {
  const power = runs.filter((r) => r.values.distribution === 'power' && r.values.exponent !== null);
  if (!power.some((r) => typeof r.ambiguity === 'number')) return null;
  const groups = new Map<string, RunResult[]>();
  // One group per setting but the width (the series), keyed by the values themselves.
  const keyOf = (r: RunResult) => {
    const { width: _width, ...rest } = r.values;
    return JSON.stringify(rest);
  };
  for (const r of power) groups.set(keyOf(r), [...(groups.get(keyOf(r)) ?? []), r]);
  const pairs: IdealWeakPair[] = [];
  for (const members of groups.values()) {
    const sorted = [...members].sort((a, b) => a.values.width - b.values.width);
    if (sorted.length < 2 || sorted.some((r) => typeof r.ambiguity !== 'number')) continue;
    const fit = seriesFit(
      sorted.map((r) => ({ m: r.values.width, loss: r.finalLoss })),
      null,
    );
    pairs.push({
      series: sorted[0]!.series,
      gamma: sorted[0]!.values.weightDecay,
      alpha: sorted[0]!.values.exponent!,
      maxAmbiguity: Math.max(...sorted.map((r) => r.ambiguity as number)),
      widths: sorted.map((r) => r.values.width),
      alphaM: fit?.alphaM ?? null,
      alphaMStderr: fit?.alphaMStderr ?? null,
    });
  }
  pairs.sort((a, b) => a.maxAmbiguity - b.maxAmbiguity || a.gamma - b.gamma || a.alpha - b.alpha);
  const keep = idealWeakCount(pairs.length);
  const note =
    pairs.length >= PAPER_IDEAL_PAIRS
      ? `the ${keep} least ambiguous of ${pairs.length} (γ, α) pairs, as the paper (App. D.5)`
      : `the paper keeps ${PAPER_IDEAL_KEEP} of ${PAPER_IDEAL_PAIRS} (γ, α) pairs; this grid has ${pairs.length}, so the same share rounded up keeps ${keep}`;
  return { pairs, selected: pairs.slice(0, keep), note };
}
