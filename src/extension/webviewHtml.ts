// The HTML shell of every webview: a strict Content-Security-Policy (the page's module with this
// page's nonce and the extension's own chunks, no eval, no WebAssembly, no workers, no network;
// styles from the extension; images from the extension or data:/blob: for chart exports), the
// page's init data as a JSON attribute
// (escaped, never interpolated into script), one stylesheet and one script bundle.
// Pure: takes strings, returns a string, so it is unit-tested without VS Code.

export interface WebviewHtmlOptions {
  readonly title: string;
  /** `webview.cspSource` */
  readonly cspSource: string;
  readonly nonce: string;
  readonly scriptUri: string;
  readonly styleUris: readonly string[];
  /** Serialised into `data-init` on <body>. */
  readonly init: unknown;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    // The page is an ES module (nonce); the chunks it imports come from the extension's dist/.
    `script-src 'nonce-${nonce}' ${cspSource}`,
    // Vega sets inline styles on chart elements; no scripts can come in this way.
    `style-src ${cspSource} 'unsafe-inline'`,
    `img-src ${cspSource} data: blob:`,
    `font-src ${cspSource}`,
  ].join('; ');
}

export function webviewHtml(o: WebviewHtmlOptions): string {
  const styles = o.styleUris.map((u) => `<link rel="stylesheet" href="${escapeHtml(u)}">`).join('\n    ');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(o.cspSource, o.nonce))}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    ${styles}
    <title>${escapeHtml(o.title)}</title>
  </head>
  <body data-init="${escapeHtml(JSON.stringify(o.init))}">
    <div id="app" role="main" aria-busy="true"><p class="loading">Reading header…</p></div>
    <script type="module" nonce="${o.nonce}" src="${escapeHtml(o.scriptUri)}"></script>
  </body>
</html>`;
}

/** 32 random alphanumerics; `crypto.getRandomValues` exists in Node ≥ 19 and every browser. */
export function makeNonce(): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => chars[b % chars.length]).join('');
}
