// The Node compute worker on WASM gives what the in-process code gives (the CLI before the worker):
// the same analysis of a matrix file (to 1e-9 relative) and the same seeded training run; a crashed
// worker fails its job with one clear error and the pool starts a new one.
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCheckpoint } from '../../src/core/safetensors/open';
import { analyzeTensor } from '../../src/core/analysis/analyzeTensor';
import { chooseKernel } from '../../src/core/analysis/chooseKernel';
import { DEFAULT_PAIR_BUDGET, DEFAULT_SAMPLE_ROWS } from '../../src/core/analysis/superposition';
import { tfKernel } from '../../src/core/compute/tfKernel';
import { executeRun } from '../../src/core/toy/executeRun';
import { CoreError } from '../../src/core/errors';
import { nodeCheckpointFiles, openNodeReader } from '../../src/node/files';
import { WorkerPool } from '../../src/node/workerPool';
import type { AnalyzeFileResult } from '../../src/shared/nodeWorkerProtocol';
import type { TrainResult } from '../../src/shared/computeJobs';
import { tempDir } from '../fixtures/files';
import { matrixFile, startWorker, trainJobs } from './helpers';

const tmp = tempDir('spl-nodeworker-');
const worker = startWorker('wasm');

beforeAll(async () => {
  setWasmPaths(`${path.resolve(__dirname, '../../node_modules/@tensorflow/tfjs-backend-wasm/dist')}/`);
  expect(await tf.setBackend('wasm')).toBe(true);
});
afterAll(async () => {
  await worker.terminate();
  await tf.setBackend('cpu');
  tmp.cleanup();
});

const rel = (a: number, b: number) => Math.abs(a / b - 1);

describe('the Node compute worker on WASM', () => {
  it('analyses a matrix file like the in-process code (fast kernel, 1e-9 relative)', async () => {
    const { file } = matrixFile(tmp.dir, 3000, 96, 5);
    const done = (await worker.run({ kind: 'analyzeFile', file, transpose: false, kernel: 'fast' })
      .result) as AnalyzeFileResult;
    expect(done.kind).toBe('analyzeFile');
    expect(done.backend.name).toBe('wasm');
    const r = done.report;
    expect(r.compute?.name).toBe('wasm');
    expect(r.kernel).toContain('tfjs-wasm');

    // The same steps in this thread, as `analyze` ran them before the worker.
    const files = nodeCheckpointFiles();
    const opened = await openCheckpoint(files, file);
    const tensor = opened.model.tensors.find((t) => t.name === 'lm_head.weight')!;
    const reader = (await openNodeReader(file, file))!;
    const { analysis } = await analyzeTensor(reader, opened.headers[0]!, tensor, {
      kernel: chooseKernel(3000, 96, tfKernel, 'fast'),
      transpose: false,
      pairBudget: DEFAULT_PAIR_BUDGET,
      sampleRows: DEFAULT_SAMPLE_ROWS,
      seed: 0,
    });
    expect(r.n).toBe(3000);
    expect(rel(r.meanSqOverlap!, analysis.meanSqOverlap!)).toBeLessThan(1e-9);
    expect(rel(r.meanAbsOverlap!, analysis.meanAbsOverlap!)).toBeLessThan(1e-9);
    expect(rel(r.maxAbsOverlap!, analysis.maxAbsOverlap!)).toBeLessThan(1e-9);
    expect(rel(r.rowNorm!.mean, analysis.rowNorm!.mean)).toBeLessThan(1e-9);
    expect(r.fracRepresented).toBe(analysis.fracRepresented);
  });

  it('trains a seeded run exactly as executeRun does in-process', async () => {
    const [job] = await trainJobs(
      tmp.dir,
      'version: 1\nname: w\ndata:\n  features: 256\nmodel:\n  width: 16\ntrain:\n  steps: 150\n  batch: 64\n',
    );
    const steps: number[] = [];
    const done = (await worker.run(job!, { trainProgress: (s) => steps.push(s) }).result) as TrainResult;
    expect(done.backend.name).toBe('wasm');
    expect(steps.length).toBeGreaterThan(0);
    const local = await executeRun(
      job!.spec,
      {
        p: Float64Array.from(job!.frequencies.p),
        capped: job!.frequencies.capped,
        effectiveDensity: job!.frequencies.effectiveDensity,
      },
      'wasm',
    );
    expect(rel(done.result.finalLoss, local.result.finalLoss)).toBeLessThan(1e-9);
    expect(Array.from(new Float32Array(done.W))).toEqual(Array.from(local.W));
    expect(Array.from(new Float32Array(done.b))).toEqual(Array.from(local.b));
  });

  it('ends a job whose worker dies with compute/worker-crashed, and the pool starts a new worker', async () => {
    const pool = new WorkerPool(() => startWorker('wasm'), 1);
    const [job] = await trainJobs(
      tmp.dir,
      'version: 1\nname: w\ndata:\n  features: 256\nmodel:\n  width: 16\ntrain:\n  steps: 3000\n  batch: 64\n',
    );
    const first = pool.worker(0);
    const running = first.run(job!, { trainProgress: () => void first.terminate() }).result;
    const error = await running.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CoreError);
    expect((error as CoreError).code).toBe('compute/worker-crashed');
    expect((error as CoreError).message).toContain('finished results are kept');
    expect(first.alive).toBe(false);
    const second = pool.worker(0);
    expect(second).not.toBe(first);
    const probe = await second.run({ kind: 'probe' }).result;
    expect(probe.kind === 'probe' && probe.maxAbsError).toBeLessThan(1e-4);
    await pool.close();
  });

  it('stops a cancelled run with job/cancelled', async () => {
    const [job] = await trainJobs(
      tmp.dir,
      'version: 1\nname: w\ndata:\n  features: 256\nmodel:\n  width: 16\ntrain:\n  steps: 20000\n  batch: 64\n',
    );
    const started = worker.run(job!, { trainProgress: () => worker.cancel(started.jobId) });
    const error = await started.result.catch((e: unknown) => e);
    expect((error as CoreError).code).toBe('job/cancelled');
  });
});
