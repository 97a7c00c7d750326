// What the analysis page knows about one subject: its status, the running job's progress and
// partial row norms, and once done the report, where it was computed and (fresh only) W Wᵀ.

import type { AnalysisReport } from '../../core/analysis/report';
import type { PartialNorms } from '../../core/analysis/superposition';
import type { WireError } from '../../core/errors';
import type { AnalysisSubject, ComputePlace } from '../../shared/analysisProtocol';

export interface SubjectState {
  readonly subject: AnalysisSubject;
  status: 'queued' | 'running' | 'done' | 'failed';
  fraction: number;
  label: string;
  startedAt: number;
  /** The host's job for this subject while it runs (Cancel names it). */
  jobId?: string;
  /** Where the job runs or the result was computed. */
  place?: ComputePlace;
  report?: AnalysisReport;
  cached?: boolean;
  gram?: Float32Array;
  error?: WireError;
  /** Row norms of the rows analysed so far, while a job runs (a first plot before the report). */
  partial?: { norms: PartialNorms; total: number };
}
