// Opening "a checkpoint" from a path the user picked: a single safetensors file, a sharded
// index, or one shard of a sharded model (which opens the whole model). File access goes
// through `CheckpointFiles`, implemented by the host (Node fs for the CLI and local files,
// vscode.workspace.fs for other file systems), so this logic is written once.

import { CoreError, isCoreError, messages } from '../errors';
import { readSafetensorsHeader, type RangedReader } from './reader';
import {
  indexListsShard,
  openShardedModel,
  parseShardIndex,
  singleFileModel,
  type OpenedModel,
  type ShardIndex,
} from './model';

/** What the core needs from a file system. Paths are opaque strings the host understands. */
export interface CheckpointFiles {
  /** A ranged reader for an existing file, or null when there is no such file. */
  openReader(path: string): Promise<RangedReader | null>;
  /** The text of a small file, or null when there is no such file. */
  readText(path: string): Promise<string | null>;
  /** Names of the files in the folder that holds `path`. */
  listSiblings(path: string): Promise<readonly string[]>;
  /** The path of `relative` (forward slashes) resolved against the folder of `path`. */
  resolveSibling(path: string, relative: string): string;
  /** The last component of `path`. */
  baseName(path: string): string;
  /** How to name `path` in messages. */
  displayName(path: string): string;
}

export interface OpenedCheckpoint extends OpenedModel {
  /** One path per shard (a single path for a single file), for reading tensor data later. */
  readonly shardPaths: readonly string[];
  /** Why the model looks the way it does, e.g. "opened as part of a sharded model". */
  readonly notes: readonly string[];
}

/** Index files are small JSON (a 70B model's is ~100 KB); refuse anything absurd. */
export const MAX_INDEX_BYTES = 50 * 1024 * 1024;

export const isIndexPath = (p: string): boolean => p.endsWith('.safetensors.index.json');

async function loadIndex(files: CheckpointFiles, indexPath: string): Promise<ShardIndex> {
  const text = await files.readText(indexPath);
  if (text === null) throw new CoreError('file/not-found', messages.notFound(files.displayName(indexPath)));
  return parseShardIndex(text, files.displayName(indexPath));
}

async function openIndex(files: CheckpointFiles, indexPath: string, index: ShardIndex): Promise<OpenedCheckpoint> {
  const shardPaths = index.shardFiles.map((s) => files.resolveSibling(indexPath, s));
  const opened = await openShardedModel(index, files.displayName(indexPath), (shard) =>
    files.openReader(files.resolveSibling(indexPath, shard)),
  );
  return { ...opened, shardPaths, notes: [] };
}

/** The index next to `shardPath` that lists it, if any. Unreadable candidates are skipped. */
async function findIndexFor(
  files: CheckpointFiles,
  shardPath: string,
): Promise<{ path: string; index: ShardIndex } | null> {
  const base = files.baseName(shardPath);
  const siblings = (await files.listSiblings(shardPath)).filter(isIndexPath).sort();
  for (const name of siblings) {
    const path = files.resolveSibling(shardPath, name);
    try {
      const index = await loadIndex(files, path);
      if (indexListsShard(index, base)) return { path, index };
    } catch (e) {
      if (!isCoreError(e)) throw e;
    }
  }
  return null;
}

export interface OpenOptions {
  /** Look for an index next to a .safetensors file and open the whole sharded model (default true). */
  readonly discoverIndex?: boolean;
}

export async function openCheckpoint(
  files: CheckpointFiles,
  path: string,
  options: OpenOptions = {},
): Promise<OpenedCheckpoint> {
  if (isIndexPath(path)) return openIndex(files, path, await loadIndex(files, path));

  const reader = await files.openReader(path);
  if (reader === null) throw new CoreError('file/not-found', messages.notFound(files.displayName(path)));
  const header = await readSafetensorsHeader(reader);
  const single: OpenedCheckpoint = { ...singleFileModel(header), shardPaths: [path], notes: [] };
  if (options.discoverIndex === false) return single;

  const found = await findIndexFor(files, path);
  if (found === null) return single;
  const indexName = files.displayName(found.path);
  const position = found.index.shardFiles.indexOf(files.baseName(path)) + 1;
  try {
    const whole = await openIndex(files, found.path, found.index);
    return {
      ...whole,
      notes: [
        `${files.displayName(path)} is shard ${position} of ${found.index.shardFiles.length} of ${indexName}; showing the whole model.`,
      ],
    };
  } catch (e) {
    // The user asked for this file, which is fine: show it alone and say why.
    if (!isCoreError(e)) throw e;
    return {
      ...single,
      model: { ...single.model, warnings: [`Showing this shard alone: ${e.message}`] },
    };
  }
}
