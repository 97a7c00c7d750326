// Browser layer: the toy-model training step on TF.js WebGL and WebGPU (SwiftShader here) in
// Debian's Chromium matches the float64 reference to float32 tolerance, step by step; the Node
// unit tests check CPU and WASM with the same code (test/fixtures/stepCheck.ts).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch } from '../e2e/workbench.mjs';
import { servePage } from './pageServer.mjs';

let server;
let browser;

before(async () => {
  server = await servePage('trainerPage');
  browser = await launch();
  await browser.page.goto(`${server.origin}/`);
  await browser.page.locator('body[data-ready="true"]').waitFor({ timeout: 30_000 });
});

after(async () => {
  await browser?.close();
  server?.close();
});

for (const backend of ['webgl', 'webgpu']) {
  for (const [gamma, mode] of [
    [-1, 'dense'],
    [0.3, 'dense'],
    [-1, 'active'],
    [0.3, 'active'],
  ]) {
    test(
      `the training step on ${backend} matches the float64 reference (γ = ${gamma}, ${mode} path)`,
      { timeout: 120_000 },
      async () => {
        const r = await browser.page.evaluate(([b, g, p]) => window.stepCheck(b, g, p), [backend, gamma, mode]);
        console.log(
          `# ${backend} γ=${gamma} ${mode}: worst MSE error ${Math.max(...r.mseError)}, worst W/b error ${Math.max(...r.paramError)}`,
        );
        assert.equal(r.backend, backend);
        assert.ok(r.float32, 'float32 textures');
        assert.equal(r.paramError.length, 8);
        r.mseError.forEach((e, step) => assert.ok(e < 5e-6, `MSE at step ${step}: ${e}`));
        r.paramError.forEach((e, step) => assert.ok(e < 2e-4, `W, b after step ${step}: ${e}`));
      },
    );
  }
}
