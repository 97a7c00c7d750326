// Browser layer: the real compute-worker bundle (dist/worker.js) in Debian's Chromium, started
// from a Blob URL by the real WorkerClient on a page with the webviews' exact CSP. Each TF.js
// backend (WebGPU and WebGL on SwiftShader here, CPU) must start and compute a float32 matrix
// product within float32 tolerance of a float64 reference. Run: node --import tsx --test test/browser/
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, screenshot } from '../e2e/workbench.mjs';
import { servePage } from './pageServer.mjs';

let server;
let browser;

before(async () => {
  server = await servePage('workerPage');
  browser = await launch();
  await browser.page.goto(`${server.origin}/`);
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

test(
  '"auto" tries software GPUs after WASM: here both are SwiftShader, so WASM, saying why',
  { timeout: 120_000 },
  async () => {
    const { result } = await probe('auto');
    console.log(`# auto: ${JSON.stringify(result.backend)}`);
    assert.equal(result.backend.name, 'wasm');
    const skipped = Object.fromEntries(result.backend.skipped.map((s) => [s.name, s.reason]));
    assert.match(skipped.webgpu, /software WebGPU adapter.*slower than WebAssembly/i);
    assert.match(skipped.webgl, /software WebGL renderer \(.*SwiftShader.*\).*slower than WebAssembly/i);
  },
);

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
    // A first plot's worth of row norms comes after the first block, before the report.
    assert.ok(r.partials.length >= 1, 'partial row norms arrived');
    assert.deepEqual(r.partials[0], { rows: 97, total: N, half: r.partials[0].half, bins: 60 });
    assert.ok(r.partials.every((p) => p.rows < N));
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

/** A small run of the toy model, as expandSweep would make it. */
function runSpec(over = {}) {
  const values = {
    distribution: 'power',
    exponent: 1.2,
    density: 1,
    weightDecay: -1,
    seed: 0,
    width: 16,
    ...over.values,
  };
  return {
    id: `test-m${values.width}`,
    series: 'test',
    values,
    n: 256,
    scale: 400,
    steps: 300,
    batch: 128,
    lr: 'paper-large',
    warmup: 0.05,
    minLrRatio: 0.05,
    lossScale: 100,
    beta1: 0.9,
    beta2: 0.999,
    eps: 1e-8,
    finalWindow: 100,
    curvePoints: 50,
    ...over,
    values,
  };
}

test(
  'a train job runs the same seeded run on every backend, up to float32 rounding',
  { timeout: 300_000 },
  async () => {
    const runs = {};
    for (const backend of ['cpu', 'wasm', 'webgl', 'webgpu']) {
      const r = await browser.page.evaluate(([b, spec]) => window.train(b, spec), [backend, runSpec()]);
      assert.equal(r.error, undefined, JSON.stringify(r.error));
      console.log(
        `# train on ${backend}: ${(r.result.ms / r.result.steps).toFixed(2)} ms/step (n 256, m 16, B 128), final loss ${r.result.finalLoss}, φ½ ${r.result.fracRepresented}`,
      );
      assert.equal(r.started, backend);
      assert.equal(r.result.backend, backend);
      assert.equal(r.wLength, 256 * 16);
      assert.equal(r.bLength, 256);
      assert.equal(r.progress.at(-1).step, 300, 'progress reaches the last step');
      assert.ok(r.progress.length >= 6, `progress every 50 steps, got ${r.progress.length}`);
      assert.equal(r.result.lossCurve.length, 50);
      runs[backend] = r.result;
    }
    // Same data and initial weights everywhere; 300 float32 steps drift only by rounding.
    for (const backend of ['wasm', 'webgl', 'webgpu']) {
      const rel = Math.abs(runs[backend].finalLoss / runs.cpu.finalLoss - 1);
      assert.ok(rel < 0.02, `${backend} final loss ${runs[backend].finalLoss} vs cpu ${runs.cpu.finalLoss}`);
      assert.ok(Math.abs(runs[backend].fracRepresented - runs.cpu.fracRepresented) <= 2 / 256, `${backend} φ½`);
    }
    // And it learned: the loss fell well below its start.
    assert.ok(runs.cpu.finalLoss < 0.7 * runs.cpu.lossCurve[0].loss, 'the loss falls');
  },
);

test('a train job stops at its next sync point when cancelled', { timeout: 120_000 }, async () => {
  for (const backend of ['wasm', 'webgpu']) {
    const spec = runSpec({ steps: 100_000 });
    const t0 = Date.now();
    const r = await browser.page.evaluate(([b, s]) => window.train(b, s, 100), [backend, spec]);
    assert.equal(r.error?.code, 'job/cancelled', JSON.stringify(r.error));
    assert.doesNotMatch(r.error.message, /restarted/, 'the worker stopped by itself');
    assert.ok(r.progress.at(-1).step < 1000, `stopped after ${r.progress.at(-1).step} steps`);
    assert.ok(Date.now() - t0 < 60_000);
    // Progress after the cancel asks again; no stray timer may outlive the job and kill the next
    // one (this once failed the following job 2 s later). The next job runs for 3 s.
    const t1 = Date.now();
    const next = await browser.page.evaluate(([b, s]) => window.train(b, s, undefined, 3000), [backend, spec]);
    assert.equal(next.error?.code, 'job/cancelled');
    assert.doesNotMatch(next.error.message, /restarted/);
    assert.ok(Date.now() - t1 >= 2900, 'the next job ran its 3 s');
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
