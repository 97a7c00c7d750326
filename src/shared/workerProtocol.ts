// The contract between a webview page and its compute worker (a dedicated Worker started from a
// Blob URL, see src/webview/workerClient.ts). Every `run` ends in exactly one `done` or `failed`.

import type { WireError } from '../core/errors';
import type { BackendName, BackendPreference, BackendReport } from '../core/compute/backend';

export type WorkerJob =
  /** Select a backend and check it with a small float32 matrix product against a CPU reference. */
  { readonly kind: 'probe' };

export interface ProbeResult {
  readonly kind: 'probe';
  readonly backend: BackendReport;
  /** Largest absolute difference from the float64 reference of the probe product. */
  readonly maxAbsError: number;
  readonly ms: number;
}

export type WorkerResult = ProbeResult;

/** Page → worker. */
export type ToWorker =
  | { readonly type: 'run'; readonly jobId: string; readonly backend: BackendPreference; readonly job: WorkerJob }
  | { readonly type: 'cancel'; readonly jobId: string };

/** Worker → page. */
export type FromWorker =
  | { readonly type: 'started'; readonly jobId: string; readonly backend: BackendName }
  | { readonly type: 'done'; readonly jobId: string; readonly result: WorkerResult }
  | { readonly type: 'failed'; readonly jobId: string; readonly error: WireError };

export const TO_WORKER_TYPES: ReadonlySet<ToWorker['type']> = new Set(['run', 'cancel']);
export const FROM_WORKER_TYPES: ReadonlySet<FromWorker['type']> = new Set(['started', 'done', 'failed']);
