// Batched training (several runs as one model with a run axis) against each run trained alone by
// trainRun, on the backends available in Node (CPU and WASM); WebGL and WebGPU are not run here.
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { trainBatch } from '../../../src/core/toy/batchedTrainer';
import { trainRun, type TrainOutput } from '../../../src/core/toy/trainer';
import { distinctRuns } from '../../fixtures/stepCheck';
import { relError } from '../../fixtures/relError';

setWasmPaths(`${path.resolve(__dirname, '../../../node_modules/@tensorflow/tfjs-backend-wasm/dist')}/`);
tf.env().set('PROD', true);
afterAll(() => tf.setBackend('cpu'));

const { base, power, runs } = distinctRuns(40);

describe.each(['cpu', 'wasm'])('batched training on the %s backend', (backend) => {
  it('gives each run what it gives alone, to float rounding', async () => {
    expect(await tf.setBackend(backend)).toBe(true);
    const before = tf.memory().numTensors;
    const progress: number[][] = [];
    const batched = await trainBatch(runs, { onProgress: (_step, mse) => progress.push([...mse]) });
    expect(tf.memory().numTensors).toBe(before);
    const alone: TrainOutput[] = [];
    for (const r of runs) alone.push(await trainRun(r.settings, r.p));
    batched.forEach((out, r) => {
      const ref = alone[r]!;
      expect(relError(out.mse, ref.mse), `MSE of run ${r}`).toBeLessThan(1e-4);
      expect(relError(out.W, ref.W), `W of run ${r}`).toBeLessThan(1e-3);
      expect(relError(out.b, ref.b), `b of run ${r}`).toBeLessThan(1e-3);
    });
    // The runs really differ (a mix-up of runs would not pass as rounding).
    expect(relError(batched[0]!.W, batched[1]!.W)).toBeGreaterThan(0.01);
    expect(relError(batched[0]!.W, batched[3]!.W)).toBeGreaterThan(0.01);
    // Progress reports each run's latest MSE, in order.
    expect(progress.at(-1)).toEqual(batched.map((o) => o.mse[base.steps - 1]));
  });

  it('stops every run at the next sync point when cancelled', async () => {
    expect(await tf.setBackend(backend)).toBe(true);
    const before = tf.memory().numTensors;
    let syncs = 0;
    // Long enough for more than two sync points (the first after 5 steps, then at most 50 apart).
    const long = runs.map((r) => ({ ...r, settings: { ...r.settings, steps: 200 } }));
    await expect(trainBatch(long, { onProgress: () => syncs++, isCancelled: () => syncs >= 2 })).rejects.toMatchObject({
      code: 'job/cancelled',
    });
    expect(syncs).toBe(2);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('runs that cannot train together', () => {
  it.each([
    ['width', { m: 7 }],
    ['steps', { steps: 41 }],
    ['batch size', { batch: 32 }],
    ['β₂', { beta2: 0.99 }],
  ] as const)('are refused with a clear error (%s differs)', async (name, change) => {
    await tf.setBackend('cpu');
    const bad = [runs[0]!, { settings: { ...base, ...change }, p: power }];
    await expect(trainBatch(bad)).rejects.toMatchObject({
      code: 'train/batch',
      message: expect.stringContaining(`differ in ${name}`),
    });
  });

  it('frequencies of another length are refused', async () => {
    const bad = [runs[0]!, { settings: base, p: power.subarray(1) }];
    await expect(trainBatch(bad)).rejects.toMatchObject({ message: expect.stringContaining('feature frequencies') });
  });

  it('an empty group is refused', async () => {
    await expect(trainBatch([])).rejects.toMatchObject({ code: 'train/batch' });
  });
});
