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
  /** Position in natural name order: comparing ranks is much cheaper than comparing names. */
  readonly nameRank: number;
}

/** Done once per model: lower-cased names for filtering, natural-order ranks for sorting. */
export function indexTensors(tensors: readonly ModelTensor[]): IndexedTensor[] {
  const byName = tensors.map((_, i) => i).sort((a, b) => naturalCompare(tensors[a]!.name, tensors[b]!.name));
  const rank = new Array<number>(tensors.length);
  byName.forEach((tensorIndex, r) => (rank[tensorIndex] = r));
  return tensors.map((tensor, i) => ({ tensor, lowerName: tensor.name.toLowerCase(), nameRank: rank[i]! }));
}

const DTYPE_WORDS = new Set(DTYPES.map((d) => d.toLowerCase()));

function compareShapes(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

const COMPARATORS: Readonly<Record<Exclude<SortKey, 'name'>, (a: ModelTensor, b: ModelTensor) => number>> = {
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
  const out: IndexedTensor[] = [];
  for (const entry of index) {
    const { tensor, lowerName } = entry;
    if (q.dtype !== null && tensor.dtype !== q.dtype) continue;
    if (q.shard !== null && tensor.shard !== q.shard) continue;
    if (dtypeWords.length > 0 && !dtypeWords.includes(tensor.dtype.toLowerCase())) continue;
    if (!nameWords.every((w) => lowerName.includes(w))) continue;
    out.push(entry);
  }
  const sign = q.descending ? -1 : 1;
  if (q.sort === 'name') {
    out.sort((a, b) => sign * (a.nameRank - b.nameRank));
  } else {
    const primary = COMPARATORS[q.sort];
    // Ties break by name, always ascending, so equal keys keep a readable order.
    out.sort((a, b) => sign * primary(a.tensor, b.tensor) || a.nameRank - b.nameRank);
  }
  return out.map((e) => e.tensor);
}
