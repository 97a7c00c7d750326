// From "analyse this file (or this tensor)" to an AnalysisSubject the panel can run: open the
// checkpoint's headers, pick the matrix (LM head by default), check it is a decodable 2-D
// matrix, and keep what reading its row blocks later needs.

import * as vscode from 'vscode';
import { openCheckpoint } from '../../core/safetensors/open';
import { findLmHead } from '../../core/analysis/lmHead';
import { matrixLayout, readRowBlockBytes } from '../../core/analysis/rowBlocks';
import type { SafetensorsHeader, TensorEntry } from '../../core/safetensors/header';
import { CoreError, messages } from '../../core/errors';
import type { AnalysisSubject } from '../../shared/analysisProtocol';
import { hostFilesFor, uriOfPath } from '../files';

export interface SubjectRequest {
  readonly uri: vscode.Uri;
  readonly tensor?: string;
  readonly transpose?: boolean;
}

/** A subject plus the host-side means to read it. */
export interface ResolvedSubject {
  readonly subject: AnalysisSubject;
  /** The file holding the tensor (a shard for sharded models). */
  readonly fileUri: vscode.Uri;
  /** Size and modification time when resolved: part of the cache key. */
  readonly size: number;
  readonly mtime: number;
  readBlock(start: number, rows: number): Promise<ArrayBuffer>;
  /** What was asked for: to open the same tensor transposed. */
  readonly request: SubjectRequest;
}

export function subjectId(uri: vscode.Uri, tensor: string, transpose: boolean): string {
  return `${uri.toString()}#${tensor}${transpose ? '#T' : ''}`;
}

/** An ArrayBuffer holding exactly `bytes` (VS Code transfers ArrayBuffers, not views). */
function exactBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? (bytes.buffer as ArrayBuffer)
    : (bytes.slice().buffer as ArrayBuffer);
}

export async function resolveSubject(request: SubjectRequest): Promise<ResolvedSubject> {
  const { files, path } = hostFilesFor(request.uri);
  const opened = await openCheckpoint(files, path);
  const choice = findLmHead(opened.model, request.tensor);
  const tensor: TensorEntry = choice.tensor;
  const shard = choice.tensor.shard;
  const header: SafetensorsHeader = opened.headers[shard]!;
  const shardPath = opened.shardPaths[shard]!;
  const transpose = request.transpose ?? false;
  const layout = matrixLayout(files.displayName(shardPath), tensor, transpose);
  const fileUri = uriOfPath(request.uri, shardPath);
  const stat = await vscode.workspace.fs.stat(fileUri);
  return {
    subject: {
      id: subjectId(request.uri, tensor.name, transpose),
      file: files.displayName(path),
      tensor: tensor.name,
      tensorChoice: choice.reason,
      layout,
      transposeHint: transpose ? null : choice.transposeHint,
    },
    fileUri,
    size: stat.size,
    mtime: stat.mtime,
    request: { uri: request.uri, tensor: tensor.name, transpose },
    async readBlock(start, rows) {
      const reader = await files.openReader(shardPath);
      if (reader === null) throw new CoreError('file/not-found', messages.notFound(files.displayName(shardPath)));
      if (reader.size !== header.fileSize) throw new CoreError('safetensors/changed', messages.changed(reader.name));
      return exactBuffer(await readRowBlockBytes(reader, header, tensor, layout, start, rows));
    },
  };
}
