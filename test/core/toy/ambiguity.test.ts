// The ambiguity ‖W Wᵀ − R‖₂ by Lanczos against a dense oracle: form W Wᵀ − R and take its largest
// |eigenvalue| by cyclic Jacobi rotations (a different algorithm on the explicit matrix).
import { describe, expect, it } from 'vitest';
import { ambiguity, tridiagonalExtremes } from '../../../src/core/toy/ambiguity';
import { mulberry32 } from '../../../src/core/random';
import { CoreError } from '../../../src/core/errors';

/** All eigenvalues of a dense symmetric matrix (row-major, k×k) by cyclic Jacobi. */
function jacobiEigenvalues(input: Float64Array, k: number): number[] {
  const a = Float64Array.from(input);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < k; p++) for (let q = p + 1; q < k; q++) off += a[p * k + q]! ** 2;
    if (off < 1e-26) break;
    for (let p = 0; p < k; p++) {
      for (let q = p + 1; q < k; q++) {
        const apq = a[p * k + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * k + q]! - a[p * k + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let r = 0; r < k; r++) {
          const arp = a[r * k + p]!;
          const arq = a[r * k + q]!;
          a[r * k + p] = c * arp - s * arq;
          a[r * k + q] = s * arp + c * arq;
        }
        for (let r = 0; r < k; r++) {
          const apr = a[p * k + r]!;
          const aqr = a[q * k + r]!;
          a[p * k + r] = c * apr - s * aqr;
          a[q * k + r] = s * apr + c * aqr;
        }
      }
    }
  }
  return Array.from({ length: k }, (_, i) => a[i * k + i]!);
}

function denseAmbiguity(W: Float64Array, n: number, m: number): { value: number; dominant: number } {
  const M = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < m; k++) s += W[i * m + k]! * W[j * m + k]!;
      M[i * n + j] = s - (i === j && i < m ? 1 : 0);
    }
  }
  const eig = jacobiEigenvalues(M, n);
  const dominant = eig.reduce((best, x) => (Math.abs(x) > Math.abs(best) ? x : best), 0);
  return { value: Math.abs(dominant), dominant };
}

function randomW(n: number, m: number, seed: number, scale = 1 / Math.sqrt(m)): Float64Array {
  const r = mulberry32(seed);
  // Sums of uniforms: roughly normal, deterministic.
  return Float64Array.from({ length: n * m }, () => (r() + r() + r() - 1.5) * 2 * scale);
}

describe('ambiguity', () => {
  it('matches the dense 2-norm on random matrices of several shapes', () => {
    for (const [n, m, seed] of [
      [20, 5, 1],
      [40, 3, 2],
      [30, 10, 3],
      [8, 12, 4], // m > n: R is the whole identity
      [60, 15, 5],
    ] as const) {
      const W = randomW(n, m, seed);
      const dense = denseAmbiguity(W, n, m);
      const got = ambiguity(W, n, m);
      expect(got.converged, `${n}×${m}`).toBe(true);
      expect(got.value!, `${n}×${m}`).toBeCloseTo(dense.value, 8);
      expect(got.dominantEigenvalue!, `${n}×${m}`).toBeCloseTo(dense.dominant, 8);
    }
  });

  it('is exact (≈ 0) for an ideal no-superposition model and small for a near-ideal one', () => {
    const n = 50;
    const m = 6;
    const W = new Float64Array(n * m);
    for (let i = 0; i < m; i++) W[i * m + i] = 1;
    expect(ambiguity(W, n, m).value!).toBeLessThan(1e-12);
    const noisy = randomW(n, m, 9, 0.01);
    for (let i = 0; i < m; i++) noisy[i * m + i]! += 1;
    const dense = denseAmbiguity(noisy, n, m);
    expect(ambiguity(noisy, n, m).value!).toBeCloseTo(dense.value, 9);
    expect(dense.value).toBeLessThan(0.2);
  });

  it('handles rank-deficient W (repeated columns, zero rows)', () => {
    const n = 36;
    const m = 8;
    const W = randomW(n, m, 11);
    for (let i = 0; i < n; i++) {
      W[i * m + 5] = W[i * m + 0]!; // columns 5..7 copy 0..2: rank 5
      W[i * m + 6] = W[i * m + 1]!;
      W[i * m + 7] = W[i * m + 2]!;
      if (i % 3 === 0) for (let k = 0; k < m; k++) W[i * m + k] = 0;
    }
    const dense = denseAmbiguity(W, n, m);
    expect(ambiguity(W, n, m).value!).toBeCloseTo(dense.value, 8);
  });

  it('finds the largest magnitude when the negative end dominates (short rows: W Wᵀ − R ≈ −R)', () => {
    const n = 30;
    const m = 7;
    const W = randomW(n, m, 13, 0.05);
    const dense = denseAmbiguity(W, n, m);
    expect(dense.dominant).toBeLessThan(-0.9); // the test case is what it claims to be
    const got = ambiguity(W, n, m);
    expect(got.dominantEigenvalue!).toBeLessThan(0);
    expect(got.value!).toBeCloseTo(dense.value, 9);
    const zero = ambiguity(new Float64Array(n * m), n, m);
    expect(zero.value!).toBeCloseTo(1, 12);
  });

  it('is deterministic, grows with superposition, and takes float32 input', () => {
    const n = 400;
    const m = 10;
    const W = Float32Array.from(randomW(n, m, 17));
    const a = ambiguity(W, n, m);
    expect(ambiguity(W, n, m)).toEqual(a);
    // n unit-ish rows in R^m: the top eigenvalue of W Wᵀ is about n/m.
    expect(a.value!).toBeGreaterThan(n / m / 2);
    expect(a.iterations).toBeLessThanOrEqual(2 * m + 1);
  });

  it('returns null for a diverged run and a CoreError for a wrong shape', () => {
    const W = new Float32Array(12);
    W[3] = NaN;
    expect(ambiguity(W, 4, 3).value).toBeNull();
    expect(() => ambiguity(new Float32Array(10), 4, 3)).toThrow(CoreError);
    expect(() => ambiguity(new Float32Array(0), 0, 3)).toThrow(/ambiguity of a 0×3 matrix/);
  });

  it('tridiagonal extremes match Jacobi', () => {
    const a = [2, -1, 0.5, 3, -2];
    const b = [1, 0.3, -0.7, 2];
    const k = a.length;
    const T = new Float64Array(k * k);
    for (let i = 0; i < k; i++) {
      T[i * k + i] = a[i]!;
      if (i < k - 1) T[i * k + i + 1] = T[(i + 1) * k + i] = b[i]!;
    }
    const eig = jacobiEigenvalues(T, k).sort((x, y) => x - y);
    const [lo, hi] = tridiagonalExtremes(a, b);
    expect(lo).toBeCloseTo(eig[0]!, 12);
    expect(hi).toBeCloseTo(eig.at(-1)!, 12);
  });
});
