// Ordinary least squares of y on x: the slope fits used for scaling exponents (ln L on ln m,
// ln overlap on ln 1/m), with the slope's standard error and R², as scipy.stats.linregress.

export interface LinearFit {
  readonly slope: number;
  readonly intercept: number;
  /** Standard error of the slope; null with fewer than 3 points (no residual degrees of freedom). */
  readonly slopeStderr: number | null;
  readonly r2: number | null;
  readonly n: number;
}

export function linearFit(x: readonly number[], y: readonly number[]): LinearFit {
  const n = x.length;
  if (n !== y.length) throw new Error('linearFit: x and y differ in length');
  if (n < 2) throw new Error('linearFit: needs at least two points');
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (sxx === 0) throw new Error('linearFit: all x values are equal');
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const sse = Math.max(0, syy - slope * sxy);
  const r2 = syy === 0 ? null : 1 - sse / syy;
  const slopeStderr = n > 2 ? Math.sqrt(sse / (n - 2) / sxx) : null;
  return { slope, intercept, slopeStderr, r2, n };
}
