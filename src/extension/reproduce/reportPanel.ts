// Shows a reproduction's report.html in a webview beside the editor. The report is a static page
// with no scripts (charts are inline SVG in light and dark versions; the body's vscode-dark /
// vscode-light class picks one), so the webview runs with scripts disabled and no local
// resources: the page's own CSP meta (no script, inline styles, data: images) applies as is.

import * as vscode from 'vscode';
import type { ReproduceMode } from '../../core/reproduce/presets';
import { panelIcon } from '../panelIcon';

const panels = new Map<string, vscode.WebviewPanel>();

export async function showReport(
  report: vscode.Uri,
  mode: ReproduceMode,
  partial: boolean,
  extensionUri: vscode.Uri,
): Promise<void> {
  const html = new TextDecoder().decode(await vscode.workspace.fs.readFile(report));
  const key = report.toString();
  let panel = panels.get(key);
  if (panel) panel.reveal(vscode.ViewColumn.Beside);
  else {
    panel = vscode.window.createWebviewPanel(
      'superpositionLab.report',
      `Paper reproduction (${mode})`,
      vscode.ViewColumn.Beside,
      { enableScripts: false, localResourceRoots: [] },
    );
    panel.iconPath = panelIcon(extensionUri);
    panels.set(key, panel);
    panel.onDidDispose(() => panels.delete(key));
  }
  panel.webview.html = html;
  const choice = await vscode.window.showInformationMessage(
    partial
      ? 'The reproduction was stopped: the report covers the finished runs. Run it again to resume.'
      : `Reproduction (${mode}) finished: report.html and claims.json are in ${vscode.workspace.asRelativePath(vscode.Uri.joinPath(report, '..'))}.`,
    'Open in Browser',
  );
  if (choice === 'Open in Browser') void vscode.env.openExternal(report);
}
