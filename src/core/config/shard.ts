// Splitting a sweep between processes (`run --shard K/N`, one Slurm array task or Kubernetes
// index each). The assignment depends only on the config, never on what has finished, so a task
// that is requeued or restarted takes the same runs again and resumes them. Runs that must be
// trained together (a group) stay in one shard.

import { CoreError, messages } from '../errors';
import type { RunSpec } from './sweep';

export interface Shard {
  /** 0-based, below count. */
  readonly index: number;
  readonly count: number;
}

/** Parses `K/N` (0 <= K < N); anything else is a CoreError('config/shard') naming the input. */
export function parseShard(spec: string): Shard {
  const match = /^\s*(\d{1,6})\s*\/\s*(\d{1,6})\s*$/.exec(spec);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (match === null || count < 1 || index >= count) throw new CoreError('config/shard', messages.badShard(spec));
  return { index, count };
}

/** The unit that is never split between shards: one run for now (batched training may widen it). */
export const shardGroup = (run: RunSpec): string => run.id;

/**
 * The runs of `shard`: groups dealt round-robin in sweep order, which balances widths (the
 * sweep lists each series' widths together) and is a partition over K = 0..N−1.
 */
export function shardRuns(runs: readonly RunSpec[], shard: Shard): RunSpec[] {
  const groupIndex = new Map<string, number>();
  for (const r of runs) {
    const g = shardGroup(r);
    if (!groupIndex.has(g)) groupIndex.set(g, groupIndex.size);
  }
  return runs.filter((r) => groupIndex.get(shardGroup(r))! % shard.count === shard.index);
}
