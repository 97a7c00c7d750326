// Is this "GPU" a software renderer? Chromium without a usable GPU (headless, blocklisted
// drivers, some VMs and remote desktops) still offers WebGPU and WebGL, emulated on the CPU by
// SwiftShader (or Mesa's llvmpipe/lavapipe). Those are much slower than WebAssembly for our
// work, so `auto` uses them only after it (see SoftwareGpuCheck in src/core/compute/backend.ts).

import { SOFTWARE_GPU as SOFTWARE, type SoftwareGpuCheck } from '../core/compute/backend';

interface AdapterInfoLike {
  readonly vendor?: string;
  readonly architecture?: string;
  readonly device?: string;
  readonly description?: string;
  readonly isFallbackAdapter?: boolean;
}

async function webgpuSoftware(): Promise<string | null> {
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (gpu === undefined) return null; // no WebGPU at all: selectBackend will say so
  const adapter = (await gpu.requestAdapter()) as
    (AdapterInfoLike & { info?: AdapterInfoLike; requestAdapterInfo?: () => Promise<AdapterInfoLike> }) | null;
  if (adapter === null) return null;
  const info = adapter.info ?? (await adapter.requestAdapterInfo?.()) ?? {};
  const text = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ');
  if (info.isFallbackAdapter === true || adapter.isFallbackAdapter === true || SOFTWARE.test(text)) {
    return `software WebGPU adapter (${text || 'fallback adapter'})`;
  }
  return null;
}

function webglSoftware(): string | null {
  if (typeof OffscreenCanvas === 'undefined') return null;
  const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
  if (gl === null) return null;
  const debug = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return SOFTWARE.test(renderer) ? `software WebGL renderer (${renderer})` : null;
}

let cache: Promise<{ webgpu: string | null; webgl: string | null }> | undefined;

export const softwareGpuCheck: SoftwareGpuCheck = async (name) => {
  cache ??= (async () => ({
    webgpu: await webgpuSoftware().catch(() => null),
    webgl: (() => {
      try {
        return webglSoftware();
      } catch {
        return null;
      }
    })(),
  }))();
  return (await cache)[name];
};
