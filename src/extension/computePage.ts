// Loads a panel page that runs the compute worker (the analysis and experiment panels): the
// webview may read only dist/ and media/, its HTML is the strict-CSP shell, and the page gets
// the URLs of the worker bundle and of the WASM binaries it hands to the worker.

import * as vscode from 'vscode';
import { makeNonce, webviewHtml } from './webviewHtml';

export interface ComputePageUrls {
  readonly workerUrl: string;
  readonly wasmUrls: Readonly<Record<string, string>>;
}

/**
 * Sets `panel`'s HTML to the page `dist/webview/<page>.js` with media/base.css and
 * media/<style>.css for each of `styles` (default: the page's own).
 */
export function loadComputePage(
  panel: vscode.WebviewPanel,
  extensionUri: vscode.Uri,
  page: 'analysis' | 'experiment' | 'preview',
  init: (urls: ComputePageUrls) => unknown,
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
    init: init({
      workerUrl: asUri('dist', 'worker.js'),
      wasmUrls: {
        'tfjs-backend-wasm.wasm': asUri('dist', 'tfjs-backend-wasm.wasm'),
        'tfjs-backend-wasm-simd.wasm': asUri('dist', 'tfjs-backend-wasm-simd.wasm'),
      },
    }),
  });
}
