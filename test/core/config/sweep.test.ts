// A config's runs: the cartesian product of its list-valued keys, named by their values.
import { describe, expect, it } from 'vitest';
import { parseExperimentConfig } from '../../../src/core/config/parse';
import { expandSweep, seriesName } from '../../../src/core/config/sweep';
import type { ExperimentConfig } from '../../../src/core/config/schema';

/** A config from YAML text, which must be free of errors. */
function config(yaml: string): ExperimentConfig {
  const parsed = parseExperimentConfig(`version: 1\n${yaml}`);
  expect(parsed.problems.filter((p) => p.severity === 'error')).toEqual([]);
  return parsed.config!;
}

describe('expandSweep', () => {
  it('a config without lists is one run, named by every value', () => {
    const runs = expandSweep(config('model:\n  width: 64\n'));
    expect(runs).toHaveLength(1);
    expect(runs[0]!.id).toBe('power-a1.2-E1-g-1-s0-m64');
    expect(runs[0]!.series).toBe('power-a1.2-E1-g-1-s0');
    expect(runs[0]!.values).toEqual({
      distribution: 'power',
      exponent: 1.2,
      density: 1,
      weightDecay: -1,
      seed: 0,
      width: 64,
    });
  });

  it('copies the shared settings into every run', () => {
    const c = config(
      'data:\n  features: 100\n  scale: 50\noptimizer:\n  lr: 0.003\n  warmup: 10\n  minLrRatio: 0.1\n  lossScale: 100\n  beta1: 0.8\n  beta2: 0.99\n  eps: 1.0e-6\ntrain:\n  steps: 50\n  batch: 7\n  finalWindow: 5\n  curvePoints: 9\n',
    );
    for (const r of expandSweep(c)) {
      expect(r).toMatchObject({
        n: 100,
        scale: 50,
        steps: 50,
        batch: 7,
        lr: 0.003,
        warmup: 10,
        minLrRatio: 0.1,
        lossScale: 100,
        beta1: 0.8,
        beta2: 0.99,
        eps: 1e-6,
        finalWindow: 5,
        curvePoints: 9,
      });
    }
  });

  it('is the cartesian product of the lists: its size is the product of their lengths', () => {
    const c = config(
      'data:\n  exponent: [1, 1.5]\n  density: [1, 2, 3]\nmodel:\n  width: [8, 16, 32, 64]\noptimizer:\n  weightDecay: [-1, 0.1]\ntrain:\n  seeds: [0, 1]\n',
    );
    const runs = expandSweep(c);
    expect(runs).toHaveLength(2 * 3 * 4 * 2 * 2);
    expect(new Set(runs.map((r) => r.id)).size).toBe(runs.length);
    // Every run's series holds exactly the 4 widths.
    const series = new Map<string, number[]>();
    for (const r of runs) series.set(r.series, [...(series.get(r.series) ?? []), r.values.width]);
    expect(series.size).toBe(2 * 3 * 2 * 2);
    for (const widths of series.values()) expect(widths).toEqual([8, 16, 32, 64]);
    // Each combination appears once.
    const combos = new Set(runs.map((r) => JSON.stringify(r.values)));
    expect(combos.size).toBe(96);
    expect(combos).toContain(
      JSON.stringify({ distribution: 'power', exponent: 1.5, density: 3, weightDecay: 0.1, seed: 1, width: 32 }),
    );
  });

  it('enumerates distribution, exponent, density, weight decay, seed, then width (the innermost)', () => {
    const runs = expandSweep(
      config('data:\n  exponent: [1, 2]\nmodel:\n  width: [4, 8]\noptimizer:\n  weightDecay: [-1, 1]\n'),
    );
    expect(runs.map((r) => r.id)).toEqual([
      'power-a1-E1-g-1-s0-m4',
      'power-a1-E1-g-1-s0-m8',
      'power-a1-E1-g1-s0-m4',
      'power-a1-E1-g1-s0-m8',
      'power-a2-E1-g-1-s0-m4',
      'power-a2-E1-g-1-s0-m8',
      'power-a2-E1-g1-s0-m4',
      'power-a2-E1-g1-s0-m8',
    ]);
  });

  it('multiplies only the power-law runs by the exponents; other families have a null exponent', () => {
    const c = config(
      'data:\n  distribution: [power, exponential, linear]\n  exponent: [1, 1.2, 2]\nmodel:\n  width: [8, 16]\n',
    );
    const runs = expandSweep(c);
    expect(runs).toHaveLength((3 + 1 + 1) * 2);
    expect(runs.filter((r) => r.values.distribution === 'power')).toHaveLength(6);
    for (const r of runs.filter((r) => r.values.distribution !== 'power')) expect(r.values.exponent).toBeNull();
    expect(runs.map((r) => r.id)).toContain('exponential-E1-g-1-s0-m8');
    expect(runs.map((r) => r.id)).toContain('linear-E1-g-1-s0-m16');
    expect(runs.map((r) => r.id)).toContain('power-a1.2-E1-g-1-s0-m16');
    expect(new Set(runs.map((r) => r.series))).toEqual(
      new Set([
        'power-a1-E1-g-1-s0',
        'power-a1.2-E1-g-1-s0',
        'power-a2-E1-g-1-s0',
        'exponential-E1-g-1-s0',
        'linear-E1-g-1-s0',
      ]),
    );
  });

  it('formats values as JavaScript prints them (negative decay, fractions, densities)', () => {
    const runs = expandSweep(
      config(
        'data:\n  exponent: 1.25\n  density: 7.485\nmodel:\n  width: 100\noptimizer:\n  weightDecay: -0.7778\ntrain:\n  seeds: 12\n',
      ),
    );
    expect(runs.map((r) => r.id)).toEqual(['power-a1.25-E7.485-g-0.7778-s12-m100']);
    expect(seriesName({ distribution: 'linear', exponent: null, density: 2, weightDecay: 0.1, seed: 3 })).toBe(
      'linear-E2-g0.1-s3',
    );
  });

  it('sorts widths ascending within each series, whatever the order in the file', () => {
    const runs = expandSweep(config('model:\n  width: [64, 8, 32, 16]\n'));
    expect(runs.map((r) => r.values.width)).toEqual([8, 16, 32, 64]);
    // Numerically, not as text (100 after 25).
    expect(expandSweep(config('model:\n  width: [100, 25, 9]\n')).map((r) => r.values.width)).toEqual([9, 25, 100]);
  });

  it('collapses duplicates: from the parser (with a warning), and in a config built by hand', () => {
    const parsed = parseExperimentConfig(
      'version: 1\nmodel:\n  width: [8, 16, 8]\noptimizer:\n  weightDecay: [-1, -1]\n',
    );
    expect(parsed.problems.map((p) => p.code)).toEqual(['config/duplicate-value', 'config/duplicate-value']);
    expect(expandSweep(parsed.config!).map((r) => r.id)).toEqual([
      'power-a1.2-E1-g-1-s0-m8',
      'power-a1.2-E1-g-1-s0-m16',
    ]);

    const base = config('');
    const byHand: ExperimentConfig = {
      ...base,
      model: { width: [16, 8, 16] },
      train: { ...base.train, seeds: [1, 1] },
    };
    expect(expandSweep(byHand).map((r) => r.id)).toEqual(['power-a1.2-E1-g-1-s1-m8', 'power-a1.2-E1-g-1-s1-m16']);
  });

  it('expands the defaults to the five default widths of one series', () => {
    const runs = expandSweep(config(''));
    expect(runs.map((r) => r.id)).toEqual([8, 16, 32, 64, 128].map((m) => `power-a1.2-E1-g-1-s0-m${m}`));
    expect(new Set(runs.map((r) => r.series)).size).toBe(1);
  });

  it('names runs with characters safe in file names', () => {
    const c = config(
      'data:\n  distribution: [power, exponential, linear]\n  exponent: [0.5, 1e-3]\n  density: [0.5, 2]\noptimizer:\n  weightDecay: [-1, 0, 0.25]\ntrain:\n  seeds: [0, 4294967295]\n',
    );
    for (const r of expandSweep(c)) expect(r.id).toMatch(/^[A-Za-z0-9.\-]+$/);
  });
});
