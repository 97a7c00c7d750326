// Loads a panel's page (analysis, experiment, preview): the webview may read only dist/ and
// media/, its HTML is the strict-CSP shell, and the page gets its init data. Pages only draw and
// send commands; compute runs in the extension host (src/extension/compute/hostCompute.ts).

import * as vscode from 'vscode';
import { makeNonce, webviewHtml } from './webviewHtml';

/**
 * Sets `panel`'s HTML to the page `dist/webview/<page>.js` with media/base.css and
 * media/<style>.css for each of `styles` (default: the page's own).
 */
export function loadPanelPage(
  panel: vscode.WebviewPanel,
  extensionUri: vscode.Uri,
  page: 'analysis' | 'experiment' | 'preview',
  init: unknown,
  styles: readonly string[] = [page],
): void {
  const webview = panel.webview;
  const dist = vscode.Uri.joinPath(extensionUri, 'dist');
  const media = vscode.Uri.joinPath(extensionUri, 'media');
  webview.options = { enableScripts: true, localResourceRoots: [dist, media] };
  const asUri = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...p)).toString();
  webview.html = webviewHtml({
    title: panel.title,
    cspSource: webview.cspSource,
    nonce: makeNonce(),
    scriptUri: asUri('dist', 'webview', `${page}.js`),
    styleUris: [asUri('media', 'base.css'), ...styles.map((name) => asUri('media', `${name}.css`))],
    init,
  });
}
