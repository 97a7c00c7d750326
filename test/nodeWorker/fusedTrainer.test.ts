/// <reference types="@webgpu/types" />
// The fused WebGPU step (src/core/toy/gpu) on Dawn with SwiftShader, in this process: against the
// float64 reference step, against trainRun (TF.js CPU) and trainBatch, cancel, and the size check.
// Shapes are tiny: SwiftShader runs the kernels on the CPU.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { create } from 'webgpu';
import { FusedToyModel, trainFused } from '../../src/core/toy/gpu/fusedTrainer';
import { initialWeights, stepHyper, trainRun, type TrainSettings } from '../../src/core/toy/trainer';
import { referenceStep } from '../../src/core/toy/reference';
import { BatchSampler } from '../../src/core/toy/sampler';
import { Rng, STREAM } from '../../src/core/toy/rng';
import { featureFrequencies } from '../../src/core/toy/distributions';
import { distinctRuns, referenceStart, STEP_CHECK_BATCHES, STEP_CHECK_SETTINGS } from '../fixtures/stepCheck';
import { relError } from '../fixtures/relError';
import { useSwiftShader } from './helpers';

useSwiftShader();
tf.env().set('PROD', true);
// Dawn's instance must stay referenced while its devices are used: once collected, its promises
// never settle (mapAsync, popErrorScope) or the process aborts.
let gpu: GPU;
let device: GPUDevice;
beforeAll(async () => {
  await tf.setBackend('cpu');
  gpu = create([]) as GPU;
  const adapter = await gpu.requestAdapter();
  expect(adapter, 'Dawn on SwiftShader gave no adapter: run scripts/setup-test-host.sh').not.toBeNull();
  device = await adapter!.requestDevice();
});
afterAll(() => device?.destroy());

/** Largest |a − b| / (1e-3 + |b|) (the step checks' measure). */
describe('the fused WebGPU step', () => {
  it.each([
    [-1, 'sparse'],
    [0, 'sparse'],
    [0.3, 'sparse'],
    [-1, 'full'],
  ] as const)('matches the float64 reference step by step for 8 steps (γ = %s, %s batches)', async (gamma, which) => {
    const batches = STEP_CHECK_BATCHES[which];
    const s: TrainSettings = { ...STEP_CHECK_SETTINGS, weightDecay: gamma, batch: batches.batch };
    const { W, b } = initialWeights(s.n, s.m, s.seed);
    const model = await FusedToyModel.create(device, { runs: 1, n: s.n, m: s.m, batch: s.batch }, [W], [b]);
    const ref = referenceStart(W, b);
    const p = featureFrequencies({
      distribution: 'power',
      n: s.n,
      exponent: 1.2,
      scale: 1,
      density: batches.density,
    }).p;
    const sampler = new BatchSampler(p, s.batch);
    const rng = new Rng(s.seed, STREAM.data);
    try {
      for (let step = 0; step < 8; step++) {
        sampler.next(rng);
        const h = stepHyper(s, step);
        model.step([sampler.sparse()], s.batch, [h]);
        const refMse = referenceStep(ref, sampler.x, { batch: s.batch, n: s.n, m: s.m }, h);
        const [mse] = await model.readMse();
        expect(Math.abs(mse![0]! - refMse), `MSE at step ${step}`).toBeLessThan(5e-6);
        const [got] = await model.read();
        expect(relError(got!.W, ref.W), `W after step ${step}`).toBeLessThan(2e-4);
        expect(relError(got!.b, ref.b), `b after step ${step}`).toBeLessThan(2e-4);
      }
    } finally {
      model.dispose();
    }
  });

  // A wider shape that exercises partial tiles (n = 100 is not a multiple of 16), several k tiles
  // (m = 20 > 16) and several row tiles (B = 48).
  it('matches trainRun on TF.js (CPU) over 20 steps at n = 100, m = 20, B = 48', async () => {
    const s: TrainSettings = { ...STEP_CHECK_SETTINGS, n: 100, m: 20, batch: 48, steps: 20, weightDecay: -1 };
    const p = featureFrequencies({ distribution: 'power', n: s.n, exponent: 1.2, scale: 1, density: 1.5 }).p;
    const [fused] = await trainFused(device, [{ settings: s, p }]);
    const alone = await trainRun(s, p);
    expect(relError(fused!.mse, alone.mse)).toBeLessThan(1e-4);
    expect(relError(fused!.W, alone.W)).toBeLessThan(1e-3);
    expect(relError(fused!.b, alone.b)).toBeLessThan(1e-3);
  });

  it('trains a batch of runs as each trains alone (seeds, γ, frequencies, schedules differ)', async () => {
    const { base, runs } = distinctRuns(20);
    const progress: number[][] = [];
    const batched = await trainFused(device, runs, { onProgress: (_s, mse) => progress.push([...mse]) });
    for (const [r, run] of runs.entries()) {
      const [fusedAlone] = await trainFused(device, [run]);
      const onTf = await trainRun(run.settings, run.p);
      const out = batched[r]!;
      // With the others or alone, the fused step does the same arithmetic for a run.
      expect(relError(out.mse, fusedAlone!.mse), `MSE of run ${r} vs alone`).toBeLessThan(1e-6);
      expect(relError(out.W, fusedAlone!.W), `W of run ${r} vs alone`).toBeLessThan(1e-6);
      expect(relError(out.mse, onTf.mse), `MSE of run ${r} vs TF.js`).toBeLessThan(1e-4);
      expect(relError(out.W, onTf.W), `W of run ${r} vs TF.js`).toBeLessThan(1e-3);
      expect(relError(out.b, onTf.b), `b of run ${r} vs TF.js`).toBeLessThan(1e-3);
    }
    expect(relError(batched[0]!.W, batched[1]!.W)).toBeGreaterThan(0.01);
    expect(relError(batched[0]!.W, batched[3]!.W)).toBeGreaterThan(0.01);
    expect(progress.at(-1)).toEqual(batched.map((o) => o.mse[base.steps - 1]));
  });

  it('stops at the next sync point when cancelled', async () => {
    const s = { ...STEP_CHECK_SETTINGS, batch: 16, steps: 400 };
    const p = featureFrequencies({ distribution: 'linear', n: s.n, exponent: 1, scale: 1, density: 1 }).p;
    const steps: number[] = [];
    await expect(
      trainFused(device, [{ settings: s, p }], {
        onProgress: (step) => steps.push(step),
        isCancelled: () => steps.length >= 2,
      }),
    ).rejects.toMatchObject({ code: 'job/cancelled' });
    expect(steps.length).toBe(2);
    expect(steps[0]).toBe(5); // the first sync comes early, as in trainRun
  });

  it('refuses runs past the device buffer cap before allocating, naming sizes and the adapter', async () => {
    const cap = device.limits.maxStorageBufferBindingSize;
    // W alone: n·m·4 bytes over the cap.
    const n = 2 ** 22;
    const m = Math.ceil(cap / (4 * n)) + 1;
    const bigW = { runs: 1, n, m, batch: 8 };
    let created = 0;
    const counting = new Proxy(device, {
      get: (target, key) => {
        if (key === 'createBuffer') created++;
        const v = Reflect.get(target, key) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const error = await FusedToyModel.create(counting, bigW, [], [], { adapter: 'google swiftshader' }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'compute/too-large' });
    expect((error as Error).message).toMatch(
      /^This run needs [\d.]+ [MG]iB in one GPU buffer for W \(4,194,304 × [\d,]+ float32\), more than the [\d.]+ [MG]iB google swiftshader/,
    );
    expect(created).toBe(0);
    // Runs batched together count as one buffer: two runs past the cap only together are refused too.
    const half = Math.floor(cap / 4 / 2 / 16) * 16 + 16; // n per run so that 2 runs × n × 16 floats > cap
    const two = await FusedToyModel.create(device, { runs: 2, n: half, m: 16, batch: 1 }, [], []).catch(
      (e: unknown) => e,
    );
    expect(two).toMatchObject({ code: 'compute/too-large' });
  });
});
