// Known answers for the superposition analysis: orthonormal rows, identical rows, random rows,
// exact vs sampled pair statistics, hostile inputs, transposed storage, and dtype agreement.
import { describe, expect, it } from 'vitest';
import { SuperpositionAccumulator, type AnalysisOptions } from '../../../src/core/analysis/superposition';
import { float64Kernel } from '../../../src/core/analysis/kernel';
import { analyzeTensor } from '../../../src/core/analysis/analyzeTensor';
import { welchBound } from '../../../src/core/analysis/welch';
import { encodeSafetensors, float32Bytes } from '../../../src/core/safetensors/write';
import { float32ToBF16Bytes, float32ToF16Bytes } from '../../../src/core/safetensors/encode';
import { memoryReader, readSafetensorsHeader } from '../../../src/core/safetensors/reader';
import { CoreError } from '../../../src/core/errors';
import { prng } from '../../fixtures/safetensors';

const kernel = float64Kernel;

function gaussian(n: number, seed: number): Float32Array {
  const r = prng(seed);
  return Float32Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r()));
}

async function analyse(
  values: Float32Array,
  n: number,
  m: number,
  options: Partial<AnalysisOptions> = {},
  blockRows = 7,
) {
  const acc = new SuperpositionAccumulator(n, m, { kernel, ...options });
  for (let start = 0; start < n; start += blockRows) {
    const rows = Math.min(blockRows, n - start);
    await acc.addRows(values.subarray(start * m, (start + rows) * m), rows);
  }
  return acc.finish();
}

/** Brute force over all pairs in float64, for comparison. */
function bruteForce(values: Float32Array, n: number, m: number) {
  const units: Float64Array[] = [];
  for (let i = 0; i < n; i++) {
    const row = Float64Array.from(values.subarray(i * m, (i + 1) * m));
    const norm = Math.hypot(...row);
    if (norm > 0 && row.every(Number.isFinite)) units.push(row.map((x) => x / norm));
  }
  let sumSq = 0;
  let sumAbs = 0;
  let max = 0;
  let pairs = 0;
  for (let i = 0; i < units.length; i++) {
    for (let j = i + 1; j < units.length; j++) {
      let d = 0;
      for (let k = 0; k < m; k++) d += units[i]![k]! * units[j]![k]!;
      sumSq += d * d;
      sumAbs += Math.abs(d);
      max = Math.max(max, Math.abs(d));
      pairs++;
    }
  }
  return { meanSq: sumSq / pairs, meanAbs: sumAbs / pairs, max };
}

describe('superposition analysis: known answers', () => {
  it('orthonormal rows have no overlap', async () => {
    const n = 12;
    const m = 16;
    const w = new Float32Array(n * m);
    for (let i = 0; i < n; i++) w[i * m + i] = 1;
    const a = await analyse(w, n, m);
    expect(a.meanSqOverlap).toBeCloseTo(0, 12);
    expect(a.meanAbsOverlap).toBe(0);
    expect(a.maxAbsOverlap).toBe(0);
    expect(a.overlapMethod).toBe('exact');
    expect(a.welchBound).toBe(0); // ν ≤ m: orthogonality is possible
    expect(a.rowNorm).toEqual({ mean: 1, std: 0, min: 1, max: 1 });
    expect(a.fracRepresented).toBe(1);
    expect(a.fracStrong).toBe(0); // norm exactly 1 is not > 1
  });

  it('identical rows overlap completely', async () => {
    const n = 9;
    const m = 5;
    const row = [0.3, -1.2, 2, 0.5, 0.1];
    const w = Float32Array.from({ length: n * m }, (_, i) => row[i % m]!);
    const a = await analyse(w, n, m);
    expect(a.meanSqOverlap!).toBeCloseTo(1, 6);
    expect(a.meanAbsOverlap!).toBeCloseTo(1, 6);
    expect(a.maxAbsOverlap!).toBeCloseTo(1, 6);
    expect(a.fracStrong).toBe(1);
    expect(a.strong.meanSqOverlap!).toBeCloseTo(1, 6);
  });

  it('random Gaussian rows have mean squared overlap ≈ 1/m, and match brute force exactly', async () => {
    const n = 600;
    const m = 32;
    const w = gaussian(n * m, 3);
    const a = await analyse(w, n, m);
    const b = bruteForce(w, n, m);
    expect(a.meanSqOverlap! / b.meanSq - 1).toBeLessThan(1e-9);
    expect(Math.abs(a.meanAbsOverlap! / b.meanAbs - 1)).toBeLessThan(1e-6);
    expect(a.maxAbsOverlap!).toBeCloseTo(b.max, 6);
    expect(a.meanSqOverlap! * m).toBeGreaterThan(0.95);
    expect(a.meanSqOverlap! * m).toBeLessThan(1.05);
    expect(a.invM).toBe(1 / 32);
    expect(a.welchBound).toBeCloseTo(welchBound(600, 32), 12);
    expect(a.all.sqOverlapHistogram!.reduce((s, c) => s + c, 0)).toBe((n * (n - 1)) / 2);
  });

  it('sampled pair statistics agree with the exact ones within their 95% interval', async () => {
    const n = 1200;
    const m = 24;
    const w = gaussian(n * m, 4);
    const exact = await analyse(w, n, m, {}, 100);
    const sampled = await analyse(w, n, m, { pairBudget: 1, sampleRows: 300, seed: 7 }, 100);
    expect(sampled.overlapMethod).toBe('sampled');
    expect(sampled.all.sampledRows).toBe(300);
    expect(sampled.all.sampledPairs).toBe(44850);
    // The mean squared overlap never depends on sampling.
    expect(sampled.meanSqOverlap).toBeCloseTo(exact.meanSqOverlap!, 12);
    const [lo, hi] = sampled.all.meanAbsOverlapCI95!;
    expect(exact.meanAbsOverlap!).toBeGreaterThanOrEqual(lo);
    expect(exact.meanAbsOverlap!).toBeLessThanOrEqual(hi);
    expect(hi - lo).toBeLessThan(0.01);
    expect(sampled.maxAbsOverlap!).toBeLessThanOrEqual(exact.maxAbsOverlap! + 1e-12);
    expect(sampled.notes.some((s) => s.includes('sampled with seed 7'))).toBe(true);
    // The same seed gives the same sample.
    const again = await analyse(w, n, m, { pairBudget: 1, sampleRows: 300, seed: 7 }, 100);
    expect(again.meanAbsOverlap).toBe(sampled.meanAbsOverlap);
  });

  it('restricts overlap statistics to S = {‖W_i‖ > 1}', async () => {
    const n = 50;
    const m = 8;
    const w = gaussian(n * m, 5);
    // Scale rows: even rows long (in S), odd rows short.
    for (let i = 0; i < n; i++) for (let k = 0; k < m; k++) w[i * m + k]! *= i % 2 === 0 ? 10 : 0.01;
    const a = await analyse(w, n, m);
    expect(a.fracStrong).toBe(0.5);
    expect(a.strong.rows).toBe(25);
    const evens = new Float32Array(25 * m);
    for (let i = 0; i < 25; i++) evens.set(w.subarray(2 * i * m, (2 * i + 1) * m), i * m);
    const b = bruteForce(evens, 25, m);
    // Unit rows are stored in float32: agreement to ~1e-8 relative, not to float64 precision.
    expect(Math.abs(a.strong.meanSqOverlap! / b.meanSq - 1)).toBeLessThan(1e-7);
    expect(a.strong.meanAbsOverlap!).toBeCloseTo(b.meanAbs, 6);
    expect(a.strong.welchBound).toBeCloseTo(welchBound(25, 8), 12);
  });
});

describe('partial row norms while rows stream in', () => {
  it('cover exactly the rows seen, on the final histogram’s bins once every row is in', async () => {
    const m = 4;
    // Row i has norm i/10 (0 … 1.9): one nonzero entry per row.
    const n = 20;
    const W = new Float32Array(n * m);
    for (let i = 0; i < n; i++) W[i * m] = i / 10;
    const acc = new SuperpositionAccumulator(n, m, { kernel, pairBudget: 1e9, sampleRows: 8, normBins: 10 });
    expect(acc.partialNorms()).toEqual({
      rows: 0,
      histogram: { max: 1.25, counts: Array(10).fill(0) },
      half: 0,
      one: 0,
    });
    await acc.addRows(W.subarray(0, 8 * m), 8);
    const early = acc.partialNorms();
    expect(early.rows).toBe(8);
    expect(early.histogram.counts.reduce((a, b) => a + b, 0)).toBe(8);
    expect(early.half).toBeCloseTo(2 / 8, 12); // 0.6 and 0.7
    expect(early.one).toBe(0);
    await acc.addRows(W.subarray(8 * m), n - 8);
    const late = acc.partialNorms();
    expect(late.half).toBeCloseTo(14 / 20, 12);
    expect(late.one).toBeCloseTo(9 / 20, 12);
    const final = await acc.finish();
    expect(late.histogram).toEqual(final.rowNormHistogram);
  });
});

describe('superposition analysis: hostile inputs', () => {
  it('leaves zero and non-finite rows out of overlaps, and says so', async () => {
    const m = 4;
    const w = Float32Array.from([1, 0, 0, 0, 0, 0, 0, 0, NaN, 1, 1, 1, 0, 1, 0, 0, Infinity, 0, 0, 0, 0, 0, 1, 0]);
    const a = await analyse(w, 6, m);
    expect(a.zeroRows).toBe(1);
    expect(a.nonFiniteRows).toBe(2);
    expect(a.validRows).toBe(3);
    expect(a.all.pairs).toBe(3);
    expect(a.meanSqOverlap).toBe(0);
    expect(a.fracRepresented).toBe(3 / 6);
    expect(a.rowNorm).toEqual({ mean: 0.75, std: Math.sqrt(0.1875), min: 0, max: 1 });
    expect(a.notes[0]).toBe(
      '1 zero row and 2 rows with NaN or infinite entries are left out of every overlap statistic and of the row-norm statistics.',
    );
  });

  it('handles a single row and an all-zero matrix without pairs', async () => {
    const one = await analyse(Float32Array.from([3, 4]), 1, 2);
    expect(one).toMatchObject({
      meanSqOverlap: null,
      meanAbsOverlap: null,
      maxAbsOverlap: null,
      overlapMethod: 'none',
      validRows: 1,
    });
    expect(one.rowNorm).toEqual({ mean: 5, std: 0, min: 5, max: 5 });
    const zeros = await analyse(new Float32Array(12), 4, 3);
    expect(zeros).toMatchObject({ validRows: 0, zeroRows: 4, overlapMethod: 'none', fracRepresented: 0 });
    expect(zeros.notes.at(-1)).toBe('Fewer than two usable rows: there are no pairs to compare.');
  });

  it('refuses tensors that are not matrices, with the file and tensor named', async () => {
    for (const shape of [[12], [2, 3, 2], [0, 4]]) {
      const numel = shape.reduce((a, b) => a * b, 1);
      const bytes = encodeSafetensors([
        { name: 'v', dtype: 'F32', shape, data: float32Bytes(new Float32Array(numel)) },
      ]);
      const reader = memoryReader('vec.safetensors', bytes);
      const header = await readSafetensorsHeader(reader);
      const err = await analyzeTensor(reader, header, header.tensors[0]!, { kernel }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CoreError);
      expect((err as CoreError).code).toBe('analysis/not-a-matrix');
      expect((err as CoreError).message).toContain('vec.safetensors: tensor "v" has shape');
    }
  });

  it('can be cancelled between blocks', async () => {
    let calls = 0;
    const acc = new SuperpositionAccumulator(100, 4, { kernel, isCancelled: () => ++calls > 2 });
    const block = gaussian(40, 1);
    await acc.addRows(block, 10);
    await acc.addRows(block, 10);
    await expect(acc.addRows(block, 10)).rejects.toMatchObject({ code: 'job/cancelled' });
  });
});

describe('analysis from files', () => {
  const n = 300;
  const m = 20;
  const w = gaussian(n * m, 9);
  const file = (dtype: 'F32' | 'F16' | 'BF16', data: Float32Array, shape: number[]) =>
    encodeSafetensors([
      {
        name: 'lm_head.weight',
        dtype,
        shape,
        data:
          dtype === 'F32' ? float32Bytes(data) : dtype === 'F16' ? float32ToF16Bytes(data) : float32ToBF16Bytes(data),
      },
    ]);
  const run = async (bytes: Uint8Array, transpose = false, blockRows = 64) => {
    const reader = memoryReader('m.safetensors', bytes);
    const header = await readSafetensorsHeader(reader);
    return (await analyzeTensor(reader, header, header.tensors[0]!, { kernel, transpose, blockRows })).analysis;
  };

  it('gives the same answer for F32, F16 and BF16 storage, to their precision', async () => {
    const f32 = await run(file('F32', w, [n, m]));
    const f16 = await run(file('F16', w, [n, m]));
    const bf16 = await run(file('BF16', w, [n, m]));
    expect(Math.abs(f16.meanSqOverlap! / f32.meanSqOverlap! - 1)).toBeLessThan(1e-3);
    expect(Math.abs(bf16.meanSqOverlap! / f32.meanSqOverlap! - 1)).toBeLessThan(1e-2);
    expect(Math.abs(f16.meanAbsOverlap! / f32.meanAbsOverlap! - 1)).toBeLessThan(1e-3);
    expect(Math.abs(bf16.rowNorm!.mean / f32.rowNorm!.mean - 1)).toBeLessThan(1e-2);
  });

  it('analyses a matrix stored as [m, n] with transpose exactly like the [n, m] one', async () => {
    const t = new Float32Array(m * n);
    for (let i = 0; i < n; i++) for (let k = 0; k < m; k++) t[k * n + i] = w[i * m + k]!;
    const direct = await run(file('F32', w, [n, m]));
    const transposed = await run(file('F32', t, [m, n]), true, 37);
    expect(transposed.n).toBe(n);
    expect(transposed.m).toBe(m);
    expect(transposed.meanSqOverlap).toBeCloseTo(direct.meanSqOverlap!, 12);
    expect(transposed.meanAbsOverlap).toBeCloseTo(direct.meanAbsOverlap!, 12);
    expect(transposed.rowNorm).toEqual(direct.rowNorm);
  });

  it('keeps W Wᵀ for the heatmap when asked and pairs are exact', async () => {
    const acc = new SuperpositionAccumulator(3, 2, { kernel, heatmapMaxRows: 10 });
    await acc.addRows(Float32Array.from([1, 0, 0, 2, 0, 0]), 3);
    await acc.finish();
    expect(Array.from((await acc.gramOfRows())!)).toEqual([1, 0, 0, 0, 4, 0, 0, 0, 0]);
  });
});
