// The contract between a Node host (the CLI, the extension host) and its compute worker
// (`worker_threads`, dist/nodeWorker.js). Jobs: `probe` and `train` (computeJobs.ts), and
// `analyzeFile`: the worker reads the checkpoint itself, so no tensor bytes cross threads.
// Every `run` ends in exactly one `done` or `failed`; cancel is `failed` with code `job/cancelled`.

import { typeSet } from './channel';
import type { WireError } from '../core/errors';
import type { BackendPreference, BackendReport } from '../core/compute/backend';
import type { AnalysisReport } from '../core/analysis/report';
import type { PartialNorms } from '../core/analysis/superposition';
import type { ProbeJob, ProbeResult, TrainJob, TrainResult } from './computeJobs';

/** What the worker needs before its first job (passed as `workerData`). */
export interface NodeWorkerData {
  readonly backend: BackendPreference;
  /** The folder holding tfjs-backend-wasm*.wasm. */
  readonly wasmDir: string;
  /** dawn.node to load for WebGPU; null: look in the usual places (see src/nodeWorker/dawn.ts). */
  readonly dawnPath: string | null;
  /** Fault injection for tests: destroy the GPU device once a training run reaches this step. */
  readonly loseDeviceAtStep?: number;
}

export interface AnalyzeFileJob {
  readonly kind: 'analyzeFile';
  /** A .safetensors file or a sharded model's index. */
  readonly file: string;
  readonly tensor?: string;
  readonly transpose: boolean;
  readonly pairBudget?: number;
  readonly sampleRows?: number;
  readonly seed?: number;
  readonly kernel?: 'exact' | 'fast';
  /** Return W Wᵀ (`gram`) when n is at most this and pairs are exact (the panel's heatmap); default 0. */
  readonly heatmapMaxRows?: number;
  /** Post `partial` row norms (after the first block, then at most every 500 ms): the panel's first plot. */
  readonly partials?: boolean;
}

export type NodeWorkerJob = ProbeJob | TrainJob | AnalyzeFileJob;

export interface AnalyzeFileResult {
  readonly kind: 'analyzeFile';
  readonly backend: BackendReport;
  readonly report: AnalysisReport;
  /** "this matrix looks stored transposed" advice, or null. */
  readonly transposeHint: string | null;
  /** W Wᵀ (n×n float32, row-major) when the job asked for it (heatmapMaxRows) and it applies. */
  readonly gram?: ArrayBuffer;
}

export type NodeWorkerResult = ProbeResult | TrainResult | AnalyzeFileResult;

/** Host → worker. */
export type ToNodeWorker =
  | { readonly type: 'run'; readonly jobId: string; readonly job: NodeWorkerJob }
  | { readonly type: 'cancel'; readonly jobId: string };

/** Worker → host. */
export type FromNodeWorker =
  /** The backend is ready (sent once per job, before any progress). */
  | { readonly type: 'started'; readonly jobId: string; readonly backend: BackendReport; readonly kernel: string }
  | { readonly type: 'progress'; readonly jobId: string; readonly fraction: number }
  /** An `analyzeFile` job with `partials`: the row norms of the first `norms.rows` of `total` rows. */
  | { readonly type: 'partial'; readonly jobId: string; readonly norms: PartialNorms; readonly total: number }
  | { readonly type: 'trainProgress'; readonly jobId: string; readonly step: number; readonly mse: number }
  | { readonly type: 'done'; readonly jobId: string; readonly result: NodeWorkerResult }
  | { readonly type: 'failed'; readonly jobId: string; readonly error: WireError };

export const TO_NODE_WORKER_TYPES = typeSet<ToNodeWorker>({ run: true, cancel: true });
export const FROM_NODE_WORKER_TYPES = typeSet<FromNodeWorker>({
  started: true,
  progress: true,
  partial: true,
  trainProgress: true,
  done: true,
  failed: true,
});
