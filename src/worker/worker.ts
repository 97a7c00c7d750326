// The compute worker. Built as one self-contained IIFE (TF.js inlined, no dynamic imports) and
// started by the page from a Blob URL, which is the only way workers load in VS Code webviews.
// It registers the backends it ships, runs jobs from the core, and answers every `run` with
// exactly one `done` or `failed`.

import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { selectBackend, type BackendReport, type BackendPreference } from '../core/compute/backend';
import { probeMatMul } from '../core/compute/probe';
import { tfKernel } from '../core/compute/tfKernel';
import { chooseKernel } from '../core/analysis/chooseKernel';
import { CoreError, messages, toWireError } from '../core/errors';
import { dispatch, isMessageOf, type Handlers } from '../shared/channel';
import { TO_WORKER_TYPES, type FromWorker, type ToWorker, type WasmPaths } from '../shared/workerProtocol';
import { AnalyzeJob } from './analyzeJob';
import { trainJob } from './trainJob';
import { softwareGpuCheck } from './softwareGpu';

declare const self: DedicatedWorkerGlobalScope;

const post = (m: FromWorker, transfer: Transferable[] = []) => self.postMessage(m, transfer);

/**
 * A streaming job. It exists from the moment `run` arrives, before its backend is ready, so
 * blocks (and `blocksEnd`, `cancel`) sent right after `run` wait here instead of being lost.
 */
interface Stream {
  readonly t0: number;
  job?: AnalyzeJob;
  backend?: BackendReport;
  early: { index: number; rows: number; bytes: ArrayBuffer }[];
  ended: boolean;
  cancelled: boolean;
}

const streams = new Map<string, Stream>();
/** Running `train` jobs and whether each was asked to stop. */
const trainings = new Map<string, { cancelled: boolean }>();
let wasmConfigured = false;

async function backendFor(preference: BackendPreference, wasmPaths: WasmPaths | null): Promise<BackendReport> {
  // The WASM backend can only start once it knows where its binaries are (blob: URLs from the page).
  if (wasmPaths !== null && !wasmConfigured) {
    wasmConfigured = true;
    const simd = wasmPaths['tfjs-backend-wasm-simd.wasm'];
    try {
      // TF.js insists on a path for the multi-threaded binary too. Threads need cross-origin
      // isolation, which webviews do not have, so that binary is never loaded: point it at SIMD.
      setWasmPaths({ ...(simd === undefined ? {} : { 'tfjs-backend-wasm-threaded-simd.wasm': simd }), ...wasmPaths });
    } catch {
      // Without its binaries the WASM backend fails to initialise and selectBackend skips it.
    }
  }
  return selectBackend(preference, softwareGpuCheck);
}

function fail(jobId: string, error: unknown): void {
  streams.delete(jobId);
  post({ type: 'failed', jobId, error: toWireError(error) });
}

async function run(m: Extract<ToWorker, { type: 'run' }>): Promise<void> {
  const job = m.job;
  if (job.kind === 'probe') {
    const backend = await backendFor(m.backend, m.wasmPaths);
    post({ type: 'started', jobId: m.jobId, backend: backend.name, kernel: 'matMul' });
    const { maxAbsError, ms } = await probeMatMul();
    post({ type: 'done', jobId: m.jobId, result: { kind: 'probe', backend, maxAbsError, ms } });
    return;
  }
  if (job.kind === 'train') {
    const state = { cancelled: false };
    trainings.set(m.jobId, state);
    try {
      const backend = await backendFor(m.backend, m.wasmPaths);
      post({ type: 'started', jobId: m.jobId, backend: backend.name, kernel: 'toy-model' });
      const result = await trainJob(job, backend, {
        isCancelled: () => state.cancelled,
        progress: (step, mse) => post({ type: 'trainProgress', jobId: m.jobId, step, mse }),
      });
      post({ type: 'done', jobId: m.jobId, result }, [result.W, result.b]);
    } finally {
      trainings.delete(m.jobId);
    }
    return;
  }
  const stream: Stream = { t0: performance.now(), early: [], ended: false, cancelled: false };
  streams.set(m.jobId, stream);
  const backend = await backendFor(m.backend, m.wasmPaths);
  if (stream.cancelled) throw new CoreError('job/cancelled', messages.cancelled());
  const { layout, settings } = job;
  // TF.js's CPU backend is slower than plain loops: there the exact float64 kernel runs.
  const kernel = chooseKernel(layout.n, layout.m, backend.name === 'cpu' ? null : tfKernel);
  post({ type: 'started', jobId: m.jobId, backend: backend.name, kernel: kernel.name });
  stream.backend = backend;
  stream.job = new AnalyzeJob(layout, settings, kernel, {
    blockDone: (index) => post({ type: 'blockDone', jobId: m.jobId, index }),
    partial: (norms) => post({ type: 'partial', jobId: m.jobId, norms, total: layout.n }),
    progress: (fraction, label) => post({ type: 'progress', jobId: m.jobId, fraction, label }),
    failed: (error) => fail(m.jobId, error),
  });
  for (const b of stream.early.splice(0)) stream.job.block(b.index, b.rows, b.bytes);
  if (stream.ended) await finish(m.jobId);
}

/** Ends a streaming job with its result, once every block is in. */
async function finish(jobId: string): Promise<void> {
  const stream = streams.get(jobId);
  if (!stream?.job || !stream.backend) return;
  streams.delete(jobId);
  try {
    const { analysis, gram } = await stream.job.end();
    const buffer = gram === null ? null : (gram.buffer as ArrayBuffer);
    post(
      {
        type: 'done',
        jobId,
        result: { kind: 'analyze', backend: stream.backend, analysis, gram: buffer, ms: performance.now() - stream.t0 },
      },
      buffer ? [buffer] : [],
    );
  } catch (e) {
    post({ type: 'failed', jobId, error: toWireError(e) });
  }
}

const handlers: Handlers<ToWorker> = {
  run: async (m) => {
    try {
      await run(m);
    } catch (e) {
      fail(m.jobId, e);
    }
  },
  block: (m) => {
    const stream = streams.get(m.jobId);
    if (!stream) return;
    if (stream.job) stream.job.block(m.index, m.rows, m.bytes);
    else stream.early.push({ index: m.index, rows: m.rows, bytes: m.bytes });
  },
  blocksEnd: async (m) => {
    const stream = streams.get(m.jobId);
    if (!stream) return;
    stream.ended = true;
    if (stream.job) await finish(m.jobId);
  },
  cancel: async (m) => {
    const training = trainings.get(m.jobId);
    if (training) training.cancelled = true; // the run stops at its next sync point
    const stream = streams.get(m.jobId);
    if (!stream) return; // finished already, or a probe (they are short and not cancellable)
    stream.cancelled = true;
    if (stream.job) {
      // Whatever is queued stops at the next block; the job ends now, with job/cancelled.
      stream.job.cancel();
      await finish(m.jobId);
    }
  },
};

self.addEventListener('message', (e: MessageEvent) => {
  if (isMessageOf<ToWorker>(e.data, TO_WORKER_TYPES)) void dispatch(handlers, e.data);
});
