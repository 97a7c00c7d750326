// The contract between the extension host and the analysis panel (one panel per checkpoint and
// tensor, or one "compare" panel over several checkpoints). Types only, plain data.
//
// The host owns the files and the job list; the page owns the compute worker. For each subject
// without a cached result the host sends `jobStart`, then raw row blocks (`block`, transferred
// ArrayBuffers, at most a few in flight: the page acknowledges each with `blockDone` once the
// worker has folded it in), then `blocksEnd`. The page answers with exactly one `jobDone` or
// `jobFailed` per job (cancel is `jobFailed` with `job/cancelled`); the host caches `jobDone`.

import { typeSet } from './channel';
import type { WireError } from '../core/errors';
import type { AnalysisReport } from '../core/analysis/report';
import type { MatrixLayout } from '../core/analysis/rowBlocks';
import type { BackendPreference, BackendReport } from '../core/compute/backend';
import type { AnalysisSettings } from './workerProtocol';

export const ANALYSIS_PROTOCOL_VERSION = 1;

/** One matrix to analyse: a tensor of a checkpoint. */
export interface AnalysisSubject {
  /** Stable key: file URI, tensor and transpose. */
  readonly id: string;
  /** Display name of the checkpoint (workspace-relative). */
  readonly file: string;
  readonly tensor: string;
  readonly tensorChoice: string;
  readonly layout: MatrixLayout;
  /** A sentence when the matrix may be stored transposed ([width, vocabulary]), else null. */
  readonly transposeHint: string | null;
}

/** What the page was opened for. */
export interface AnalysisInit {
  readonly protocolVersion: number;
  readonly mode: 'single' | 'compare';
  readonly title: string;
  readonly workerUrl: string;
  readonly wasmUrls: Readonly<Record<string, string>>;
  readonly backend: BackendPreference;
}

/** Host → page. */
export type ToAnalysis =
  | { readonly type: 'subjects'; readonly subjects: readonly AnalysisSubject[]; readonly settings: AnalysisSettings }
  /** A result from the cache (or from a job of this panel): the page renders it. */
  | { readonly type: 'result'; readonly subjectId: string; readonly report: AnalysisReport; readonly cached: boolean }
  | {
      readonly type: 'jobStart';
      readonly jobId: string;
      readonly subjectId: string;
      readonly layout: MatrixLayout;
      readonly settings: AnalysisSettings;
      readonly totalBlocks: number;
    }
  | {
      readonly type: 'block';
      readonly jobId: string;
      readonly index: number;
      readonly rows: number;
      readonly bytes: ArrayBuffer;
    }
  | { readonly type: 'blocksEnd'; readonly jobId: string }
  /** The host could not go on (file unreadable, cancelled from the notification). */
  | { readonly type: 'jobAbort'; readonly jobId: string; readonly error: WireError }
  | { readonly type: 'subjectFailed'; readonly subjectId: string; readonly error: WireError };

/** Page → host. */
export type FromAnalysis =
  | { readonly type: 'ready'; readonly protocolVersion: number }
  | { readonly type: 'jobStarted'; readonly jobId: string; readonly backend: string; readonly kernel: string }
  | { readonly type: 'blockDone'; readonly jobId: string; readonly index: number }
  | { readonly type: 'progress'; readonly jobId: string; readonly fraction: number; readonly label: string }
  /** The page builds the report (it knows the backend); the host caches and logs it. */
  | {
      readonly type: 'jobDone';
      readonly jobId: string;
      readonly report: AnalysisReport;
      readonly backend: BackendReport;
    }
  | { readonly type: 'jobFailed'; readonly jobId: string; readonly error: WireError }
  | { readonly type: 'cancel'; readonly jobId: string }
  /** Analyse again with other settings (ignores the cache). */
  | { readonly type: 'rerun'; readonly settings: AnalysisSettings }
  /** Open another panel on the same tensor, transposed (after a transpose hint). */
  | { readonly type: 'analyzeTransposed'; readonly subjectId: string }
  /** Save text (SVG, CSV, JSON) or base64 (PNG) under a suggested file name. */
  | {
      readonly type: 'export';
      readonly fileName: string;
      readonly format: 'svg' | 'png' | 'csv' | 'json';
      readonly content: string;
    }
  /** Which charts are on screen, for the log and the end-to-end tests. */
  | { readonly type: 'rendered'; readonly charts: readonly string[] }
  | { readonly type: 'cspViolation'; readonly directive: string; readonly blockedURI: string };

export const TO_ANALYSIS_TYPES = typeSet<ToAnalysis>({
  subjects: true,
  result: true,
  jobStart: true,
  block: true,
  blocksEnd: true,
  jobAbort: true,
  subjectFailed: true,
});
export const FROM_ANALYSIS_TYPES = typeSet<FromAnalysis>({
  ready: true,
  jobStarted: true,
  blockDone: true,
  progress: true,
  jobDone: true,
  jobFailed: true,
  cancel: true,
  rerun: true,
  analyzeTransposed: true,
  export: true,
  rendered: true,
  cspViolation: true,
});
