// The claims table: each headline number H1–H20 of paper-spec §4 that can be checked here, with
// the paper's value, ours, the tolerance and the verdict. Tolerances are wider than the paper's
// error bars on purpose and say so: the CPU presets use n ≤ 1024 features and fewer steps than the
// paper (spec §5), which moves absolute losses and exponents; a claim fails when even that margin
// is missed, and failures are reported, never dropped. Claims that need data this machine does
// not have are "not checked here", with the reason.

import type { ExperimentResults, RunResult } from '../toy/results';
import { seriesFit } from '../toy/fits';
import { offsetModelFit } from '../toy/fits';
import { reconstructedLlmLosses, REPORTED_LLM_FIT } from '../toy/llmLossTable';
import type { PresetId } from './presets';
import { nonEmbeddingParams, paramWidthFit } from './llmParams';

export type ClaimStatus = 'pass' | 'fail' | 'not-checked';

export interface ClaimCheck {
  readonly id: string;
  readonly claim: string;
  readonly paper: string;
  readonly ours: string;
  readonly tolerance: string;
  readonly status: ClaimStatus;
  /** Which preset the number comes from (absent for the LLM-side claims). */
  readonly preset?: PresetId;
  readonly note?: string;
}

export type PresetResults = Partial<Record<PresetId, ExperimentResults>>;

const f2 = (x: number | null | undefined) =>
  x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(2);
const f3 = (x: number | null | undefined) =>
  x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toPrecision(3);
const verdict = (ok: boolean): ClaimStatus => (ok ? 'pass' : 'fail');

type RunFilter = (r: RunResult) => boolean;

function runsOf(res: ExperimentResults, keep: RunFilter): RunResult[] {
  return res.runs.filter(keep).sort((a, b) => a.values.width - b.values.width);
}

/** α_m and R² of the runs kept, over widths in [lo, hi]. */
function fitOf(res: ExperimentResults, keep: RunFilter, lo = 0, hi = Infinity) {
  return seriesFit(
    runsOf(res, keep).map((r) => ({ m: r.values.width, loss: r.finalLoss })),
    [lo, hi],
  );
}

const DISTS = ['exponential', 'power', 'linear'] as const;
const byDist =
  (d: string, gamma?: number): RunFilter =>
  (r) =>
    r.values.distribution === d && (gamma === undefined || r.values.weightDecay === gamma);

function missing(id: string, claim: string, paper: string, preset: PresetId): ClaimCheck {
  return {
    id,
    claim,
    paper,
    ours: '—',
    tolerance: '—',
    status: 'not-checked',
    preset,
    note: `experiment ${preset} has no results (not run, or stopped before any run finished)`,
  };
}

function h1h2(A: ExperimentResults | undefined): ClaimCheck[] {
  const paper = { exponential: 1.01, power: 1.0, linear: 0.89 };
  const c1 = 'Strong superposition (γ = −1): loss ∝ m^−α_m with α_m ≈ 1 for every frequency family';
  const c2 = 'Strong superposition: the log–log fits are good power laws (R² ≥ 0.95)';
  if (!A) {
    return [
      missing('H1', c1, 'exp 1.01 ± 0.05, power 1.0 ± 0.1, linear 0.89 ± 0.05', 'A'),
      missing('H2', c2, 'R² ≈ 0.985, 0.965, 0.987', 'A'),
    ];
  }
  // Paper D.1: exponential fitted on all widths, power and linear from the third width on.
  const widths = [...new Set(A.runs.map((r) => r.values.width))].sort((a, b) => a - b);
  const from3 = widths[2] ?? widths[0] ?? 0;
  const fits = DISTS.map((d) => ({ d, fit: fitOf(A, byDist(d), d === 'exponential' ? 0 : from3) }));
  const ok1 = fits.every(({ d, fit }) => fit !== null && Math.abs(fit.alphaM - paper[d]) <= 0.2);
  const all = DISTS.map((d) => ({ d, fit: fitOf(A, byDist(d)) }));
  const ok2 = all.every(({ fit }) => (fit?.r2 ?? 0) >= 0.95);
  return [
    {
      id: 'H1',
      claim: c1,
      paper: 'exp 1.01 ± 0.05, power 1.0 ± 0.1, linear 0.89 ± 0.05',
      ours: fits.map(({ d, fit }) => `${d.slice(0, 3)} ${f2(fit?.alphaM)} ± ${f2(fit?.alphaMStderr)}`).join(', '),
      tolerance: '±0.2 of each (exp on all widths; power, linear from the 3rd width, as paper D.1)',
      status: verdict(ok1),
      preset: 'A',
    },
    {
      id: 'H2',
      claim: c2,
      paper: 'R² ≈ 0.985 (exp), 0.965 (power), 0.987 (linear)',
      ours: all.map(({ d, fit }) => `${d.slice(0, 3)} ${f3(fit?.r2)}`).join(', '),
      tolerance: 'each R² ≥ 0.95 (all widths)',
      status: verdict(ok2),
      preset: 'A',
    },
  ];
}

function h3(B: ExperimentResults | undefined): ClaimCheck {
  const claim = 'Weak superposition: only power-law frequencies give a power law in m';
  const paper = 'R² ≈ 0.80 (exp), 0.99 (power), 0.87 (linear)';
  if (!B) return missing('H3', claim, paper, 'B');
  const gamma = Math.max(...B.runs.map((r) => r.values.weightDecay));
  const r2 = Object.fromEntries(DISTS.map((d) => [d, fitOf(B, byDist(d, gamma))?.r2 ?? null]));
  const p = r2['power'];
  const ok = p !== null && p !== undefined && p >= 0.95 && DISTS.every((d) => d === 'power' || (r2[d] ?? 0) < p);
  return {
    id: 'H3',
    claim,
    paper,
    ours: `γ = ${gamma}: ${DISTS.map((d) => `${d.slice(0, 3)} ${f3(r2[d])}`).join(', ')}`,
    tolerance: 'power R² ≥ 0.95 and above both others',
    status: verdict(ok),
    preset: 'B',
  };
}

const endpoints = (rs: RunResult[]) => `${f3(rs[0]?.finalLoss)} → ${f3(rs.at(-1)?.finalLoss)}`;

function h4h5h6(A: ExperimentResults | undefined, B: ExperimentResults | undefined): ClaimCheck[] {
  const out: ClaimCheck[] = [];
  const c4 = 'Strong-regime losses fall steadily with width';
  const p4 = 'm = 8 → 1024 (n = 10240): exp 1.4 → 0.011, power 0.55 → 0.009, linear 1.3 → 0.055';
  if (!A) out.push(missing('H4', c4, p4, 'A'));
  else {
    const series = DISTS.map((d) => runsOf(A, byDist(d)));
    const ok = series.every(
      (rs) => rs.length >= 2 && rs.every((r, i) => i === 0 || r.finalLoss < rs[i - 1]!.finalLoss),
    );
    out.push({
      id: 'H4',
      claim: c4,
      paper: p4,
      ours: `n = ${A.runs[0]?.n}: ${DISTS.map((d, i) => `${d.slice(0, 3)} ${endpoints(series[i]!)}`).join(', ')}`,
      tolerance: 'strictly decreasing in m for each family (absolute values depend on n)',
      status: verdict(ok),
      preset: 'A',
    });
  }
  const c5 = 'Weak-regime losses: linear frequencies barely improve with width';
  const p5 = 'linear 1.3 → 0.88 (×1.5), exp 1.3 → 0.40 (×3.3), power 0.68 → 0.27';
  if (!B) out.push(missing('H5', c5, p5, 'B'));
  else {
    const gamma = Math.max(...B.runs.map((r) => r.values.weightDecay));
    const drop = (d: string) => {
      const rs = runsOf(B, byDist(d, gamma));
      return rs.length < 2 ? NaN : rs[0]!.finalLoss / rs.at(-1)!.finalLoss;
    };
    const [dl, de, dp] = [drop('linear'), drop('exponential'), drop('power')];
    out.push({
      id: 'H5',
      claim: c5,
      paper: p5,
      ours: `γ = ${gamma}, first → last width: linear ×${f2(dl)}, exp ×${f2(de)}, power ×${f2(dp)}`,
      tolerance: 'linear improves least and by less than ×2',
      status: verdict(dl < 2 && dl < de && dl < dp),
      preset: 'B',
    });
  }
  const c6 = 'Strong-regime losses are far below weak-regime losses at the same width';
  const p6 = 'm = 1024, power: 0.009 vs 0.27';
  if (!A || !B) out.push(missing('H6', c6, p6, !A ? 'A' : 'B'));
  else {
    const gamma = Math.max(...B.runs.map((r) => r.values.weightDecay));
    const strong = runsOf(A, byDist('power')).at(-1);
    const weak = runsOf(B, byDist('power', gamma)).find((r) => r.values.width === strong?.values.width);
    const ratio = strong && weak ? strong.finalLoss / weak.finalLoss : NaN;
    out.push({
      id: 'H6',
      claim: c6,
      paper: p6,
      ours: `m = ${strong?.values.width}, power: ${f3(strong?.finalLoss)} vs ${f3(weak?.finalLoss)} (γ = ${gamma})`,
      tolerance: 'strong ≤ ½ × weak',
      status: verdict(ratio <= 0.5),
      preset: 'A',
    });
  }
  return out;
}

function h7(C: ExperimentResults | undefined): ClaimCheck {
  const claim = 'φ½ is a sigmoid in γ: 1 for strong decay towards unit norm, near m/n for positive γ';
  const paper = 'φ½ = 1 for γ ≤ −0.56; ≈ 0.01–0.16 for γ ≥ 0.33 (m = 39: 0.68 at γ = −0.11, 0.15 at +0.11)';
  if (!C) return missing('H7', claim, paper, 'C');
  const m = Math.max(...C.runs.map((r) => r.values.width));
  const rs = C.runs.filter((r) => r.values.width === m).sort((a, b) => a.values.weightDecay - b.values.weightDecay);
  const low = rs.filter((r) => r.values.weightDecay <= -0.55);
  const high = rs.filter((r) => r.values.weightDecay >= 0.33);
  const monotone = rs.every((r, i) => i === 0 || r.fracRepresented <= rs[i - 1]!.fracRepresented + 0.05);
  const ok = low.every((r) => r.fracRepresented >= 0.95) && high.every((r) => r.fracRepresented <= 0.25) && monotone;
  return {
    id: 'H7',
    claim,
    paper,
    ours: `m = ${m}: ${rs.map((r) => `γ ${r.values.weightDecay.toFixed(2)}: ${r.fracRepresented.toFixed(2)}`).join(', ')}`,
    tolerance: 'φ½ ≥ 0.95 for γ ≤ −0.56, ≤ 0.25 for γ ≥ 0.33, non-increasing in γ (±0.05)',
    status: verdict(ok && low.length > 0 && high.length > 0),
    preset: 'C',
  };
}

const gammasOf = (D: ExperimentResults) => [...new Set(D.runs.map((r) => r.values.weightDecay))].sort((a, b) => a - b);
const alphasOf = (D: ExperimentResults) =>
  [...new Set(D.runs.map((r) => r.values.exponent ?? 0))].sort((a, b) => a - b);
const gridFit = (D: ExperimentResults, alpha: number, gamma: number) =>
  fitOf(D, (r) => r.values.exponent === alpha && r.values.weightDecay === gamma);

function h8(D: ExperimentResults | undefined): ClaimCheck {
  const claim = 'φ½ over (γ, α): ≈ 1 for every α under strong decay, small for γ > 0';
  const paper = '≈ 1 for every α when γ ≤ −0.33; small for γ > 0';
  if (!D) return missing('H8', claim, paper, 'D');
  const strong = D.runs.filter((r) => r.values.weightDecay <= -0.33);
  const weak = D.runs.filter((r) => r.values.weightDecay > 0);
  const minStrong = Math.min(...strong.map((r) => r.fracRepresented));
  const maxWeak = Math.max(...weak.map((r) => r.fracRepresented));
  return {
    id: 'H8',
    claim,
    paper,
    ours: `min φ½ at γ ≤ −0.33: ${f2(minStrong)}; max φ½ at γ > 0: ${f2(maxWeak)}`,
    tolerance: 'min ≥ 0.9 (strong), max ≤ 0.3 (weak)',
    status: verdict(strong.length > 0 && weak.length > 0 && minStrong >= 0.9 && maxWeak <= 0.3),
    preset: 'D',
  };
}

function h9(all: RunResult[]): ClaimCheck {
  const claim = 'Weak regime: loss ≈ (4/3)·Σ p_i over the unlearned features (Eq. 4); strong: the predictor misses';
  const paper = 'γ > 0 on or above the diagonal; γ < 0: prediction ≈ 0 while the loss is not';
  if (all.length === 0) return missing('H9', claim, paper, 'D');
  const weak = all.filter((r) => r.values.weightDecay > 0);
  const strong = all.filter((r) => r.values.weightDecay < 0 && r.fracRepresented >= 0.99);
  const above = weak.filter((r) => r.finalLoss >= 0.9 * r.predictedWeakLoss).length;
  const missed = strong.filter((r) => r.predictedWeakLoss < 0.1 * r.finalLoss).length;
  return {
    id: 'H9',
    claim,
    paper,
    ours: `γ > 0: ${above} of ${weak.length} runs at or above 0.9 × prediction; γ < 0 (φ½ ≈ 1): ${missed} of ${strong.length} with prediction < 0.1 × loss`,
    tolerance: '≥ 90 % of runs each',
    status: verdict(
      weak.length > 0 && above >= 0.9 * weak.length && (strong.length === 0 || missed >= 0.9 * strong.length),
    ),
    preset: 'D',
  };
}

function h10to12(D: ExperimentResults | undefined): ClaimCheck[] {
  const c10 = 'Weak regime: α_m ≈ α − 1';
  const p10 = 'α = 1.5: 0.70; α = 2: 0.95–1.15 (ideal weak runs, γ ≈ 0.5)';
  const c11 = 'Strong regime: α_m ≈ 1 for moderate α, rising towards 2(α − 1) for skewed data';
  const p11 = 'α ≤ 0.75: 0.8–0.9; α ≈ 1: 1.0–1.2; α = 1.5: 1.25–1.5; α = 2: 2.05–2.25';
  const c12 = 'α_m over (γ, α): ≈ 1 under strong decay for α ≲ 1.5; small for γ > 0 and flat data';
  const p12 = 'γ < 0, α ≲ 1.5: ≈ 1; γ > 0: 0–0.5';
  if (!D) return [missing('H10', c10, p10, 'D'), missing('H11', c11, p11, 'D'), missing('H12', c12, p12, 'D')];
  const gammas = gammasOf(D);
  const weakGamma = gammas.filter((g) => g > 0)[0];
  const strongGamma = gammas.filter((g) => g <= -0.33).at(-1) ?? gammas[0]!;
  const alphas = alphasOf(D);
  const out: ClaimCheck[] = [];
  const skewed = alphas.filter((a) => a > 1.25);
  if (weakGamma === undefined || skewed.length === 0) {
    out.push({ ...missing('H10', c10, p10, 'D'), note: 'needs a γ > 0 and some α > 1.25 in experiment D' });
  } else {
    const fits = skewed.map((a) => ({ a, fit: gridFit(D, a, weakGamma) }));
    out.push({
      id: 'H10',
      claim: c10,
      paper: p10,
      ours: `γ = ${weakGamma}: ${fits.map(({ a, fit }) => `α ${a}: ${f2(fit?.alphaM)}`).join(', ')}`,
      tolerance: '|α_m − (α − 1)| ≤ 0.3',
      status: verdict(fits.every(({ a, fit }) => fit !== null && Math.abs(fit.alphaM - (a - 1)) <= 0.3)),
      preset: 'D',
      note: 'the paper fits only the "ideal" weak runs chosen by the ambiguity (spec §2.8); here the preset’s weak γ',
    });
  }
  const band = (a: number): [number, number] | null =>
    a <= 0.75
      ? [0.8, 0.9]
      : a >= 0.875 && a <= 1.25
        ? [1.0, 1.2]
        : a === 1.5
          ? [1.25, 1.5]
          : a === 2
            ? [2.05, 2.25]
            : null;
  const checked = alphas
    .filter((a) => band(a) !== null)
    .map((a) => ({ a, band: band(a)!, fit: gridFit(D, a, strongGamma) }));
  out.push({
    id: 'H11',
    claim: c11,
    paper: p11,
    ours: `γ = ${strongGamma}: ${checked.map(({ a, fit }) => `α ${a}: ${f2(fit?.alphaM)}`).join(', ')}`,
    tolerance: 'within 0.2 of the paper’s band',
    status: verdict(
      checked.length > 0 &&
        checked.every(({ band: [lo, hi], fit }) => fit !== null && fit.alphaM >= lo - 0.2 && fit.alphaM <= hi + 0.2),
    ),
    preset: 'D',
  });
  const moderate = alphas.filter((a) => a <= 1.5).map((a) => ({ a, fit: gridFit(D, a, strongGamma) }));
  const flatWeak =
    weakGamma === undefined ? [] : alphas.filter((a) => a <= 1).map((a) => ({ a, fit: gridFit(D, a, weakGamma) }));
  out.push({
    id: 'H12',
    claim: c12,
    paper: p12,
    ours:
      `γ = ${strongGamma}: ${moderate.map(({ a, fit }) => `α ${a}: ${f2(fit?.alphaM)}`).join(', ')}` +
      (weakGamma === undefined
        ? ''
        : `; γ = ${weakGamma}: ${flatWeak.map(({ a, fit }) => `α ${a}: ${f2(fit?.alphaM)}`).join(', ')}`),
    tolerance: 'strong, α ≤ 1.5: 0.7–1.6; weak, α ≤ 1: ≤ 0.6',
    status: verdict(
      moderate.length > 0 &&
        moderate.every(({ fit }) => fit !== null && fit.alphaM >= 0.7 && fit.alphaM <= 1.6) &&
        flatWeak.every(({ fit }) => fit !== null && fit.alphaM <= 0.6),
    ),
    preset: 'D',
  });
  return out;
}

function h13h14(D: ExperimentResults | undefined): ClaimCheck[] {
  const c13 = 'Strong regime: the mean squared overlap of S = {‖W_i‖ > 1} is ≈ 1/m (≈ κ²)';
  const p13 = '≈ 0.10 at m = 10 → ≈ 0.009 at m = 100, every α on one line';
  const c14 = 'Strong regime: φ₁ (norm > 1) grows with m and stays ≫ m/n';
  const p14 = 'm = 10: 0.08–0.33; 15: 0.2–0.55; 25: 0.5–0.8; 39: 0.7–0.9; 100: 0.85–0.95';
  if (!D) return [missing('H13', c13, p13, 'D'), missing('H14', c14, p14, 'D')];
  const strongGamma = gammasOf(D)
    .filter((g) => g <= -0.33)
    .at(-1);
  const strong = D.runs.filter((r) => r.values.weightDecay === strongGamma);
  const withS = strong.filter((r) => r.meanSqOverlapStrong !== null && r.strongRows > r.values.width);
  const ratios = withS.map((r) => r.meanSqOverlapStrong! * r.values.width);
  const out: ClaimCheck[] = [
    {
      id: 'H13',
      claim: c13,
      paper: p13,
      ours:
        ratios.length === 0
          ? 'no run with |S| > m'
          : `m × overlap² from ${f2(Math.min(...ratios))} to ${f2(Math.max(...ratios))} over ${ratios.length} runs (γ = ${strongGamma})`,
      tolerance: 'm × overlap² within 0.5–2 for every run with |S| > m',
      status: verdict(ratios.length > 0 && ratios.every((x) => x >= 0.5 && x <= 2)),
      preset: 'D',
    },
  ];
  const bands: Record<number, [number, number]> = {
    10: [0.08, 0.33],
    15: [0.2, 0.55],
    25: [0.5, 0.8],
    39: [0.7, 0.9],
    100: [0.85, 0.95],
  };
  const n = strong[0]?.n ?? 0;
  const inBand = strong.filter((r) => bands[r.values.width] !== undefined);
  const ok14 =
    n === 1000 &&
    inBand.length > 0 &&
    inBand.every((r) => {
      const [lo, hi] = bands[r.values.width]!;
      return r.fracStrong >= lo - 0.1 && r.fracStrong <= hi + 0.1;
    }) &&
    strong.every((r) => r.fracStrong > (3 * r.values.width) / r.n);
  const byWidth = [...new Set(inBand.map((r) => r.values.width))].map((m) => {
    const v = inBand.filter((r) => r.values.width === m).map((r) => r.fracStrong);
    return `${m}: ${f2(Math.min(...v))}–${f2(Math.max(...v))}`;
  });
  out.push({
    id: 'H14',
    claim: c14,
    paper: p14,
    ours: n === 1000 ? `γ = ${strongGamma}, m ${byWidth.join('; ')}` : `n = ${n}: the bands are for n = 1000`,
    tolerance: 'within 0.1 of each band (over α), and φ₁ > 3 m/n',
    status: n === 1000 ? verdict(ok14) : 'not-checked',
    preset: 'D',
    ...(n === 1000 ? {} : { note: 'the tiny preset uses n = 100' }),
  });
  return out;
}

function h16(E: ExperimentResults | undefined): ClaimCheck {
  const claim = 'Loss grows with the activation density E; the strong-regime α_m does not change';
  const paper = 'α_m = 1.12 ± 0.06 … 1.1 ± 0.2 for E = 1 … 7.5 (γ = −1); loss 0.1 → 1.4 (γ = −1), 0.9 → 4.0 (γ = 1)';
  if (!E) return missing('H16', claim, paper, 'E');
  const densities = [...new Set(E.runs.map((r) => r.values.density))].sort((a, b) => a - b);
  const gammas = gammasOf(E);
  const strongGamma = gammas[0]!;
  const alpha = densities.map((d) => fitOf(E, (r) => r.values.density === d && r.values.weightDecay === strongGamma));
  const base = alpha[0]?.alphaM ?? NaN;
  const stable = alpha.every((a) => a !== null && Math.abs(a.alphaM - base) <= 0.3);
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
    id: 'H16',
    claim,
    paper,
    ours:
      `γ = ${strongGamma}: α_m ${densities.map((d, i) => `E ${d}: ${f2(alpha[i]?.alphaM)}`).join(', ')}; ` +
      `loss at m = ${Math.min(...widths)}: ${gammas.map((g) => `γ ${g}: ${lossRange(g)}`).join(', ')}`,
    tolerance: 'α_m within 0.3 of its E = 1 value; loss increasing in E at every (γ, m)',
    status: verdict(densities.length > 1 && stable && grows),
    preset: 'E',
  };
}

function llmClaims(): ClaimCheck[] {
  const fit = offsetModelFit(reconstructedLlmLosses());
  const total = paramWidthFit();
  const nonEmbedding = paramWidthFit(nonEmbeddingParams);
  const okK = Math.abs(nonEmbedding.k - 2.51) <= 2 * nonEmbedding.kStderr;
  return [
    {
      id: 'H15',
      claim: 'Strong regime: squared overlaps within S vary less than for random vectors',
      paper: 'variance ratio < 1, often ≪ 1, for small α',
      ours: '—',
      tolerance: '—',
      status: 'not-checked',
      note: 'this tool does not yet compute the variance of the squared overlaps within S',
    },
    {
      id: 'H17',
      claim: 'LLMs: loss = C/m^α_m + L∞(family, dataset) with α_m ≈ 1',
      paper: `α_m = 0.91 ± 0.04, C = 476.1`,
      ours: `α_m = ${fit.alpha.toFixed(4)}, C = ${fit.C.toFixed(2)} on the reconstructed table`,
      tolerance: '—',
      status: 'not-checked',
      note:
        'the 108 evaluation losses are not published (the notebook reads data/*_results.json, not in the repository); ' +
        `the table here is the reported fit evaluated at the models’ widths, so recovering α = ${REPORTED_LLM_FIT.alpha} checks our fitter, not the claim`,
    },
    {
      id: 'H18',
      claim: 'LLMs: mean squared overlap of the LM-head rows ∝ 1/m',
      paper: 'slope-1 trend for 1/m in [1e-4, 2e-3], values ≈ 1e-3–1e-1',
      ours: '—',
      tolerance: '—',
      status: 'not-checked',
      note: 'needs the 27 checkpoints (no network here); with them, run "Compare Superposition Across Checkpoints"',
    },
    {
      id: 'H19',
      claim: 'Token frequencies follow Zipf’s law (α ≈ 1)',
      paper: 'α ≈ 1 for 4 tokenizers × 4 datasets',
      ours: '—',
      tolerance: '—',
      status: 'not-checked',
      note: 'needs the tokenizers and datasets (no network here); a counts file can be used as `distribution: empirical`',
    },
    {
      id: 'H20',
      claim: 'Parameters N ∝ m^k across the four families; α_m = k · α_N is consistent with ≈ 1',
      paper: 'k = 2.51; α_m = 0.88 ± 0.06 (with α_N = 0.35 ± 0.02)',
      ours:
        `non-embedding N: k = ${nonEmbedding.k.toFixed(2)} ± ${nonEmbedding.kStderr.toFixed(2)}, α_m = ${nonEmbedding.alphaM.toFixed(2)} ± ${nonEmbedding.alphaMStderr.toFixed(2)}; ` +
        `total N: k = ${total.k.toFixed(2)} ± ${total.kStderr.toFixed(2)}`,
      tolerance: 'paper’s k within 2 SE (non-embedding N)',
      status: verdict(okK),
      note:
        'the paper does not say which N it counted; with total parameters (embeddings included) k is lower, ' +
        'because embeddings grow only linearly in m. Public parameter counts, 27 models.',
    },
  ];
}

export function checkClaims(results: PresetResults): ClaimCheck[] {
  const all = Object.values(results).flatMap((r) => r?.runs ?? []);
  const claims = [
    ...h1h2(results.A),
    h3(results.B),
    ...h4h5h6(results.A, results.B),
    h7(results.C),
    h8(results.D),
    h9(all),
    ...h10to12(results.D),
    ...h13h14(results.D),
    h16(results.E),
    ...llmClaims(),
  ];
  const order = (id: string) => Number(id.slice(1));
  return claims.sort((a, b) => order(a.id) - order(b.id));
}

export function claimCounts(claims: readonly ClaimCheck[]): Record<ClaimStatus, number> {
  return {
    pass: claims.filter((c) => c.status === 'pass').length,
    fail: claims.filter((c) => c.status === 'fail').length,
    'not-checked': claims.filter((c) => c.status === 'not-checked').length,
  };
}
