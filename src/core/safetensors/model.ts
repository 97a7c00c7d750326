// A checkpoint as the user sees it: one safetensors file, or a sharded model described by a
// `*.safetensors.index.json` (a Hugging Face convention, not part of the safetensors format:
// `{"metadata": {...}, "weight_map": {"tensor name": "shard file name"}}`).
//
// The model is plain data (it is posted to the webview and printed by the CLI). The headers
// with their data offsets stay with whoever opened the files, in `OpenedModel`.

import { CoreError, jsonSyntaxReason, messages } from '../errors';
import type { SafetensorsHeader, TensorEntry } from './header';
import { readSafetensorsHeader, type RangedReader } from './reader';
import type { Dtype } from './dtype';

export interface ShardInfo {
  /** File name relative to the index (or the file name of a single-file model). */
  readonly file: string;
  readonly size: number;
  readonly headerLength: number;
  readonly tensorCount: number;
  readonly metadata: Readonly<Record<string, string>> | null;
}

export interface ModelTensor extends TensorEntry {
  /** Index into `CheckpointModel.shards`. */
  readonly shard: number;
}

export interface CheckpointModel {
  /** The file that was opened (display name). */
  readonly source: string;
  /** The index file for a sharded model, else null. */
  readonly indexFile: string | null;
  readonly shards: readonly ShardInfo[];
  readonly tensors: readonly ModelTensor[];
  /** `__metadata__` of a single file, or the index's `metadata` (values as text). */
  readonly metadata: Readonly<Record<string, string>>;
  /** Things worth knowing that do not stop the model from opening. */
  readonly warnings: readonly string[];
}

/** A model plus what is needed to read its tensors: one header per shard. */
export interface OpenedModel {
  readonly model: CheckpointModel;
  readonly headers: readonly SafetensorsHeader[];
}

export interface ShardIndex {
  readonly metadata: Readonly<Record<string, string>>;
  /** Tensor name → shard path, in index order. */
  readonly weightMap: ReadonlyMap<string, string>;
  /** Distinct shard paths in order of first appearance. */
  readonly shardFiles: readonly string[];
}

/** At most this many shard headers are read at once (huggingface.js uses 20 over the network). */
const SHARD_CONCURRENCY = 8;

function shardInfo(file: string, header: SafetensorsHeader): ShardInfo {
  return {
    file,
    size: header.fileSize,
    headerLength: header.headerLength,
    tensorCount: header.tensors.length,
    metadata: header.metadata,
  };
}

export function singleFileModel(header: SafetensorsHeader): OpenedModel {
  return {
    model: {
      source: header.fileName,
      indexFile: null,
      shards: [shardInfo(header.fileName, header)],
      tensors: header.tensors.map((t) => ({ ...t, shard: 0 })),
      metadata: header.metadata ?? {},
      warnings: [],
    },
    headers: [header],
  };
}

/** A shard path must stay inside the index's folder: relative, forward slashes, no `..`. */
export function isSafeShardPath(p: string): boolean {
  if (p.length === 0 || p.includes('\\') || p.includes('\0') || p.startsWith('/') || /^[a-zA-Z]:/.test(p)) return false;
  return p.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}

/** Index metadata values as text. JSON nested 200,000 deep parses but overflows JSON.stringify. */
const metadataText = (v: unknown): string => {
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v);
  } catch {
    return '(a value nested too deeply to show)';
  }
};

export function parseShardIndex(text: string, indexName: string): ShardIndex {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CoreError('index/json', messages.indexJson(indexName, `it is not JSON (${jsonSyntaxReason(e)})`));
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new CoreError('index/json', messages.indexJson(indexName, 'it is not a JSON object'));
  }
  const { weight_map: weightMapValue, metadata: metadataValue } = json as Record<string, unknown>;
  if (typeof weightMapValue !== 'object' || weightMapValue === null || Array.isArray(weightMapValue)) {
    throw new CoreError('index/schema', messages.indexJson(indexName, 'it has no "weight_map" object'));
  }
  const weightMap = new Map<string, string>();
  const shardFiles: string[] = [];
  const seenShards = new Set<string>();
  for (const [tensor, shard] of Object.entries(weightMapValue)) {
    if (typeof shard !== 'string') {
      throw new CoreError(
        'index/schema',
        messages.indexJson(
          indexName,
          `"weight_map" maps "${tensor}" to ${JSON.stringify(shard)?.slice(0, 40)}, not a file name`,
        ),
      );
    }
    if (!isSafeShardPath(shard)) throw new CoreError('index/path', messages.indexPath(indexName, shard));
    weightMap.set(tensor, shard);
    if (!seenShards.has(shard)) {
      seenShards.add(shard);
      shardFiles.push(shard);
    }
  }
  if (weightMap.size === 0) throw new CoreError('index/schema', messages.indexJson(indexName, '"weight_map" is empty'));
  const metadata = Object.create(null) as Record<string, string>;
  if (typeof metadataValue === 'object' && metadataValue !== null && !Array.isArray(metadataValue)) {
    for (const [k, v] of Object.entries(metadataValue)) metadata[k] = metadataText(v);
  } else if (metadataValue !== undefined && metadataValue !== null) {
    throw new CoreError('index/schema', messages.indexJson(indexName, '"metadata" is not an object'));
  }
  return { metadata, weightMap, shardFiles };
}

/** True when the index lists `shardPath` as one of its shards. */
export function indexListsShard(index: ShardIndex, shardPath: string): boolean {
  return index.shardFiles.includes(shardPath);
}

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  });
  await Promise.all(workers);
  return results;
}

/**
 * Opens every shard named by the index and checks that the index and the shard headers agree.
 * `openShard` returns null for a shard that does not exist.
 */
export async function openShardedModel(
  index: ShardIndex,
  indexName: string,
  openShard: (shardPath: string) => Promise<RangedReader | null>,
): Promise<OpenedModel> {
  const readers = await mapLimited(index.shardFiles, SHARD_CONCURRENCY, openShard);
  const missing = index.shardFiles.filter((_, i) => readers[i] === null);
  if (missing.length > 0) {
    const first = missing[0]!;
    const count = [...index.weightMap.values()].filter((s) => s === first).length;
    const more =
      missing.length > 1 ? ` (and ${missing.length - 1} more shard${missing.length > 2 ? 's' : ''} missing)` : '';
    throw new CoreError('index/missing-shard', messages.missingShard(indexName, first, count) + more);
  }
  // A shard's own error (bad header, truncated, ...) already names the shard file: let it through.
  const headers = await mapLimited(readers as RangedReader[], SHARD_CONCURRENCY, readSafetensorsHeader);

  // Every tensor stored in any shard, and where; a name stored twice is ambiguous.
  const stored = new Map<string, ModelTensor>();
  headers.forEach((h, shard) => {
    for (const t of h.tensors) {
      const other = stored.get(t.name);
      if (other !== undefined) {
        throw new CoreError(
          'index/duplicate',
          messages.indexDuplicate(indexName, t.name, index.shardFiles[other.shard]!, index.shardFiles[shard]!),
        );
      }
      stored.set(t.name, { ...t, shard });
    }
  });
  const shardNumber = new Map(index.shardFiles.map((f, i) => [f, i]));
  const tensors: ModelTensor[] = [];
  for (const [name, shardFile] of index.weightMap) {
    const entry = stored.get(name);
    if (entry === undefined || entry.shard !== shardNumber.get(shardFile)) {
      throw new CoreError('index/mismatch', messages.indexMismatch(indexName, name, shardFile));
    }
    tensors.push(entry);
  }
  const warnings: string[] = [];
  const unlisted = [...stored.keys()].filter((name) => !index.weightMap.has(name));
  if (unlisted.length > 0) {
    for (const name of unlisted) tensors.push(stored.get(name)!);
    warnings.push(
      `${unlisted.length.toLocaleString('en-US')} tensor${unlisted.length === 1 ? ' is' : 's are'} stored in the shards but not listed in ${indexName} (first: "${unlisted[0]}"); loaders that follow the index ignore ${unlisted.length === 1 ? 'it' : 'them'}.`,
    );
  }
  const declaredTotal = Number(index.metadata['total_size']);
  const actualTotal = tensors.reduce((s, t) => s + (t.end - t.begin), 0);
  if (index.metadata['total_size'] !== undefined && declaredTotal !== actualTotal) {
    warnings.push(
      `${indexName} declares total_size ${index.metadata['total_size']} but the tensors hold ${actualTotal.toLocaleString('en-US')} bytes.`,
    );
  }
  return {
    model: {
      source: indexName,
      indexFile: indexName,
      shards: headers.map((h, i) => shardInfo(index.shardFiles[i]!, h)),
      tensors,
      metadata: index.metadata,
      warnings,
    },
    headers,
  };
}

export interface DtypeTotal {
  readonly dtype: Dtype;
  readonly tensors: number;
  readonly parameters: number;
  readonly bytes: number;
}

export interface ModelTotals {
  readonly tensors: number;
  readonly parameters: number;
  readonly bytes: number;
  /** Largest byte count first. */
  readonly byDtype: readonly DtypeTotal[];
}

export function modelTotals(tensors: readonly TensorEntry[]): ModelTotals {
  const by = new Map<Dtype, { tensors: number; parameters: number; bytes: number }>();
  let parameters = 0;
  let bytes = 0;
  for (const t of tensors) {
    const size = t.end - t.begin;
    parameters += t.numel;
    bytes += size;
    const d = by.get(t.dtype) ?? { tensors: 0, parameters: 0, bytes: 0 };
    d.tensors++;
    d.parameters += t.numel;
    d.bytes += size;
    by.set(t.dtype, d);
  }
  const byDtype = [...by.entries()]
    .map(([dtype, d]) => ({ dtype, ...d }))
    .sort((a, b) => b.bytes - a.bytes || a.dtype.localeCompare(b.dtype));
  return { tensors: tensors.length, parameters, bytes, byDtype };
}
