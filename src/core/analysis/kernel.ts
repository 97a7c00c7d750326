// The two matrix products the analysis needs, behind one interface so the same streaming code
// runs on whatever is fastest where it runs: exact float64 loops here (small matrices, tests,
// the reference), float32 GEMMs on TF.js backends (WASM, WebGPU) in compute/tfKernel.ts.

export interface MatrixKernel {
  /** For logs and results: which implementation ran. */
  readonly name: string;
  /** G (m×m, row-major, float64) += XᵀX for X = `rows`×m (row-major float32). Full matrix. */
  gramAccumulate(x: Float32Array, rows: number, m: number, g: Float64Array): Promise<void>;
  /** A·Bᵀ for A = aRows×m and B = bRows×m (row-major): aRows×bRows, row-major. */
  crossProducts(
    a: Float32Array,
    aRows: number,
    b: Float32Array,
    bRows: number,
    m: number,
  ): Promise<Float32Array | Float64Array>;
  dispose?(): void;
}

/** Exact float64 products in plain TypeScript: slow (≈ 0.4 G multiply-adds/s) but exact. */
export const float64Kernel: MatrixKernel = {
  name: 'float64',
  async gramAccumulate(x, rows, m, g) {
    // Upper triangle, four rows at a time, then mirrored: half the work of XᵀX.
    let r = 0;
    for (; r + 4 <= rows; r += 4) {
      const o0 = r * m;
      const o1 = o0 + m;
      const o2 = o1 + m;
      const o3 = o2 + m;
      for (let k = 0; k < m; k++) {
        const a0 = x[o0 + k]!;
        const a1 = x[o1 + k]!;
        const a2 = x[o2 + k]!;
        const a3 = x[o3 + k]!;
        const gk = k * m;
        for (let l = k; l < m; l++) g[gk + l]! += a0 * x[o0 + l]! + a1 * x[o1 + l]! + a2 * x[o2 + l]! + a3 * x[o3 + l]!;
      }
    }
    for (; r < rows; r++) {
      const o = r * m;
      for (let k = 0; k < m; k++) {
        const a = x[o + k]!;
        const gk = k * m;
        for (let l = k; l < m; l++) g[gk + l]! += a * x[o + l]!;
      }
    }
    mirrorUpper(g, m);
  },
  async crossProducts(a, aRows, b, bRows, m) {
    const out = new Float64Array(aRows * bRows);
    for (let i = 0; i < aRows; i++) {
      const oa = i * m;
      for (let j = 0; j < bRows; j++) {
        const ob = j * m;
        let s = 0;
        for (let k = 0; k < m; k++) s += a[oa + k]! * b[ob + k]!;
        out[i * bRows + j] = s;
      }
    }
    return out;
  },
};

/**
 * After accumulating only the upper triangle of the *increment*, copy it to the lower triangle.
 * Safe to call repeatedly: the lower triangle is always overwritten from the upper one.
 */
function mirrorUpper(g: Float64Array, m: number): void {
  for (let k = 0; k < m; k++) for (let l = k + 1; l < m; l++) g[l * m + k] = g[k * m + l]!;
}
