// One sentence for where compute ran, shared by the CLI's stderr, the extension's log and panels:
// "webgpu on nvidia hopper (NVIDIA H200, …)" or "wasm; skipped webgpu: no GPU adapter …".

import type { BackendReport, GpuAdapterInfo } from './backend';

/** "nvidia hopper (NVIDIA H200, driver 570.1)" and the like. */
export function describeAdapter(a: GpuAdapterInfo): string {
  const name = [a.vendor, a.architecture].filter(Boolean).join(' ') || 'unknown adapter';
  const detail = [a.device, a.description].filter(Boolean).join(', ');
  return detail === '' ? name : `${name} (${detail})`;
}

export function describeBackend(b: BackendReport): string {
  const adapter = b.adapter === undefined ? '' : ` on ${describeAdapter(b.adapter)}`;
  const skipped =
    b.skipped.length === 0 ? '' : `; skipped ${b.skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`;
  return `${b.name}${adapter}${skipped}`;
}
