// What the analysis panel asks of the Node compute worker (it runs in the extension host): the
// `analyzeFile` job with the panel's settings returns W Wᵀ for the heatmap (exactly the product of
// the file's rows), posts partial row norms while it reads, and stops with job/cancelled when the
// host cancels it. The panel's own job spec is checked here too.
import { afterAll, describe, expect, it } from 'vitest';
import { CoreError } from '../../src/core/errors';
import type { PartialNorms } from '../../src/core/analysis/superposition';
import type { AnalyzeFileResult } from '../../src/shared/nodeWorkerProtocol';
import { analyzeFileJob, notLocalMessage, progressLabel } from '../../src/extension/analysis/jobSpec';
import { tempDir } from '../fixtures/files';
import { matrixFile, startWorker } from './helpers';

const tmp = tempDir('spl-panel-job-');
const worker = startWorker('wasm');
afterAll(async () => {
  await worker.terminate();
  tmp.cleanup();
});

const settings = { pairBudget: 2e9, sampleRows: 2048, seed: 0, heatmapMaxRows: 2000 };
const subject = (n: number, m: number) => ({
  id: 'x',
  file: 'w.safetensors',
  tensor: 'lm_head.weight',
  tensorChoice: 'named',
  layout: { n, m, transpose: false, dtype: 'F32' as const },
  transposeHint: null,
});

describe('the panel’s analyzeFile job on the Node worker', () => {
  it('returns W Wᵀ of the rows for the heatmap when n ≤ heatmapMaxRows', async () => {
    const { file, w } = matrixFile(tmp.dir, 40, 8, 3);
    const done = (await worker.run(analyzeFileJob(file, subject(40, 8), settings)).result) as AnalyzeFileResult;
    expect(done.gram).toBeInstanceOf(ArrayBuffer);
    const gram = new Float32Array(done.gram!);
    expect(gram.length).toBe(40 * 40);
    for (const [i, j] of [
      [0, 0],
      [3, 17],
      [39, 2],
    ] as const) {
      let dot = 0;
      for (let k = 0; k < 8; k++) dot += w[i * 8 + k]! * w[j * 8 + k]!;
      expect(gram[i * 40 + j]).toBeCloseTo(dot, 5);
    }
    // Too many rows for the heatmap setting: no W Wᵀ at all.
    const small = { ...settings, heatmapMaxRows: 39 };
    const none = (await worker.run(analyzeFileJob(file, subject(40, 8), small)).result) as AnalyzeFileResult;
    expect(none.gram).toBeUndefined();
    expect(none.report.meanSqOverlap).toBe(done.report.meanSqOverlap);
  });

  it('posts partial row norms while reading, never after the last block', async () => {
    // 40,000 × 64 F32 is 10 MB: many blocks, and reading takes long enough for a partial.
    const { file } = matrixFile(tmp.dir, 40_000, 64, 4);
    const partials: { norms: PartialNorms; total: number }[] = [];
    const done = (await worker.run(analyzeFileJob(file, subject(40_000, 64), settings), {
      partial: (norms, total) => partials.push({ norms, total }),
    }).result) as AnalyzeFileResult;
    expect(partials.length).toBeGreaterThan(0);
    expect(partials[0]!.total).toBe(40_000);
    for (const p of partials) {
      expect(p.norms.rows).toBeGreaterThan(0);
      expect(p.norms.rows).toBeLessThan(40_000);
      expect(p.norms.histogram.counts.reduce((a, b) => a + b, 0)).toBe(p.norms.rows);
    }
    expect(done.report.n).toBe(40_000);
  });

  it('stops with job/cancelled when cancelled after it started', async () => {
    // Four row blocks of 65,536 × 32 (8 MiB each) and the cancel sent as the job starts, before its
    // first block: the worker sees it at a block boundary well before the end, however loaded the
    // machine is (cancelling on the first progress raced the last of two blocks in CI).
    const { file } = matrixFile(tmp.dir, 200_000, 32, 4);
    const started = worker.run(analyzeFileJob(file, subject(200_000, 32), settings), {
      started: () => worker.cancel(started.jobId),
    });
    const error = await started.result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CoreError);
    expect((error as CoreError).code).toBe('job/cancelled');
  });
});

describe('the panel’s job spec', () => {
  it('carries the settings, tensor and orientation, and asks for partials', () => {
    const t = { ...subject(10, 4), layout: { ...subject(10, 4).layout, transpose: true } };
    expect(analyzeFileJob('/a/w.safetensors', t, { ...settings, seed: 7 })).toEqual({
      kind: 'analyzeFile',
      file: '/a/w.safetensors',
      tensor: 'lm_head.weight',
      transpose: true,
      pairBudget: 2e9,
      sampleRows: 2048,
      seed: 7,
      heatmapMaxRows: 2000,
      partials: true,
    });
  });

  it('labels progress by rows while reading, then the pair statistics', () => {
    expect(progressLabel(0, 50_257)).toBe('rows 0 of 50,257');
    expect(progressLabel(0.4, 50_257)).toBe('rows 25,129 of 50,257');
    expect(progressLabel(0.8, 50_257)).toBe('pair statistics');
  });

  it('says why a virtual file system cannot be analysed', () => {
    const text = notLocalMessage('w.safetensors', 'vscode-vfs');
    expect(text).toContain('"vscode-vfs:" file system');
    expect(text).toContain('extension host');
  });
});
