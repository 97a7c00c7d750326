// A small, deterministic check that the selected backend computes float32 matrix products
// correctly: (64×32)·(32×48) against a float64 reference. It catches broken drivers and
// half-precision fallbacks before any real work runs on a backend.

import * as tf from '@tensorflow/tfjs-core';

const M = 64;
const K = 32;
const N = 48;

function seeded(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  });
}

export async function probeMatMul(): Promise<{ maxAbsError: number; ms: number }> {
  const a = seeded(M * K, 1);
  const b = seeded(K * N, 2);
  const t0 = performance.now();
  const product = tf.tidy(() => tf.matMul(tf.tensor2d(a, [M, K]), tf.tensor2d(b, [K, N])));
  const got = (await product.data()) as Float32Array;
  product.dispose();
  const ms = performance.now() - t0;
  let maxAbsError = 0;
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let ref = 0;
      for (let k = 0; k < K; k++) ref += a[i * K + k]! * b[k * N + j]!;
      maxAbsError = Math.max(maxAbsError, Math.abs(ref - got[i * N + j]!));
    }
  }
  return { maxAbsError, ms };
}
