import { describe, expect, it } from 'vitest';
import { computeTensorStats, newMoments, addMoments } from '../../../src/core/safetensors/stats';
import { readSafetensorsHeader, memoryReader } from '../../../src/core/safetensors/reader';
import { encodeSafetensors, float32Bytes } from '../../../src/core/safetensors/write';
import { CoreError } from '../../../src/core/errors';
import { prng } from '../../fixtures/safetensors';

async function statsOf(values: Float32Array, options: Parameters<typeof computeTensorStats>[3] = {}) {
  const bytes = encodeSafetensors([{ name: 'x', dtype: 'F32', shape: [values.length], data: float32Bytes(values) }]);
  const reader = memoryReader('x.safetensors', bytes);
  const header = await readSafetensorsHeader(reader);
  return computeTensorStats(reader, header, header.tensors[0]!, options);
}

/** Straightforward float64 reference over the finite values. */
function reference(values: Float32Array) {
  const finite = Array.from(values).filter(Number.isFinite);
  const mean = finite.reduce((a, b) => a + b, 0) / finite.length;
  const variance = finite.reduce((a, b) => a + (b - mean) ** 2, 0) / finite.length;
  return { mean, std: Math.sqrt(variance), min: Math.min(...finite), max: Math.max(...finite) };
}

describe('computeTensorStats', () => {
  const r = prng(7);
  const values = Float32Array.from({ length: 10_007 }, () => (r() - 0.3) * 8);
  values[5] = NaN;
  values[17] = Infinity;
  values[99] = -Infinity;
  values[100] = 0;
  values[101] = -0;

  it('matches a float64 reference for min, max, mean, std and counts special values', async () => {
    const s = await statsOf(values, { chunkBytes: 4 * 333 });
    const ref = reference(values);
    expect(s.numel).toBe(10_007);
    expect(s.nan).toBe(1);
    expect(s.posInf).toBe(1);
    expect(s.negInf).toBe(1);
    expect(s.finite).toBe(10_004);
    expect(s.zeros).toBeGreaterThanOrEqual(2);
    expect(s.min).toBe(ref.min);
    expect(s.max).toBe(ref.max);
    expect(s.mean!).toBeCloseTo(ref.mean, 12);
    expect(s.std!).toBeCloseTo(ref.std, 12);
  });

  it('gives the same histogram whether the tensor is kept in memory or read twice', async () => {
    const kept = await statsOf(values, { chunkBytes: 4096, bins: 32 });
    const reread = await statsOf(values, { chunkBytes: 4096, bins: 32, keepInMemoryBytes: 0 });
    expect(reread).toEqual(kept);
    const counts = kept.histogram!.counts;
    expect(counts).toHaveLength(32);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(kept.finite);
    // The max lands in the last bin, the min in the first.
    expect(counts[0]).toBeGreaterThan(0);
    expect(counts[31]).toBeGreaterThan(0);
  });

  it('bins values exactly on known data', async () => {
    const s = await statsOf(new Float32Array([0, 1, 2, 3, 4, 5, 6, 7, 8]), { bins: 4 });
    // Width 2: [0,2) [2,4) [4,6) [6,8]; the max belongs to the last bin.
    expect(s.histogram).toEqual({ min: 0, max: 8, counts: [2, 2, 2, 3] });
  });

  it('handles constant, empty and all-NaN tensors', async () => {
    const constant = await statsOf(new Float32Array([2, 2, 2]));
    expect(constant).toMatchObject({ min: 2, max: 2, mean: 2, std: 0, histogram: { min: 2, max: 2, counts: [3] } });
    const empty = await statsOf(new Float32Array(0));
    expect(empty).toMatchObject({ numel: 0, finite: 0, min: null, max: null, mean: null, std: null, histogram: null });
    const nan = await statsOf(new Float32Array([NaN, NaN]));
    expect(nan).toMatchObject({ nan: 2, finite: 0, mean: null, histogram: null });
  });

  it('is numerically stable for a large offset (naive sum of squares would cancel)', async () => {
    const big = Float32Array.from({ length: 100_000 }, (_, i) => 1e6 + (i % 2 ? 0.5 : -0.5));
    const s = await statsOf(big, { chunkBytes: 4 * 999 });
    expect(s.std!).toBeCloseTo(0.5, 9);
    expect(s.mean!).toBeCloseTo(1e6, 6);
  });

  it('reports progress that rises to 1 and can be cancelled between chunks', async () => {
    const seen: number[] = [];
    await statsOf(values, { chunkBytes: 4000, onProgress: (f) => seen.push(f) });
    expect(seen.length).toBeGreaterThan(5);
    expect(seen.every((f, i) => i === 0 || f >= seen[i - 1]!)).toBe(true);
    expect(seen.at(-1)).toBe(1);

    let chunks = 0;
    const err = await statsOf(values, {
      chunkBytes: 4000,
      onProgress: () => chunks++,
      isCancelled: () => chunks >= 3,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CoreError);
    expect((err as CoreError).code).toBe('job/cancelled');
    expect(chunks).toBe(3);
  });

  it('refuses to read a file whose size changed since its header was read', async () => {
    const bytes = encodeSafetensors([{ name: 'x', dtype: 'F32', shape: [2], data: float32Bytes([1, 2]) }]);
    const header = await readSafetensorsHeader(memoryReader('x.safetensors', bytes));
    const grown = new Uint8Array(bytes.length + 4);
    grown.set(bytes);
    await expect(
      computeTensorStats(memoryReader('x.safetensors', grown), header, header.tensors[0]!),
    ).rejects.toMatchObject({ code: 'safetensors/changed' });
  });

  it('combines chunk moments exactly (Chan et al.)', () => {
    const whole = newMoments();
    addMoments(whole, values);
    const parts = newMoments();
    for (let i = 0; i < values.length; i += 1000) addMoments(parts, values.subarray(i, i + 1000));
    expect(parts.mean).toBeCloseTo(whole.mean, 12);
    expect(parts.m2 / parts.count).toBeCloseTo(whole.m2 / whole.count, 10);
    expect(parts.count).toBe(whole.count);
  });
});
