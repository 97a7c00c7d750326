// The TF.js kernel (float32 GEMM blocks, float64 sums) against the exact float64 kernel, on the
// CPU and WASM backends available in Node. The webview's WebGL/WebGPU run the same code (browser layer).
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { tfKernel } from '../../../src/core/compute/tfKernel';
import { float64Kernel, type MatrixKernel } from '../../../src/core/analysis/kernel';
import { SuperpositionAccumulator } from '../../../src/core/analysis/superposition';
import { prng } from '../../fixtures/safetensors';

setWasmPaths(`${path.resolve(__dirname, '../../../node_modules/@tensorflow/tfjs-backend-wasm/dist')}/`);

const n = 900;
const m = 48;
const r = prng(11);
const w = Float32Array.from({ length: n * m }, () => r() - 0.5);

async function analyse(kernel: MatrixKernel) {
  const acc = new SuperpositionAccumulator(n, m, { kernel });
  for (let s = 0; s < n; s += 256) await acc.addRows(w.subarray(s * m, Math.min(n, s + 256) * m), Math.min(256, n - s));
  return acc.finish();
}

afterAll(() => tf.setBackend('cpu'));

describe.each(['cpu', 'wasm'])('tfKernel on the %s backend', (backend) => {
  it('matches the float64 kernel to float32 precision', async () => {
    expect(await tf.setBackend(backend)).toBe(true);
    const numTensors = tf.memory().numTensors;
    const fast = await analyse(tfKernel());
    const exact = await analyse(float64Kernel);
    expect(fast.kernel).toContain(`tfjs-${backend}`);
    expect(Math.abs(fast.meanSqOverlap! / exact.meanSqOverlap! - 1)).toBeLessThan(1e-5);
    expect(Math.abs(fast.meanAbsOverlap! / exact.meanAbsOverlap! - 1)).toBeLessThan(1e-5);
    expect(Math.abs(fast.maxAbsOverlap! - exact.maxAbsOverlap!)).toBeLessThan(1e-5);
    // No tensors leak.
    expect(tf.memory().numTensors).toBe(numTensors);
  });
});
