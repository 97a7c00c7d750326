// The Node compute worker (`worker_threads`, bundled to dist/nodeWorker.js): the CLI and the
// extension host start it and send jobs (src/shared/nodeWorkerProtocol.ts). It selects its TF.js
// backend once (WebGPU through Dawn, WASM, CPU; see nodeBackend.ts), runs the same job code as the
// webview worker, and answers every `run` with exactly one `done` or `failed`.

import * as path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import '@tensorflow/tfjs-backend-wasm';
import { probeMatMul } from '../core/compute/probe';
import type { BackendReport } from '../core/compute/backend';
import { CoreError, messages, toWireError } from '../core/errors';
import { listen, type Handlers } from '../shared/channel';
import {
  TO_NODE_WORKER_TYPES,
  type FromNodeWorker,
  type NodeWorkerData,
  type ToNodeWorker,
} from '../shared/nodeWorkerProtocol';
import { trainJob, trainKernel } from './trainJob';
import { analyzeFileJob } from './analyzeFileJob';
import { selectNodeBackend } from './nodeBackend';
import { webgpuDevice, webgpuLost } from './dawn';
import { describeAdapter } from '../core/compute/describeBackend';
import { bufferLimitProblem, trainingBuffers } from '../core/compute/gpuLimits';
import type { RunSpec } from '../core/config/sweep';

const port = parentPort;
if (port === null) throw new Error('nodeWorker.js runs as a worker thread (new Worker(...)), not as a script');
const data = workerData as NodeWorkerData;
const post = (m: FromNodeWorker, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

let backend: Promise<BackendReport> | undefined;
const ready = () => (backend ??= selectNodeBackend(data, path.dirname(__filename)));

/** Running jobs and whether each was asked to stop. */
const jobs = new Map<string, { cancelled: boolean }>();

/** A job that failed because the GPU went away says so, instead of TF.js's inner error. */
function explain(e: unknown, report: BackendReport | undefined, cancelledByUser: boolean): unknown {
  const lost = report?.name === 'webgpu' ? webgpuLost() : null;
  if (lost === null || cancelledByUser) return e;
  const adapter = report?.adapter === undefined ? 'WebGPU' : describeAdapter(report.adapter);
  return new CoreError('compute/device-lost', messages.deviceLost(adapter, lost));
}

/** A run whose tensors do not fit the device's buffers stops here, with the sizes, not in TF.js. */
function refuseOversizedRun(spec: RunSpec, report: BackendReport): void {
  const limits = webgpuDevice()?.limits;
  if (limits === undefined) return;
  const problem = bufferLimitProblem(
    trainingBuffers(spec.n, spec.values.width, spec.batch),
    {
      maxStorageBufferBindingSize: limits['maxStorageBufferBindingSize'] ?? Infinity,
      maxBufferSize: limits['maxBufferSize'] ?? Infinity,
    },
    report.adapter === undefined ? 'this GPU' : describeAdapter(report.adapter),
  );
  if (problem !== null) throw new CoreError('compute/too-large', problem);
}

async function run(m: Extract<ToNodeWorker, { type: 'run' }>): Promise<void> {
  const state = { cancelled: false };
  jobs.set(m.jobId, state);
  let report: BackendReport | undefined;
  try {
    report = await ready();
    const job = m.job;
    if (state.cancelled) throw new CoreError('job/cancelled', messages.cancelled());
    if (job.kind === 'probe') {
      post({ type: 'started', jobId: m.jobId, backend: report, kernel: 'matMul' });
      const { maxAbsError, ms } = await probeMatMul();
      post({ type: 'done', jobId: m.jobId, result: { kind: 'probe', backend: report, maxAbsError, ms } });
    } else if (job.kind === 'train') {
      post({ type: 'started', jobId: m.jobId, backend: report, kernel: trainKernel(report) });
      if (report.name === 'webgpu') refuseOversizedRun(job.spec, report);
      const result = await trainJob(job, report, {
        isCancelled: () => state.cancelled || webgpuLost() !== null,
        progress: (step, mse) => {
          if (data.loseDeviceAtStep !== undefined && step >= data.loseDeviceAtStep) webgpuDevice()?.destroy();
          post({ type: 'trainProgress', jobId: m.jobId, step, mse });
        },
      });
      if (webgpuLost() !== null && report.name === 'webgpu') throw new Error('device lost');
      post({ type: 'done', jobId: m.jobId, result }, [result.W, result.b]);
    } else {
      const r = report;
      const result = await analyzeFileJob(job, r, {
        isCancelled: () => state.cancelled,
        progress: (fraction) => post({ type: 'progress', jobId: m.jobId, fraction }),
        started: (kernel) => post({ type: 'started', jobId: m.jobId, backend: r, kernel }),
        partial: (norms, total) => post({ type: 'partial', jobId: m.jobId, norms, total }),
      });
      post({ type: 'done', jobId: m.jobId, result }, result.gram === undefined ? [] : [result.gram]);
    }
  } catch (e) {
    post({ type: 'failed', jobId: m.jobId, error: toWireError(explain(e, report, state.cancelled)) });
  } finally {
    jobs.delete(m.jobId);
  }
}

const handlers: Handlers<ToNodeWorker> = {
  run: (m) => run(m),
  cancel: (m) => {
    const job = jobs.get(m.jobId);
    if (job) job.cancelled = true; // the job stops at its next sync point, with job/cancelled
  },
};

// `run` answers every failure itself; anything else that throws is a bug, reported on stderr.
port.on(
  'message',
  listen(TO_NODE_WORKER_TYPES, handlers, (e, type) => console.error(`nodeWorker: handling ${type}:`, e)),
);
