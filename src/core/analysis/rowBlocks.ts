// Row blocks of a 2-D tensor, read straight from the file. W is the tensor as stored (n×m,
// rows contiguous), or with `transpose` the transpose of a stored [m, n] matrix: then a block
// of W's rows is a block of stored *columns*, gathered with one small read per stored row.
// Either way memory is one block, and the whole tensor is never in memory at once.

import { CoreError, messages } from '../errors';
import type { SafetensorsHeader, TensorEntry } from '../safetensors/header';
import { assertDecodable, readExactly, type RangedReader } from '../safetensors/reader';
import { bytesPerElement, type Dtype } from '../safetensors/dtype';
import { decodeToFloat32 } from '../safetensors/decode';

export interface MatrixLayout {
  /** Rows of W (features or tokens). */
  readonly n: number;
  /** Columns of W (the model width). */
  readonly m: number;
  readonly transpose: boolean;
  readonly dtype: Dtype;
}

/** W's shape for a tensor, or a clear error for anything that is not a non-empty matrix. */
export function matrixLayout(file: string, tensor: TensorEntry, transpose: boolean): MatrixLayout {
  const [a, b] = tensor.shape;
  if (tensor.shape.length !== 2 || !a || !b) {
    throw new CoreError('analysis/not-a-matrix', messages.notAMatrix(file, tensor.name, tensor.shape));
  }
  assertDecodable(file, tensor);
  const layout = transpose
    ? { n: b, m: a, transpose, dtype: tensor.dtype }
    : { n: a, m: b, transpose, dtype: tensor.dtype };
  const need = analysisBytes(layout.n, layout.m);
  if (need > MAX_ANALYSIS_BYTES) {
    throw new CoreError(
      'analysis/too-large',
      messages.analysisTooLarge(file, tensor.name, a, b, Math.ceil(need / 1e6), MAX_ANALYSIS_BYTES / 1e6),
    );
  }
  return layout;
}

/**
 * The analysis keeps three m × m float64 Grams (strong rows, the rest, their sum): memory grows
 * with the square of the width whatever the number of rows, so a 96 KB tensor of shape
 * [2, 12000] needed 3.4 GB. Refused above this, before anything is allocated.
 */
export const MAX_ANALYSIS_BYTES = 2_000_000_000;

/** Bytes the analysis of an n × m matrix allocates up front (Grams, norms, kept rows bound). */
export function analysisBytes(n: number, m: number): number {
  return 3 * 8 * m * m + 9 * n;
}

/** Rows per block for about `targetBytes` of float32 (default 8 MiB). */
export function defaultBlockRows(m: number, targetBytes = 8 * 1024 * 1024): number {
  return Math.max(1, Math.floor(targetBytes / (4 * m)));
}

/**
 * The raw bytes of W's rows [start, start + rows). Not transposed: one read, row-major.
 * Transposed: `m` reads, laid out as stored, i.e. [m][rows] (decodeRowBlock transposes).
 */
export async function readRowBlockBytes(
  reader: RangedReader,
  header: SafetensorsHeader,
  tensor: TensorEntry,
  layout: MatrixLayout,
  start: number,
  rows: number,
): Promise<Uint8Array> {
  const width = bytesPerElement(layout.dtype)!;
  const base = header.dataStart + tensor.begin;
  if (!layout.transpose) return readExactly(reader, base + start * layout.m * width, rows * layout.m * width);
  const out = new Uint8Array(layout.m * rows * width);
  for (let k = 0; k < layout.m; k++) {
    out.set(await readExactly(reader, base + (k * layout.n + start) * width, rows * width), k * rows * width);
  }
  return out;
}

/** Bytes from readRowBlockBytes → float32 rows × m, row-major. */
export function decodeRowBlock(bytes: Uint8Array, layout: MatrixLayout, rows: number): Float32Array {
  const values = decodeToFloat32(bytes, layout.dtype);
  if (!layout.transpose) return values;
  const out = new Float32Array(rows * layout.m);
  for (let k = 0; k < layout.m; k++) for (let r = 0; r < rows; r++) out[r * layout.m + k] = values[k * rows + r]!;
  return out;
}

/** All of W in row blocks, in order. */
export async function* readRowBlocks(
  reader: RangedReader,
  header: SafetensorsHeader,
  tensor: TensorEntry,
  layout: MatrixLayout,
  blockRows = defaultBlockRows(layout.m),
): AsyncGenerator<{ values: Float32Array; start: number; rows: number }> {
  for (let start = 0; start < layout.n; start += blockRows) {
    const rows = Math.min(blockRows, layout.n - start);
    const bytes = await readRowBlockBytes(reader, header, tensor, layout, start, rows);
    yield { values: decodeRowBlock(bytes, layout, rows), start, rows };
  }
}
