// The compute worker. Built as one self-contained IIFE (TF.js inlined, no dynamic imports) and
// started by the page from a Blob URL, which is the only way workers load in VS Code webviews.
// It registers the backends it ships, runs jobs from the core, and answers every `run` with
// exactly one `done` or `failed`.

import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { selectBackend } from '../core/compute/backend';
import { probeMatMul } from '../core/compute/probe';
import { toWireError } from '../core/errors';
import { dispatch, isMessageOf, type Handlers } from '../shared/channel';
import { TO_WORKER_TYPES, type FromWorker, type ToWorker } from '../shared/workerProtocol';

declare const self: DedicatedWorkerGlobalScope;

const post = (m: FromWorker) => self.postMessage(m);
const cancelled = new Set<string>();

const handlers: Handlers<ToWorker> = {
  run: async (m) => {
    try {
      const backend = await selectBackend(m.backend);
      post({ type: 'started', jobId: m.jobId, backend: backend.name });
      switch (m.job.kind) {
        case 'probe': {
          const { maxAbsError, ms } = await probeMatMul();
          post({ type: 'done', jobId: m.jobId, result: { kind: 'probe', backend, maxAbsError, ms } });
          break;
        }
      }
    } catch (e) {
      post({ type: 'failed', jobId: m.jobId, error: toWireError(e) });
    } finally {
      cancelled.delete(m.jobId);
    }
  },
  cancel: (m) => {
    cancelled.add(m.jobId);
  },
};

self.addEventListener('message', (e: MessageEvent) => {
  if (isMessageOf<ToWorker>(e.data, TO_WORKER_TYPES)) void dispatch(handlers, e.data);
});
