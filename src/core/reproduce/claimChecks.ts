// The named check of each claim (claimTable.ts holds the rows: text, paper value, tolerance). A
// check reads the presets' results and the row's tolerance numbers — never a number of its own —
// and returns what we measured, the verdict and a distance from the paper's value (same units for
// every preset size, so a bigger run can be said to move towards the paper or away). A check
// returns null when the data it needs is missing: the row is then "not checked".

import type { ExperimentResults, RunResult } from '../toy/results';
import { offsetModelFit, seriesFit } from '../toy/fits';
import { reconstructedLlmLosses, REPORTED_LLM_FIT } from '../toy/llmLossTable';
import type { PresetId } from './presets';
import { nonEmbeddingParams, paramWidthFit } from './llmParams';
import { idealWeakSelection } from '../toy/idealWeak';
import { formatFixed, formatPrecision } from '../format';

export type PresetResults = Partial<Record<PresetId, ExperimentResults>>;
export type Limits = Readonly<Record<string, number>>;

export interface Verdict {
  readonly ours: string;
  /** null: computed, but not a verdict (the claim cannot be tested with this data). */
  readonly pass: boolean | null;
  /** How far ours is from the paper's value (0 = on it), in the claim's own units; null if none. */
  readonly distance: number | null;
  readonly note?: string;
}

export type ClaimCheckFunction = (results: PresetResults, limits: Limits) => Verdict | null;

const f2 = (x: number | null | undefined) => formatFixed(x, 2);
const f3 = (x: number | null | undefined) => formatPrecision(x, 3);
const lim = (limits: Limits, key: string): number => {
  const v = limits[key];
  if (v === undefined) throw new Error(`claim tolerance "${key}" is missing from its row`);
  return v;
};

type RunFilter = (r: RunResult) => boolean;
const runsOf = (res: ExperimentResults, keep: RunFilter): RunResult[] =>
  res.runs.filter(keep).sort((a, b) => a.values.width - b.values.width);
/** α_m and R² of the runs kept, over widths in [lo, hi]. */
const fitOf = (res: ExperimentResults, keep: RunFilter, lo = 0, hi = Infinity) =>
  seriesFit(
    runsOf(res, keep).map((r) => ({ m: r.values.width, loss: r.finalLoss })),
    [lo, hi],
  );
const DISTS = ['exponential', 'power', 'linear'] as const;
const byDist =
  (d: string, gamma?: number): RunFilter =>
  (r) =>
    r.values.distribution === d && (gamma === undefined || r.values.weightDecay === gamma);
const weakGammaOf = (B: ExperimentResults) => Math.max(...B.runs.map((r) => r.values.weightDecay));
const gammasOf = (D: ExperimentResults) => [...new Set(D.runs.map((r) => r.values.weightDecay))].sort((a, b) => a - b);
const alphasOf = (D: ExperimentResults) =>
  [...new Set(D.runs.map((r) => r.values.exponent ?? 0))].sort((a, b) => a - b);
const gridFit = (D: ExperimentResults, alpha: number, gamma: number) =>
  fitOf(D, (r) => r.values.exponent === alpha && r.values.weightDecay === gamma);
/** The strong γ of the grid: the weakest decay still ≤ −0.3333 (the paper's strong runs). */
const strongGammaOf = (D: ExperimentResults) =>
  gammasOf(D)
    .filter((g) => g <= -0.3333)
    .at(-1);
const maxOf = (xs: readonly number[]) => (xs.length === 0 ? null : Math.max(...xs));

/** H1 — paper D.1: exponential fitted on all widths, power and linear from the third width on. */
const PAPER_STRONG_ALPHA_M = { exponential: 1.01, power: 1.0, linear: 0.89 } as const;
export function strongExponentNearOne({ A }: PresetResults, limits: Limits): Verdict | null {
  if (!A) return null;
  const widths = [...new Set(A.runs.map((r) => r.values.width))].sort((a, b) => a - b);
  const from3 = widths[2] ?? widths[0] ?? 0;
  const fits = DISTS.map((d) => ({ d, fit: fitOf(A, byDist(d), d === 'exponential' ? 0 : from3) }));
  const off = fits.map(({ d, fit }) => (fit === null ? Infinity : Math.abs(fit.alphaM - PAPER_STRONG_ALPHA_M[d])));
  return {
    ours: fits.map(({ d, fit }) => `${d.slice(0, 3)} ${f2(fit?.alphaM)} ± ${f2(fit?.alphaMStderr)}`).join(', '),
    pass: off.every((x) => x <= lim(limits, 'alphaM')),
    distance: Math.max(...off),
  };
}

const PAPER_STRONG_R2 = { exponential: 0.985, power: 0.965, linear: 0.987 } as const;
export function strongFitsArePowerLaws({ A }: PresetResults, limits: Limits): Verdict | null {
  if (!A) return null;
  const all = DISTS.map((d) => ({ d, fit: fitOf(A, byDist(d)) }));
  return {
    ours: all.map(({ d, fit }) => `${d.slice(0, 3)} ${f3(fit?.r2)}`).join(', '),
    pass: all.every(({ fit }) => (fit?.r2 ?? 0) >= lim(limits, 'r2')),
    distance: Math.max(...all.map(({ d, fit }) => Math.abs((fit?.r2 ?? 0) - PAPER_STRONG_R2[d]))),
  };
}

export function onlyPowerLawIsPowerLawWhenWeak({ B }: PresetResults, limits: Limits): Verdict | null {
  if (!B) return null;
  const gamma = weakGammaOf(B);
  const r2 = Object.fromEntries(DISTS.map((d) => [d, fitOf(B, byDist(d, gamma))?.r2 ?? null]));
  const p = r2['power'] ?? null;
  const ok = p !== null && p >= lim(limits, 'r2') && DISTS.every((d) => d === 'power' || (r2[d] ?? 0) < p);
  return {
    ours: `γ = ${gamma}: ${DISTS.map((d) => `${d.slice(0, 3)} ${f3(r2[d])}`).join(', ')}`,
    pass: ok,
    distance: p === null ? null : Math.abs(p - 0.99),
  };
}

const endpoints = (rs: RunResult[]) => `${f3(rs[0]?.finalLoss)} → ${f3(rs.at(-1)?.finalLoss)}`;

export function strongLossFallsWithWidth({ A }: PresetResults): Verdict | null {
  if (!A) return null;
  const series = DISTS.map((d) => runsOf(A, byDist(d)));
  const rises = series.reduce(
    (s, rs) => s + rs.filter((r, i) => i > 0 && r.finalLoss >= rs[i - 1]!.finalLoss).length,
    0,
  );
  return {
    ours: `n = ${A.runs[0]?.n}: ${DISTS.map((d, i) => `${d.slice(0, 3)} ${endpoints(series[i]!)}`).join(', ')}`,
    pass: series.every((rs) => rs.length >= 2) && rises === 0,
    distance: rises,
  };
}

export function weakLinearBarelyImproves({ B }: PresetResults, limits: Limits): Verdict | null {
  if (!B) return null;
  const gamma = weakGammaOf(B);
  const drop = (d: string) => {
    const rs = runsOf(B, byDist(d, gamma));
    return rs.length < 2 ? NaN : rs[0]!.finalLoss / rs.at(-1)!.finalLoss;
  };
  const [dl, de, dp] = [drop('linear'), drop('exponential'), drop('power')];
  return {
    ours: `γ = ${gamma}, first → last width: linear ×${f2(dl)}, exp ×${f2(de)}, power ×${f2(dp)}`,
    pass: dl < lim(limits, 'drop') && dl < de && dl < dp,
    // The paper's linear family improves ×1.5 over m = 8 → 1024.
    distance: Number.isFinite(dl) ? Math.abs(dl - 1.5) : null,
  };
}

export function strongFarBelowWeak({ A, B }: PresetResults, limits: Limits): Verdict | null {
  if (!A || !B) return null;
  const gamma = weakGammaOf(B);
  const weakRuns = runsOf(B, byDist('power', gamma));
  // At the largest width both trained (A may have wider runs than B).
  const strong = runsOf(A, byDist('power'))
    .filter((r) => weakRuns.some((w) => w.values.width === r.values.width))
    .at(-1);
  const weak = weakRuns.find((r) => r.values.width === strong?.values.width);
  const ratio = strong && weak ? strong.finalLoss / weak.finalLoss : NaN;
  return {
    ours: `m = ${strong?.values.width}, power: ${f3(strong?.finalLoss)} vs ${f3(weak?.finalLoss)} (γ = ${gamma})`,
    pass: ratio <= lim(limits, 'ratio'),
    // The paper's ratio at m = 1024 is 0.009/0.27; compared on a log scale.
    distance: Number.isFinite(ratio) && ratio > 0 ? Math.abs(Math.log10(ratio / (0.009 / 0.27))) : null,
  };
}

export function phiSigmoidInGamma({ C }: PresetResults, limits: Limits): Verdict | null {
  if (!C) return null;
  const m = Math.max(...C.runs.map((r) => r.values.width));
  const rs = C.runs.filter((r) => r.values.width === m).sort((a, b) => a.values.weightDecay - b.values.weightDecay);
  const low = rs.filter((r) => r.values.weightDecay <= lim(limits, 'strongGamma'));
  const high = rs.filter((r) => r.values.weightDecay >= lim(limits, 'weakGamma'));
  const slack = lim(limits, 'slack');
  const monotone = rs.every((r, i) => i === 0 || r.fracRepresented <= rs[i - 1]!.fracRepresented + slack);
  const lowOk = low.every((r) => r.fracRepresented >= lim(limits, 'phiStrong'));
  const highOk = high.every((r) => r.fracRepresented <= lim(limits, 'phiWeak'));
  // Paper: exactly 1 below, about m/n (≤ 0.16) above.
  const distance = Math.max(
    0,
    ...low.map((r) => 1 - r.fracRepresented),
    ...high.map((r) => Math.max(0, r.fracRepresented - 0.16)),
  );
  return {
    ours: `m = ${m}: ${rs.map((r) => `γ ${r.values.weightDecay.toFixed(2)}: ${r.fracRepresented.toFixed(2)}`).join(', ')}`,
    pass: lowOk && highOk && monotone && low.length > 0 && high.length > 0,
    distance,
  };
}

export function phiGridStrongAndWeak({ D }: PresetResults, limits: Limits): Verdict | null {
  if (!D) return null;
  const strong = D.runs.filter((r) => r.values.weightDecay <= lim(limits, 'strongGamma'));
  const weak = D.runs.filter((r) => r.values.weightDecay > 0);
  const minStrong = Math.min(...strong.map((r) => r.fracRepresented));
  const maxWeak = Math.max(...weak.map((r) => r.fracRepresented));
  return {
    ours: `min φ½ at γ ≤ ${lim(limits, 'strongGamma')}: ${f2(minStrong)}; max φ½ at γ > 0: ${f2(maxWeak)}`,
    pass:
      strong.length > 0 &&
      weak.length > 0 &&
      minStrong >= lim(limits, 'phiStrong') &&
      maxWeak <= lim(limits, 'phiWeak'),
    distance: strong.length > 0 && weak.length > 0 ? Math.max(1 - minStrong, maxWeak) : null,
  };
}

export function weakLossOnOrAbovePrediction(results: PresetResults, limits: Limits): Verdict | null {
  const all = Object.values(results).flatMap((r) => r?.runs ?? []);
  if (all.length === 0) return null;
  const weak = all.filter((r) => r.values.weightDecay > 0);
  const strong = all.filter((r) => r.values.weightDecay < 0 && r.fracRepresented >= 0.99);
  const above = weak.filter((r) => r.finalLoss >= lim(limits, 'below') * r.predictedWeakLoss).length;
  const missed = strong.filter((r) => r.predictedWeakLoss < lim(limits, 'missed') * r.finalLoss).length;
  const share = lim(limits, 'share');
  return {
    ours: `γ > 0: ${above} of ${weak.length} runs at or above ${lim(limits, 'below')} × prediction; γ < 0 (φ½ ≈ 1): ${missed} of ${strong.length} with prediction < ${lim(limits, 'missed')} × loss`,
    pass: weak.length > 0 && above >= share * weak.length && (strong.length === 0 || missed >= share * strong.length),
    distance: weak.length === 0 ? null : 1 - above / weak.length,
  };
}

/** H10 on the paper's "ideal weak" pairs: those of smallest maximal ambiguity (App. D.5). */
export function idealWeakExponent({ D }: PresetResults, limits: Limits): Verdict | null {
  if (!D) return null;
  const selection = idealWeakSelection(D.runs);
  if (selection === null) {
    return {
      ours: '—',
      pass: null,
      distance: null,
      note: 'these results have no ambiguity per run (trained before it was measured): train D again',
    };
  }
  const off = selection.selected.map((p) => (p.alphaM === null ? Infinity : Math.abs(p.alphaM - (p.alpha - 1))));
  return {
    ours:
      `${selection.selected.length} of ${selection.pairs.length} (γ, α) pairs, least ambiguous: ` +
      selection.selected
        .map((p) => `γ ${p.gamma}, α ${p.alpha}: α_m ${f2(p.alphaM)} (max A ${f2(p.maxAmbiguity)})`)
        .join('; '),
    pass: off.every((x) => x <= lim(limits, 'alphaM')),
    distance: maxOf(off),
    note: selection.note,
  };
}

/** The paper's α_m band (Fig. 5e) for the strong regime at data exponent α, or null. */
function strongBand(a: number): readonly [number, number] | null {
  if (a <= 0.75) return [0.8, 0.9];
  if (a >= 0.875 && a <= 1.25) return [1.0, 1.2];
  if (a === 1.5) return [1.25, 1.5];
  if (a === 2) return [2.05, 2.25];
  return null;
}

export function strongExponentAgainstAlpha({ D }: PresetResults, limits: Limits): Verdict | null {
  if (!D) return null;
  const gamma = strongGammaOf(D) ?? gammasOf(D)[0]!;
  const checked = alphasOf(D)
    .filter((a) => strongBand(a) !== null)
    .map((a) => ({ a, band: strongBand(a)!, fit: gridFit(D, a, gamma) }));
  const outside = checked.map(({ band: [lo, hi], fit }) =>
    fit === null ? Infinity : Math.max(0, lo - fit.alphaM, fit.alphaM - hi),
  );
  return {
    ours: `γ = ${gamma}: ${checked.map(({ a, fit }) => `α ${a}: ${f2(fit?.alphaM)}`).join(', ')}`,
    pass: checked.length > 0 && outside.every((x) => x <= lim(limits, 'band')),
    distance: maxOf(outside),
  };
}

export function exponentGrid({ D }: PresetResults, limits: Limits): Verdict | null {
  if (!D) return null;
  const gammas = gammasOf(D);
  const weakGamma = gammas.filter((g) => g > 0)[0];
  const strongGamma = strongGammaOf(D) ?? gammas[0]!;
  const alphas = alphasOf(D);
  const moderate = alphas
    .filter((a) => a <= lim(limits, 'alphaStrong'))
    .map((a) => ({ a, fit: gridFit(D, a, strongGamma) }));
  const flatWeak =
    weakGamma === undefined
      ? []
      : alphas.filter((a) => a <= lim(limits, 'alphaWeak')).map((a) => ({ a, fit: gridFit(D, a, weakGamma) }));
  const [lo, hi, weakHi] = [lim(limits, 'strongLow'), lim(limits, 'strongHigh'), lim(limits, 'weakHigh')];
  const off = [
    ...moderate.map(({ fit }) => (fit === null ? Infinity : Math.abs(fit.alphaM - 1))),
    ...flatWeak.map(({ fit }) => (fit === null ? Infinity : Math.max(0, fit.alphaM - 0.5))),
  ];
  return {
    ours:
      `γ = ${strongGamma}: ${moderate.map(({ a, fit }) => `α ${a}: ${f2(fit?.alphaM)}`).join(', ')}` +
      (weakGamma === undefined
        ? ''
        : `; γ = ${weakGamma}: ${flatWeak.map(({ a, fit }) => `α ${a}: ${f2(fit?.alphaM)}`).join(', ')}`),
    pass:
      moderate.length > 0 &&
      moderate.every(({ fit }) => fit !== null && fit.alphaM >= lo && fit.alphaM <= hi) &&
      flatWeak.every(({ fit }) => fit !== null && fit.alphaM <= weakHi),
    distance: maxOf(off),
  };
}

export function strongOverlapNearInverseWidth({ D }: PresetResults, limits: Limits): Verdict | null {
  if (!D) return null;
  const gamma = strongGammaOf(D);
  const withS = D.runs.filter(
    (r) => r.values.weightDecay === gamma && r.meanSqOverlapStrong !== null && r.strongRows > r.values.width,
  );
  const ratios = withS.map((r) => r.meanSqOverlapStrong! * r.values.width);
  return {
    ours:
      ratios.length === 0
        ? 'no run with |S| > m'
        : `m × overlap² from ${f2(Math.min(...ratios))} to ${f2(Math.max(...ratios))} over ${ratios.length} runs (γ = ${gamma})`,
    pass: ratios.length > 0 && ratios.every((x) => x >= lim(limits, 'low') && x <= lim(limits, 'high')),
    distance: ratios.length === 0 ? null : Math.max(...ratios.map((x) => Math.abs(Math.log2(x)))),
  };
}

/** Paper Fig. 5 (repo Fig-6-3c): φ₁ bands per width at n = 1000. */
const PHI_ONE_BANDS: Readonly<Record<number, readonly [number, number]>> = {
  10: [0.08, 0.33],
  15: [0.2, 0.55],
  25: [0.5, 0.8],
  39: [0.7, 0.9],
  100: [0.85, 0.95],
};

export function strongFractionAgainstWidth({ D }: PresetResults, limits: Limits): Verdict | null {
  if (!D) return null;
  const gamma = strongGammaOf(D);
  const strong = D.runs.filter((r) => r.values.weightDecay === gamma);
  const n = strong[0]?.n ?? 0;
  if (n !== 1000) {
    return {
      ours: `n = ${n}: the bands are for n = 1000`,
      pass: null,
      distance: null,
      note: 'the paper’s bands are for n = 1000; this preset uses another n',
    };
  }
  const inBand = strong.filter((r) => PHI_ONE_BANDS[r.values.width] !== undefined);
  const outside = inBand.map((r) => {
    const [lo, hi] = PHI_ONE_BANDS[r.values.width]!;
    return Math.max(0, lo - r.fracStrong, r.fracStrong - hi);
  });
  const ok =
    inBand.length > 0 &&
    outside.every((x) => x <= lim(limits, 'band')) &&
    strong.every((r) => r.fracStrong > (lim(limits, 'factor') * r.values.width) / r.n);
  const byWidth = [...new Set(inBand.map((r) => r.values.width))].map((m) => {
    const v = inBand.filter((r) => r.values.width === m).map((r) => r.fracStrong);
    return `${m}: ${f2(Math.min(...v))}–${f2(Math.max(...v))}`;
  });
  return { ours: `γ = ${gamma}, m ${byWidth.join('; ')}`, pass: ok, distance: maxOf(outside) };
}

/** H15: spec §2 item 5, paper Fig. 5c. Runs from the old format have no ratio and are skipped. */
export function strongOverlapsMoreRegularThanRandom({ D }: PresetResults, limits: Limits): Verdict | null {
  if (!D) return null;
  const gamma = strongGammaOf(D);
  const measured = D.runs.filter(
    (r) =>
      r.values.weightDecay === gamma &&
      r.sqOverlapVarianceRatioStrong !== undefined &&
      r.sqOverlapVarianceRatioStrong !== null &&
      // With |S| ≤ m the rows of S can be orthogonal: a variance of 0 says nothing (as H13).
      r.strongRows > r.values.width,
  );
  if (measured.length === 0) {
    return {
      ours: '—',
      pass: null,
      distance: null,
      note: 'no strong run with |S| > m and a variance ratio (or results trained before it was measured: train D again)',
    };
  }
  const alphaMax = lim(limits, 'alphaMax');
  const small = measured.filter((r) => (r.values.exponent ?? 0) <= alphaMax);
  const byAlpha = [...new Set(measured.map((r) => r.values.exponent ?? 0))]
    .sort((a, b) => a - b)
    .map((a) => {
      const v = measured.filter((r) => (r.values.exponent ?? 0) === a).map((r) => r.sqOverlapVarianceRatioStrong!);
      return `α ${a}: ${f2(Math.min(...v))}–${f2(Math.max(...v))}`;
    });
  const worst = maxOf(small.map((r) => r.sqOverlapVarianceRatioStrong!));
  return {
    ours: `γ = ${gamma}, variance ratio over m: ${byAlpha.join('; ')}`,
    pass: small.length > 0 && worst !== null && worst < lim(limits, 'ratio'),
    distance: worst === null ? null : Math.max(0, worst - lim(limits, 'ratio')),
  };
}

export function densityRaisesLossNotExponent({ E }: PresetResults, limits: Limits): Verdict | null {
  if (!E) return null;
  const densities = [...new Set(E.runs.map((r) => r.values.density))].sort((a, b) => a - b);
  const gammas = gammasOf(E);
  const strongGamma = gammas[0]!;
  const alpha = densities.map((d) => fitOf(E, (r) => r.values.density === d && r.values.weightDecay === strongGamma));
  const base = alpha[0]?.alphaM ?? NaN;
  const drift = alpha.map((a) => (a === null ? Infinity : Math.abs(a.alphaM - base)));
  const widths = [...new Set(E.runs.map((r) => r.values.width))];
  const grows = gammas.every((g) =>
    widths.every((m) => {
      const rs = E.runs
        .filter((r) => r.values.weightDecay === g && r.values.width === m)
        .sort((a, b) => a.values.density - b.values.density);
      return rs.every((r, i) => i === 0 || r.finalLoss > rs[i - 1]!.finalLoss);
    }),
  );
  const lossRange = (g: number) => {
    const rs = E.runs.filter((r) => r.values.weightDecay === g && r.values.width === Math.min(...widths));
    const at = (d: number) => rs.find((r) => r.values.density === d)?.finalLoss;
    return `${f3(at(densities[0]!))} → ${f3(at(densities.at(-1)!))}`;
  };
  return {
    ours:
      `γ = ${strongGamma}: α_m ${densities.map((d, i) => `E ${d}: ${f2(alpha[i]?.alphaM)}`).join(', ')}; ` +
      `loss at m = ${Math.min(...widths)}: ${gammas.map((g) => `γ ${g}: ${lossRange(g)}`).join(', ')}`,
    pass: densities.length > 1 && drift.every((x) => x <= lim(limits, 'alphaM')) && grows,
    distance: Math.max(...drift),
  };
}

export function llmWidthExponent(): Verdict {
  const fit = offsetModelFit(reconstructedLlmLosses());
  return {
    ours: `α_m = ${fit.alpha.toFixed(4)}, C = ${fit.C.toFixed(2)} on the reconstructed table`,
    pass: null,
    distance: null,
    note:
      'the 108 evaluation losses are not published (the notebook reads data/*_results.json, not in the repository); ' +
      `the table here is the reported fit evaluated at the models’ widths, so recovering α = ${REPORTED_LLM_FIT.alpha} checks our fitter, not the claim`,
  };
}

export function parameterWidthExponent(_results: PresetResults, limits: Limits): Verdict {
  const total = paramWidthFit();
  const nonEmbedding = paramWidthFit(nonEmbeddingParams);
  const gap = Math.abs(nonEmbedding.k - 2.51);
  return {
    ours:
      `non-embedding N: k = ${nonEmbedding.k.toFixed(2)} ± ${nonEmbedding.kStderr.toFixed(2)}, α_m = ${nonEmbedding.alphaM.toFixed(2)} ± ${nonEmbedding.alphaMStderr.toFixed(2)}; ` +
      `total N: k = ${total.k.toFixed(2)} ± ${total.kStderr.toFixed(2)}`,
    pass: gap <= lim(limits, 'se') * nonEmbedding.kStderr,
    distance: gap,
    note:
      'the paper does not say which N it counted; with total parameters (embeddings included) k is lower, ' +
      'because embeddings grow only linearly in m. Public parameter counts, 27 models.',
  };
}
