// Shard assignment (run --shard K/N): a partition of the runs, stable, and strict about its input.
import { describe, expect, it } from 'vitest';
import { parseShard, shardRuns } from '../../../src/core/config/shard';
import { parseExperimentConfig } from '../../../src/core/config/parse';
import { expandSweep } from '../../../src/core/config/sweep';
import { CoreError } from '../../../src/core/errors';

const runs = expandSweep(
  parseExperimentConfig(
    'version: 1\ndata: {features: 16, density: [1, 0.5]}\nmodel: {width: [4, 8, 16]}\noptimizer: {weightDecay: [-1, 0, 0.3]}\ntrain: {seeds: [0, 1]}\n',
    { fileName: 'shard.experiment.yaml' },
  ).config!,
);

describe('shardRuns', () => {
  it('is a partition: over K = 0..N−1 every run is in exactly one shard, for any N', () => {
    expect(runs).toHaveLength(36);
    for (const n of [1, 2, 3, 5, 7, 36, 50]) {
      const shards = Array.from({ length: n }, (_, k) => shardRuns(runs, { index: k, count: n }));
      const ids = shards.flat().map((r) => r.id);
      expect(ids.sort(), `N = ${n}`).toEqual(runs.map((r) => r.id).sort());
      // Balanced: shard sizes differ by at most one.
      const sizes = shards.map((s) => s.length);
      expect(Math.max(...sizes) - Math.min(...sizes), `N = ${n}`).toBeLessThanOrEqual(1);
    }
  });

  it('is stable: depends on the config only, not on which runs are finished', () => {
    const shard = shardRuns(runs, { index: 1, count: 4 }).map((r) => r.id);
    expect(shardRuns(runs, { index: 1, count: 4 }).map((r) => r.id)).toEqual(shard);
  });
});

describe('parseShard', () => {
  it('reads K/N', () => {
    expect(parseShard('0/1')).toEqual({ index: 0, count: 1 });
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    expect(parseShard(' 5 / 10 ')).toEqual({ index: 5, count: 10 });
  });

  it.each(['3/2', '2/2', '0/0', '-1/2', '1', '1/2/3', 'a/b', '1.5/3', '', '1/', '/3', '9999999/99999999'])(
    'rejects %j with a sentence naming it',
    (spec) => {
      let error: unknown;
      try {
        parseShard(spec);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CoreError);
      expect((error as CoreError).code).toBe('config/shard');
      expect((error as CoreError).message).toContain(`got ${JSON.stringify(spec)}`);
      expect((error as CoreError).message).toContain('0 <= K < N');
    },
  );
});

describe('a restarted shard', () => {
  it('takes the same runs when some are finished (the shard of all runs, then what is pending)', () => {
    // What run.ts does: a task restarted after finishing some runs must not take other shards' runs.
    const mine = shardRuns(runs, { index: 1, count: 3 });
    const finished = new Set(mine.slice(0, 5).map((r) => r.id));
    const pending = new Set(runs.filter((r) => !finished.has(r.id)).map((r) => r.id));
    const restarted = shardRuns(runs, { index: 1, count: 3 }).filter((r) => pending.has(r.id));
    expect(restarted.map((r) => r.id)).toEqual(mine.slice(5).map((r) => r.id));
    // Dealing only the pending runs would have been wrong: it mixes in other shards' runs.
    const wrong = shardRuns(
      runs.filter((r) => pending.has(r.id)),
      { index: 1, count: 3 },
    );
    expect(wrong.some((r) => !mine.includes(r))).toBe(true);
  });
});
