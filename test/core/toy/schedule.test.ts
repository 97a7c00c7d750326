// Learning-rate schedules, exactly as paper-spec §1.5 writes them (s = step + 1, warmup to the
// peak, half cosine down to minLrRatio × peak).
import { describe, expect, it } from 'vitest';
import { lrMultiplier, peakLearningRates, warmupSteps } from '../../../src/core/toy/schedule';

/** exp-17's multiplier f(s), written out from §1.5 for N steps (w = int(0.05 N)). */
function f17(step: number, N: number): number {
  const s = step + 1;
  const w = Math.trunc(0.05 * N);
  return s < w ? s / w : 0.95 * 0.5 * (1 + Math.cos((Math.PI * (s - w)) / (N - w))) + 0.05;
}

describe('warmupSteps', () => {
  it('below 1 is a fraction of the steps, truncated as int() does; from 1 a number of steps', () => {
    expect(warmupSteps(0.05, 20000)).toBe(1000);
    expect(warmupSteps(0.05, 40000)).toBe(2000);
    expect(warmupSteps(0.05, 6000)).toBe(300);
    expect(warmupSteps(0.05, 60)).toBe(3); // 0.05 · 60 = 3.0000000000000004 in floating point
    expect(warmupSteps(0.05, 99)).toBe(4); // int(4.95)
    expect(warmupSteps(0.1, 20000)).toBe(2000);
    expect(warmupSteps(0, 100)).toBe(0);
    expect(warmupSteps(2000, 20000)).toBe(2000);
    expect(warmupSteps(1, 100)).toBe(1);
    expect(warmupSteps(250.7, 1000)).toBe(250);
  });
});

describe('large-model schedule (exp-17)', () => {
  const N = 20000;
  const w = warmupSteps(0.05, N);
  const mult = (step: number) => lrMultiplier(step, N, w, 0.05);

  it('matches f(s) of §1.5 at every step', () => {
    let worst = 0;
    for (let step = 0; step < N; step++) worst = Math.max(worst, Math.abs(mult(step) - f17(step, N)));
    expect(worst).toBeLessThan(1e-15);
  });

  it('warms up linearly from s/w, reaches the peak at s = w, and ends at 5 %', () => {
    expect(w).toBe(1000);
    expect(mult(0)).toBe(1 / 1000); // s = 1
    expect(mult(499)).toBe(0.5); // s = 500
    expect(mult(998)).toBe(0.999); // s = 999, the last warmup step
    expect(mult(999)).toBe(1); // s = w: cosine at progress 0
    // Half-way through the cosine, s − w = (N − w)/2: 0.95 · ½ + 0.05.
    expect(mult(999 + 9500)).toBeCloseTo(0.525, 15);
    expect(mult(N - 1)).toBeCloseTo(0.05, 15); // s = N
    // Monotone: up during warmup, down after.
    const wrongWay: number[] = [];
    for (let step = 1; step < N; step++) {
      if (step < 1000 ? mult(step) <= mult(step - 1) : mult(step) > mult(step - 1)) wrongWay.push(step);
    }
    expect(wrongWay).toEqual([]);
  });

  it('works for the CPU-scale run too (N = 6000, w = 300)', () => {
    for (const step of [0, 1, 150, 298, 299, 300, 3000, 5999]) {
      expect(lrMultiplier(step, 6000, warmupSteps(0.05, 6000), 0.05)).toBeCloseTo(f17(step, 6000), 15);
    }
  });
});

describe('peakLearningRates', () => {
  it('paper-large: η_W = 0.02 (8/m)^¼ and η_b = 2/m, matching the spec’s examples', () => {
    const at = (m: number) => peakLearningRates('paper-large', m);
    expect(at(8).W).toBeCloseTo(0.02, 15);
    expect(at(64).W).toBeCloseTo(0.0119, 4);
    expect(at(1024).W).toBeCloseTo(0.00595, 5);
    expect(at(8).b).toBe(0.25);
    expect(at(1024).b).toBeCloseTo(0.00195, 5);
    // Exactly the formula, at widths between the examples too.
    for (const m of [10, 16, 100, 512]) {
      expect(at(m).W).toBeCloseTo(0.02 * (8 / m) ** 0.25, 15);
      expect(at(m).b).toBeCloseTo(2 / m, 15);
    }
    // Every doubling of m lowers η_W by 2^¼.
    expect(at(16).W / at(32).W).toBeCloseTo(2 ** 0.25, 14);
  });

  it('paper-small is 0.01 for both groups at every width; a number sets both', () => {
    for (const m of [10, 39, 100]) expect(peakLearningRates('paper-small', m)).toEqual({ W: 0.01, b: 0.01 });
    expect(peakLearningRates(0.003, 64)).toEqual({ W: 0.003, b: 0.003 });
  });
});

describe('small-model schedule (exp-10: peak 1e-2, warmup 2000 of 20000, min 5e-4)', () => {
  const peak = peakLearningRates('paper-small', 39).W;
  const lr = (step: number) => peak * lrMultiplier(step, 20000, warmupSteps(2000, 20000), 0.05);

  it('follows lr = lr₀ s/w during warmup (hand-computed values)', () => {
    expect(lr(0)).toBeCloseTo(5e-6, 18); // 0.01 · 1/2000
    expect(lr(999)).toBeCloseTo(0.005, 17); // 0.01 · 1000/2000
    expect(lr(1998)).toBeCloseTo(0.009995, 17); // 0.01 · 1999/2000
  });

  it('then (lr₀ − min_lr) ½ (1 + cos(π (s − w)/(N − w))) + min_lr (hand-computed values)', () => {
    expect(lr(1999)).toBeCloseTo(0.01, 17); // s = w: the peak
    // s = 6500: progress 4500/18000 = ¼, cos(π/4) = 0.70711 → 0.0095 · 0.85355 + 0.0005 = 0.0086088
    expect(lr(6499)).toBeCloseTo(0.0095 * 0.5 * (1 + Math.SQRT1_2) + 0.0005, 17);
    expect(lr(6499)).toBeCloseTo(0.0086088, 7);
    // s = 11000: progress ½ → 0.0095 · ½ + 0.0005 = 0.00525
    expect(lr(10999)).toBeCloseTo(0.00525, 17);
    // s = 15500: progress ¾, cos(3π/4) = −0.70711 → 0.0095 · 0.14645 + 0.0005 = 0.0018912
    expect(lr(15499)).toBeCloseTo(0.0018912, 7);
  });

  it('ends at minLrRatio · peak = 5e-4 on the last step (s = N)', () => {
    expect(lr(19999)).toBeCloseTo(5e-4, 17);
    expect(lrMultiplier(99, 100, 10, 0.2)).toBeCloseTo(0.2, 15);
    expect(lrMultiplier(99, 100, 10, 0)).toBeCloseTo(0, 15);
  });
});

describe('edge cases', () => {
  it('no warmup starts the cosine at once: s = 1 is already past the peak', () => {
    expect(lrMultiplier(0, 100, 0, 0.05)).toBeCloseTo(0.95 * 0.5 * (1 + Math.cos(Math.PI / 100)) + 0.05, 15);
    expect(lrMultiplier(99, 100, 0, 0.05)).toBeCloseTo(0.05, 15);
  });

  it('a warmup covering the whole run falls back to the pure cosine (the code’s w ≥ N case)', () => {
    for (const step of [0, 50, 99]) expect(lrMultiplier(step, 100, 100, 0.05)).toBe(lrMultiplier(step, 100, 0, 0.05));
    expect(lrMultiplier(0, 100, 500, 0.05)).toBe(lrMultiplier(0, 100, 0, 0.05));
  });

  it('a one-step run is at the end of its cosine', () => {
    expect(lrMultiplier(0, 1, 0, 0.05)).toBeCloseTo(0.05, 15);
  });
});
