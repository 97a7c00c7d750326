// One call from a tensor in a file to its superposition analysis: read row blocks, accumulate,
// finish. Used by the CLI; the webview runs the same accumulator on blocks streamed by the host.

import type { SafetensorsHeader, TensorEntry } from '../safetensors/header';
import type { RangedReader } from '../safetensors/reader';
import { defaultBlockRows, matrixLayout, readRowBlocks, type MatrixLayout } from './rowBlocks';
import { SuperpositionAccumulator, type AnalysisOptions, type SuperpositionAnalysis } from './superposition';

export interface AnalyzeTensorOptions extends AnalysisOptions {
  readonly transpose?: boolean;
  readonly blockRows?: number;
  /** 0..1: reading and accumulating is the first 80%, the pair statistics the rest. */
  readonly onProgress?: (fraction: number) => void;
  /** After each block is folded in: for callers that show partial results (row norms so far). */
  readonly onBlock?: (accumulator: SuperpositionAccumulator) => void;
}

export async function analyzeTensor(
  reader: RangedReader,
  header: SafetensorsHeader,
  tensor: TensorEntry,
  options: AnalyzeTensorOptions,
): Promise<{ layout: MatrixLayout; analysis: SuperpositionAnalysis; accumulator: SuperpositionAccumulator }> {
  const layout = matrixLayout(reader.name, tensor, options.transpose ?? false);
  const accumulator = new SuperpositionAccumulator(layout.n, layout.m, options);
  for await (const block of readRowBlocks(
    reader,
    header,
    tensor,
    layout,
    options.blockRows ?? defaultBlockRows(layout.m),
  )) {
    await accumulator.addRows(block.values, block.rows);
    options.onBlock?.(accumulator);
    options.onProgress?.((0.8 * accumulator.rowsSeen) / layout.n);
  }
  const analysis = await accumulator.finish((f) => options.onProgress?.(0.8 + 0.2 * f));
  return { layout, analysis, accumulator };
}
