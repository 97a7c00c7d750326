// Analysis results cached on disk under the workspace storage (or the global storage when no
// folder is open), one JSON file per (file, size, mtime, tensor, transpose, settings). A changed
// file has another size or mtime, so it misses the cache. Writes are atomic (temp file + rename).

import * as vscode from 'vscode';
import { createHash } from 'node:crypto';
import type { AnalysisReport } from '../../core/analysis/report';
import type { AnalysisSettings } from '../../shared/workerProtocol';
import type { ResolvedSubject } from './subjects';

/** Bump when the report's meaning changes, so old entries are ignored. */
const CACHE_VERSION = 1;

export class ResultCache {
  constructor(private readonly root: vscode.Uri) {}

  static forContext(context: vscode.ExtensionContext): ResultCache {
    return new ResultCache(vscode.Uri.joinPath(context.storageUri ?? context.globalStorageUri, 'analysis-cache'));
  }

  private key(s: ResolvedSubject, settings: AnalysisSettings): string {
    const parts = {
      v: CACHE_VERSION,
      file: s.fileUri.toString(),
      size: s.size,
      mtime: s.mtime,
      tensor: s.subject.tensor,
      transpose: s.subject.layout.transpose,
      pairBudget: settings.pairBudget,
      sampleRows: settings.sampleRows,
      seed: settings.seed,
    };
    return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
  }

  async get(s: ResolvedSubject, settings: AnalysisSettings): Promise<AnalysisReport | null> {
    try {
      const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(this.root, `${this.key(s, settings)}.json`));
      return (JSON.parse(new TextDecoder().decode(bytes)) as { report: AnalysisReport }).report;
    } catch {
      return null;
    }
  }

  async put(s: ResolvedSubject, settings: AnalysisSettings, report: AnalysisReport): Promise<void> {
    const key = this.key(s, settings);
    const target = vscode.Uri.joinPath(this.root, `${key}.json`);
    const temp = vscode.Uri.joinPath(this.root, `${key}.${Date.now()}.tmp`);
    await vscode.workspace.fs.createDirectory(this.root);
    await vscode.workspace.fs.writeFile(temp, new TextEncoder().encode(JSON.stringify({ key, report })));
    await vscode.workspace.fs.rename(temp, target, { overwrite: true });
  }
}
