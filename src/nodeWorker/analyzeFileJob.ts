// The `analyzeFile` job: open a checkpoint, choose the matrix (the LM head unless named), stream
// its rows from disk in blocks and analyse them. It runs in the Node worker, next to the file:
// no tensor bytes cross a thread or a connection.

import { openCheckpoint } from '../core/safetensors/open';
import { findLmHead } from '../core/analysis/lmHead';
import { analyzeTensor } from '../core/analysis/analyzeTensor';
import { chooseKernel } from '../core/analysis/chooseKernel';
import { matrixLayout } from '../core/analysis/rowBlocks';
import { tfKernel } from '../core/compute/tfKernel';
import { analysisReport } from '../core/analysis/report';
import {
  DEFAULT_PAIR_BUDGET,
  DEFAULT_SAMPLE_ROWS,
  type PartialNorms,
  type SuperpositionAccumulator,
} from '../core/analysis/superposition';
import type { BackendReport } from '../core/compute/backend';
import { CoreError, messages } from '../core/errors';
import { nodeCheckpointFiles, openNodeReader } from '../node/files';
import type { AnalyzeFileJob, AnalyzeFileResult } from '../shared/nodeWorkerProtocol';

export interface AnalyzeFileHooks {
  readonly isCancelled: () => boolean;
  readonly progress: (fraction: number) => void;
  /** Once the kernel is chosen, before the first block. */
  readonly started: (kernel: string) => void;
  /** Row norms so far (only when the job asks for partials). */
  readonly partial?: (norms: PartialNorms, total: number) => void;
}

/** Partial row norms cost O(rows seen) each: after the first block, then at most this often. */
const PARTIAL_MS = 500;

export async function analyzeFileJob(
  job: AnalyzeFileJob,
  backend: BackendReport,
  hooks: AnalyzeFileHooks,
): Promise<AnalyzeFileResult> {
  const files = nodeCheckpointFiles();
  const opened = await openCheckpoint(files, job.file);
  const choice = findLmHead(opened.model, job.tensor);
  const tensor = choice.tensor;
  const shardPath = opened.shardPaths[tensor.shard]!;
  const reader = await openNodeReader(shardPath, files.displayName(shardPath));
  if (reader === null) throw new CoreError('file/not-found', messages.notFound(shardPath));
  const layout = matrixLayout(reader.name, tensor, job.transpose);
  // TF.js's CPU backend is slower than plain loops: there only the exact float64 kernel runs.
  const fast = job.kernel === 'exact' || backend.name === 'cpu' ? null : tfKernel;
  const kernel = chooseKernel(layout.n, layout.m, fast, job.kernel);
  hooks.started(kernel.name);
  const pairBudget = job.pairBudget ?? DEFAULT_PAIR_BUDGET;
  const seed = job.seed ?? 0;
  const t0 = performance.now();
  let lastPartial = -Infinity;
  const onBlock = (acc: SuperpositionAccumulator) => {
    // Not after the last block: the full report follows at once.
    if (acc.rowsSeen >= layout.n || performance.now() - lastPartial < PARTIAL_MS) return;
    lastPartial = performance.now();
    hooks.partial?.(acc.partialNorms(), layout.n);
  };
  const { analysis, accumulator } = await analyzeTensor(reader, opened.headers[tensor.shard]!, tensor, {
    kernel,
    transpose: job.transpose,
    pairBudget,
    sampleRows: job.sampleRows ?? DEFAULT_SAMPLE_ROWS,
    seed,
    isCancelled: hooks.isCancelled,
    heatmapMaxRows: job.heatmapMaxRows ?? 0,
    onProgress: hooks.progress,
    ...(job.partials === true && hooks.partial !== undefined ? { onBlock } : {}),
  });
  const gram = await accumulator.gramOfRows();
  const onTf = kernel.name !== 'float64';
  const report = analysisReport(
    {
      file: job.file,
      tensor: tensor.name,
      dtype: tensor.dtype,
      transposed: job.transpose,
      tensorChoice: choice.reason,
      pairBudget,
      seed,
      backend: onTf ? backend.name : 'none',
      ...(onTf ? { compute: backend } : {}),
      ms: performance.now() - t0,
    },
    analysis,
  );
  return {
    kind: 'analyzeFile',
    backend,
    report,
    transposeHint: job.transpose ? null : choice.transposeHint,
    ...(gram === null ? {} : { gram: gram.buffer as ArrayBuffer }),
  };
}
