import { describe, expect, it } from 'vitest';
import { backendBatchOptions, batchKey, checkBatchable, planBatches, runBytes } from '../../../src/core/toy/batchPlan';
import { expandSweep } from '../../../src/core/config/sweep';
import { parseExperimentConfig } from '../../../src/core/config/parse';
import type { RunSpec } from '../../../src/core/config/sweep';

function sweep(yaml: string): RunSpec[] {
  const parsed = parseExperimentConfig(yaml, { fileName: 'x.experiment.yaml', overrides: [] });
  if (parsed.config === null) throw new Error(JSON.stringify(parsed.problems));
  return expandSweep(parsed.config);
}

// 3 widths × 2 γ × 2 seeds = 12 runs, listed series by series (γ, seed), widths inside.
const runs = sweep(`version: 1
name: plan
data:
  features: 100
model:
  width: [4, 8, 16]
optimizer:
  weightDecay: [-1, 0.5]
train:
  steps: 50
  batch: 32
  seeds: [0, 1]
`);

describe('planBatches', () => {
  it('groups runs of one width (the shared shape), each run once, groups in the order of their first run', () => {
    const groups = planBatches(runs);
    expect(groups.map((g) => g.length)).toEqual([4, 4, 4]);
    expect(groups.map((g) => g[0]!.values.width)).toEqual([4, 8, 16]);
    for (const g of groups) expect(new Set(g.map(batchKey)).size).toBe(1);
    expect(
      groups
        .flat()
        .map((r) => r.id)
        .sort(),
    ).toEqual(runs.map((r) => r.id).sort());
  });

  it('keeps each group under the memory cap and the run cap', () => {
    const wide = runs.filter((r) => r.values.width === 16);
    const bytes = runBytes(wide[0]!);
    const capped = planBatches(wide, { maxBytes: 2.5 * bytes });
    expect(capped.map((g) => g.length)).toEqual([2, 2]);
    for (const g of capped) expect(g.reduce((s, r) => s + runBytes(r), 0)).toBeLessThanOrEqual(2.5 * bytes);
    expect(planBatches(runs, { maxRuns: 3 }).map((g) => g.length)).toEqual([3, 3, 3, 1, 1, 1]);
    expect(planBatches(runs, { maxRuns: 1 })).toHaveLength(12);
  });

  it('trains runs from a width on alone (WASM: the one-run active path is faster there)', () => {
    const groups = planBatches(runs, backendBatchOptions('wasm'));
    expect(groups.map((g) => g.length)).toEqual([4, 4, 1, 1, 1, 1]);
    expect(groups.slice(2).every((g) => g[0]!.values.width === 16)).toBe(true);
    expect(planBatches(runs, backendBatchOptions('cpu')).map((g) => g.length)).toEqual([4, 4, 4]);
  });

  it('trains a run larger than the cap alone rather than dropping it', () => {
    expect(planBatches(runs, { maxBytes: 1 }).map((g) => g.length)).toEqual(new Array(12).fill(1));
  });

  it('never groups runs of different steps or batch size', () => {
    const other = sweep(`version: 1
name: plan2
data:
  features: 100
model:
  width: [4]
train:
  steps: 60
  batch: 32
`);
    const groups = planBatches([...runs.filter((r) => r.values.width === 4), ...other]);
    expect(groups.map((g) => g.length)).toEqual([4, 1]);
  });

  it('refuses a cap that is not a positive number', () => {
    for (const maxBytes of [0, -5, Number.NaN]) {
      expect(() => planBatches(runs, { maxBytes })).toThrow(expect.objectContaining({ code: 'train/batch' }));
    }
    expect(() => planBatches(runs, { maxRuns: 0 })).toThrow(expect.objectContaining({ code: 'train/batch' }));
  });
});

describe('checkBatchable', () => {
  it('accepts one shape and names what differs otherwise', () => {
    expect(() => checkBatchable(runs.filter((r) => r.values.width === 8))).not.toThrow();
    expect(() => checkBatchable(runs)).toThrow(/differ in width/);
    expect(() => checkBatchable([])).toThrow(expect.objectContaining({ code: 'train/batch' }));
  });
});
