// Benchmark: opening checkpoints (what the viewer and `list` do) on generated files.
//   - a 5 GiB sparse file (2 tensors): must read only the header
//   - headers with 1,000 / 20,000 / 100,000 tensors
//   - a 3-shard model opened from one shard (index discovery)
// Prints median wall time over repeated opens and the bytes read. Not a test: numbers vary by machine.
// Usage: npm run bench:open   (node --import tsx bench/open-checkpoint.ts)
import { writeFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { openCheckpoint } from '../src/core/safetensors/open';
import { nodeCheckpointFiles, openNodeReader } from '../src/node/files';
import { encodeSafetensors, type TensorToWrite } from '../src/core/safetensors/write';
import { tempDir, writeShardedModel, writeSparseGiant } from '../test/fixtures/files';

const REPEATS = 15;

function manyTensors(n: number): Uint8Array {
  const tensors: TensorToWrite[] = [];
  for (let i = 0; i < n; i++) {
    tensors.push({
      name: `model.layers.${i >> 2}.proj.${i & 3}.weight`,
      dtype: 'BF16',
      shape: [2, 2],
      data: new Uint8Array(8),
    });
  }
  return encodeSafetensors(tensors);
}

async function measure(label: string, file: string): Promise<void> {
  let bytes = 0;
  const base = nodeCheckpointFiles();
  const files = {
    ...base,
    openReader: async (p: string) => {
      const r = await openNodeReader(p, p);
      if (r === null) return null;
      const read = r.read.bind(r);
      return Object.assign(r, { read: async (o: number, l: number) => ((bytes += l), read(o, l)) });
    },
  };
  const times: number[] = [];
  let tensors = 0;
  for (let i = 0; i < REPEATS; i++) {
    bytes = 0;
    const t0 = performance.now();
    const opened = await openCheckpoint(files, file);
    times.push(performance.now() - t0);
    tensors = opened.model.tensors.length;
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  console.log(
    `${label.padEnd(34)} ${String(tensors).padStart(7)} tensors  ${median.toFixed(1).padStart(7)} ms median  ${bytes.toLocaleString('en-US').padStart(12)} bytes read`,
  );
}

async function main(): Promise<void> {
  const { dir, cleanup } = tempDir('spl-bench-');
  try {
    console.log(`open-checkpoint benchmark (median of ${REPEATS} opens, Node ${process.version})\n`);
    const giant = path.join(dir, 'giant.safetensors');
    writeSparseGiant(giant, 5 * 1024 ** 3);
    await measure('5 GiB file (sparse)', giant);
    for (const n of [1_000, 20_000, 100_000]) {
      const f = path.join(dir, `many-${n}.safetensors`);
      writeFileSync(f, manyTensors(n));
      await measure(`header with ${n.toLocaleString('en-US')} tensors`, f);
    }
    const sharded = path.join(dir, 'sharded');
    mkdirSync(sharded);
    const { shards } = writeShardedModel(sharded);
    await measure('3-shard model, opened from a shard', path.join(sharded, shards[1]!));
  } finally {
    cleanup();
  }
}

void main();
