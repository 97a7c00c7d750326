// From "analyse this file (or this tensor)" to an AnalysisSubject the panel can run: open the
// checkpoint's headers, pick the matrix (LM head by default), check it is a decodable 2-D
// matrix, and keep what the compute worker needs to open it again (a local path).

import * as vscode from 'vscode';
import { openCheckpoint } from '../../core/safetensors/open';
import { findLmHead } from '../../core/analysis/lmHead';
import { matrixLayout } from '../../core/analysis/rowBlocks';
import type { TensorEntry } from '../../core/safetensors/header';
import type { AnalysisSubject } from '../../shared/analysisProtocol';
import { hostFilesFor, uriOfPath } from '../files';

export interface SubjectRequest {
  readonly uri: vscode.Uri;
  readonly tensor?: string;
  readonly transpose?: boolean;
}

/** A subject plus what running and caching it needs. */
export interface ResolvedSubject {
  readonly subject: AnalysisSubject;
  /** The file holding the tensor (a shard for sharded models). */
  readonly fileUri: vscode.Uri;
  /** Size and modification time when resolved: part of the cache key. */
  readonly size: number;
  readonly mtime: number;
  /**
   * The checkpoint (or index) as a path on the extension host's disk, which the compute worker
   * opens itself; null for other file systems (virtual workspaces), which it cannot read.
   */
  readonly localPath: string | null;
  /** The tensor by name (to open it transposed), the file and orientation. */
  readonly request: SubjectRequest;
  /** The tensor as asked for; null when the LM head was chosen (a restored panel chooses again). */
  readonly askedTensor: string | null;
}

export function subjectId(uri: vscode.Uri, tensor: string, transpose: boolean): string {
  return `${uri.toString()}#${tensor}${transpose ? '#T' : ''}`;
}

export async function resolveSubject(request: SubjectRequest): Promise<ResolvedSubject> {
  const { files, path } = hostFilesFor(request.uri);
  const opened = await openCheckpoint(files, path);
  const choice = findLmHead(opened.model, request.tensor);
  const tensor: TensorEntry = choice.tensor;
  const shard = choice.tensor.shard;
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
    localPath: request.uri.scheme === 'file' ? request.uri.fsPath : null,
    request: { uri: request.uri, tensor: tensor.name, transpose },
    askedTensor: request.tensor ?? null,
  };
}
