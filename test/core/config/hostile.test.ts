// Configs written to freeze the editor (issue 17, item 1): each case took seconds to minutes, or
// gigabytes, before the sweep was counted instead of expanded, the density check got a work
// budget and duplicate keys a Set. Time limits are generous for a shared 2-core machine (the
// old code took 17–60 s on the first two, 7–44 s on the key counts, 100 s and 4 GB on the sweep).
import { describe, expect, it } from 'vitest';
import { parseExperimentConfig } from '../../../src/core/config/parse';
import { countRuns, expandSweep, MAX_RUNS } from '../../../src/core/config/sweep';
import { sweepSize } from '../../../src/core/config/sweepSize';
import { checkDensities, DENSITY_CHECK_BUDGET } from '../../../src/core/config/densityCheck';
import { checkConfigForEditor, MAX_CHECKED_BYTES, SLOW_CHECK_MS } from '../../../src/core/config/editorCheck';
import { featureFrequencies } from '../../../src/core/toy/distributions';
import { estimateSeconds } from '../../../src/core/config/costModel';
import { PREVIEW_WORK_BUDGET, previewTheory } from '../../../src/core/toy/theory';
import { CoreError } from '../../../src/core/errors';
import type { ExperimentConfig } from '../../../src/core/config/schema';

const list = (k: number, f: (i: number) => number) => `[${Array.from({ length: k }, (_, i) => f(i)).join(', ')}]`;
const timed = <T>(f: () => T): [T, number] => {
  const t0 = performance.now();
  const out = f();
  return [out, performance.now() - t0];
};
const valid = (text: string): ExperimentConfig => {
  const { config, problems } = parseExperimentConfig(text);
  expect(config, JSON.stringify(problems)).not.toBeNull();
  return config!;
};

// 20 × 20 × 25 × 20 × 50 = 10^7 runs in under 700 bytes.
const SWEEP_1E7 = `version: 1\ndata:\n  exponent: ${list(20, (i) => 1 + i / 20)}\n  density: ${list(20, (i) => 1 + i)}\noptimizer:\n  weightDecay: ${list(25, (i) => i / 25)}\nmodel:\n  width: ${list(20, (i) => 4 * (i + 1))}\ntrain:\n  seeds: ${list(50, (i) => i)}\n`;

describe('sweeps are counted, never expanded past the cap', () => {
  it('a 10^7-run config is an error at its longest list, found in milliseconds', () => {
    expect(SWEEP_1E7.length).toBeLessThan(700);
    const [parsed, ms] = timed(() => parseExperimentConfig(SWEEP_1E7));
    expect(ms).toBeLessThan(2000);
    expect(parsed.config).toBeNull();
    const error = parsed.problems.find((p) => p.code === 'config/too-many-runs')!;
    expect(error.severity).toBe('error');
    expect(error.message).toContain('10,000,000 runs');
    expect(error.message).toContain('train.seeds (50 values)');
    // Located at the seeds list, the one that multiplies most.
    expect(SWEEP_1E7.slice(error.start, error.end)).toBe(list(50, (i) => i));
  });

  it('countRuns and sweepSize agree with the expansion, and do not expand', () => {
    const text = `version: 1\ndata:\n  distribution: [power, linear, exponential]\n  exponent: [1, 1.5]\n  density: [1, 2]\nmodel:\n  width: [8, 16, 32]\ntrain:\n  seeds: [0, 1]\n  steps: 300\n`;
    const config = valid(text);
    const runs = expandSweep(config);
    expect(countRuns(config)).toBe(runs.length);
    expect(runs.length).toBe((2 + 1 + 1) * 2 * 3 * 2);
    expect(sweepSize(config, 1.7).seconds).toBeCloseTo(estimateSeconds(runs, 1.7), 9);
    // A config object past the cap (as a --set could build) is counted in microseconds and refused
    // by expandSweep with a CoreError instead of being listed.
    const huge = {
      ...config,
      train: { ...config.train, seeds: Array.from({ length: 100_000 }, (_, i) => i) },
    } as ExperimentConfig;
    const [size, ms] = timed(() => sweepSize(huge));
    expect(size.runs).toBe(runs.length * 50_000);
    expect(ms).toBeLessThan(50);
    expect(() => expandSweep(huge)).toThrow(CoreError);
    expect(() => expandSweep(huge)).toThrow(/over the limit of 10,000/);
  });

  it('exactly MAX_RUNS runs is allowed', () => {
    const text = `version: 1\ntrain:\n  seeds: ${list(MAX_RUNS / 10, (i) => i)}\nmodel:\n  width: ${list(10, (i) => i + 1)}\n`;
    expect(countRuns(valid(text))).toBe(MAX_RUNS);
    expect(parseExperimentConfig(text.replace('width: [', 'width: [11, ')).config).toBeNull();
  });
});

describe('the density check is bounded and exact', () => {
  it('agrees with featureFrequencies (capped count and effective density) on every family', () => {
    const shapes = [
      { distribution: 'power', exponent: 1 },
      { distribution: 'power', exponent: 0 },
      { distribution: 'power', exponent: 2.5 },
      { distribution: 'exponential', exponent: 0 },
      { distribution: 'linear', exponent: 0 },
    ] as const;
    const densities = [0.5, 1, 7.485, 8, 20, 150, 999, 1000, 5000];
    const n = 1000;
    const check = checkDensities(shapes, densities, n, 40);
    let expected = 0;
    for (const shape of shapes) {
      for (const density of densities) {
        const f = featureFrequencies({ ...shape, n, scale: 40, density });
        const got = check.capped.find((c) => c.shape === shape && c.density === density);
        if (f.capped === 0) {
          expect(got).toBeUndefined();
          continue;
        }
        expected++;
        expect(got!.capped).toBe(f.capped);
        expect(got!.effectiveDensity).toBeCloseTo(f.effectiveDensity, 9);
      }
    }
    expect(check.capped).toHaveLength(expected);
    expect(expected).toBeGreaterThan(10);
  });

  it('stops at its work budget and says how much it checked', () => {
    const shapes = Array.from({ length: 50 }, (_, i) => ({ distribution: 'power' as const, exponent: 1 + i / 10 }));
    const check = checkDensities(shapes, [1], 100_000, 400);
    expect(check.shapesChecked).toBe(DENSITY_CHECK_BUDGET / 100_000);
  });

  it('a 642-byte config of 40 exponents × 40 densities at n = 100,000 is checked quickly', () => {
    const text = `version: 1\ndata:\n  features: 100000\n  exponent: ${list(40, (i) => 1 + i * 0.05)}\n  density: ${list(40, (i) => 1 + i * 50)}\n`;
    expect(text.length).toBeLessThan(700);
    parseExperimentConfig('version: 1\n'); // warm the yaml package
    const [parsed, ms] = timed(() => parseExperimentConfig(text));
    expect(ms).toBeLessThan(1500); // 17 s before
    const codes = parsed.problems.map((p) => p.code);
    // 20 capped pairs listed, one line for the rest, one for the exponents left unchecked.
    expect(codes.filter((c) => c === 'config/density-capped')).toHaveLength(21);
    expect(parsed.problems.find((p) => p.code === 'config/check-limited')!.message).toContain('2 of 40');
  });
});

describe('the preview is bounded', () => {
  it('100 exponents × 100 densities at n = 100,000 previews a budget of series, not 8 GB of frequencies', () => {
    const text = `version: 1\ndata:\n  features: 100000\n  exponent: ${list(100, (i) => 0.5 + i / 50)}\n  density: ${list(100, (i) => 1 + i)}\nmodel:\n  width: 8\n`;
    const config = valid(text);
    expect(countRuns(config)).toBe(10_000);
    const [theory, ms] = timed(() => previewTheory(config));
    expect(ms).toBeLessThan(5000);
    expect(theory.totalRuns).toBe(10_000);
    expect(theory.series).toHaveLength(Math.floor(PREVIEW_WORK_BUDGET / (2 * 100_000 + 1)));
    expect(theory.series.length + theory.omittedSeries).toBe(10_000);
    expect(theory.frequencies.length).toBe(theory.series.length);
  });
});

describe('many keys', () => {
  const keys = (k: number) => `version: 1\n${Array.from({ length: k }, (_, i) => `k${i}: 1`).join('\n')}\n`;

  it('40,000 keys parse in linear time, a duplicate among them is still found, warnings are capped', () => {
    const text = `${keys(40_000)}k123: 2\n`;
    const [parsed, ms] = timed(() => parseExperimentConfig(text));
    expect(ms).toBeLessThan(15_000); // 44 s before (quadratic duplicate check)
    const duplicate = parsed.problems.filter((p) => p.code === 'yaml/duplicate-key');
    expect(duplicate).toHaveLength(1);
    expect(text.slice(duplicate[0]!.start, duplicate[0]!.start + 5)).toBe('k123:');
    expect(text.lastIndexOf('k123:')).toBe(duplicate[0]!.start);
    const unknown = parsed.problems.filter((p) => p.code === 'config/unknown-key');
    expect(unknown).toHaveLength(101);
    expect(unknown[100]!.message).toMatch(/^39,900 more unknown keys/);
  });

  it('the editor does not parse a file over the size limit, and flags a slow check', () => {
    const big = keys(10_000);
    expect(big.length).toBeGreaterThan(MAX_CHECKED_BYTES);
    const [checked, ms] = timed(() => checkConfigForEditor(big, 'big.experiment.yaml', 1));
    expect(ms).toBeLessThan(50);
    expect(checked.parsed).toBeNull();
    expect(checked.problems.map((p) => p.code)).toEqual(['config/too-large-to-check']);
    // A clock that advances 80 ms per reading: the check "took" 80 ms.
    let t = 0;
    const slow = checkConfigForEditor('version: 1\n', 'a.experiment.yaml', 1, () => (t += 80));
    expect(slow.problems.map((p) => p.code)).toEqual(['config/slow-check']);
    expect(slow.problems[0]!.message).toContain(`80 ms (over ${SLOW_CHECK_MS} ms)`);
    expect(checkConfigForEditor('version: 1\n', 'a.experiment.yaml', 1).problems).toEqual([]);
  });
});
