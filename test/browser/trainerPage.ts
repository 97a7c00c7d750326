// Test page script: the toy-model training step (src/core/toy/trainer.ts) on TF.js's WebGL and
// WebGPU backends in the page itself, against the float64 reference, exactly as the Node tests
// do for CPU and WASM (test/fixtures/stepCheck.ts). Exposed to Playwright as window.stepCheck.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { checkStepsAgainstReference } from '../fixtures/stepCheck';

Object.assign(window, {
  async stepCheck(backend: 'webgl' | 'webgpu', gamma: number, mode: 'dense' | 'active') {
    if (!(await tf.setBackend(backend))) throw new Error(`${backend} did not start`);
    await tf.ready();
    return {
      backend: tf.getBackend(),
      float32: backend !== 'webgl' || tf.env().getBool('WEBGL_RENDER_FLOAT32_CAPABLE'),
      ...(await checkStepsAgainstReference(gamma, mode)),
    };
  },
});
document.body.dataset['ready'] = 'true';
