// The host's side of the Node compute worker (src/nodeWorker/, dist/nodeWorker.js): starts the
// thread, sends jobs, routes progress, and turns a crashed thread into one clear error for every
// job it held. Used by the CLI (one per parallel job) and meant for the extension host.

import { tmpdir } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BackendPreference, BackendReport } from '../core/compute/backend';
import type { PartialNorms } from '../core/analysis/superposition';
import { CoreError, messages, type WireError } from '../core/errors';
import { isMessageOf } from '../shared/channel';
import {
  FROM_NODE_WORKER_TYPES,
  type FromNodeWorker,
  type NodeWorkerData,
  type NodeWorkerJob,
  type NodeWorkerResult,
  type ToNodeWorker,
} from '../shared/nodeWorkerProtocol';

export interface ComputeWorkerOptions {
  /** dist/nodeWorker.js. */
  readonly script: string;
  readonly backend: BackendPreference;
  /** The folder of tfjs-backend-wasm*.wasm (by default, the script's folder). */
  readonly wasmDir: string;
  /**
   * dawn.node to load; default: next to the script, then the `webgpu` package. Dawn's Vulkan loader
   * reads the process's real environment (VK_ICD_FILENAMES…), which a thread cannot change: set
   * it for the whole process.
   */
  readonly dawnPath?: string | null;
  /** Tests only: destroy the GPU device at this training step (see NodeWorkerData). */
  readonly loseDeviceAtStep?: number;
}

export interface JobHooks {
  readonly started?: (backend: BackendReport, kernel: string) => void;
  readonly progress?: (fraction: number) => void;
  /** Row norms so far, from an `analyzeFile` job run with `partials`. */
  readonly partial?: (norms: PartialNorms, total: number) => void;
  readonly trainProgress?: (step: number, mse: number) => void;
}

interface Pending {
  readonly hooks: JobHooks;
  readonly resolve: (r: NodeWorkerResult) => void;
  readonly reject: (e: unknown) => void;
}

const fromWire = (w: WireError) => new CoreError(w.code, w.message, w.detail);

/**
 * Quiets the Vulkan loader that Dawn starts in the worker. It reads the process's real
 * environment, which only the main thread can set, so this runs here: Mesa's drivers print an
 * error when XDG_RUNTIME_DIR is unset, and lavapipe (which Dawn refuses anyway) a warning.
 * Only unset variables are given a value.
 */
function vulkanEnvironmentDefaults(): void {
  process.env['XDG_RUNTIME_DIR'] ??= tmpdir();
  process.env['VK_LOADER_DRIVERS_DISABLE'] ??= '*lvp_icd*';
}

export class ComputeWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<string, Pending>();
  private nextId = 0;
  private deadReason: string | null = null;

  constructor(options: ComputeWorkerOptions) {
    const data: NodeWorkerData = {
      backend: options.backend,
      wasmDir: options.wasmDir,
      dawnPath: options.dawnPath ?? null,
      ...(options.loseDeviceAtStep === undefined ? {} : { loseDeviceAtStep: options.loseDeviceAtStep }),
    };
    vulkanEnvironmentDefaults();
    this.worker = new Worker(options.script, { workerData: data });
    this.worker.on('message', (m: unknown) => {
      if (isMessageOf<FromNodeWorker>(m, FROM_NODE_WORKER_TYPES)) this.receive(m);
    });
    this.worker.on('error', (e) => this.die(e.message));
    this.worker.on('exit', (code) => this.die(`exit code ${code}`));
  }

  /** False once the thread has died (crash, out of memory, terminate()). */
  get alive(): boolean {
    return this.deadReason === null;
  }

  run(
    job: NodeWorkerJob,
    hooks: JobHooks = {},
  ): { readonly jobId: string; readonly result: Promise<NodeWorkerResult> } {
    const jobId = `j${this.nextId++}`;
    const result = new Promise<NodeWorkerResult>((resolve, reject) => {
      if (this.deadReason !== null) {
        reject(new CoreError('compute/worker-crashed', messages.workerCrashed(this.deadReason)));
        return;
      }
      this.pending.set(jobId, { hooks, resolve, reject });
      this.post({ type: 'run', jobId, job });
    });
    return { jobId, result };
  }

  cancel(jobId: string): void {
    if (this.alive) this.post({ type: 'cancel', jobId });
  }

  async terminate(): Promise<void> {
    this.deadReason ??= 'terminated';
    await this.worker.terminate();
  }

  private post(m: ToNodeWorker): void {
    this.worker.postMessage(m);
  }

  private receive(m: FromNodeWorker): void {
    const p = this.pending.get(m.jobId);
    if (p === undefined) return;
    switch (m.type) {
      case 'started':
        p.hooks.started?.(m.backend, m.kernel);
        return;
      case 'progress':
        p.hooks.progress?.(m.fraction);
        return;
      case 'partial':
        p.hooks.partial?.(m.norms, m.total);
        return;
      case 'trainProgress':
        p.hooks.trainProgress?.(m.step, m.mse);
        return;
      case 'done':
        this.pending.delete(m.jobId);
        p.resolve(m.result);
        return;
      case 'failed':
        this.pending.delete(m.jobId);
        p.reject(fromWire(m.error));
        // TF.js cannot recover a backend whose device is gone: retire this worker, so that a pool
        // starts a fresh one (which selects its backend again) for the next job.
        if (m.error.code === 'compute/device-lost') void this.terminate();
        return;
    }
  }

  private die(reason: string): void {
    if (this.deadReason === null) this.deadReason = reason;
    for (const p of this.pending.values()) {
      p.reject(new CoreError('compute/worker-crashed', messages.workerCrashed(reason)));
    }
    this.pending.clear();
  }
}
