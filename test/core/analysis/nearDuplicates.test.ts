// Near-duplicate rows (|u·u| ≥ NEAR_DUPLICATE_OVERLAP): counted and grouped, and the overlap
// statistics recomputed over one row per group, against brute force on the de-duplicated matrix.
import { describe, expect, it } from 'vitest';
import {
  NEAR_DUPLICATE_OVERLAP,
  SuperpositionAccumulator,
  type AnalysisOptions,
} from '../../../src/core/analysis/superposition';
import { float64Kernel } from '../../../src/core/analysis/kernel';
import { pairStatistics } from '../../../src/core/analysis/pairs';
import { prng } from '../../fixtures/safetensors';

function gaussian(n: number, seed: number): Float32Array {
  const r = prng(seed);
  return Float32Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r()));
}

async function analyse(values: Float32Array, n: number, m: number, options: Partial<AnalysisOptions> = {}) {
  const acc = new SuperpositionAccumulator(n, m, { kernel: float64Kernel, ...options });
  for (let start = 0; start < n; start += 7) {
    const rows = Math.min(7, n - start);
    await acc.addRows(values.subarray(start * m, (start + rows) * m), rows);
  }
  return acc.finish();
}

/** Float64 brute force over all pairs of the non-zero rows. */
function bruteForce(values: Float32Array, n: number, m: number) {
  const units: Float64Array[] = [];
  for (let i = 0; i < n; i++) {
    const row = Float64Array.from(values.subarray(i * m, (i + 1) * m));
    const norm = Math.hypot(...row);
    if (norm > 0) units.push(row.map((x) => x / norm));
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

/**
 * `n` random rows of width m, with rows copied over others: group g gets `sizes[g]` rows equal
 * (up to scale, sign, or a tiny perturbation) to row g. Returns the matrix and the de-duplicated one.
 */
function withDuplicates(n: number, m: number, sizes: readonly number[], seed: number) {
  const w = gaussian(n * m, seed);
  const noise = gaussian(n * m, seed + 1);
  const drop = new Set<number>();
  let target = n - 1;
  sizes.forEach((size, g) => {
    for (let c = 1; c < size; c++, target--) {
      const scale = c % 3 === 0 ? -2.5 : c % 3 === 1 ? 0.7 : 1;
      for (let k = 0; k < m; k++) {
        w[target * m + k] = scale * w[g * m + k]! + (c % 3 === 2 ? 1e-4 * noise[target * m + k]! : 0);
      }
      drop.add(target);
    }
  });
  const kept: number[] = [];
  for (let i = 0; i < n; i++) if (!drop.has(i)) kept.push(i);
  const dedup = new Float32Array(kept.length * m);
  kept.forEach((i, r) => dedup.set(w.subarray(i * m, (i + 1) * m), r * m));
  return { w, dedup, dedupRows: kept.length };
}

const rel = (a: number | null, b: number) => Math.abs(a! / b - 1);

describe('near-duplicate rows', () => {
  it('counts the duplicated rows and matches brute force on the de-duplicated matrix (exact)', async () => {
    const n = 120;
    const m = 24;
    const sizes = [5, 3, 2]; // 10 rows in 3 groups; 7 copies dropped
    const { w, dedup, dedupRows } = withDuplicates(n, m, sizes, 11);
    const a = await analyse(w, n, m);
    expect(a.overlapMethod).toBe('exact');
    const d = a.nearDuplicates!;
    expect(d.threshold).toBe(NEAR_DUPLICATE_OVERLAP);
    expect(d.method).toBe('exact');
    expect(d.rowsChecked).toBe(n);
    expect(d.rows).toBe(10);
    expect(d.groups).toBe(3);
    expect(d.keptRows).toBe(dedupRows);
    expect(a.maxAbsOverlap!).toBeGreaterThan(0.999);
    const b = bruteForce(dedup, dedupRows, m);
    expect(rel(d.meanSqOverlap, b.meanSq)).toBeLessThan(1e-6);
    expect(rel(d.meanAbsOverlap, b.meanAbs)).toBeLessThan(1e-6);
    expect(rel(d.maxAbsOverlap, b.max)).toBeLessThan(1e-6);
    expect(d.maxAbsOverlap!).toBeLessThan(NEAR_DUPLICATE_OVERLAP);
    expect(d.meanSqOverlap!).toBeLessThan(a.meanSqOverlap!);
  });

  it('reports 0 and the ordinary statistics without duplicates', async () => {
    const n = 80;
    const m = 16;
    const w = gaussian(n * m, 5);
    const a = await analyse(w, n, m);
    const d = a.nearDuplicates!;
    expect(d.rows).toBe(0);
    expect(d.groups).toBe(0);
    expect(d.keptRows).toBe(n);
    expect(d.meanSqOverlap).toBe(a.meanSqOverlap);
    expect(d.meanAbsOverlap).toBe(a.meanAbsOverlap);
    expect(d.maxAbsOverlap).toBe(a.maxAbsOverlap);
  });

  it('joins chains transitively and ignores zero rows', async () => {
    const m = 8;
    // Rows 0,2,4 are one direction (scaled); 1 is another; 3 is zero; 5 equals 1 with flipped sign.
    const base = gaussian(2 * m, 3);
    const w = new Float32Array(6 * m);
    for (let k = 0; k < m; k++) {
      w[0 * m + k] = base[k]!;
      w[1 * m + k] = base[m + k]!;
      w[2 * m + k] = 3 * base[k]!;
      w[4 * m + k] = 0.1 * base[k]!;
      w[5 * m + k] = -base[m + k]!;
    }
    const a = await analyse(w, 6, m);
    const d = a.nearDuplicates!;
    expect(a.zeroRows).toBe(1);
    expect(d.rowsChecked).toBe(5);
    expect(d.rows).toBe(5);
    expect(d.groups).toBe(2);
    expect(d.keptRows).toBe(2);
    // One pair left: the two distinct directions.
    const b = bruteForce(base, 2, m);
    expect(rel(d.meanSqOverlap, b.meanSq)).toBeLessThan(1e-6);
    expect(rel(d.maxAbsOverlap, b.max)).toBeLessThan(1e-6);
  });

  it('finds duplicates among the sampled rows in sampled mode and says so', async () => {
    const n = 400;
    const m = 16;
    // 200 copies of row 0: a sample of 100 rows holds about 50 of them.
    const { w } = withDuplicates(n, m, [200], 21);
    const a = await analyse(w, n, m, { pairBudget: 1, sampleRows: 100, seed: 4 });
    expect(a.overlapMethod).toBe('sampled');
    const d = a.nearDuplicates!;
    expect(d.method).toBe('sampled');
    expect(d.rowsChecked).toBe(100);
    expect(d.rows).toBeGreaterThan(20);
    expect(d.rows).toBeLessThan(80);
    expect(d.groups).toBe(1);
    expect(d.keptRows).toBe(100 - d.rows + 1);
    expect(d.maxAbsOverlap!).toBeLessThan(NEAR_DUPLICATE_OVERLAP);
    expect(d.meanSqOverlap!).toBeLessThan(a.meanSqOverlap!);
  });

  it('pairStatistics leaves duplicateOf null without the option', async () => {
    const u = new Float32Array([1, 0, 1, 0]);
    const p = await pairStatistics(u, 2, 2, { kernel: float64Kernel });
    expect(p!.duplicateOf).toBeNull();
    const q = await pairStatistics(u, 2, 2, { kernel: float64Kernel, nearDuplicate: NEAR_DUPLICATE_OVERLAP });
    expect(Array.from(q!.duplicateOf!)).toEqual([0, 0]);
  });
});
