// Backend selection in the Node worker: hardware WebGPU through Dawn, then WASM (SIMD), then a
// software WebGPU adapter (SwiftShader and the like: slower than WASM), then TF.js's CPU backend.
// The order itself is the core's (selectBackend); this module supplies what only Node can see:
// Dawn's adapter, and the reason when there is none.

import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { selectBackend, type BackendReport, type SoftwareGpuCheck } from '../core/compute/backend';
import type { NodeWorkerData } from '../shared/nodeWorkerProtocol';
import { loadDawn, type DawnLoad } from './dawn';
import { describeAdapter } from '../core/compute/describeBackend';

export async function selectNodeBackend(data: NodeWorkerData, bundleDir: string): Promise<BackendReport> {
  // PROD silences TF.js's console advice ("install tfjs-node"), which would pollute the output.
  tf.env().set('PROD', true);
  setWasmPaths(`${data.wasmDir}${path.sep}`);
  const wantsGpu = data.backend === 'auto' || data.backend === 'webgpu';
  const dawn: DawnLoad = wantsGpu
    ? await loadDawn(data.dawnPath, bundleDir)
    : { ok: false, reason: `not requested (--backend ${data.backend})` };
  const softwareGpu: SoftwareGpuCheck = async (name) =>
    name === 'webgpu' && dawn.ok && dawn.adapter.software
      ? `software WebGPU adapter (${describeAdapter(dawn.adapter)})`
      : null;
  const chosen = await selectBackend(data.backend, softwareGpu);
  // Say why WebGPU was skipped in Dawn's terms (no dawn.node, no adapter, …).
  const skipped = chosen.skipped.map((s) =>
    s.name === 'webgpu' && !dawn.ok ? { name: s.name, reason: dawn.reason } : s,
  );
  return chosen.name === 'webgpu' && dawn.ok
    ? { name: chosen.name, skipped, adapter: dawn.adapter }
    : { name: chosen.name, skipped };
}
