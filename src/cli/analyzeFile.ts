// Open a checkpoint, choose the matrix, analyse it: shared by `analyze` and `compare`. The work
// runs in a Node compute worker (src/nodeWorker/analyzeFileJob.ts), which reads the file itself.

import type { AnalysisReport } from '../core/analysis/report';
import type { BackendPreference } from '../core/compute/backend';
import type { AnalyzeFileJob, AnalyzeFileResult } from '../shared/nodeWorkerProtocol';
import { whileRunning } from '../node/whileRunning';
import { startCompute, type Compute } from './compute';

/** The job's own settings (tensor, transpose, pairs, sample, seed, kernel) and where to compute. */
export interface AnalyzeFileOptions extends Pick<
  AnalyzeFileJob,
  'tensor' | 'transpose' | 'pairBudget' | 'sampleRows' | 'seed' | 'kernel'
> {
  readonly backend?: BackendPreference;
  readonly isCancelled?: () => boolean;
  readonly onProgress?: (fraction: number) => void;
}

let compute: Promise<Compute> | undefined;

export async function analyzeFile(
  file: string,
  options: AnalyzeFileOptions,
): Promise<{ report: AnalysisReport; transposeHint: string | null }> {
  // One worker for every file of a `compare`.
  compute ??= startCompute({ backend: options.backend ?? 'auto', jobs: 1 });
  const worker = (await compute).pool.worker(0);
  const job = worker.run(
    {
      kind: 'analyzeFile',
      file,
      transpose: options.transpose,
      ...(options.tensor === undefined ? {} : { tensor: options.tensor }),
      ...(options.pairBudget === undefined ? {} : { pairBudget: options.pairBudget }),
      ...(options.sampleRows === undefined ? {} : { sampleRows: options.sampleRows }),
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(options.kernel === undefined ? {} : { kernel: options.kernel }),
    },
    { ...(options.onProgress === undefined ? {} : { progress: options.onProgress }) },
  );
  const done = (await whileRunning(
    options.isCancelled,
    () => worker.cancel(job.jobId),
    job.result,
  )) as AnalyzeFileResult;
  return { report: done.report, transposeHint: done.transposeHint };
}
