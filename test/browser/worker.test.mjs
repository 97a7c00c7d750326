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
const TYPES = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html', '.wasm': 'application/wasm' };
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
          init: {
            workerUrl: `${origin}/dist/worker.js`,
            wasmUrls: {
              'tfjs-backend-wasm.wasm': `${origin}/dist/tfjs-backend-wasm.wasm`,
              'tfjs-backend-wasm-simd.wasm': `${origin}/dist/tfjs-backend-wasm-simd.wasm`,
            },
          },
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

for (const backend of ['cpu', 'wasm', 'webgl', 'webgpu']) {
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

// 1200 × 600: n·m² is over the exact kernel's limit, so GPU and WASM backends run the float32
// GEMM kernel while the CPU backend runs the exact float64 one; pairs are exact on all of them.
const N = 1200;
const M = 600;

test('a streamed analysis gives the same answer on every backend', { timeout: 240_000 }, async () => {
  const results = {};
  for (const backend of ['cpu', 'wasm', 'webgl', 'webgpu']) {
    const r = await browser.page.evaluate(([b, n, m]) => window.analyze(b, 3, n, m, 97), [backend, N, M]);
    console.log(
      `# analyze on ${backend}: kernel ${r.started.kernel}, meanSq ${r.analysis.meanSqOverlap}, meanAbs ${r.analysis.meanAbsOverlap}, ${r.analysis.all.method}`,
    );
    assert.equal(r.started.backend, backend);
    assert.equal(r.blocksDone, Math.ceil(N / 97));
    assert.equal(r.analysis.n, N);
    results[backend] = r.analysis;
  }
  // The CPU backend ran the exact float64 kernel; GPU and WASM ran float32 GEMMs.
  assert.equal(results.cpu.kernel, 'float64');
  for (const backend of ['wasm', 'webgl', 'webgpu']) {
    assert.match(results[backend].kernel, new RegExp(`^tfjs-${backend}`));
    const rel = (a, b) => Math.abs(a / b - 1);
    assert.ok(rel(results[backend].meanSqOverlap, results.cpu.meanSqOverlap) < 1e-5, `${backend} meanSq`);
    assert.ok(rel(results[backend].meanAbsOverlap, results.cpu.meanAbsOverlap) < 1e-5, `${backend} meanAbs`);
  }
});

test('the page and worker ran without Content-Security-Policy violations', async () => {
  await screenshot(browser.page, 'browser-worker-page');
  assert.deepEqual(await browser.page.evaluate(() => window.violations), []);
  assert.deepEqual(
    browser.consoleLines.filter((l) => /Content Security Policy/i.test(l)),
    [],
  );
});
