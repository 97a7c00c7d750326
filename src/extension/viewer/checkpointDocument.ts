// One opened checkpoint (a .safetensors file or a sharded index) shared by all viewer panels on
// it. Loading reads headers only. The document watches its files and reloads when any of them
// changes on disk, bumping `version` so panels can drop stale statistics.

import * as vscode from 'vscode';
import * as path from 'node:path';
import { toWireError, type WireError } from '../../core/errors';
import { openCheckpoint, type CheckpointFiles, type OpenedCheckpoint } from '../../core/safetensors/open';
import { countingReader } from '../../core/safetensors/reader';
import type { TensorStats } from '../../core/safetensors/stats';
import { hostFilesFor, uriOfPath } from '../files';
import { log } from '../log';

export type LoadState =
  | { readonly kind: 'loaded'; readonly opened: OpenedCheckpoint }
  | { readonly kind: 'failed'; readonly error: WireError };

/** What a load cost: shown in the log, and checked by the end-to-end tests. */
export interface LoadCost {
  readonly ms: number;
  readonly bytesRead: number;
}

/** Wraps a CheckpointFiles so every byte read through it is counted. */
function counting(files: CheckpointFiles, counter: { bytes: number }): CheckpointFiles {
  return {
    ...files,
    openReader: async (p) => {
      const r = await files.openReader(p);
      return r === null ? null : countingReader(r, counter);
    },
    readText: async (p) => {
      const t = await files.readText(p);
      if (t !== null) counter.bytes += t.length;
      return t;
    },
  };
}

/** Reloads wait this long after the last change event, so a file being written settles first. */
const RELOAD_DEBOUNCE_MS = 300;

export class CheckpointDocument implements vscode.CustomDocument {
  version = 0;
  state: LoadState = { kind: 'failed', error: { code: 'internal', message: 'Not loaded yet.' } };
  cost: LoadCost = { ms: 0, bytesRead: 0 };
  /** Statistics computed for the current version, replayed to panels that reload. */
  readonly statsCache = new Map<string, TensorStats>();

  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires after every reload caused by a change on disk. */
  readonly onDidReload = this.changed.event;
  private watcher: vscode.FileSystemWatcher | undefined;
  /** URIs whose change means a reload: the file, and for sharded models the index and shards. */
  private watched = new Set<string>();
  private reloadTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  private constructor(readonly uri: vscode.Uri) {}

  static async open(uri: vscode.Uri): Promise<CheckpointDocument> {
    const doc = new CheckpointDocument(uri);
    await doc.load();
    doc.watch();
    return doc;
  }

  get displayName(): string {
    return vscode.workspace.asRelativePath(this.uri, false);
  }

  private async load(): Promise<void> {
    const { files, path: p } = hostFilesFor(this.uri);
    const counter = { bytes: 0 };
    const t0 = performance.now();
    try {
      this.state = { kind: 'loaded', opened: await openCheckpoint(counting(files, counter), p) };
    } catch (e) {
      this.state = { kind: 'failed', error: toWireError(e) };
    }
    this.version++;
    this.statsCache.clear();
    this.watched = this.filesOfModel();
    this.cost = { ms: performance.now() - t0, bytesRead: counter.bytes };
    const what =
      this.state.kind === 'loaded'
        ? `${this.state.opened.model.tensors.length} tensors in ${this.state.opened.model.shards.length} file(s)`
        : `failed [${this.state.error.code}] ${this.state.error.message}`;
    log().info(
      `Opened ${this.displayName} (v${this.version}) in ${this.cost.ms.toFixed(1)} ms, reading ${counter.bytes} bytes: ${what}`,
    );
  }

  private filesOfModel(): Set<string> {
    const dir = vscode.Uri.joinPath(this.uri, '..');
    const files = new Set<string>([this.uri.toString()]);
    if (this.state.kind === 'loaded') {
      for (const p of this.state.opened.shardPaths) files.add(uriOfPath(this.uri, p).toString());
      const index = this.state.opened.model.indexFile;
      if (index !== null) files.add(vscode.Uri.joinPath(dir, path.posix.basename(index)).toString());
    }
    return files;
  }

  /** One watcher on the folder; events for files outside the model are ignored. */
  private watch(): void {
    const dir = vscode.Uri.joinPath(this.uri, '..');
    this.watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(dir, '*'));
    const onEvent = (uri: vscode.Uri) => {
      if (!this.watched.has(uri.toString())) return;
      clearTimeout(this.reloadTimer);
      this.reloadTimer = setTimeout(() => void this.reloadNow(), RELOAD_DEBOUNCE_MS);
    };
    this.watcher.onDidChange(onEvent);
    this.watcher.onDidCreate(onEvent);
    this.watcher.onDidDelete(onEvent);
  }

  async reloadNow(): Promise<void> {
    if (this.disposed) return;
    await this.load();
    if (!this.disposed) this.changed.fire();
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.reloadTimer);
    this.watcher?.dispose();
    this.changed.dispose();
  }
}
