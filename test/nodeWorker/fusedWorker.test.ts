// The Node worker's `train` job on WebGPU (Dawn on SwiftShader): the fused trainer by default,
// TF.js's WebGPU ops with SUPERPOSITION_LAB_WEBGPU_TRAINER=tfjs; the same run either way, to
// float rounding. The fused step's own checks are in fusedTrainer.test.ts.
import { afterAll, describe, expect, it } from 'vitest';
import type { TrainResult } from '../../src/shared/computeJobs';
import { tempDir } from '../fixtures/files';
import { relError } from '../fixtures/relError';
import { startWorker, trainJobs, useSwiftShader } from './helpers';

useSwiftShader();
const tmp = tempDir('spl-fused-');
// A worker thread copies the environment when it starts.
delete process.env['SUPERPOSITION_LAB_WEBGPU_TRAINER'];
const fused = startWorker('webgpu');
process.env['SUPERPOSITION_LAB_WEBGPU_TRAINER'] = 'tfjs';
const tfjs = startWorker('webgpu');
delete process.env['SUPERPOSITION_LAB_WEBGPU_TRAINER'];
afterAll(async () => {
  await Promise.all([fused.terminate(), tfjs.terminate()]);
  tmp.cleanup();
});

describe('the train job on WebGPU', () => {
  it('trains on the fused step by default and on TF.js when asked, with the same result', async () => {
    const [job] = await trainJobs(
      tmp.dir,
      'version: 1\nname: f\ndata:\n  features: 100\nmodel:\n  width: 12\ntrain:\n  steps: 20\n  batch: 48\n',
    );
    const kernels: string[] = [];
    const steps: number[] = [];
    const a = (await fused.run(job!, {
      started: (_b, kernel) => kernels.push(kernel),
      trainProgress: (step) => steps.push(step),
    }).result) as TrainResult;
    const b = (await tfjs.run(job!, { started: (_b, kernel) => kernels.push(kernel) }).result) as TrainResult;
    expect(kernels).toEqual(['toy-model-fused', 'toy-model']);
    expect(a.backend.name).toBe('webgpu');
    expect(a.result.backend).toBe('webgpu');
    expect(steps.at(-1)).toBe(20);
    expect(Math.abs(a.result.finalLoss / b.result.finalLoss - 1)).toBeLessThan(1e-5);
    const wa = new Float32Array(a.W);
    const wb = new Float32Array(b.W);
    expect(wa.length).toBe(100 * 12);
    expect(relError(wa, wb)).toBeLessThan(1e-3);
  }, 120_000);

  it('a cancel stops the fused run at its next sync point', async () => {
    const [job] = await trainJobs(
      tmp.dir,
      'version: 1\nname: c\ndata:\n  features: 256\nmodel:\n  width: 16\ntrain:\n  steps: 2000\n  batch: 64\n',
    );
    const steps: number[] = [];
    const running = fused.run(job!, { trainProgress: (step) => steps.push(step) });
    const cancelAtFirst = setInterval(() => {
      if (steps.length > 0) {
        clearInterval(cancelAtFirst);
        fused.cancel(running.jobId);
      }
    }, 5);
    const error = await running.result.catch((e: unknown) => e);
    clearInterval(cancelAtFirst);
    expect(error).toMatchObject({ code: 'job/cancelled' });
    expect(steps.at(-1)!).toBeLessThan(2000);
  }, 120_000);
});
