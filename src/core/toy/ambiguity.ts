// The ambiguity of a trained toy model (paper App. D.5, spec §2 item 8): A = ‖W Wᵀ − R‖₂, where R
// is the n×n zero matrix with I_m in its top-left block. A run without superposition represents
// its m most frequent features by orthonormal rows and ignores the rest, so W Wᵀ ≈ R and A ≈ 0.
//
// W Wᵀ − R is never formed (n² numbers): Lanczos iterates on products x ↦ W(Wᵀx) − Rx, O(n·m)
// each, in float64. The matrix is symmetric, so its 2-norm is its largest |eigenvalue|; both ends
// of the spectrum are tracked, because a model whose rows are all short has W Wᵀ − R ≈ −R, whose
// dominant eigenvalue is −1. W Wᵀ has rank ≤ m and R rank ≤ m, so the Krylov space has dimension at
// most 2m + 1 and Lanczos (with full reorthogonalisation) is exact after that many steps; the
// tolerance usually stops it far sooner.

import { CoreError, messages } from '../errors';
import { mulberry32 } from '../random';

export interface AmbiguityOptions {
  /** Stop when the largest |Ritz value| changes by at most this, relative, for 3 steps (default 1e-8). */
  readonly tolerance?: number;
  /** Upper bound on Lanczos steps (default 300; never more than 2·min(m, n) + 1, where it is exact). */
  readonly maxIterations?: number;
  /** Seed of the deterministic start vector (default 1). */
  readonly seed?: number;
}

export interface Ambiguity {
  /** ‖W Wᵀ − R‖₂; null when W has a NaN or infinite entry (a diverged run). */
  readonly value: number | null;
  /** The signed eigenvalue of largest magnitude (negative when −R dominates). */
  readonly dominantEigenvalue: number | null;
  readonly iterations: number;
  /** True when the tolerance was met or the Krylov space was exhausted (exact). */
  readonly converged: boolean;
}

/** Number of eigenvalues of the symmetric tridiagonal (a, b) below x (Sturm sequence). */
function countBelow(a: readonly number[], b: readonly number[], x: number): number {
  let count = 0;
  let d = 1;
  for (let i = 0; i < a.length; i++) {
    const off = i === 0 ? 0 : b[i - 1]! * b[i - 1]!;
    d = a[i]! - x - (i === 0 ? 0 : off / d);
    // An exact zero pivot: nudge it, as LAPACK's dstebz does.
    if (d === 0) d = -Number.EPSILON * (Math.abs(x) + 1);
    if (d < 0) count++;
  }
  return count;
}

/** The smallest and largest eigenvalues of a symmetric tridiagonal matrix, by bisection. */
export function tridiagonalExtremes(a: readonly number[], b: readonly number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < a.length; i++) {
    const r = (i > 0 ? Math.abs(b[i - 1]!) : 0) + (i < a.length - 1 ? Math.abs(b[i]!) : 0);
    lo = Math.min(lo, a[i]! - r);
    hi = Math.max(hi, a[i]! + r);
  }
  const k = a.length;
  // The j-th smallest eigenvalue (0-based): the x where the count below crosses j + 1.
  const eigen = (j: number): number => {
    let l = lo;
    let h = hi;
    for (let it = 0; it < 200 && h - l > 4 * Number.EPSILON * Math.max(Math.abs(l), Math.abs(h), 1e-300); it++) {
      const mid = (l + h) / 2;
      if (countBelow(a, b, mid) > j) h = mid;
      else l = mid;
    }
    return (l + h) / 2;
  };
  return [eigen(0), eigen(k - 1)];
}

const dot = (x: Float64Array, y: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * y[i]!;
  return s;
};

/** A = ‖W Wᵀ − R‖₂ for W (n×m, row-major). */
export function ambiguity(
  W: Float32Array | Float64Array,
  n: number,
  m: number,
  options: AmbiguityOptions = {},
): Ambiguity {
  if (!Number.isInteger(n) || !Number.isInteger(m) || n < 1 || m < 1 || W.length !== n * m) {
    throw new CoreError('usage', messages.ambiguityShape(n, m, W.length));
  }
  for (let i = 0; i < W.length; i++) {
    const x = W[i]!;
    if (x - x !== 0) return { value: null, dominantEigenvalue: null, iterations: 0, converged: false };
  }
  const w = Float64Array.from(W);
  const identity = Math.min(m, n);
  const tolerance = options.tolerance ?? 1e-8;
  const cap = Math.min(n, 2 * identity + 1, options.maxIterations ?? 300);
  const h = new Float64Array(m);
  const apply = (x: Float64Array, out: Float64Array): void => {
    h.fill(0);
    for (let i = 0; i < n; i++) {
      const xi = x[i]!;
      if (xi === 0) continue;
      for (let k = 0; k < m; k++) h[k]! += w[i * m + k]! * xi;
    }
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < m; k++) s += w[i * m + k]! * h[k]!;
      out[i] = s - (i < identity ? x[i]! : 0);
    }
  };

  const random = mulberry32(options.seed ?? 1);
  const q0 = Float64Array.from({ length: n }, () => random() - 0.5);
  const norm0 = Math.sqrt(dot(q0, q0));
  for (let i = 0; i < n; i++) q0[i]! /= norm0;
  const basis: Float64Array[] = [q0];
  const alphas: number[] = [];
  const betas: number[] = [];
  let extremes: [number, number] = [0, 0];
  let stable = 0;
  let converged = false;
  let scale = 0;
  const next = new Float64Array(n);
  for (let k = 0; k < cap; k++) {
    const q = basis[k]!;
    apply(q, next);
    const a = dot(q, next);
    alphas.push(a);
    // Full reorthogonalisation keeps the Ritz values free of ghost copies. A second pass only when
    // the first cancelled most of the vector ("twice is enough", Parlett's 1/√2 criterion).
    let beta = Math.sqrt(dot(next, next));
    for (let pass = 0; pass < 2; pass++) {
      for (const v of basis) {
        const c = dot(v, next);
        for (let i = 0; i < n; i++) next[i]! -= c * v[i]!;
      }
      const after = Math.sqrt(dot(next, next));
      const cancelled = after < Math.SQRT1_2 * beta;
      beta = after;
      if (!cancelled) break;
    }
    const previous = extremes;
    extremes = tridiagonalExtremes(alphas, betas);
    scale = Math.max(scale, Math.abs(extremes[0]), Math.abs(extremes[1]));
    if (beta <= 1e-12 * Math.max(scale, 1e-300)) {
      converged = true; // an invariant subspace: the Ritz values are eigenvalues
      break;
    }
    // Only the end of largest magnitude must converge. The other end's Ritz value moves outwards
    // towards its eigenvalue; it is left unconverged only while its last move is smaller than its
    // gap to the dominant end (Lanczos converges geometrically there, so it cannot overtake).
    const big = Math.abs(extremes[0]) >= Math.abs(extremes[1]) ? 0 : 1;
    const change = Math.abs(extremes[big] - previous[big]);
    const otherMove = Math.abs(extremes[1 - big]! - previous[1 - big]!);
    const gap = Math.abs(extremes[big]) - Math.abs(extremes[1 - big]!);
    stable = k > 0 && change <= tolerance * Math.max(scale, 1e-300) && otherMove < gap ? stable + 1 : 0;
    if (stable >= 3) {
      converged = true;
      break;
    }
    if (k === cap - 1) {
      // The Krylov space of a rank-≤ 2m matrix is exhausted: exact, whatever the tolerance says.
      converged = cap === Math.min(n, 2 * identity + 1);
      break;
    }
    betas.push(beta);
    basis.push(Float64Array.from(next, (x) => x / beta));
  }
  const [low, high] = extremes;
  const dominant = Math.abs(low) > Math.abs(high) ? low : high;
  return { value: Math.abs(dominant), dominantEigenvalue: dominant, iterations: alphas.length, converged };
}
