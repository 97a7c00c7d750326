// The TF.js training step against the float64 reference, on the backends available in Node
// (CPU and WASM); the browser layer checks WebGL and WebGPU the same way.
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { trainRun, type TrainSettings } from '../../../src/core/toy/trainer';
import { featureFrequencies } from '../../../src/core/toy/distributions';
import { STEP_CHECK_SETTINGS, checkStepsAgainstReference } from '../../fixtures/stepCheck';

setWasmPaths(`${path.resolve(__dirname, '../../../node_modules/@tensorflow/tfjs-backend-wasm/dist')}/`);
tf.env().set('PROD', true);
afterAll(() => tf.setBackend('cpu'));

const base: TrainSettings = STEP_CHECK_SETTINGS;
describe.each(['cpu', 'wasm'])('the TF.js step on the %s backend', (backend) => {
  it.each([
    [-1, 'dense'],
    [0.3, 'dense'],
    [-1, 'active'],
    [0.3, 'active'],
  ] as const)('matches the float64 reference for 8 steps (γ = %s, %s path)', async (gamma, mode) => {
    expect(await tf.setBackend(backend)).toBe(true);
    const check = await checkStepsAgainstReference(gamma, mode);
    check.mseError.forEach((e, step) => expect(e, `MSE at step ${step}`).toBeLessThan(5e-6));
    check.paramError.forEach((e, step) => expect(e, `W, b after step ${step}`).toBeLessThan(2e-4));
  });

  it('trains deterministically, lowers the loss, and leaks no tensors', async () => {
    expect(await tf.setBackend(backend)).toBe(true);
    const before = tf.memory().numTensors;
    const p = featureFrequencies({ distribution: 'power', n: base.n, exponent: 1.2, scale: 1, density: 1 }).p;
    const a = await trainRun(base, p);
    const b = await trainRun(base, p);
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(a.mse)).toEqual(Array.from(b.mse));
    const mean = (xs: Float32Array) => xs.reduce((s, v) => s + v, 0) / xs.length;
    expect(mean(a.mse.subarray(-50))).toBeLessThan(0.5 * mean(a.mse.subarray(0, 50)));
    // γ = −1 pulls every row towards unit norm.
    const norms = Array.from({ length: base.n }, (_, i) => Math.hypot(...a.W.subarray(i * base.m, (i + 1) * base.m)));
    expect(Math.min(...norms)).toBeGreaterThan(0.5);
  });

  it('stops at the next sync when cancelled', async () => {
    expect(await tf.setBackend(backend)).toBe(true);
    const p = featureFrequencies({ distribution: 'linear', n: base.n, exponent: 1, scale: 1, density: 1 }).p;
    let syncs = 0;
    await expect(trainRun(base, p, { onProgress: () => syncs++, isCancelled: () => syncs >= 2 })).rejects.toMatchObject(
      { code: 'job/cancelled' },
    );
    expect(syncs).toBe(2);
  });
});
