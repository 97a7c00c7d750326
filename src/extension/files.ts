// Checkpoint file access for the extension host. Local files (`file:`) go through Node's fs with
// positioned reads, so a multi-GB checkpoint costs one small read to open. Other file systems
// (remote virtual workspaces) only offer whole-file reads through vscode.workspace.fs, so there
// the size is checked first against superpositionLab.maxWholeFileReadMB.

import * as vscode from 'vscode';
import * as posix from 'node:path/posix';
import { CoreError, messages } from '../core/errors';
import { memoryReader, type RangedReader } from '../core/safetensors/reader';
import { MAX_INDEX_BYTES, type CheckpointFiles } from '../core/safetensors/open';
import { nodeCheckpointFiles } from '../node/files';
import { settings } from './settings';

/** Paths handed to the core: fsPath for `file:` URIs, the URI string otherwise. */
export interface HostFiles {
  readonly files: CheckpointFiles;
  readonly path: string;
}

const displayName = (uri: vscode.Uri): string => vscode.workspace.asRelativePath(uri, false);

function isMissing(e: unknown): boolean {
  return e instanceof vscode.FileSystemError && e.code === 'FileNotFound';
}

function vscodeFiles(maxBytes: number): CheckpointFiles {
  const name = (p: string) => displayName(vscode.Uri.parse(p));
  const readWhole = async (p: string, limit: number): Promise<Uint8Array | null> => {
    const uri = vscode.Uri.parse(p);
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      // FileType.File (possibly with the SymbolicLink bit): a FIFO or device is Unknown, a folder Directory.
      if ((stat.type & vscode.FileType.File) === 0) {
        const kind = stat.type & vscode.FileType.Directory ? 'a folder' : 'not a regular file';
        throw new CoreError('file/not-regular', messages.notRegular(name(p), kind));
      }
      if (stat.size > limit) {
        throw new CoreError('file/too-large', messages.fileTooLarge(name(p), stat.size, Math.round(limit / 1e6)));
      }
      return await vscode.workspace.fs.readFile(uri);
    } catch (e) {
      if (isMissing(e)) return null;
      if (e instanceof CoreError) throw e;
      throw new CoreError('safetensors/io', messages.io(name(p), e instanceof Error ? e.message : String(e)));
    }
  };
  return {
    async openReader(p): Promise<RangedReader | null> {
      const bytes = await readWhole(p, maxBytes);
      return bytes === null ? null : memoryReader(name(p), bytes);
    },
    async readText(p) {
      const bytes = await readWhole(p, MAX_INDEX_BYTES);
      return bytes === null ? null : new TextDecoder().decode(bytes);
    },
    async listSiblings(p) {
      try {
        const dir = vscode.Uri.joinPath(vscode.Uri.parse(p), '..');
        return (await vscode.workspace.fs.readDirectory(dir)).map(([n]) => n);
      } catch {
        return [];
      }
    },
    resolveSibling: (p, relative) => vscode.Uri.joinPath(vscode.Uri.parse(p), '..', ...relative.split('/')).toString(),
    baseName: (p) => posix.basename(vscode.Uri.parse(p).path),
    displayName: name,
  };
}

export function hostFilesFor(uri: vscode.Uri): HostFiles {
  if (uri.scheme === 'file') {
    return { files: nodeCheckpointFiles((p) => displayName(vscode.Uri.file(p))), path: uri.fsPath };
  }
  return { files: vscodeFiles(settings().maxWholeFileReadMB * 1e6), path: uri.toString() };
}

/** The URI of a path produced by `hostFilesFor(uri).files` (for watchers). */
export function uriOfPath(like: vscode.Uri, p: string): vscode.Uri {
  return like.scheme === 'file' ? vscode.Uri.file(p) : vscode.Uri.parse(p);
}
