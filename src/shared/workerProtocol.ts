// The contract between a webview page and its compute worker (a dedicated Worker started from a
// Blob URL, see src/webview/workerClient.ts). Every `run` ends in exactly one `done` or `failed`;
// cancel is `failed` with code `job/cancelled`.
//
// Streaming jobs (`analyze`) receive their input after `run`: `block` messages carry raw tensor
// bytes (transferred, never copied), in order, then `blocksEnd`. The worker answers each block
// with `blockDone` once it has folded it in, which is what paces the sender.

import { typeSet } from './channel';
import type { WireError } from '../core/errors';
import type { BackendName, BackendPreference, BackendReport } from '../core/compute/backend';
import type { MatrixLayout } from '../core/analysis/rowBlocks';
import type { PartialNorms, SuperpositionAnalysis } from '../core/analysis/superposition';
import type { RunSpec } from '../core/config/sweep';
import type { RunResult } from '../core/toy/results';

export interface AnalysisSettings {
  /** Exact pair statistics while n²·m is at most this. */
  readonly pairBudget: number;
  readonly sampleRows: number;
  readonly seed: number;
  /** W Wᵀ is returned for a heatmap when n is at most this (and pairs are exact). */
  readonly heatmapMaxRows: number;
}

export type WorkerJob =
  /** Select a backend and check it with a small float32 matrix product against a CPU reference. */
  | { readonly kind: 'probe' }
  /** The superposition analysis of a matrix whose row blocks follow as `block` messages. */
  | { readonly kind: 'analyze'; readonly layout: MatrixLayout; readonly settings: AnalysisSettings }
  /** Train one run of the toy model from scratch and measure it (reports `trainProgress`). */
  | { readonly kind: 'train'; readonly spec: RunSpec; readonly frequencies: TrainFrequencies };

/** A run's feature frequencies p_i (length n) and how they were capped. */
export interface TrainFrequencies {
  readonly p: readonly number[];
  readonly capped: number;
  readonly effectiveDensity: number;
}

export interface ProbeResult {
  readonly kind: 'probe';
  readonly backend: BackendReport;
  /** Largest absolute difference from the float64 reference of the probe product. */
  readonly maxAbsError: number;
  readonly ms: number;
}

export interface AnalyzeResult {
  readonly kind: 'analyze';
  readonly backend: BackendReport;
  readonly analysis: SuperpositionAnalysis;
  /** W Wᵀ, n×n row-major float32, when kept (transferred). */
  readonly gram: ArrayBuffer | null;
  readonly ms: number;
}

export interface TrainResult {
  readonly kind: 'train';
  readonly backend: BackendReport;
  readonly result: RunResult;
  /** W (n×m row-major) and b as float32 bytes (transferred). */
  readonly W: ArrayBuffer;
  readonly b: ArrayBuffer;
}

export type WorkerResult = ProbeResult | AnalyzeResult | TrainResult;

/** Where the page put the WASM backend's binaries (blob: URLs), keyed by file name. */
export type WasmPaths = Readonly<Record<string, string>>;

/** Page → worker. */
export type ToWorker =
  | {
      readonly type: 'run';
      readonly jobId: string;
      readonly backend: BackendPreference;
      readonly wasmPaths: WasmPaths | null;
      readonly job: WorkerJob;
    }
  | {
      readonly type: 'block';
      readonly jobId: string;
      readonly index: number;
      readonly rows: number;
      readonly bytes: ArrayBuffer;
    }
  | { readonly type: 'blocksEnd'; readonly jobId: string }
  | { readonly type: 'cancel'; readonly jobId: string };

/** Worker → page. */
export type FromWorker =
  | { readonly type: 'started'; readonly jobId: string; readonly backend: BackendName; readonly kernel: string }
  | { readonly type: 'progress'; readonly jobId: string; readonly fraction: number; readonly label: string }
  | { readonly type: 'blockDone'; readonly jobId: string; readonly index: number }
  /** Row norms of the rows analysed so far: after the first block, then at most every 500 ms. */
  | { readonly type: 'partial'; readonly jobId: string; readonly norms: PartialNorms; readonly total: number }
  /** Every few dozen steps of a `train` job: the latest unscaled per-step MSE. */
  | { readonly type: 'trainProgress'; readonly jobId: string; readonly step: number; readonly mse: number }
  | { readonly type: 'done'; readonly jobId: string; readonly result: WorkerResult }
  | { readonly type: 'failed'; readonly jobId: string; readonly error: WireError };

export const TO_WORKER_TYPES = typeSet<ToWorker>({ run: true, block: true, blocksEnd: true, cancel: true });
export const FROM_WORKER_TYPES = typeSet<FromWorker>({
  started: true,
  progress: true,
  blockDone: true,
  partial: true,
  trainProgress: true,
  done: true,
  failed: true,
});
