// Starts the compute worker inside a webview and runs jobs on it.
//
// Webviews can only start workers from blob: (or data:) URLs, and a worker script cannot import
// anything, so the page fetches the self-contained worker bundle, wraps it in a Blob and starts
// it from an object URL (CSP: `worker-src blob:`, `connect-src <webview source>`).
// Nothing waits forever: a job that is cancelled and does not answer within CANCEL_GRACE_MS, or a
// worker that dies, ends the job with an error and the worker is replaced on the next run.

import type { WireError } from '../core/errors';
import type { BackendName, BackendPreference } from '../core/compute/backend';
import { isMessageOf } from '../shared/channel';
import {
  FROM_WORKER_TYPES,
  type FromWorker,
  type ToWorker,
  type WorkerJob,
  type WorkerResult,
} from '../shared/workerProtocol';

const CANCEL_GRACE_MS = 2000;

export interface JobCallbacks {
  onStarted?(backend: BackendName): void;
}

export class JobError extends Error {
  constructor(readonly wire: WireError) {
    super(wire.message);
  }
}

interface Running {
  readonly resolve: (r: WorkerResult) => void;
  readonly reject: (e: JobError) => void;
  readonly callbacks: JobCallbacks;
  graceTimer?: ReturnType<typeof setTimeout>;
}

export class WorkerClient {
  private worker: Worker | undefined;
  private readonly jobs = new Map<string, Running>();
  private nextId = 1;

  constructor(private readonly workerUrl: string) {}

  private async start(): Promise<Worker> {
    if (this.worker) return this.worker;
    const response = await fetch(this.workerUrl);
    if (!response.ok) {
      throw new JobError({ code: 'internal', message: `Could not load the compute worker (${response.status}).` });
    }
    const url = URL.createObjectURL(new Blob([await response.text()], { type: 'text/javascript' }));
    const worker = new Worker(url);
    URL.revokeObjectURL(url);
    worker.addEventListener('message', (e: MessageEvent) => {
      if (isMessageOf<FromWorker>(e.data, FROM_WORKER_TYPES)) this.onMessage(e.data);
    });
    worker.addEventListener('error', (e) =>
      this.failAll({ code: 'internal', message: `The compute worker crashed: ${e.message}` }),
    );
    worker.addEventListener('messageerror', () =>
      this.failAll({ code: 'internal', message: 'The compute worker sent a message that could not be read.' }),
    );
    this.worker = worker;
    return worker;
  }

  private onMessage(m: FromWorker): void {
    const job = this.jobs.get(m.jobId);
    if (!job) return;
    switch (m.type) {
      case 'started':
        job.callbacks.onStarted?.(m.backend);
        break;
      case 'done':
        this.finish(m.jobId);
        job.resolve(m.result);
        break;
      case 'failed':
        this.finish(m.jobId);
        job.reject(new JobError(m.error));
        break;
    }
  }

  private finish(jobId: string): void {
    clearTimeout(this.jobs.get(jobId)?.graceTimer);
    this.jobs.delete(jobId);
  }

  /** Ends every job with `error` and drops the worker; the next run starts a fresh one. */
  private failAll(error: WireError): void {
    this.worker?.terminate();
    this.worker = undefined;
    for (const [id, job] of this.jobs) {
      this.finish(id);
      job.reject(new JobError(error));
    }
  }

  async run(
    job: WorkerJob,
    backend: BackendPreference,
    callbacks: JobCallbacks = {},
    transfer: Transferable[] = [],
  ): Promise<{ jobId: string; result: Promise<WorkerResult> }> {
    const worker = await this.start();
    const jobId = `job-${this.nextId++}`;
    const result = new Promise<WorkerResult>((resolve, reject) => this.jobs.set(jobId, { resolve, reject, callbacks }));
    const message: ToWorker = { type: 'run', jobId, backend, job };
    worker.postMessage(message, transfer);
    return { jobId, result };
  }

  cancel(jobId: string): void {
    const job = this.jobs.get(jobId);
    if (!job || !this.worker) return;
    const message: ToWorker = { type: 'cancel', jobId };
    this.worker.postMessage(message);
    job.graceTimer = setTimeout(
      () =>
        this.failAll({
          code: 'job/cancelled',
          message: 'Cancelled (the worker did not stop in time and was restarted).',
        }),
      CANCEL_GRACE_MS,
    );
  }

  dispose(): void {
    this.failAll({ code: 'job/cancelled', message: 'The panel was closed.' });
  }
}
