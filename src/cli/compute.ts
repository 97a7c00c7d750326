// TensorFlow.js for the CLI: the WASM backend (XNNPACK with SIMD; ~19 GFLOP/s on one core here,
// against 0.4 for TF.js's plain-JS CPU backend), its .wasm files next to dist/cli.js.

import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
// The CPU backend is the fallback when WASM cannot start (training needs some backend). Its
// Node entry is not in the package's `sideEffects` list, so esbuild would drop this bare import;
// the CLI build sets ignoreAnnotations (esbuild.mjs) to keep it.
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { selectBackend, type BackendReport } from '../core/compute/backend';

let ready: Promise<BackendReport> | undefined;

/** Selects WASM, falling back to TF.js's CPU backend. */
export function initCompute(): Promise<BackendReport> {
  ready ??= (async () => {
    // PROD silences TF.js's console advice ("install tfjs-node"), which would pollute the output.
    tf.env().set('PROD', true);
    setWasmPaths(`${__dirname}${path.sep}`);
    return selectBackend('wasm');
  })();
  return ready;
}
