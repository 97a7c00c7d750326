// Filtering and sorting of the tensor table: pure functions over the model's tensors, fast
// enough to run on every keystroke for 100,000 tensors (lower-cased names are computed once).

import type { ModelTensor } from '../../core/safetensors/model';
import { DTYPES } from '../../core/safetensors/dtype';
import { naturalCompare } from '../../core/format';

export type SortKey = 'name' | 'dtype' | 'shape' | 'parameters' | 'bytes' | 'shard';

export interface TableQuery {
  /** Words separated by spaces; each must match. A word that is a dtype (e.g. "bf16") matches the dtype, any other word a part of the name. */
  readonly text: string;
  /** Only this dtype, or all. */
  readonly dtype: string | null;
  /** Only this shard index, or all. */
  readonly shard: number | null;
  readonly sort: SortKey;
  readonly descending: boolean;
}

export const DEFAULT_QUERY: TableQuery = { text: '', dtype: null, shard: null, sort: 'name', descending: false };

export interface IndexedTensor {
  readonly tensor: ModelTensor;
  readonly lowerName: string;
}

export function indexTensors(tensors: readonly ModelTensor[]): IndexedTensor[] {
  return tensors.map((tensor) => ({ tensor, lowerName: tensor.name.toLowerCase() }));
}

const DTYPE_WORDS = new Set(DTYPES.map((d) => d.toLowerCase()));

function compareShapes(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

const COMPARATORS: Readonly<Record<SortKey, (a: ModelTensor, b: ModelTensor) => number>> = {
  name: (a, b) => naturalCompare(a.name, b.name),
  dtype: (a, b) => a.dtype.localeCompare(b.dtype),
  shape: (a, b) => compareShapes(a.shape, b.shape),
  parameters: (a, b) => a.numel - b.numel,
  bytes: (a, b) => a.end - a.begin - (b.end - b.begin),
  shard: (a, b) => a.shard - b.shard,
};

export function queryTensors(index: readonly IndexedTensor[], q: TableQuery): ModelTensor[] {
  const words = q.text.toLowerCase().split(/\s+/).filter(Boolean);
  const dtypeWords = words.filter((w) => DTYPE_WORDS.has(w));
  const nameWords = words.filter((w) => !DTYPE_WORDS.has(w));
  const out: ModelTensor[] = [];
  for (const { tensor, lowerName } of index) {
    if (q.dtype !== null && tensor.dtype !== q.dtype) continue;
    if (q.shard !== null && tensor.shard !== q.shard) continue;
    if (dtypeWords.length > 0 && !dtypeWords.includes(tensor.dtype.toLowerCase())) continue;
    if (!nameWords.every((w) => lowerName.includes(w))) continue;
    out.push(tensor);
  }
  const primary = COMPARATORS[q.sort];
  const sign = q.descending ? -1 : 1;
  // Ties break by name, always ascending, so equal keys keep a readable order.
  out.sort((a, b) => sign * primary(a, b) || COMPARATORS.name(a, b));
  return out;
}
