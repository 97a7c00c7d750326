// The TF.js training step against the float64 reference, on the backends available in Node
// (CPU and WASM); the browser layer checks WebGL and WebGPU the same way.
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { nextSyncInterval, trainRun, SYNC_EVERY, type TrainSettings } from '../../../src/core/toy/trainer';
import { featureFrequencies } from '../../../src/core/toy/distributions';
import { BatchSampler, SAMPLE_PAD } from '../../../src/core/toy/sampler';
import { Rng, STREAM } from '../../../src/core/toy/rng';
import { STEP_CHECK_BATCHES, STEP_CHECK_SETTINGS, checkStepsAgainstReference } from '../../fixtures/stepCheck';

setWasmPaths(`${path.resolve(__dirname, '../../../node_modules/@tensorflow/tfjs-backend-wasm/dist')}/`);
tf.env().set('PROD', true);
afterAll(() => tf.setBackend('cpu'));

const base: TrainSettings = STEP_CHECK_SETTINGS;

describe('sync points', () => {
  it('come every 50 steps when steps are fast, and about every 250 ms when they are slow', () => {
    expect(nextSyncInterval(1)).toBe(SYNC_EVERY);
    expect(nextSyncInterval(0)).toBe(SYNC_EVERY); // a timer too coarse to measure
    expect(nextSyncInterval(Number.NaN)).toBe(SYNC_EVERY);
    expect(nextSyncInterval(10)).toBe(25);
    expect(nextSyncInterval(100)).toBe(2); // a software GPU: a cancel is seen within ~0.3 s
    expect(nextSyncInterval(5000)).toBe(1);
  });

  it('every step is still recorded, whatever the sync cadence', async () => {
    await tf.setBackend('cpu');
    const p = featureFrequencies({ distribution: 'linear', n: base.n, exponent: 1, scale: 1, density: 1 }).p;
    const reports: number[] = [];
    const out = await trainRun({ ...base, steps: 123 }, p, { onProgress: (s) => reports.push(s) });
    expect(out.mse.every((v) => Number.isFinite(v) && v > 0)).toBe(true);
    expect(reports.at(-1)).toBe(123);
    expect(reports[0]).toBe(5); // the first sync comes early
    for (let i = 1; i < reports.length; i++) expect(reports[i]! - reports[i - 1]!).toBeLessThanOrEqual(SYNC_EVERY);
  });
});
describe('the compact batch', () => {
  it.each([
    [512, 1],
    [64, 0.3],
    [16, 20],
  ])('stands for every sample once (B = %s, E = %s)', (batch, density) => {
    const p = featureFrequencies({ distribution: 'power', n: 200, exponent: 1.2, scale: 1, density }).p;
    const sampler = new BatchSampler(p, batch);
    const rng = new Rng(1, STREAM.data);
    for (let step = 0; step < 20; step++) {
      sampler.next(rng);
      const x = sampler.sparse();
      const rows = x.sampleWeights.length;
      expect(x.sampleWeights.reduce((a, w) => a + w, 0)).toBe(batch);
      expect(rows).toBeLessThanOrEqual(batch);
      expect(rows === batch || rows % SAMPLE_PAD === 0).toBe(true);
      // Every active sample has a row of weight 1; an empty one stands for the rest.
      expect(new Set(x.samples.subarray(0, x.count)).size).toBe(x.sampleCount);
      expect(x.sampleWeights.subarray(0, x.sampleCount).every((w) => w === 1)).toBe(true);
      if (x.sampleCount < batch) expect(rows).toBeGreaterThan(x.sampleCount);
      // A spare feature slot for the bias gradient.
      expect(x.features.length).toBeGreaterThan(x.featureCount);
    }
  });
});

describe.each(['cpu', 'wasm'])('the TF.js step on the %s backend', (backend) => {
  it.each([
    [-1, 'dense', 'sparse'],
    [0.3, 'dense', 'sparse'],
    [-1, 'active', 'sparse'],
    [0.3, 'active', 'sparse'],
    [-1, 'dense', 'full'],
    [-1, 'active', 'full'],
  ] as const)(
    'matches the float64 reference for 8 steps (γ = %s, %s path, %s batches)',
    async (gamma, mode, batches) => {
      expect(await tf.setBackend(backend)).toBe(true);
      const check = await checkStepsAgainstReference(gamma, mode, 8, STEP_CHECK_BATCHES[batches]);
      check.mseError.forEach((e, step) => expect(e, `MSE at step ${step}`).toBeLessThan(5e-6));
      check.paramError.forEach((e, step) => expect(e, `W, b after step ${step}`).toBeLessThan(2e-4));
    },
  );

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
