// The one place that chooses a TensorFlow.js backend. Entry points import the backend packages
// they ship (the worker: WebGPU, WebGL, CPU; the CLI: CPU) for their side effect of registering;
// this module only asks TF.js which of them work here, in the order of preference.
//
// Everything we compute is float32. TF.js's WebGL backend silently falls back to half-precision
// textures on GPUs that cannot render to float32 (WEBGL_RENDER_FLOAT32_CAPABLE false); the paper
// notes that FP16 changes results, so such a backend is refused, with the reason reported.

import * as tf from '@tensorflow/tfjs-core';
import { CoreError } from '../errors';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export type BackendPreference = 'auto' | BackendName;

/** Fastest first. */
export const BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/** Names of CPU emulations of a GPU, as drivers and adapters report them. */
export const SOFTWARE_GPU = /swiftshader|llvmpipe|lavapipe|softpipe|software|microsoft basic render/i;

/** What a WebGPU adapter says about itself (GPUAdapterInfo), for reports and panels. */
export interface GpuAdapterInfo {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  /** A CPU emulation (SwiftShader, lavapipe, llvmpipe, a fallback adapter). */
  readonly software: boolean;
}

export interface BackendReport {
  readonly name: BackendName;
  /** Backends tried before this one, and why each was not used. */
  readonly skipped: readonly { readonly name: BackendName; readonly reason: string }[];
  /** The GPU adapter behind `webgpu`, when the host could read it (the Node worker does). */
  readonly adapter?: GpuAdapterInfo;
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

/**
 * Says why a GPU backend is a software emulation (SwiftShader, llvmpipe, a fallback adapter), or
 * null for real hardware. Such a "GPU" runs on the CPU and is far slower than WebAssembly
 * (measured in the browser tests: a training step ~40× slower on SwiftShader WebGPU), so `auto`
 * tries it only after WASM. Pages and workers supply it; the core has no DOM to look with.
 */
export type SoftwareGpuCheck = (name: 'webgpu' | 'webgl') => Promise<string | null>;

/** The `auto` order once software GPUs are known: hardware GPUs, WASM, software GPUs, CPU. */
async function autoOrder(
  check: SoftwareGpuCheck | undefined,
  skipped: { name: BackendName; reason: string }[],
): Promise<BackendName[]> {
  if (check === undefined) return [...BACKEND_ORDER];
  const hardware: BackendName[] = [];
  const software: BackendName[] = [];
  for (const name of ['webgpu', 'webgl'] as const) {
    const why = await check(name).catch(() => null);
    if (why === null) hardware.push(name);
    else {
      software.push(name);
      skipped.push({ name, reason: `${why}: slower than WebAssembly, tried after it` });
    }
  }
  return [...hardware, 'wasm', ...software, 'cpu'];
}

export async function selectBackend(
  preference: BackendPreference,
  softwareGpu?: SoftwareGpuCheck,
): Promise<BackendReport> {
  const deferred: { name: BackendName; reason: string }[] = [];
  // A named GPU backend that fails falls back to WASM (far faster than TF.js's plain-JS CPU
  // backend), then to the CPU, which always works.
  const candidates: readonly BackendName[] =
    preference === 'auto'
      ? await autoOrder(softwareGpu, deferred)
      : preference === 'cpu' || preference === 'wasm'
        ? [...new Set<BackendName>([preference, 'cpu'])]
        : [preference, 'wasm', 'cpu'];
  const skipped: { name: BackendName; reason: string }[] = [];
  for (const name of candidates) {
    const late = deferred.find((d) => d.name === name);
    if (late) {
      // Reached only when WASM did not work: the software GPU is the best left.
      deferred.splice(deferred.indexOf(late), 1);
    }
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
      return { name, skipped: [...skipped, ...deferred] };
    } catch (e) {
      skipped.push({ name, reason: e instanceof Error ? e.message : String(e) });
    }
  }
  throw new CoreError(
    'compute/no-backend',
    `No compute backend works here: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}.`,
  );
}
