// What the panel asks of the compute worker for one subject, and the words around it. No vscode
// import, so it is unit-tested directly.

import { formatInteger } from '../../core/format';
import type { AnalyzeFileJob } from '../../shared/nodeWorkerProtocol';
import type { AnalysisSettings } from '../../shared/computeJobs';
import type { AnalysisSubject } from '../../shared/analysisProtocol';

/** Why a subject on a virtual file system cannot run, in one sentence. */
export function notLocalMessage(file: string, scheme: string): string {
  return (
    `${file} is on a "${scheme}:" file system: the analysis runs in the extension ` +
    `host's compute worker, which reads checkpoints from its own disk. Copy the file into a local folder to analyse it.`
  );
}

/** The job for the worker: the panel's settings, the tensor and its orientation. */
export function analyzeFileJob(path: string, subject: AnalysisSubject, settings: AnalysisSettings): AnalyzeFileJob {
  return {
    kind: 'analyzeFile',
    file: path,
    tensor: subject.tensor,
    transpose: subject.layout.transpose,
    pairBudget: settings.pairBudget,
    sampleRows: settings.sampleRows,
    seed: settings.seed,
    heatmapMaxRows: settings.heatmapMaxRows,
    partials: true,
  };
}

/** "rows 12,288 of 50,257" while reading (the first 80%), then "pair statistics". */
export function progressLabel(fraction: number, n: number): string {
  if (fraction >= 0.8) return 'pair statistics';
  const rows = Math.min(n, Math.round((fraction / 0.8) * n));
  return `rows ${formatInteger(rows)} of ${formatInteger(n)}`;
}
