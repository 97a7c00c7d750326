// A local server for the browser tests: serves a test page (out/browser/<page>.js) inside the
// webviews' exact HTML and CSP, plus dist/ and out/ (the page bundles).
import * as http from 'node:http';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { webviewHtml } from '../../src/extension/webviewHtml.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TYPES = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html', '.wasm': 'application/wasm' };

/** Starts the server; `/` is `page` (a test page bundle name, e.g. "chartsPage"). */
export async function servePage(page) {
  let origin = '';
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(
        webviewHtml({
          title: page,
          cspSource: origin,
          nonce: 'testnonce0123456789',
          scriptUri: `${origin}/out/browser/${page}.js`,
          styleUris: [],
          init: {},
        }),
      );
      return;
    }
    const file = path.join(ROOT, path.normalize(url.pathname));
    if (!file.startsWith(path.join(ROOT, 'dist')) && !file.startsWith(path.join(ROOT, 'out'))) {
      res.writeHead(403).end();
      return;
    }
    fs.readFile(file, (err, data) => {
      if (err) res.writeHead(404).end();
      else res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(data);
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${server.address().port}`;
  return { origin, close: () => server.close() };
}
