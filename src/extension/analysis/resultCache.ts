// Analysis results cached on disk under the workspace storage (or the global storage when no
// folder is open), one JSON file per (file, size, mtime, tensor, transpose, settings). A changed
// file has another size or mtime, so it misses the cache. Writes are atomic (temp file + rename).
// Each entry keeps where it was computed (the extension host's worker and its backend).

import * as vscode from 'vscode';
import { createHash } from 'node:crypto';
import type { AnalysisReport } from '../../core/analysis/report';
import type { AnalysisSettings } from '../../shared/computeJobs';
import type { ComputePlace } from '../../shared/analysisProtocol';
import type { ResolvedSubject } from './subjects';

/**
 * Bump when the report's meaning changes, so old entries are ignored. 2: computed in the
 * extension host, with where (version 1 entries came from the webview's worker).
 */
const CACHE_VERSION = 2;

export interface CachedResult {
  readonly report: AnalysisReport;
  readonly place: ComputePlace;
}

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

  async get(s: ResolvedSubject, settings: AnalysisSettings): Promise<CachedResult | null> {
    try {
      const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(this.root, `${this.key(s, settings)}.json`));
      const entry = JSON.parse(new TextDecoder().decode(bytes)) as Partial<CachedResult>;
      return entry.report !== undefined && entry.place !== undefined
        ? { report: entry.report, place: entry.place }
        : null;
    } catch {
      return null;
    }
  }

  async put(s: ResolvedSubject, settings: AnalysisSettings, result: CachedResult): Promise<void> {
    const key = this.key(s, settings);
    const target = vscode.Uri.joinPath(this.root, `${key}.json`);
    const temp = vscode.Uri.joinPath(this.root, `${key}.${Date.now()}.tmp`);
    await vscode.workspace.fs.createDirectory(this.root);
    await vscode.workspace.fs.writeFile(temp, new TextEncoder().encode(JSON.stringify({ key, ...result })));
    await vscode.workspace.fs.rename(temp, target, { overwrite: true });
  }
}
