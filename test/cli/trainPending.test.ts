// The CLI's training loop with batched runs, in process on TF.js's CPU backend: a batch gives each
// run what training it alone gives, saves every run of a batch, and a cancel keeps finished
// batches saved and lets the next start resume with the rest.
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainPending } from '../../src/cli/trainPending';
import { prepareExperiment, type PreparedExperiment } from '../../src/node/experimentStore';
import type { RunSpec } from '../../src/core/config/sweep';
import { tempDir } from '../fixtures/files';

const tmp = tempDir('spl-batch-');
afterAll(tmp.cleanup);
beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
});

// Two widths × two γ × two seeds: two batches of four runs (one per width); the runs of one seed
// share their sampled batches.
const CONFIG = `version: 1
name: batched
data:
  features: 48
model:
  width: [4, 6]
optimizer:
  weightDecay: [-1, 0.3]
train:
  steps: 60
  batch: 32
  seeds: [0, 1]
`;
const configFile = path.join(tmp.dir, 'batched.experiment.yaml');
writeFileSync(configFile, CONFIG);

async function prepare(outDir: string): Promise<PreparedExperiment> {
  const outcome = await prepareExperiment(configFile, CONFIG, { outDir: path.join(tmp.dir, outDir) });
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.problems));
  return outcome.experiment;
}
const savedIds = (e: PreparedExperiment) =>
  (JSON.parse(readFileSync(e.resultsFile, 'utf8')) as { runs: { id: string }[] }).runs.map((r) => r.id);

describe('trainPending with batches', () => {
  it('trains runs of one width together and gives each the loss it gets alone', async () => {
    const batched = await prepare('batched');
    const groups: string[][] = [];
    const saved: string[] = [];
    const results = await trainPending(batched, 'cpu', {
      isCancelled: () => false,
      onStep: (spec, _i, _step, _mse, group) => {
        if (spec === group[0]) groups.push(group.map((g: RunSpec) => g.id));
      },
      onRunSaved: (spec) => saved.push(spec.id),
    });
    expect(results.runs).toHaveLength(8);
    expect(new Set(groups.map((g) => g.join(','))).size).toBe(2);
    expect(groups.every((g) => g.length === 4)).toBe(true);
    expect(saved.sort()).toEqual(batched.todo.map((r) => r.id).sort());
    expect(savedIds(batched).sort()).toEqual(saved);

    const alone = await trainPending(await prepare('alone'), 'cpu', {
      isCancelled: () => false,
      batching: { maxRuns: 1 },
    });
    for (const run of alone.runs) {
      const twin = results.runs.find((r) => r.id === run.id)!;
      expect(Math.abs(twin.finalLoss - run.finalLoss) / run.finalLoss, run.id).toBeLessThan(1e-3);
      expect(twin.fracRepresented, run.id).toBeCloseTo(run.fracRepresented, 2);
    }
  });

  it('a cancel keeps the finished batch saved, and the next start resumes with the rest', async () => {
    const first = await prepare('cancelled');
    let batchesSaved = 0;
    await expect(
      trainPending(first, 'cpu', {
        isCancelled: () => batchesSaved >= 4,
        onRunSaved: () => batchesSaved++,
      }),
    ).rejects.toMatchObject({ code: 'job/cancelled' });
    expect(savedIds(first)).toHaveLength(4);
    const again = await prepare('cancelled');
    expect(again.todo).toHaveLength(4);
    expect(again.todo.map((r) => r.id).some((id) => savedIds(first).includes(id))).toBe(false);
    const results = await trainPending(again, 'cpu', { isCancelled: () => false });
    expect(results.runs).toHaveLength(8);
  });
});
