// What ships: each bundle contains only what its runtime may run (the build also checks its
// metafile; this reads the output itself, a second line of defence).
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const dist = (f: string) => readFileSync(path.resolve(__dirname, '../../dist', f), 'utf8');

describe('bundles', () => {
  it('the extension bundle contains no TensorFlow.js and no Vega', () => {
    const ext = dist('extension.js');
    // (File names such as tfjs-backend-wasm.wasm may appear: the panel tells the page where they are.)
    expect(ext).not.toMatch(/registerKernel|registerBackend|@tensorflow\/tfjs-core/);
    expect(ext).not.toMatch(/vega-lite|vega-embed/);
  });

  it('the webview pages share one copy of Vega (a chunk they import) and contain no TensorFlow.js', () => {
    const pages = ['viewer', 'analysis', 'experiment', 'preview'];
    const chunks = readdirSync(path.resolve(__dirname, '../../dist/webview/chunks')).filter((f) => f.endsWith('.js'));
    const withVega = chunks.filter((c) => /expressionInterpreter/.test(dist(`webview/chunks/${c}`)));
    expect(withVega, 'exactly one chunk holds Vega').toHaveLength(1);
    for (const page of pages) {
      const code = dist(`webview/${page}.js`);
      expect(code, page).not.toMatch(/expressionInterpreter/);
      expect(code, page).toMatch(/from\s*"\.\/chunks\/chunk-[A-Z0-9]+\.js"/);
      expect(code, page).not.toMatch(/registerBackend\(["']webgl/);
    }
    // Every chunk a page imports exists (a stale or missing chunk would break the page at load).
    for (const page of pages) {
      for (const m of dist(`webview/${page}.js`).matchAll(/from\s*"\.\/chunks\/([^"]+)"/g)) {
        expect(chunks, `${page} imports ${m[1]}`).toContain(m[1]);
      }
    }
    expect(readFileSync(path.resolve(__dirname, '../../.vscodeignore'), 'utf8')).toMatch(
      /^!dist\/webview\/chunks\/\*\.js$/m,
    );
  });

  it('the CLI bundle has a shebang and no browser packages (Vega only to draw report.html as SVG)', () => {
    const cli = dist('cli.js');
    expect(cli.startsWith('#!/usr/bin/env node')).toBe(true);
    expect(cli).not.toMatch(/tfjs-backend-webgl|vega-embed/);
    // Vega runs headless: no canvas package is ever required (vega-canvas is its browser build).
    expect(cli).not.toMatch(/require\("canvas"\)|import\("canvas"\)/);
  });

  it('the Node compute worker bundle has TF.js WebGPU and WASM, no WebGL or Vega, and ships with the CLI', () => {
    const worker = dist('nodeWorker.js');
    expect(worker).toMatch(/WebGPUBackend|webgpu/);
    expect(worker).not.toMatch(/tfjs-backend-webgl|vega-lite|vega-embed/);
    // dawn.node is a native addon found at run time, never inlined.
    expect(worker).toContain('dawn.node');
    // The extension runs dist/cli.js (Reproduce), which starts dist/nodeWorker.js: both are packaged.
    expect(readFileSync(path.resolve(__dirname, '../../.vscodeignore'), 'utf8')).toMatch(/^!dist\/nodeWorker\.js$/m);
  });
});
