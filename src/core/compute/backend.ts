// The one place that chooses a TensorFlow.js backend. The Node compute worker imports the backend
// packages it ships (WebGPU through Dawn, WASM, CPU) for their side effect of registering; this
// module only asks TF.js which of them work here, in the order of preference. Everything we
// compute is float32.

import * as tf from '@tensorflow/tfjs-core';
import { CoreError } from '../errors';

export type BackendName = 'webgpu' | 'wasm' | 'cpu';
export type BackendPreference = 'auto' | BackendName;

/** Fastest first. */
export const BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'wasm', 'cpu'];

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

/**
 * Says why the WebGPU adapter is a software emulation (SwiftShader, lavapipe, a fallback adapter),
 * or null for real hardware. Such a "GPU" runs on the CPU and is far slower than WebAssembly
 * (SwiftShader: a training step ~40× slower), so `auto` tries it only after WASM. The host
 * supplies it (the Node worker reads Dawn's adapter); the core cannot look.
 */
export type SoftwareGpuCheck = (name: 'webgpu') => Promise<string | null>;

/** The `auto` order once software GPUs are known: hardware GPUs, WASM, software GPUs, CPU. */
async function autoOrder(
  check: SoftwareGpuCheck | undefined,
  skipped: { name: BackendName; reason: string }[],
): Promise<BackendName[]> {
  if (check === undefined) return [...BACKEND_ORDER];
  const hardware: BackendName[] = [];
  const software: BackendName[] = [];
  for (const name of ['webgpu'] as const) {
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
