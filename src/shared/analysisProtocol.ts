// The contract between the extension host and the analysis panel (one panel per checkpoint and
// tensor, or one "compare" panel over several checkpoints). Types only, plain data.
//
// Version 2: the host computes. Each subject without a cached result runs as an `analyzeFile` job
// on the extension host's compute worker, which reads the checkpoint itself, so no tensor bytes
// ever reach the page. Per job the host sends `jobQueued`, `jobStarted` (where it runs), then
// `progress` and `partial`s, and ends it with exactly one `result` or `subjectFailed` (cancel is
// `subjectFailed` with `job/cancelled`). The page only draws and sends commands.

import { typeSet } from './channel';
import type { PageReport } from './pageReports';
import type { WireError } from '../core/errors';
import type { AnalysisReport } from '../core/analysis/report';
import type { MatrixLayout } from '../core/analysis/rowBlocks';
import type { PartialNorms } from '../core/analysis/superposition';
import type { BackendReport } from '../core/compute/backend';
import type { AnalysisSettings } from './computeJobs';

export const ANALYSIS_PROTOCOL_VERSION = 2;

/** Where an analysis ran: today always the extension host's Node compute worker. */
export type ComputeWhere = 'extension-host';

/** Where a result was computed, for the page's summary and the diagnostics. */
export interface ComputePlace {
  readonly where: ComputeWhere;
  /** The worker's backend (adapter, skipped backends and why); null for results cached without it. */
  readonly backend: BackendReport | null;
  readonly kernel: string;
}

/** What the panel was opened for, kept by the page (`setState`) so a reloaded window reopens it. */
export interface AnalysisPanelState {
  readonly mode: 'single' | 'compare';
  readonly requests: readonly {
    readonly uri: string;
    /** The tensor asked for; null: the LM head, chosen again from the file. */
    readonly tensor: string | null;
    readonly transpose: boolean;
  }[];
}

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
}

/** Host → page. */
export type ToAnalysis =
  | {
      readonly type: 'subjects';
      readonly subjects: readonly AnalysisSubject[];
      readonly settings: AnalysisSettings;
      /** For the page to keep with `setState` (the serializer reopens the panel from it). */
      readonly state: AnalysisPanelState;
    }
  /** A finished result, from the cache or from a job of this panel: the page renders it. */
  | {
      readonly type: 'result';
      readonly subjectId: string;
      readonly report: AnalysisReport;
      readonly cached: boolean;
      readonly place: ComputePlace;
    }
  /**
   * W Wᵀ of a small matrix (n ≤ heatmapMaxRows, exact pairs), float32 n×n, sent just before its
   * `result`: a derived n×n result for the heatmap, never the tensor's rows. Not cached.
   */
  | { readonly type: 'heatmap'; readonly subjectId: string; readonly n: number; readonly gram: ArrayBuffer }
  /** The subject's job was handed to the compute worker (it may wait for the backend). */
  | { readonly type: 'jobQueued'; readonly jobId: string; readonly subjectId: string }
  /** The worker selected its backend and kernel and began reading the file. */
  | { readonly type: 'jobStarted'; readonly jobId: string; readonly subjectId: string; readonly place: ComputePlace }
  | { readonly type: 'progress'; readonly jobId: string; readonly fraction: number; readonly label: string }
  /** Row norms of the rows analysed so far: the first plot before the report. */
  | { readonly type: 'partial'; readonly jobId: string; readonly norms: PartialNorms; readonly total: number }
  | { readonly type: 'subjectFailed'; readonly subjectId: string; readonly error: WireError };

/** Page → host. */
export type FromAnalysis =
  | { readonly type: 'ready'; readonly protocolVersion: number }
  /** Stop this job (the host cancels the worker's job; `subjectFailed` with job/cancelled follows). */
  | { readonly type: 'cancel'; readonly jobId: string }
  /** Analyse again with other settings (ignores the cache). */
  | { readonly type: 'rerun'; readonly settings: AnalysisSettings }
  /** Open another panel on the same tensor, transposed (after a transpose hint). */
  | { readonly type: 'analyzeTransposed'; readonly subjectId: string }
  /** Which charts are on screen, for the log and the end-to-end tests. */
  | { readonly type: 'rendered'; readonly charts: readonly string[] }
  | PageReport;

export const TO_ANALYSIS_TYPES = typeSet<ToAnalysis>({
  subjects: true,
  result: true,
  heatmap: true,
  jobQueued: true,
  jobStarted: true,
  progress: true,
  partial: true,
  subjectFailed: true,
});
export const FROM_ANALYSIS_TYPES = typeSet<FromAnalysis>({
  ready: true,
  cancel: true,
  rerun: true,
  analyzeTransposed: true,
  export: true,
  rendered: true,
  cspViolation: true,
});
