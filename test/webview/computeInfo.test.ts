// The analysis page says where a result was computed: the backend, the GPU adapter, that it ran
// in the extension host, and the backends skipped with why.
import { describe, expect, it } from 'vitest';
import { computeInfo, placeText } from '../../src/webview/analysis/computeInfo';
import type { AnalysisReport } from '../../src/core/analysis/report';

describe('where the analysis ran, in words', () => {
  it('names the backend, the adapter, the extension host and the skipped backends', () => {
    expect(
      placeText({
        where: 'extension-host',
        backend: { name: 'wasm', skipped: [{ name: 'webgpu', reason: 'no GPU adapter' }] },
        kernel: 'tfjs-wasm',
      }),
    ).toBe('wasm in the extension host; skipped webgpu: no GPU adapter');
    expect(
      placeText({
        where: 'extension-host',
        backend: {
          name: 'webgpu',
          skipped: [],
          adapter: {
            vendor: 'nvidia',
            architecture: 'hopper',
            device: 'NVIDIA H200',
            description: '',
            software: false,
          },
        },
        kernel: 'tfjs-webgpu',
      }),
    ).toBe('webgpu on nvidia hopper (NVIDIA H200) in the extension host');
    expect(placeText({ where: 'extension-host', backend: null, kernel: 'float64' })).toBe('in the extension host');
  });

  it('makes one sentence with the time, the kernel and the place', () => {
    const r = { ms: 1234, kernel: 'float64' } as AnalysisReport;
    const place = { where: 'extension-host', backend: { name: 'wasm', skipped: [] }, kernel: 'float64' } as const;
    expect(computeInfo(r, false, place)).toBe(
      'Computed in 1.23 s with the exact float64 kernel (small matrix), wasm in the extension host.',
    );
    expect(computeInfo({ ...r, kernel: 'tfjs-wasm' }, true, place)).toBe(
      'From the cache; computed in 1.23 s with tfjs-wasm, wasm in the extension host.',
    );
  });
});
