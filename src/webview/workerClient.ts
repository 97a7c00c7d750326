// Starts the compute worker inside a webview and runs jobs on it.
//
// Webviews can only start workers from blob: (or data:) URLs, and a worker script cannot import
// anything, so the page fetches the self-contained worker bundle, wraps it in a Blob and starts
// it from an object URL (CSP: `worker-src blob:`, `connect-src <webview source> blob:`). The WASM
// backend's binaries are fetched the same way and handed to the worker as blob: URLs.
// Nothing waits forever: a job that is cancelled and does not answer within CANCEL_GRACE_MS, or a
// worker that dies, ends the job with an error and the worker is replaced on the next run.

import type { WireError } from '../core/errors';
import type { BackendName, BackendPreference } from '../core/compute/backend';
import type { PartialNorms } from '../core/analysis/superposition';
import { isMessageOf } from '../shared/channel';
import {
  FROM_WORKER_TYPES,
  type FromWorker,
  type ToWorker,
  type WasmPaths,
  type WorkerJob,
  type WorkerResult,
} from '../shared/workerProtocol';

const CANCEL_GRACE_MS = 2000;

export interface JobCallbacks {
  onStarted?(backend: BackendName, kernel: string): void;
  onProgress?(fraction: number, label: string): void;
  onBlockDone?(index: number): void;
  onPartial?(norms: PartialNorms, total: number): void;
  onTrainProgress?(step: number, mse: number): void;
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

export interface WorkerClientOptions {
  readonly workerUrl: string;
  /** URLs of the WASM backend's binaries by file name (fetched once, passed on as blob: URLs). */
  readonly wasmUrls?: Readonly<Record<string, string>>;
}

async function blobUrl(url: string, type: string): Promise<string> {
  const response = await fetch(url);
  if (!response.ok) {
    throw new JobError({ code: 'internal', message: `Could not load ${url.split('/').pop()} (${response.status}).` });
  }
  return URL.createObjectURL(new Blob([await response.arrayBuffer()], { type }));
}

export class WorkerClient {
  private worker: Worker | undefined;
  private wasmPaths: Promise<WasmPaths | null> | undefined;
  private readonly jobs = new Map<string, Running>();
  private nextId = 1;

  constructor(private readonly options: WorkerClientOptions) {}

  private async start(): Promise<Worker> {
    if (this.worker) return this.worker;
    const url = await blobUrl(this.options.workerUrl, 'text/javascript');
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

  /** Blob URLs for the WASM binaries; null when unavailable (the worker then skips WASM). */
  private loadWasm(): Promise<WasmPaths | null> {
    this.wasmPaths ??= (async () => {
      const urls = this.options.wasmUrls;
      if (!urls) return null;
      try {
        const entries = await Promise.all(
          Object.entries(urls).map(async ([name, url]) => [name, await blobUrl(url, 'application/wasm')] as const),
        );
        return Object.fromEntries(entries);
      } catch {
        return null;
      }
    })();
    return this.wasmPaths;
  }

  private onMessage(m: FromWorker): void {
    const job = this.jobs.get(m.jobId);
    if (!job) return;
    switch (m.type) {
      case 'started':
        job.callbacks.onStarted?.(m.backend, m.kernel);
        break;
      case 'progress':
        job.callbacks.onProgress?.(m.fraction, m.label);
        break;
      case 'blockDone':
        job.callbacks.onBlockDone?.(m.index);
        break;
      case 'partial':
        job.callbacks.onPartial?.(m.norms, m.total);
        break;
      case 'trainProgress':
        job.callbacks.onTrainProgress?.(m.step, m.mse);
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

  private post(message: ToWorker, transfer: Transferable[] = []): void {
    this.worker?.postMessage(message, transfer);
  }

  /** Starts a job; `result` settles exactly once. Streaming jobs then take sendBlock/endBlocks. */
  async run(
    job: WorkerJob,
    backend: BackendPreference,
    callbacks: JobCallbacks = {},
  ): Promise<{ jobId: string; result: Promise<WorkerResult> }> {
    const [, wasmPaths] = await Promise.all([this.start(), this.loadWasm()]);
    const jobId = `job-${this.nextId++}`;
    const result = new Promise<WorkerResult>((resolve, reject) => this.jobs.set(jobId, { resolve, reject, callbacks }));
    this.post({ type: 'run', jobId, backend, wasmPaths, job });
    return { jobId, result };
  }

  /** Hands a block of raw bytes to a streaming job; the buffer is transferred, not copied. */
  sendBlock(jobId: string, index: number, rows: number, bytes: ArrayBuffer): void {
    if (this.jobs.has(jobId)) this.post({ type: 'block', jobId, index, rows, bytes }, [bytes]);
  }

  endBlocks(jobId: string): void {
    if (this.jobs.has(jobId)) this.post({ type: 'blocksEnd', jobId });
  }

  cancel(jobId: string): void {
    const job = this.jobs.get(jobId);
    // A second cancel must not start a second timer: the first would leak and, once the job had
    // ended, restart the worker under whatever job ran next.
    if (!job || !this.worker || job.graceTimer !== undefined) return;
    this.post({ type: 'cancel', jobId });
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
