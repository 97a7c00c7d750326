// The fused WebGPU trainer's pure parts (src/core/toy/gpu/layout.ts): the packed sparse batch
// the kernels index, the size check, and the optimizer numbers. No GPU here.
import { describe, expect, it } from 'vitest';
import { fusedLimitProblem, packBatches, runOptimizer } from '../../../src/core/toy/gpu/layout';
import { stepKernels, threadsPerRow } from '../../../src/core/toy/gpu/kernels';
import { BatchSampler } from '../../../src/core/toy/sampler';
import { Rng, STREAM } from '../../../src/core/toy/rng';
import { featureFrequencies } from '../../../src/core/toy/distributions';
import { OPTIMIZER_DEFAULTS } from '../../../src/core/config/schema';

describe('packBatches', () => {
  it.each([
    [64, 1],
    [16, 2],
    [32, 0.3],
  ])('indexes every entry by feature and by compact row (B = %s, E = %s)', (batch, density) => {
    const p = featureFrequencies({ distribution: 'power', n: 50, exponent: 1.2, scale: 1, density }).p;
    const sampler = new BatchSampler(p, batch);
    const rng = new Rng(4, STREAM.data);
    for (let step = 0; step < 5; step++) {
      sampler.next(rng);
      const x = sampler.sparse();
      const rows = x.sampleWeights.length + 3; // another run's batch may have more rows
      const { words, offsets } = packBatches([x, x], rows);
      const o = offsets[0]!;
      expect(offsets[1]).toBe(o); // one batch, packed once
      const f32 = new Float32Array(words.buffer);
      const E = x.count;
      const entry = (e: number) => [words[o.samples + e]!, words[o.cols + e]!, f32[o.values + e]!] as const;
      // By feature: each group holds one column, the columns are the distinct features.
      const cols = new Set<number>();
      expect(words[o.featPtr]).toBe(0);
      expect(words[o.featPtr + o.featCount]).toBe(E);
      for (let f = 0; f < o.featCount; f++) {
        const [a, b] = [words[o.featPtr + f]!, words[o.featPtr + f + 1]!];
        expect(b).toBeGreaterThan(a);
        for (let e = a; e < b; e++) expect(entry(e)[1]).toBe(entry(a)[1]);
        cols.add(entry(a)[1]);
      }
      expect(cols.size).toBe(x.featureCount);
      // By row: every entry exactly once, in its own row; rows past the batch's are empty.
      const seen = new Set<number>();
      for (let s = 0; s < rows; s++) {
        for (let k = words[o.rowPtr + s]!; k < words[o.rowPtr + s + 1]!; k++) {
          const e = words[o.perm + k]!;
          expect(entry(e)[0]).toBe(s);
          seen.add(e);
        }
      }
      expect(seen.size).toBe(E);
      expect(words[o.rowPtr + rows]).toBe(E);
      // Values and weights as the sampler gave them; padding rows weigh 0.
      for (let e = 0; e < E; e++) expect(entry(e)).toEqual([x.samples[e], x.cols[e], x.values[e]]);
      expect(Array.from(f32.subarray(o.weights, o.weights + rows))).toEqual([...x.sampleWeights, 0, 0, 0]);
    }
  });
});

describe('fusedLimitProblem', () => {
  const limits = {
    maxStorageBufferBindingSize: 2 ** 27,
    maxBufferSize: 2 ** 28,
    maxComputeWorkgroupsPerDimension: 65535,
  };
  it('passes what fits and names the largest buffer otherwise', () => {
    expect(fusedLimitProblem({ runs: 4, n: 1024, m: 64, cap: 512, syncCap: 50 }, limits, 'gpu')).toBeNull();
    // G: 8 runs × 2048 rows × 10240 features × 4 bytes = 640 MiB.
    expect(fusedLimitProblem({ runs: 8, n: 10240, m: 8, cap: 2048, syncCap: 50 }, limits, 'the gpu')).toMatch(
      /^This run needs 640 MiB in one GPU buffer for the output gradient \(8 × 2,048 × 10,240 float32\), more than the 128 MiB the gpu allows/,
    );
  });
  it('refuses more tiles along one axis than a dispatch allows', () => {
    const few = { ...limits, maxComputeWorkgroupsPerDimension: 10 };
    expect(fusedLimitProblem({ runs: 1, n: 200, m: 4, cap: 8, syncCap: 50 }, few, 'gpu')).toMatch(
      /13 workgroups along one axis/,
    );
  });
});

describe('runOptimizer and the kernels', () => {
  const h = { ...OPTIMIZER_DEFAULTS, lrW: 0.01, lrB: 0.02, lossScale: 100 };
  it('decays for γ > 0, grows rows for γ < 0 and leaves W for γ = 0', () => {
    expect(runOptimizer({ ...h, gamma: 0.5 }, 1, 64, 40)).toMatchObject({ decayA: 1 - 0.005, decayB: 0 });
    expect(runOptimizer({ ...h, gamma: -1 }, 1, 64, 40)).toMatchObject({ decayA: 1 - 0.01, decayB: 0.01 });
    expect(runOptimizer({ ...h, gamma: 0 }, 1, 64, 40)).toMatchObject({ decayA: 1, decayB: 0 });
    // Bias-corrected steps and ε relative to the gradient without its factor c = 100·2/(64·40).
    const o = runOptimizer({ ...h, gamma: 0 }, 3, 64, 40);
    const bc1 = 1 - 0.9 ** 3;
    const bc2 = Math.sqrt(1 - 0.999 ** 3);
    expect(o.stepW).toBeCloseTo((0.01 * bc2) / bc1, 15);
    expect(o.stepB).toBeCloseTo((0.02 * bc2) / bc1, 15);
    expect(o.epsHat).toBeCloseTo((1e-8 * bc2) / ((100 * 2) / (64 * 40)), 20);
  });
  it('declares in each kernel exactly the buffers it uses', () => {
    expect(threadsPerRow(6)).toBe(8);
    expect(threadsPerRow(1024)).toBe(64);
    for (const k of stepKernels(20)) {
      for (const name of Object.keys(k.uses)) {
        const uses = new RegExp(`\\b${name}\\b`, 'g');
        // Declared once, and used at least once beyond its declaration.
        expect(k.code.match(uses)!.length, `${k.name} uses ${name}`).toBeGreaterThan(1);
      }
    }
  });
});
