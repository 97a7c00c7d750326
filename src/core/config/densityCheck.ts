// The "density forces p_i > 1" check of a config, bounded: the frequencies of each distinct shape
// (distribution, exponent) are computed once, then every density is answered by a binary search
// and a suffix sum, so many densities cost almost nothing. Shapes are cut off at a work budget
// (features evaluated), because a config of a few hundred bytes can list hundreds of exponents at
// n = 100,000 and this runs on the editor's thread.

import type { Distribution } from './schema';

/** p̃_i × const, in rank order: the same expressions as distributions.ts, as plain loops (fast). */
function rawFrequencies(shape: DensityShape, n: number, scale: number): Float64Array {
  const raw = new Float64Array(n);
  const { distribution, exponent } = shape;
  for (let k = 0; k < n; k++) {
    raw[k] =
      distribution === 'power' ? (k + 1) ** -exponent : distribution === 'exponential' ? Math.exp(-k / scale) : n - k;
  }
  return raw;
}

/** Features evaluated at most, over all shapes (two shapes at the largest n): a few ms of Math.pow. */
export const DENSITY_CHECK_BUDGET = 200_000;

export interface DensityShape {
  readonly distribution: Exclude<Distribution, 'empirical'>;
  /** Only for `power`; 0 otherwise. */
  readonly exponent: number;
}

export interface CappedDensity {
  readonly shape: DensityShape;
  readonly density: number;
  /** Features whose E·p̃_i exceeds 1. */
  readonly capped: number;
  /** Σ min(1, E·p̃_i). */
  readonly effectiveDensity: number;
}

export interface DensityCheck {
  /** The (shape, density) pairs that cap at least one feature, in the order given. */
  readonly capped: readonly CappedDensity[];
  /** Shapes checked; the rest were over the budget. */
  readonly shapesChecked: number;
}

/** Index of the first element of a non-increasing array for which `above` is false. */
function firstNotAbove(raw: Float64Array, above: (v: number) => boolean): number {
  let lo = 0;
  let hi = raw.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (above(raw[mid]!)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function checkDensities(
  shapes: readonly DensityShape[],
  densities: readonly number[],
  n: number,
  scale: number,
  budget = DENSITY_CHECK_BUDGET,
): DensityCheck {
  const capped: CappedDensity[] = [];
  let work = 0;
  let shapesChecked = 0;
  for (const shape of shapes) {
    if (work + n > budget) break;
    work += n;
    shapesChecked++;
    const raw = rawFrequencies(shape, n, scale);
    // The same summation order as featureFrequencies, so `capped` agrees with it exactly.
    let total = 0;
    for (let k = 0; k < n; k++) total += raw[k]!;
    // suffix[i] = Σ_{j ≥ i} raw_j, summed from the small end for precision.
    const suffix = new Float64Array(n + 1);
    for (let i = n - 1; i >= 0; i--) suffix[i] = suffix[i + 1]! + raw[i]!;
    for (const density of densities) {
      const count = firstNotAbove(raw, (v) => (density * v) / total > 1);
      if (count === 0) continue;
      capped.push({ shape, density, capped: count, effectiveDensity: count + (density * suffix[count]!) / total });
    }
  }
  return { capped, shapesChecked };
}
