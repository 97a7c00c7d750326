// Test page script (bundled by esbuild's "testPages" target): the real WorkerClient, started
// exactly as in a webview, exposed to Playwright as window.probe(backend).
import { WorkerClient } from '../../src/webview/workerClient';
import type { BackendPreference } from '../../src/core/compute/backend';
import type { RunSpec } from '../../src/core/config/sweep';
import { featureFrequencies } from '../../src/core/toy/distributions';

const init = JSON.parse(document.body.dataset['init'] ?? '{}') as {
  workerUrl: string;
  wasmUrls: Record<string, string>;
};
const client = new WorkerClient({ workerUrl: init.workerUrl, wasmUrls: init.wasmUrls });
const violations: string[] = [];
document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.violatedDirective} ${e.blockedURI}`));

Object.assign(window, {
  violations,
  async probe(backend: BackendPreference) {
    let started: string | undefined;
    const { result } = await client.run({ kind: 'probe' }, backend, { onStarted: (b) => (started = b) });
    const done = await result; // before reading `started`: it is set while the job runs
    return { started, result: done };
  },
  /** Streams a seeded random n×m F32 matrix in blocks of `blockRows`, as the host does, and analyses it. */
  async analyze(backend: BackendPreference, seed: number, n: number, m: number, blockRows: number) {
    let started: { backend: string; kernel: string } | undefined;
    let blocksDone = 0;
    const partials: { rows: number; total: number; half: number; bins: number }[] = [];
    const { jobId, result } = await client.run(
      {
        kind: 'analyze',
        layout: { n, m, transpose: false, dtype: 'F32' },
        settings: { pairBudget: 2e9, sampleRows: 2048, seed: 0, heatmapMaxRows: 100 },
      },
      backend,
      {
        onStarted: (b, kernel) => (started = { backend: b, kernel }),
        onBlockDone: () => blocksDone++,
        onPartial: (norms, total) =>
          partials.push({ rows: norms.rows, total, half: norms.half, bins: norms.histogram.counts.length }),
      },
    );
    let s = seed >>> 0;
    const all = Float32Array.from({ length: n * m }, () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 2 ** 32 - 0.5;
    });
    for (let start = 0, index = 0; start < n; start += blockRows, index++) {
      const rows = Math.min(blockRows, n - start);
      client.sendBlock(jobId, index, rows, all.slice(start * m, (start + rows) * m).buffer);
    }
    client.endBlocks(jobId);
    const done = await result;
    if (done.kind !== 'analyze') throw new Error('unexpected result');
    return {
      started,
      blocksDone,
      partials,
      analysis: done.analysis,
      gramLength: done.gram === null ? 0 : done.gram.byteLength / 4,
    };
  },
});
Object.assign(window, {
  /**
   * Trains one run in the worker; the page cancels it once `cancelAfter` steps are reported or
   * `cancelAfterMs` have passed, whichever is given.
   */
  async train(backend: BackendPreference, spec: RunSpec, cancelAfter?: number, cancelAfterMs?: number) {
    const f = featureFrequencies({
      distribution: spec.values.distribution,
      n: spec.n,
      exponent: spec.values.exponent ?? 0,
      scale: spec.scale,
      density: spec.values.density,
    });
    const progress: { step: number; mse: number }[] = [];
    let started: string | undefined;
    const t0 = performance.now();
    const { jobId, result } = await client.run(
      {
        kind: 'train',
        spec,
        frequencies: { p: Array.from(f.p), capped: f.capped, effectiveDensity: f.effectiveDensity },
      },
      backend,
      {
        onStarted: (b) => (started = b),
        onTrainProgress: (step, mse) => {
          progress.push({ step, mse });
          if (cancelAfter !== undefined && step >= cancelAfter) client.cancel(jobId);
        },
      },
    );
    if (cancelAfterMs !== undefined) setTimeout(() => client.cancel(jobId), cancelAfterMs);
    try {
      const done = await result;
      if (done.kind !== 'train') throw new Error('unexpected result');
      return {
        started,
        progress,
        result: done.result,
        wLength: done.W.byteLength / 4,
        bLength: done.b.byteLength / 4,
        wallMs: performance.now() - t0,
      };
    } catch (e) {
      return { started, progress, error: (e as { wire?: unknown }).wire ?? String(e) };
    }
  },
});
document.body.dataset['ready'] = 'true';
