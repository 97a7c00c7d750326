// Saving a chart or its data from any panel: the page sends the content (text, or base64
// for PNG); the host asks where to save it, next to the workspace by default, and writes it.

import * as vscode from 'vscode';
import { log } from './log';

const FILTERS: Readonly<Record<'svg' | 'png' | 'csv' | 'json', Record<string, string[]>>> = {
  svg: { 'SVG image': ['svg'] },
  png: { 'PNG image': ['png'] },
  csv: { 'CSV table': ['csv'] },
  json: { JSON: ['json'] },
};

/** Letters, digits, dot, dash and underscore only: the page's suggestion never picks the folder. */
export function safeFileName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '');
  return cleaned.length > 0 ? cleaned.slice(0, 120) : 'export';
}

export async function saveExport(
  fileName: string,
  format: 'svg' | 'png' | 'csv' | 'json',
  content: string,
): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const suggested = safeFileName(fileName);
  const target = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, suggested) : undefined,
    filters: FILTERS[format],
    title: `Save ${format.toUpperCase()}`,
  });
  if (!target) return undefined;
  const bytes = format === 'png' ? Buffer.from(content, 'base64') : new TextEncoder().encode(content);
  await vscode.workspace.fs.writeFile(target, bytes);
  log().info(`Exported ${format.toUpperCase()} to ${target.fsPath}`);
  void vscode.window.showInformationMessage(`Saved ${vscode.workspace.asRelativePath(target)}.`);
  return target;
}
