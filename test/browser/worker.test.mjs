// Browser layer: the real compute-worker bundle (dist/worker.js) in Debian's Chromium, started
// from a Blob URL by the real WorkerClient on a page with the webviews' exact CSP. Each TF.js
// backend (WebGPU and WebGL on SwiftShader here, CPU) must start and compute a float32 matrix
// product within float32 tolerance of a float64 reference. Run: node --import tsx --test test/browser/
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { webviewHtml } from '../../src/extension/webviewHtml.ts';
import { launch, screenshot } from '../e2e/workbench.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TYPES = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html' };
let server;
let browser;
let origin;

before(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(
        webviewHtml({
          title: 'worker test',
          cspSource: origin,
          nonce: 'testnonce0123456789',
          scriptUri: `${origin}/out/browser/workerPage.js`,
          styleUris: [],
          init: { workerUrl: `${origin}/dist/worker.js` },
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
  browser = await launch();
  await browser.page.goto(`${origin}/`);
  await browser.page.locator('body[data-ready="true"]').waitFor({ timeout: 30_000 });
});

after(async () => {
  await browser?.close();
  server?.close();
});

const probe = (backend) => browser.page.evaluate((b) => window.probe(b), backend);

for (const backend of ['cpu', 'webgl', 'webgpu']) {
  test(
    `the ${backend} backend starts in the worker and computes float32 products correctly`,
    { timeout: 120_000 },
    async () => {
      const { started, result } = await probe(backend);
      console.log(`# ${backend}: ${JSON.stringify(result)}`);
      assert.equal(started, backend);
      assert.equal(result.backend.name, backend);
      assert.ok(result.maxAbsError < 1e-4, `max abs error ${result.maxAbsError}`);
    },
  );
}

test('"auto" picks the first backend that works, WebGPU here', { timeout: 120_000 }, async () => {
  const { result } = await probe('auto');
  assert.equal(result.backend.name, 'webgpu');
  assert.deepEqual(result.backend.skipped, []);
});

test('the page and worker ran without Content-Security-Policy violations', async () => {
  await screenshot(browser.page, 'browser-worker-page');
  assert.deepEqual(await browser.page.evaluate(() => window.violations), []);
  assert.deepEqual(
    browser.consoleLines.filter((l) => /Content Security Policy/i.test(l)),
    [],
  );
});
