// The analysis as one plain JSON object: what `analyze --json` prints, what the panel exports
// and what the extension caches. Field names are part of the CLI's contract (README).

import type { NearDuplicateSummary, SuperpositionAnalysis } from './superposition';
import { sqOverlapBinEdges } from './pairs';
import type { Dtype } from '../safetensors/dtype';
import type { BackendReport } from '../compute/backend';

export interface ReportSubject {
  /** The file analysed (display name). */
  readonly file: string;
  readonly tensor: string;
  readonly dtype: Dtype;
  readonly transposed: boolean;
  /** Why this tensor was chosen (e.g. "known LM-head name …"). */
  readonly tensorChoice: string;
  readonly pairBudget: number;
  readonly seed: number;
  /** The TF.js backend or "none" when the exact float64 kernel ran. */
  readonly backend: string;
  /** Where the fast kernel ran (the GPU adapter, skipped backends), when a compute worker says. */
  readonly compute?: BackendReport;
  readonly ms: number;
}

export function analysisReport(subject: ReportSubject, a: SuperpositionAnalysis) {
  return {
    file: subject.file,
    tensor: subject.tensor,
    dtype: subject.dtype,
    n: a.n,
    m: a.m,
    transposed: subject.transposed,
    tensorChoice: subject.tensorChoice,
    rowNorm: a.rowNorm,
    zeroRows: a.zeroRows,
    nonFiniteRows: a.nonFiniteRows,
    validRows: a.validRows,
    fracRepresented: a.fracRepresented,
    fracStrong: a.fracStrong,
    meanSqOverlap: a.meanSqOverlap,
    meanAbsOverlap: a.meanAbsOverlap,
    meanAbsOverlapCI95: a.all.meanAbsOverlapCI95,
    maxAbsOverlap: a.maxAbsOverlap,
    overlapMethod: a.overlapMethod,
    sampledRows: a.all.sampledRows,
    sampledPairs: a.all.sampledPairs,
    pairs: a.all.pairs,
    pairBudget: subject.pairBudget,
    seed: subject.seed,
    welchBound: a.welchBound,
    welchBoundSq: a.welchBound * a.welchBound,
    invM: a.invM,
    meanSqOverlapTimesM: a.meanSqOverlap === null ? null : a.meanSqOverlap * a.m,
    /** Over all valid rows; strong.sqOverlapVarianceRatio is the spec's S = {‖W_i‖ > 1} (§2 item 5). */
    sqOverlapVarianceRatio: a.all.sqOverlapVarianceRatio,
    sqOverlapVarianceRatioCI95: a.all.sqOverlapVarianceRatioCI95,
    strong: {
      rows: a.strong.rows,
      meanSqOverlap: a.strong.meanSqOverlap,
      meanAbsOverlap: a.strong.meanAbsOverlap,
      meanAbsOverlapCI95: a.strong.meanAbsOverlapCI95,
      maxAbsOverlap: a.strong.maxAbsOverlap,
      method: a.strong.method,
      welchBound: a.strong.welchBound,
      welchBoundSq: a.strong.welchBound * a.strong.welchBound,
      sqOverlapVarianceRatio: a.strong.sqOverlapVarianceRatio,
      sqOverlapVarianceRatioCI95: a.strong.sqOverlapVarianceRatioCI95,
    },
    histograms: {
      rowNorm: a.rowNormHistogram,
      sqOverlap:
        a.all.sqOverlapHistogram === null
          ? null
          : { lowerEdges: sqOverlapBinEdges(), counts: a.all.sqOverlapHistogram },
      sqOverlapStrong:
        a.strong.sqOverlapHistogram === null
          ? null
          : { lowerEdges: sqOverlapBinEdges(), counts: a.strong.sqOverlapHistogram },
    },
    /** Absent in reports cached before it existed; null with fewer than two rows. */
    nearDuplicates: a.nearDuplicates as NearDuplicateSummary | null | undefined,
    notes: a.notes,
    kernel: a.kernel,
    backend: subject.backend,
    ...(subject.compute === undefined ? {} : { compute: subject.compute }),
    ms: subject.ms,
  };
}

export type AnalysisReport = ReturnType<typeof analysisReport>;
