import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, escapeHtml, makeNonce, webviewHtml } from '../../src/extension/webviewHtml';

describe('webview HTML', () => {
  const html = webviewHtml({
    title: 'a<b>.safetensors',
    cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
    nonce: 'NONCE123',
    scriptUri: 'https://x/dist/webview/viewer.js',
    styleUris: ['https://x/media/viewer.css'],
    init: { source: '"><script>alert(1)</script>' },
  });

  it("has a strict CSP: the nonce page and the extension's own chunks only; no eval, WASM, workers or fetches", () => {
    const csp = contentSecurityPolicy('https://src', 'N');
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'nonce-N' https://src;");
    expect(csp).not.toMatch(/wasm-unsafe-eval|worker-src|connect-src/);
    expect(csp).not.toMatch(/'unsafe-eval'/);
    expect(csp).not.toMatch(/unsafe-inline'[^;]*script|script-src[^;]*unsafe-inline/);
    expect(html).toContain(`content="default-src 'none'; script-src 'nonce-NONCE123'`.replace(/'/g, '&#39;'));
  });

  it('loads exactly one script, an ES module with the nonce', () => {
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).toContain('<script type="module" nonce="NONCE123" src="https://x/dist/webview/viewer.js"></script>');
  });

  it('escapes the title and the init data so a hostile file name cannot inject markup', () => {
    expect(html).toContain('<title>a&lt;b&gt;.safetensors</title>');
    expect(html).not.toContain('<script>alert(1)</script>');
    const init = /data-init="([^"]*)"/.exec(html)![1]!;
    const decoded = init
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&');
    expect(JSON.parse(decoded)).toEqual({ source: '"><script>alert(1)</script>' });
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });

  it('makes 32-character random nonces', () => {
    const a = makeNonce();
    expect(a).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(makeNonce()).not.toBe(a);
  });
});
