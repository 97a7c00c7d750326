// Open a checkpoint, choose the matrix, analyse it: shared by `analyze` and `compare`.

import { openCheckpoint } from '../core/safetensors/open';
import { findLmHead } from '../core/analysis/lmHead';
import { analyzeTensor } from '../core/analysis/analyzeTensor';
import { chooseKernel } from '../core/analysis/chooseKernel';
import { matrixLayout } from '../core/analysis/rowBlocks';
import { tfKernel } from '../core/compute/tfKernel';
import { analysisReport, type AnalysisReport } from '../core/analysis/report';
import { DEFAULT_PAIR_BUDGET, DEFAULT_SAMPLE_ROWS } from '../core/analysis/superposition';
import { CoreError, messages } from '../core/errors';
import { nodeCheckpointFiles, openNodeReader } from '../node/files';
import { initCompute } from './compute';

export interface AnalyzeFileOptions {
  readonly tensor?: string;
  readonly transpose: boolean;
  readonly pairBudget?: number;
  readonly sampleRows?: number;
  readonly seed?: number;
  readonly kernel?: 'exact' | 'fast';
  readonly isCancelled?: () => boolean;
  readonly onProgress?: (fraction: number) => void;
}

export async function analyzeFile(
  file: string,
  options: AnalyzeFileOptions,
): Promise<{ report: AnalysisReport; transposeHint: string | null }> {
  const files = nodeCheckpointFiles();
  const opened = await openCheckpoint(files, file);
  const choice = findLmHead(opened.model, options.tensor);
  const tensor = choice.tensor;
  const shardPath = opened.shardPaths[tensor.shard]!;
  const reader = await openNodeReader(shardPath, files.displayName(shardPath));
  if (reader === null) throw new CoreError('file/not-found', messages.notFound(shardPath));
  const layout = matrixLayout(reader.name, tensor, options.transpose);
  // The fast kernel needs the WASM backend; without it the exact kernel still works, slowly.
  let fast: (() => ReturnType<typeof tfKernel>) | null = null;
  let backend = 'none';
  if (options.kernel !== 'exact') {
    try {
      backend = (await initCompute()).name;
      fast = tfKernel;
    } catch {
      fast = null;
    }
  }
  const kernel = chooseKernel(layout.n, layout.m, fast, options.kernel);
  if (kernel.name === 'float64') backend = 'none';
  const pairBudget = options.pairBudget ?? DEFAULT_PAIR_BUDGET;
  const seed = options.seed ?? 0;
  const t0 = performance.now();
  const { analysis } = await analyzeTensor(reader, opened.headers[tensor.shard]!, tensor, {
    kernel,
    transpose: options.transpose,
    pairBudget,
    sampleRows: options.sampleRows ?? DEFAULT_SAMPLE_ROWS,
    seed,
    isCancelled: options.isCancelled,
    onProgress: options.onProgress,
  });
  const report = analysisReport(
    {
      file,
      tensor: tensor.name,
      dtype: tensor.dtype,
      transposed: options.transpose,
      tensorChoice: choice.reason,
      pairBudget,
      seed,
      backend,
      ms: performance.now() - t0,
    },
    analysis,
  );
  return { report, transposeHint: options.transpose ? null : choice.transposeHint };
}
