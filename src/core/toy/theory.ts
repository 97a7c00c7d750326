// What an experiment should show, from theory alone (no training): the live preview beside a
// config. Everything here is the paper's own reasoning (paper-spec §2.7, §2.10, H7–H12):
//
// - the feature frequencies p_i and their density E;
// - the weak-regime loss if exactly the m most frequent features were represented (Eq. 4:
//   Σ_{i>m} ⟨v²⟩p_i − ⟨v⟩²p_i², ⟨v⟩ = 1, ⟨v²⟩ = 4/3), and its integral form for power laws (Eq. 14
//   × (4/3)·E);
// - the strong-regime trend L ∝ 1/m (anchored at the smallest width, a guide for the slope only:
//   the theory fixes the exponent, not the prefactor);
// - the Welch bound κ² for n unit vectors in R^m (≈ 1/m), the floor of the squared overlaps;
// - the regime each γ is expected to give at n ≈ 1000 (H7, H8): γ ≤ −0.33 strong (φ½ ≈ 1),
//   γ ≥ 0.22 weak (φ½ ≈ m/n), in between a transition that moves with m. The paper's grid steps γ
//   by 1/9: at +0.11 φ½ is still 0.02–0.46 depending on m, at +0.33 it is ≈ m/n for every m, so the
//   weak side starts halfway (0.22); values such as the quick demo's 0.3 are called weak;
// - the exponent the theory expects: weak α_m ≈ α − 1 (power laws with α > 1), strong α_m ≈ 1,
//   steepening towards 2(α − 1) for steep power laws (α > 1.5).

import type { ExperimentConfig } from '../config/schema';
import { expandSweep, type RunValues } from '../config/sweep';
import { welchBound } from '../analysis/welch';
import { featureFrequencies, type FeatureFrequencies } from './distributions';
import { predictedWeakLossEq14, weakLossTail } from './metrics';

export type Regime = 'strong' | 'weak' | 'transition';

export interface FrequencyCurve {
  readonly label: string;
  /** Up to ~200 (rank, p) points spaced evenly in log rank, for a log–log plot. */
  readonly points: readonly { readonly rank: number; readonly p: number }[];
  readonly density: number;
  readonly capped: number;
}

export interface SeriesPrediction {
  readonly label: string;
  readonly values: Omit<RunValues, 'width'>;
  readonly regime: Regime;
  /** What the regime means here, in a sentence. */
  readonly regimeNote: string;
  /** The exponent the theory expects for this series, or null when it says nothing sharp. */
  readonly expectedAlphaM: number | null;
  readonly points: readonly {
    readonly m: number;
    readonly weakLoss: number;
    readonly weakLossEq14: number | null;
    readonly strongGuide: number;
  }[];
}

export interface PreviewTheory {
  readonly n: number;
  readonly widths: readonly number[];
  readonly totalRuns: number;
  readonly stepsPerRun: number;
  readonly frequencies: readonly FrequencyCurve[];
  readonly series: readonly SeriesPrediction[];
  readonly welch: readonly { readonly m: number; readonly kappaSq: number; readonly invM: number }[];
  /** Series left out to stay within PREVIEW_WORK_BUDGET (0 for any config of sensible size). */
  readonly omittedSeries: number;
}

/** γ from which the weak regime is expected: halfway between the paper's grid points 0.11 and 0.33. */
const WEAK_FROM = 0.22;
/**
 * Feature values evaluated at most (frequencies and weak-loss tails, 2n per series): the preview of a
 * sweep of 100 exponents × 100 densities at n = 100,000 would otherwise allocate 8 GB.
 */
export const PREVIEW_WORK_BUDGET = 2_000_000;

/** Regime expected from γ at n ≈ 1000 (paper-spec H7, H8 and §7.8). */
export function expectedRegime(gamma: number): Regime {
  if (gamma <= -0.33) return 'strong';
  if (gamma >= WEAK_FROM) return 'weak';
  return 'transition';
}

function regimeNote(regime: Regime, gamma: number): string {
  switch (regime) {
    case 'strong':
      return `γ = ${gamma} pulls every row to unit norm: all features represented (φ½ ≈ 1), overlapping`;
    case 'weak':
      return `γ = ${gamma} shrinks unused rows: about m features represented (φ½ ≈ m/n)`;
    case 'transition':
      return `γ = ${gamma} is in the transition: φ½ between m/n and 1, rising with m`;
  }
}

/** α_m the theory expects (spec §2.10), or null where it says nothing sharp. */
export function expectedAlphaM(values: Omit<RunValues, 'width'>, regime: Regime): number | null {
  const alpha = values.distribution === 'power' ? values.exponent : null;
  if (regime === 'weak') return alpha !== null && alpha > 1 ? alpha - 1 : null;
  if (regime === 'strong') return alpha !== null && alpha > 1.5 ? 2 * (alpha - 1) : 1;
  return null;
}

export function seriesLabelOf(v: Omit<RunValues, 'width'>): string {
  const dist = v.distribution === 'power' ? `power α=${v.exponent}` : v.distribution;
  return `${dist}, γ=${v.weightDecay}${v.density === 1 ? '' : `, E=${v.density}`}`;
}

function logSpacedCurve(p: Float64Array): { rank: number; p: number }[] {
  const n = p.length;
  const ranks = new Set<number>();
  for (let k = 0; k < 200; k++) ranks.add(Math.max(1, Math.round(n ** (k / 199))));
  return [...ranks]
    .sort((a, b) => a - b)
    .filter((r) => p[r - 1]! > 0)
    .map((rank) => ({ rank, p: p[rank - 1]! }));
}

/**
 * The theory preview of a config. `counts` (sorted, descending) is needed only for
 * `distribution: empirical`; without it those series are left out.
 */
export function previewTheory(config: ExperimentConfig, counts?: readonly number[]): PreviewTheory {
  const runs = expandSweep(config);
  const n = config.data.features;
  const widths = [...new Set(runs.map((r) => r.values.width))].sort((a, b) => a - b);
  const freqCache = new Map<string, FeatureFrequencies>();
  const frequencies: FrequencyCurve[] = [];
  const frequencyOf = (v: Omit<RunValues, 'width'>): FeatureFrequencies | null => {
    if (v.distribution === 'empirical' && counts === undefined) return null;
    const key = `${v.distribution}|${v.exponent}|${v.density}`;
    let f = freqCache.get(key);
    if (f === undefined) {
      f = featureFrequencies({
        distribution: v.distribution,
        n,
        exponent: v.exponent ?? 0,
        scale: config.data.scale,
        density: v.density,
        counts,
      });
      freqCache.set(key, f);
      const dist = v.distribution === 'power' ? `power α=${v.exponent}` : v.distribution;
      frequencies.push({
        label: `${dist}${v.density === 1 ? '' : `, E=${v.density}`}`,
        points: logSpacedCurve(f.p),
        density: f.effectiveDensity,
        capped: f.capped,
      });
    }
    return f;
  };

  // predictedWeakLoss(p, m) for every m at once: the tail sums, once per frequency vector.
  const tails = new Map<FeatureFrequencies, Float64Array>();
  const weakTailOf = (f: FeatureFrequencies): Float64Array => {
    let tail = tails.get(f);
    if (tail === undefined) {
      tail = weakLossTail(f.p);
      tails.set(f, tail);
    }
    return tail;
  };
  const seen = new Set<string>();
  const series: SeriesPrediction[] = [];
  let work = 0;
  let omittedSeries = 0;
  for (const run of runs) {
    // Seeds repeat a series without changing what theory predicts: one prediction per rest.
    const { width: _width, seed: _seed, ...rest } = run.values;
    const key = JSON.stringify(rest);
    if (seen.has(key)) continue;
    seen.add(key);
    const values = { ...rest, seed: run.values.seed };
    // Each series costs a frequency vector and its weak-loss tail (n each), then O(1) per width.
    const cost = 2 * n + widths.length;
    if (work + cost > PREVIEW_WORK_BUDGET) {
      omittedSeries++;
      continue;
    }
    work += cost;
    const f = frequencyOf(values);
    if (f === null) continue;
    const regime = expectedRegime(values.weightDecay);
    const tail = weakTailOf(f);
    const weak = widths.map((m) => tail[Math.round(Math.min(m, n))]!);
    const anchor = weak[0]! * widths[0]!;
    series.push({
      label: seriesLabelOf(values),
      values,
      regime,
      regimeNote: regimeNote(regime, values.weightDecay),
      expectedAlphaM: expectedAlphaM(values, regime),
      points: widths.map((m, i) => ({
        m,
        weakLoss: weak[i]!,
        weakLossEq14:
          values.distribution === 'power' && values.exponent !== null
            ? predictedWeakLossEq14(values.exponent, n, Math.min(1, m / n), f.effectiveDensity)
            : null,
        strongGuide: anchor / m,
      })),
    });
  }
  const welch = widths.map((m) => {
    const kappa = welchBound(n, m);
    return { m, kappaSq: kappa * kappa, invM: 1 / m };
  });
  return {
    n,
    widths,
    totalRuns: runs.length,
    stepsPerRun: config.train.steps,
    frequencies,
    series,
    welch,
    omittedSeries,
  };
}
