// Scaling fits (paper-spec §2.9, §3.6).
//
// seriesFit: α_m of a series (runs differing only in width) by ordinary least squares of ln L on
// ln m, with the slope's standard error and R², no offset term (the toy-model figures).
//
// offsetModelFit: L = C/m^α + B_g with one C and α shared by all points and one offset B_g per
// group (family × dataset), fitted in linear loss space by least squares (the LLM fit of
// nonlinearfit-3.ipynb, which used Adam; we use Levenberg–Marquardt, which reaches the same
// minimum and needs no learning rates). The slope error is the notebook's formula.

import { linearFit, type LinearFit } from '../stats/regression';

export interface SeriesPoint {
  readonly m: number;
  readonly loss: number;
}

export interface SeriesFit {
  /** α_m = −slope of ln L on ln m. */
  readonly alphaM: number;
  readonly alphaMStderr: number | null;
  readonly r2: number | null;
  /** Prefactor: L ≈ exp(intercept) · m^(−α_m). */
  readonly intercept: number;
  /** The widths that entered the fit. */
  readonly widths: readonly number[];
}

/** α_m of one series; null with fewer than two distinct widths (after the optional range). */
export function seriesFit(
  points: readonly SeriesPoint[],
  range: readonly [number, number] | null = null,
): SeriesFit | null {
  const used = points.filter(
    (p) => p.loss > 0 && Number.isFinite(p.loss) && (range === null || (p.m >= range[0] && p.m <= range[1])),
  );
  if (new Set(used.map((p) => p.m)).size < 2) return null;
  const fit: LinearFit = linearFit(
    used.map((p) => Math.log(p.m)),
    used.map((p) => Math.log(p.loss)),
  );
  return {
    alphaM: -fit.slope,
    alphaMStderr: fit.slopeStderr,
    r2: fit.r2,
    intercept: fit.intercept,
    widths: used.map((p) => p.m),
  };
}

export interface GroupedPoint {
  readonly group: string;
  readonly m: number;
  readonly loss: number;
}

export interface OffsetModelFit {
  readonly C: number;
  readonly alpha: number;
  readonly offsets: Readonly<Record<string, number>>;
  /** Mean squared residual in loss space (the notebook's objective). */
  readonly objective: number;
  /** The notebook's slope error: √(Σ(ln(L−B) − ln(C m^−α))² / Σ(ln m − mean ln m)² / (N − 3)). */
  readonly alphaStderr: number;
  readonly iterations: number;
}

/** Solves A x = y (A k×k, row-major) by Gaussian elimination with partial pivoting. */
function solve(A: Float64Array, y: Float64Array, k: number): Float64Array | null {
  const a = A.slice();
  const x = y.slice();
  for (let col = 0; col < k; col++) {
    let pivot = col;
    for (let r = col + 1; r < k; r++) if (Math.abs(a[r * k + col]!) > Math.abs(a[pivot * k + col]!)) pivot = r;
    if (Math.abs(a[pivot * k + col]!) < 1e-300) return null;
    if (pivot !== col) {
      for (let c = 0; c < k; c++) [a[col * k + c], a[pivot * k + c]] = [a[pivot * k + c]!, a[col * k + c]!];
      [x[col], x[pivot]] = [x[pivot]!, x[col]!];
    }
    for (let r = col + 1; r < k; r++) {
      const f = a[r * k + col]! / a[col * k + col]!;
      for (let c = col; c < k; c++) a[r * k + c]! -= f * a[col * k + c]!;
      x[r]! -= f * x[col]!;
    }
  }
  for (let r = k - 1; r >= 0; r--) {
    let s = x[r]!;
    for (let c = r + 1; c < k; c++) s -= a[r * k + c]! * x[c]!;
    x[r] = s / a[r * k + r]!;
  }
  return x;
}

export function offsetModelFit(
  points: readonly GroupedPoint[],
  init: { C: number; alpha: number; offset: number } = { C: 500, alpha: 1, offset: 1 },
): OffsetModelFit {
  const groups = [...new Set(points.map((p) => p.group))];
  const gi = new Map(groups.map((g, i) => [g, i]));
  const k = 2 + groups.length; // [C, α, B_1 … B_G]
  let params = Float64Array.from([init.C, init.alpha, ...groups.map(() => init.offset)]);
  const residuals = (q: Float64Array) => points.map((p) => q[0]! * p.m ** -q[1]! + q[2 + gi.get(p.group)!]! - p.loss);
  const sse = (q: Float64Array) => residuals(q).reduce((s, r) => s + r * r, 0);
  let lambda = 1e-3;
  let current = sse(params);
  let iterations = 0;
  for (; iterations < 500; iterations++) {
    // Jacobian rows: ∂r/∂C = m^−α, ∂r/∂α = −C m^−α ln m, ∂r/∂B_g = 1.
    const JtJ = new Float64Array(k * k);
    const Jtr = new Float64Array(k);
    const r = residuals(params);
    points.forEach((p, i) => {
      const row = new Float64Array(k);
      const mpow = p.m ** -params[1]!;
      row[0] = mpow;
      row[1] = -params[0]! * mpow * Math.log(p.m);
      row[2 + gi.get(p.group)!] = 1;
      for (let a = 0; a < k; a++) {
        if (row[a] === 0) continue;
        Jtr[a]! += row[a]! * r[i]!;
        for (let b = 0; b < k; b++) JtJ[a * k + b]! += row[a]! * row[b]!;
      }
    });
    let improved = false;
    while (lambda < 1e12) {
      const A = JtJ.slice();
      for (let a = 0; a < k; a++) A[a * k + a]! *= 1 + lambda;
      const step = solve(
        A,
        Jtr.map((v) => -v),
        k,
      );
      if (step === null) break;
      const candidate = params.map((v, i) => v + step[i]!);
      const next = sse(candidate);
      if (next < current) {
        const gain = current - next;
        params = candidate;
        current = next;
        lambda = Math.max(1e-12, lambda / 10);
        improved = gain > 1e-15 * Math.max(1, current);
        break;
      }
      lambda *= 10;
    }
    if (!improved) break;
  }
  const C = params[0]!;
  const alpha = params[1]!;
  const offsets = Object.fromEntries(groups.map((g, i) => [g, params[2 + i]!]));
  // The notebook's slope error (NaN from L − B ≤ 0 counted as 0).
  const logs = points.map((p) => Math.log(p.m));
  const meanLog = logs.reduce((a, b) => a + b, 0) / logs.length;
  let num = 0;
  let den = 0;
  points.forEach((p, i) => {
    const d = Math.log(p.loss - offsets[p.group]!) - Math.log(C * p.m ** -alpha);
    num += Number.isFinite(d) ? d * d : 0;
    den += (logs[i]! - meanLog) ** 2;
  });
  return {
    C,
    alpha,
    offsets,
    objective: current / points.length,
    alphaStderr: Math.sqrt(num / den / (points.length - 3)),
    iterations,
  };
}
