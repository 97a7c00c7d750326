// The one place that chooses a TensorFlow.js backend. Entry points import the backend packages
// they ship (the worker: WebGPU, WebGL, CPU; the CLI: CPU) for their side effect of registering;
// this module only asks TF.js which of them work here, in the order of preference.
//
// Everything we compute is float32. TF.js's WebGL backend silently falls back to half-precision
// textures on GPUs that cannot render to float32 (WEBGL_RENDER_FLOAT32_CAPABLE false); the paper
// notes that FP16 changes results, so such a backend is refused, with the reason reported.

import * as tf from '@tensorflow/tfjs-core';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export type BackendPreference = 'auto' | BackendName;

/** Fastest first. */
export const BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export interface BackendReport {
  readonly name: BackendName;
  /** Backends tried before this one, and why each was not used. */
  readonly skipped: readonly { readonly name: BackendName; readonly reason: string }[];
}

/** Why a backend that initialised cannot be used, or null when it is fine. */
function float32Problem(name: BackendName): string | null {
  if (
    name === 'webgl' &&
    (!tf.env().getBool('WEBGL_RENDER_FLOAT32_CAPABLE') || tf.env().getBool('WEBGL_FORCE_F16_TEXTURES'))
  ) {
    return 'this GPU cannot render float32 textures, so WebGL would compute in float16';
  }
  return null;
}

export async function selectBackend(preference: BackendPreference): Promise<BackendReport> {
  // A named backend that fails falls back to the CPU, which always works.
  const candidates: readonly BackendName[] =
    preference === 'auto' ? BACKEND_ORDER : preference === 'cpu' ? ['cpu'] : [preference, 'cpu'];
  const skipped: { name: BackendName; reason: string }[] = [];
  for (const name of candidates) {
    if (tf.findBackendFactory(name) === null) {
      skipped.push({ name, reason: 'not included in this build' });
      continue;
    }
    try {
      const ok = await tf.setBackend(name);
      if (!ok) {
        skipped.push({ name, reason: 'failed to initialise' });
        continue;
      }
      await tf.ready();
      const problem = float32Problem(name);
      if (problem !== null) {
        skipped.push({ name, reason: problem });
        continue;
      }
      return { name, skipped };
    } catch (e) {
      skipped.push({ name, reason: e instanceof Error ? e.message : String(e) });
    }
  }
  throw new Error(`No TensorFlow.js backend works here: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`);
}
