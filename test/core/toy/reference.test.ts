// The float64 reference step: analytic gradients against central finite differences, and the
// optimizer against hand-computed updates.
import { describe, expect, it } from 'vitest';
import { gradients, mseLoss, referenceStep, type ReferenceState } from '../../../src/core/toy/reference';
import { Rng } from '../../../src/core/toy/rng';
import { BatchSampler } from '../../../src/core/toy/sampler';
import { featureFrequencies } from '../../../src/core/toy/distributions';

const shape = { batch: 6, n: 12, m: 4 };

function setup(seed = 1) {
  const rng = new Rng(seed);
  const W = Float64Array.from({ length: shape.n * shape.m }, () => rng.normal() / 2);
  const b = Float64Array.from({ length: shape.n }, () => rng.normal() * 0.3);
  // Dense enough input that most units are active and the ReLU mask is exercised.
  const x = Float64Array.from({ length: shape.batch * shape.n }, () => (rng.uniform() < 0.4 ? 2 * rng.uniform() : 0));
  return { W, b, x };
}

describe('reference gradients', () => {
  it('match central finite differences of the loss, for W and b', () => {
    const { W, b, x } = setup();
    const lossScale = 3;
    const { gW, gb } = gradients(W, b, x, shape, lossScale);
    const h = 1e-6;
    const check = (params: Float64Array, analytic: Float64Array) => {
      for (let i = 0; i < params.length; i++) {
        const keep = params[i]!;
        params[i] = keep + h;
        const up = mseLoss(W, b, x, shape);
        params[i] = keep - h;
        const down = mseLoss(W, b, x, shape);
        params[i] = keep;
        const numeric = (lossScale * (up - down)) / (2 * h);
        expect(Math.abs(numeric - analytic[i]!), `index ${i}: ${numeric} vs ${analytic[i]}`).toBeLessThan(
          1e-7 + 1e-5 * Math.abs(numeric),
        );
      }
    };
    check(W, gW);
    check(b, gb);
  });
});

describe('reference optimizer', () => {
  const hyper = { lrW: 0.1, lrB: 0.05, gamma: 0, lossScale: 1, beta1: 0.9, beta2: 0.999, eps: 1e-8 };
  const fresh = (W: Float64Array, b: Float64Array): ReferenceState => ({
    W: W.slice(),
    b: b.slice(),
    mW: new Float64Array(W.length),
    vW: new Float64Array(W.length),
    mb: new Float64Array(b.length),
    vb: new Float64Array(b.length),
    t: 0,
  });

  it('takes a first Adam step of size lr·sign(g) (bias-corrected), after weight decay', () => {
    const { W, b, x } = setup(2);
    const { gW, gb } = gradients(W, b, x, shape, 1);
    const s = fresh(W, b);
    referenceStep(s, x, shape, { ...hyper, gamma: 0.5 });
    for (let i = 0; i < W.length; i++) {
      // Step 1: m/(1−β1) = g, √(v/(1−β2)) = |g|, so the update is lr·g/(|g| + ε).
      const expected = W[i]! * (1 - 0.1 * 0.5) - (0.1 * gW[i]!) / (Math.abs(gW[i]!) + 1e-8);
      expect(s.W[i]).toBeCloseTo(expected, 12);
    }
    for (let i = 0; i < b.length; i++) {
      expect(s.b[i]).toBeCloseTo(b[i]! - (0.05 * gb[i]!) / (Math.abs(gb[i]!) + 1e-8), 12);
    }
  });

  it('pulls rows towards unit norm when γ < 0 (growth), before Adam', () => {
    const W = Float64Array.from([3, 4, 0.3, 0.4]); // row norms 5 and 0.5
    const b = new Float64Array(2);
    const s = fresh(W, b);
    const zeroX = new Float64Array(2); // x = 0 and b = 0: all gradients are 0
    referenceStep(s, zeroX, { batch: 1, n: 2, m: 2 }, { ...hyper, lrW: 0.1, gamma: -1 });
    // p_i ← p_i − η|γ|(1 − 1/‖p_i‖) p_i: the long row shrinks, the short one grows.
    expect(Math.hypot(s.W[0]!, s.W[1]!)).toBeCloseTo(5 - 0.1 * (5 - 1), 6);
    expect(Math.hypot(s.W[2]!, s.W[3]!)).toBeCloseTo(0.5 + 0.1 * (1 - 0.5), 6);
  });
});

describe('the batch sampler', () => {
  it('draws Bernoulli(p_i)·Uniform(0, 2) entries: frequencies and mean values match', () => {
    const { p } = featureFrequencies({ distribution: 'power', n: 50, exponent: 1, scale: 1, density: 3 });
    const sampler = new BatchSampler(p, 400);
    const rng = new Rng(9, 2);
    const active = new Float64Array(50);
    const sums = new Float64Array(50);
    const batches = 200;
    let outOfRange = 0;
    for (let k = 0; k < batches; k++) {
      sampler.next(rng);
      for (let r = 0; r < 400; r++) {
        for (let i = 0; i < 50; i++) {
          const v = sampler.x[r * 50 + i]!;
          if (v !== 0) {
            active[i]!++;
            sums[i]! += v;
            if (!(v > 0 && v < 2)) outOfRange++;
          }
        }
      }
    }
    expect(outOfRange).toBe(0);
    const draws = batches * 400;
    for (let i = 0; i < 50; i++) {
      const sd = Math.sqrt((p[i]! * (1 - p[i]!)) / draws);
      expect(Math.abs(active[i]! / draws - p[i]!), `feature ${i}`).toBeLessThan(5 * sd + 1e-9);
    }
    // E[v] = 1 over all active entries.
    expect(sums.reduce((a, c) => a + c, 0) / active.reduce((a, c) => a + c, 0)).toBeCloseTo(1, 1);
  });

  it('clears the previous batch and makes p = 1 features always active', () => {
    const sampler = new BatchSampler(Float64Array.from([1, 0, 0.5]), 10);
    const rng = new Rng(1);
    for (let k = 0; k < 5; k++) {
      sampler.next(rng);
      for (let r = 0; r < 10; r++) {
        expect(sampler.x[r * 3]).toBeGreaterThan(0);
        expect(sampler.x[r * 3 + 1]).toBe(0);
      }
    }
  });

  it('is deterministic for a seed and stream', () => {
    const p = featureFrequencies({ distribution: 'linear', n: 30, exponent: 1, scale: 1, density: 1 }).p;
    const a = new BatchSampler(p, 8);
    const b = new BatchSampler(p, 8);
    const ra = new Rng(5, 2);
    const rb = new Rng(5, 2);
    for (let k = 0; k < 3; k++) {
      a.next(ra);
      b.next(rb);
      expect(Array.from(a.x)).toEqual(Array.from(b.x));
    }
  });
});
