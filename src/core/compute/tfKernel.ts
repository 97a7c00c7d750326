// The analysis kernel on TensorFlow.js: float32 GEMMs on whatever backend the Node compute worker
// selected (WebGPU through Dawn, WASM/SIMD). Each block's product is computed in float32
// and added into the float64 accumulators, so rounding does not build up across blocks.
//
// Operands are transposed here, in plain loops, rather than with matMul's transpose flags: on the
// WASM backend the flagged variants leave the fast path (measured: 27 ms vs 2.5 ms, platform notes).

import * as tf from '@tensorflow/tfjs-core';
import type { MatrixKernel } from '../analysis/kernel';

/** Cache-blocked transpose (32×32 tiles): about 3× faster than the naive loop on large blocks. */
function transpose(x: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  const T = 32;
  for (let r0 = 0; r0 < rows; r0 += T) {
    const r1 = Math.min(rows, r0 + T);
    for (let c0 = 0; c0 < cols; c0 += T) {
      const c1 = Math.min(cols, c0 + T);
      for (let r = r0; r < r1; r++) {
        const base = r * cols;
        for (let c = c0; c < c1; c++) out[c * rows + r] = x[base + c]!;
      }
    }
  }
  return out;
}

async function product(
  a: Float32Array,
  aShape: [number, number],
  b: Float32Array,
  bShape: [number, number],
): Promise<Float32Array> {
  const result = tf.tidy(() => tf.matMul(tf.tensor2d(a, aShape), tf.tensor2d(b, bShape)));
  try {
    return (await result.data()) as Float32Array;
  } finally {
    result.dispose();
  }
}

/**
 * XᵀX from three products instead of one: with X = [A B] split by columns at h = m/2, the blocks
 * AᵀA, AᵀB and BᵀB give all of XᵀX (BᵀA = (AᵀB)ᵀ), for 3/4 of the multiply-adds.
 */
async function gramBlocks(
  block: Float32Array,
  rows: number,
  m: number,
): Promise<{ h: number; aa: Float32Array; ab: Float32Array; bb: Float32Array }> {
  const h = m >> 1;
  const [aa, ab, bb] = tf.tidy(() => {
    const x = tf.tensor2d(block, [rows, m]);
    const xt = tf.tensor2d(transpose(block, rows, m), [m, rows]);
    const at = tf.slice(xt, [0, 0], [h, rows]);
    const bt = tf.slice(xt, [h, 0], [m - h, rows]);
    const a = tf.slice(x, [0, 0], [rows, h]);
    const b = tf.slice(x, [0, h], [rows, m - h]);
    return [tf.matMul(at, a), tf.matMul(at, b), tf.matMul(bt, b)];
  });
  try {
    const [daa, dab, dbb] = await Promise.all([aa.data(), ab.data(), bb.data()]);
    return { h, aa: daa as Float32Array, ab: dab as Float32Array, bb: dbb as Float32Array };
  } finally {
    aa.dispose();
    ab.dispose();
    bb.dispose();
  }
}

export function tfKernel(): MatrixKernel {
  return {
    name: `tfjs-${tf.getBackend()} (float32 blocks, float64 sums)`,
    async gramAccumulate(x, rows, m, g) {
      const block = x.subarray(0, rows * m);
      if (m < 2) {
        const c = await product(transpose(block, rows, m), [m, rows], block, [rows, m]);
        for (let i = 0; i < m * m; i++) g[i]! += c[i]!;
        return;
      }
      const { h, aa, ab, bb } = await gramBlocks(block, rows, m);
      const w = m - h;
      for (let i = 0; i < h; i++) {
        for (let j = 0; j < h; j++) g[i * m + j]! += aa[i * h + j]!;
        for (let j = 0; j < w; j++) {
          const v = ab[i * w + j]!;
          g[i * m + h + j]! += v;
          g[(h + j) * m + i]! += v;
        }
      }
      for (let i = 0; i < w; i++) for (let j = 0; j < w; j++) g[(h + i) * m + h + j]! += bb[i * w + j]!;
    },
    async crossProducts(a, aRows, b, bRows, m) {
      return product(a.subarray(0, aRows * m), [aRows, m], transpose(b.subarray(0, bRows * m), bRows, m), [m, bRows]);
    },
  };
}
