// One build script, one option object per runtime (see CONTRIBUTING.md, "Build"):
//   extension  src/extension/extension.ts → dist/extension.js      node, cjs, `vscode` external
//   webview    src/webview/{viewer,analysis,experiment,preview}/main.ts → dist/webview/*.js  browser, ES modules
//              sharing chunks (dist/webview/chunks/: Vega and the chart code, loaded once)
//   cli        src/cli/main.ts            → dist/cli.js            node, cjs, shebang
//   nodeWorker src/nodeWorker/worker.ts   → dist/nodeWorker.js     node, cjs (worker_threads; TF.js + Dawn loader)
//   tests      test/integration/*.ts      → out/integration/*.js   node, cjs (mocha suite run inside VS Code)
//   chartPages test/browser/chartsPage.ts → out/browser/*.js      browser, iife (the browser tests' page that
//              draws the webviews' charts with Vega)
// Flags: --watch (rebuild on change), --production (minify, no source maps), --only=a,b (some targets).
// After each build the metafile is checked: TF.js must not leak into the extension or webview
// bundles (compute runs in the Node compute worker), and Vega must not leak into that worker.
import * as esbuild from 'esbuild';
import { readFileSync, readdirSync, mkdirSync, copyFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

const base = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'warning',
  metafile: true,
  target: 'es2022',
  legalComments: 'none',
};

const forbidden = {
  extension: [/node_modules[\\/]@tensorflow/, /node_modules[\\/]vega/],
  webview: [/node_modules[\\/]@tensorflow/],
  // The CLI draws report.html's charts with Vega (SVG only), so vega is allowed there.
  cli: [/node_modules[\\/]@tensorflow[\\/]tfjs-backend-web/],
  nodeWorker: [/node_modules[\\/]vega/],
};

const integrationTests = readdirSync('test/integration')
  .filter((f) => f.endsWith('.ts'))
  .map((f) => path.join('test/integration', f));

const allTargets = {
  extension: {
    ...base,
    entryPoints: ['src/extension/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    external: ['vscode'],
  },
  webview: {
    ...base,
    entryPoints: {
      viewer: 'src/webview/viewer/main.ts',
      analysis: 'src/webview/analysis/main.ts',
      experiment: 'src/webview/experiment/main.ts',
      preview: 'src/webview/preview/main.ts',
    },
    outdir: 'dist/webview',
    platform: 'browser',
    // ES modules with code splitting: Vega and the shared chart code load once, as chunks the four
    // pages import (a page is a <script type="module">), instead of a copy inside each bundle.
    format: 'esm',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
  },
  cli: {
    ...base,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    // TF.js's Node entries (tf-core.node.js, tf-backend-cpu.node.js) are missing from their
    // packages' `sideEffects` lists, so bare imports that register backends would be dropped.
    ignoreAnnotations: true,
    // vega-canvas's Node build tries `await import('canvas')` at the top level, which a CommonJS
    // bundle cannot hold; the browser build finds no canvas in Node and returns null (SVG needs none).
    alias: { 'vega-canvas': './node_modules/vega-canvas/build/vega-canvas.browser.js' },
    banner: { js: '#!/usr/bin/env node' },
    define: { SUPERPOSITION_LAB_VERSION: JSON.stringify(pkg.version) },
  },
  // The Node compute worker (worker_threads) of the CLI and the extension host. dawn.node is
  // loaded at run time from a computed path (src/nodeWorker/dawn.ts), never bundled.
  nodeWorker: {
    ...base,
    entryPoints: ['src/nodeWorker/worker.ts'],
    outfile: 'dist/nodeWorker.js',
    platform: 'node',
    format: 'cjs',
    // As for the CLI: TF.js's Node entries are missing from their packages' `sideEffects` lists.
    ignoreAnnotations: true,
  },
  // The chart-layout page draws with the webviews' Vega code, so it is a page of its own kind.
  chartPages: {
    ...base,
    minify: false,
    entryPoints: ['test/browser/chartsPage.ts'],
    outdir: 'out/browser',
    platform: 'browser',
    format: 'iife',
  },
  tests: {
    ...base,
    minify: false,
    sourcemap: 'inline',
    entryPoints: integrationTests,
    outdir: 'out/integration',
    platform: 'node',
    format: 'cjs',
    // mocha and vscode come from the extension host at run time.
    external: ['vscode', 'mocha'],
  },
};

const targets = Object.fromEntries(Object.entries(allTargets).filter(([name]) => !only || only.includes(name)));
if (only && Object.keys(targets).length !== only.length) {
  throw new Error(`--only: unknown target in ${only.join(',')}; known: ${Object.keys(allTargets).join(', ')}`);
}

function checkImports(name, metafile) {
  const inputs = Object.keys(metafile.inputs);
  for (const pattern of forbidden[name] ?? []) {
    const offender = inputs.find((i) => pattern.test(i));
    if (offender) {
      throw new Error(
        `${name} bundle must not contain ${pattern} (found ${offender}). See CONTRIBUTING.md, "Who may import what".`,
      );
    }
  }
}

function report(name, metafile) {
  const out = Object.entries(metafile.outputs).filter(([f]) => !f.endsWith('.map'));
  const size = out.reduce((s, [, o]) => s + o.bytes, 0);
  console.log(`  ${name.padEnd(10)} ${(size / 1024).toFixed(0).padStart(6)} KiB  ${out.map(([f]) => f).join(', ')}`);
}

/** Prints the [watch] lines that the $esbuild-watch problem matcher looks for. */
const watchPlugin = (name) => ({
  name: 'watch-status',
  setup(build) {
    build.onStart(() => console.log(`[watch] build started (${name})`));
    build.onEnd((result) => {
      for (const e of result.errors) {
        console.error(`✘ [ERROR] ${e.text}\n    ${e.location?.file}:${e.location?.line}:${e.location?.column}:`);
      }
      if (result.metafile) {
        try {
          checkImports(name, result.metafile);
        } catch (err) {
          console.error(`✘ [ERROR] ${err.message}`);
        }
      }
      console.log(`[watch] build finished (${name})`);
    });
  },
});

mkdirSync('dist', { recursive: true });
// Chunk names carry content hashes: old ones would pile up (and be packaged) without this.
if (targets.webview && !watch) rmSync('dist/webview', { recursive: true, force: true });
// The WASM backend's binaries, next to the Node compute worker that loads them from its own folder.
for (const file of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm']) {
  copyFileSync(path.join('node_modules/@tensorflow/tfjs-backend-wasm/dist', file), path.join('dist', file));
}
if (watch) {
  for (const [name, options] of Object.entries(targets)) {
    const ctx = await esbuild.context({ ...options, plugins: [watchPlugin(name)] });
    await ctx.watch();
  }
} else {
  console.log(`esbuild${production ? ' (production)' : ''}:`);
  const results = await Promise.all(
    Object.entries(targets).map(async ([name, options]) => [name, await esbuild.build(options)]),
  );
  for (const [name, result] of results) {
    checkImports(name, result.metafile);
    report(name, result.metafile);
  }
}
