// WebGPU in Node through Dawn (the `webgpu` npm package's dawn.node, the WebGPU implementation
// inside Chromium). TF.js's WebGPU backend registers itself only when `navigator.gpu` exists as
// its module is evaluated, which never holds in Node; so this module loads Dawn, asks it for an
// adapter, and registers the backend itself with that adapter (../../docs: gpu-notes.md).

import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { SOFTWARE_GPU, type GpuAdapterInfo } from '../core/compute/backend';

/** The parts of a GPUAdapter this module uses (dawn.node implements the full interface). */
interface DawnAdapter {
  readonly info?: Partial<GpuAdapterInfo> & { readonly isFallbackAdapter?: boolean };
  readonly isFallbackAdapter?: boolean;
  readonly features: ReadonlySet<string>;
  readonly limits: Record<string, number>;
  requestDevice(descriptor: object): Promise<DawnDevice>;
}

export interface DawnDevice {
  readonly limits: Readonly<Record<string, number>>;
  readonly lost: Promise<{ readonly reason: string; readonly message: string }>;
  destroy(): void;
}

interface DawnModule {
  create(flags: string[]): { requestAdapter(options?: object): Promise<DawnAdapter | null> };
  globals: Record<string, unknown>;
}

export type DawnLoad =
  | { readonly ok: true; readonly adapter: GpuAdapterInfo; readonly dawnPath: string }
  | { readonly ok: false; readonly reason: string };

/** The folder name dawn.node ships under, per platform (the webgpu package's layout). */
export const dawnPlatform = (): string =>
  process.platform === 'darwin' ? 'darwin-universal' : `${process.platform}-${process.arch}`;

// Node's own `require`, out of esbuild's sight: dawn.node is a native addon found at run time.
const nodeRequire = createRequire(typeof __filename === 'string' ? __filename : path.join(process.cwd(), 'x.js'));

/**
 * The folder a platform-specific VSIX carries dawn.node in: VS Code's target name (linux-x64,
 * darwin-arm64, win32-x64, …), as scripts/package.mjs lays it out.
 */
export const vsixTarget = (): string => `${process.platform}-${process.arch}`;

/** Where dawn.node may be: the explicit path, next to the bundle (packaged), the webgpu package. */
function candidates(explicit: string | null, bundleDir: string): string[] {
  if (explicit !== null) return [explicit];
  const list = [path.join(bundleDir, 'dawn', vsixTarget(), 'dawn.node')];
  try {
    list.push(path.join(path.dirname(nodeRequire.resolve('webgpu/package.json')), 'dist', dawnPlatform(), 'dawn.node'));
  } catch {
    // The webgpu package is not installed (a universal VSIX, a CLI without it): WASM it is.
  }
  return list;
}

function adapterInfo(adapter: DawnAdapter): GpuAdapterInfo {
  const info = adapter.info ?? {};
  const text = (k: keyof GpuAdapterInfo) => String(info[k] ?? '');
  const all = [text('vendor'), text('architecture'), text('device'), text('description')].join(' ');
  return {
    vendor: text('vendor'),
    architecture: text('architecture'),
    device: text('device'),
    description: text('description'),
    software: info.isFallbackAdapter === true || adapter.isFallbackAdapter === true || SOFTWARE_GPU.test(all),
  };
}

/** The device of the current `webgpu` backend, so that faults (lost device) can be named and tested. */
let currentDevice: DawnDevice | null = null;
let lostReason: string | null = null;

export const webgpuDevice = (): DawnDevice | null => currentDevice;
/** Why the device was lost, or null while it is fine. */
export const webgpuLost = (): string | null => lostReason;

/**
 * On Linux, a GPU shows up as a device node (/dev/dri/renderD* for Mesa/AMD/Intel, /dev/nvidia*
 * for NVIDIA's driver). Without one, loading Dawn only makes the Vulkan loader print warnings on
 * stderr before finding nothing, so it is skipped, unless a Vulkan driver is named explicitly
 * (VK_ICD_FILENAMES / VK_DRIVER_FILES: SwiftShader in the tests).
 */
function noGpuDevice(): string | null {
  if (process.platform !== 'linux' || process.env['VK_ICD_FILENAMES'] || process.env['VK_DRIVER_FILES']) return null;
  const has = (dir: string, prefix: string) => {
    try {
      return readdirSync(dir).some((f) => f.startsWith(prefix));
    } catch {
      return false;
    }
  };
  return has('/dev/dri', 'renderD') || has('/dev', 'nvidia')
    ? null
    : 'no GPU on this machine (no /dev/dri/renderD* or /dev/nvidia*)';
}

/**
 * Loads Dawn and registers TF.js's `webgpu` backend on its high-performance adapter. Never throws:
 * a missing addon, a missing driver or a refused adapter come back as the reason to report.
 */
export async function loadDawn(explicit: string | null, bundleDir: string): Promise<DawnLoad> {
  const noGpu = noGpuDevice();
  if (noGpu !== null) return { ok: false, reason: noGpu };
  const tried = candidates(explicit, bundleDir);
  const file = tried.find((f) => existsSync(f));
  if (file === undefined) return { ok: false, reason: `no Dawn (dawn.node) for ${dawnPlatform()} in this install` };
  let dawn: DawnModule;
  try {
    dawn = nodeRequire(file) as DawnModule;
  } catch (e) {
    return { ok: false, reason: `Dawn (${file}) failed to load: ${e instanceof Error ? e.message : String(e)}` };
  }
  // TF.js's backend reads GPUBufferUsage, GPUMapMode… as globals and checks `navigator.gpu`.
  const gpu = dawn.create([]);
  for (const [k, v] of Object.entries(dawn.globals)) {
    if (!(k in globalThis)) Object.defineProperty(globalThis, k, { value: v, configurable: true, writable: true });
  }
  const g = globalThis as { navigator?: object };
  if (g.navigator === undefined) {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  } else {
    Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  }
  let adapter: DawnAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    return { ok: false, reason: `Dawn found no usable GPU: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (adapter === null) {
    return { ok: false, reason: 'Dawn found no GPU adapter (no Vulkan, Metal or D3D12 driver that it accepts)' };
  }
  const info = adapterInfo(adapter);
  const chosen = adapter;
  if (tf.findBackendFactory('webgpu') !== null) tf.removeBackend('webgpu');
  tf.registerBackend(
    'webgpu',
    async () => {
      // The limits TF.js asks for in the browser (tfjs-backend-webgpu's base.ts): the adapter's own.
      const l = chosen.limits;
      const device = await chosen.requestDevice({
        requiredFeatures: chosen.features.has('timestamp-query') ? ['timestamp-query'] : [],
        requiredLimits: {
          maxComputeWorkgroupStorageSize: l['maxComputeWorkgroupStorageSize'],
          maxComputeWorkgroupsPerDimension: l['maxComputeWorkgroupsPerDimension'],
          maxStorageBufferBindingSize: l['maxStorageBufferBindingSize'],
          maxBufferSize: l['maxBufferSize'],
          maxComputeWorkgroupSizeX: l['maxComputeWorkgroupSizeX'],
          maxComputeInvocationsPerWorkgroup: l['maxComputeInvocationsPerWorkgroup'],
        },
      });
      currentDevice = device;
      lostReason = null;
      void device.lost.then((lost) => {
        lostReason = `${lost.reason}${lost.message ? `: ${lost.message}` : ''}`;
      });
      return new WebGPUBackend(device as never, chosen.info as never);
    },
    3,
  );
  return { ok: true, adapter: info, dawnPath: file };
}
