// The ideal-weak selection of paper App. D.5: largest ambiguity over widths per (γ, α), the
// least ambiguous pairs kept (9 of 170 in the paper, the same share of a smaller grid).
import { describe, expect, it } from 'vitest';
import { idealWeakCount, idealWeakSelection } from '../../../src/core/toy/idealWeak';
import type { RunResult } from '../../../src/core/toy/results';

const run = (gamma: number, alpha: number, m: number, ambiguity: number | null | undefined, loss: number) =>
  ({
    id: `a${alpha}-g${gamma}-m${m}`,
    series: `a${alpha}-g${gamma}`,
    values: { distribution: 'power', exponent: alpha, density: 1, weightDecay: gamma, seed: 0, width: m },
    n: 1000,
    finalLoss: loss,
    ...(ambiguity === undefined ? {} : { ambiguity }),
  }) as unknown as RunResult;

describe('idealWeakSelection', () => {
  it('keeps 9 of 170 as the paper, the same share rounded up of fewer, at least one', () => {
    expect(idealWeakCount(170)).toBe(9);
    expect(idealWeakCount(340)).toBe(9);
    expect(idealWeakCount(8)).toBe(1);
    expect(idealWeakCount(20)).toBe(2);
    expect(idealWeakCount(0)).toBe(0);
  });

  it('ranks pairs by their largest ambiguity over widths and fits α_m on the kept ones', () => {
    const runs = [
      // γ 0.5, α 2: small A at every width, loss ∝ m^−1.
      ...[10, 20, 40].map((m) => run(0.5, 2, m, 0.1, 5 / m)),
      // γ 0.25, α 1.5: one ambiguous width makes its maximum large.
      ...[10, 20, 40].map((m) => run(0.25, 1.5, m, m === 40 ? 3 : 0.05, 5 / m ** 0.5)),
      ...Array.from({ length: 20 }, (_, k) => [10, 20, 40].map((m) => run(-1, 0.1 * k, m, 100 / m, 1 / m))).flat(),
    ];
    const s = idealWeakSelection(runs)!;
    expect(s.pairs).toHaveLength(22);
    expect(s.pairs[0]).toMatchObject({ gamma: 0.5, alpha: 2, maxAmbiguity: 0.1, widths: [10, 20, 40] });
    expect(s.pairs[0]!.alphaM!).toBeCloseTo(1, 12);
    expect(s.pairs[1]).toMatchObject({ gamma: 0.25, alpha: 1.5, maxAmbiguity: 3 });
    expect(s.selected.map((p) => p.alpha)).toEqual([2, 1.5]); // 22 pairs → ⌈22·9/170⌉ = 2
    expect(s.note).toMatch(/this grid has 22, so the same share rounded up keeps 2/);
  });

  it('is null without any ambiguity, and drops series with a diverged run or one width', () => {
    expect(idealWeakSelection([10, 20].map((m) => run(0.5, 2, m, undefined, 1 / m)))).toBeNull();
    const s = idealWeakSelection([
      ...[10, 20].map((m) => run(0.5, 2, m, m === 20 ? null : 0.1, 1 / m)),
      run(0.25, 1.5, 10, 0.2, 1),
      ...[10, 20].map((m) => run(0.1, 1.25, m, 0.3, 1 / m)),
    ])!;
    expect(s.pairs.map((p) => p.gamma)).toEqual([0.1]);
  });
});
