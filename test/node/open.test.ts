import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { openCheckpoint } from '../../src/core/safetensors/open';
import { nodeCheckpointFiles, openNodeReader, type NodeFileReader } from '../../src/node/files';
import { readTensorFloat32 } from '../../src/core/safetensors/reader';
import { computeTensorStats } from '../../src/core/safetensors/stats';
import { CoreError } from '../../src/core/errors';
import { encodeSafetensors, float32Bytes } from '../../src/core/safetensors/write';
import { tempDir, writeShardedModel, writeSparseGiant } from '../fixtures/files';

let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.forEach((c) => c());
  cleanups = [];
});
function dir(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
}
const files = nodeCheckpointFiles((p) => path.basename(p));
async function openError(p: string): Promise<CoreError> {
  const e = await openCheckpoint(files, p).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(CoreError);
  return e as CoreError;
}

describe('sharded checkpoints', () => {
  it('opens the whole model from the index, with a shard per tensor', async () => {
    const d = dir();
    const { indexPath, shards } = writeShardedModel(d);
    const opened = await openCheckpoint(files, indexPath);
    expect(opened.model.indexFile).toBe('model.safetensors.index.json');
    expect(opened.model.shards.map((s) => s.file)).toEqual(shards);
    expect(opened.model.tensors.map((t) => [t.name, t.shard])).toEqual([
      ['model.embed_tokens.weight', 0],
      ['model.layers.0.w', 0],
      ['model.layers.1.w', 1],
      ['model.layers.2.w', 1],
      ['lm_head.weight', 2],
    ]);
    expect(opened.model.metadata).toEqual({ total_size: '56' });
    expect(opened.model.warnings).toEqual([]);
    expect(opened.shardPaths).toEqual(shards.map((s) => path.join(d, s)));
    // Tensor data of any shard is reachable through its own header.
    const t = opened.model.tensors.find((x) => x.name === 'lm_head.weight')!;
    const reader = (await openNodeReader(opened.shardPaths[t.shard]!, 'shard'))!;
    expect(Array.from(await readTensorFloat32(reader, opened.headers[t.shard]!, t))).toEqual([11, 12, 13, 14]);
  });

  it('opens the whole model from any one of its shards, and says so', async () => {
    const d = dir();
    const { shards } = writeShardedModel(d);
    const opened = await openCheckpoint(files, path.join(d, shards[1]!));
    expect(opened.model.tensors).toHaveLength(5);
    expect(opened.notes[0]).toBe(
      `${shards[1]} is shard 2 of 3 of model.safetensors.index.json; showing the whole model.`,
    );
    const alone = await openCheckpoint(files, path.join(d, shards[1]!), { discoverIndex: false });
    expect(alone.model.tensors.map((t) => t.name)).toEqual(['model.layers.1.w', 'model.layers.2.w']);
  });

  it('names a missing shard when the index is opened', async () => {
    const d = dir();
    const { indexPath, shards } = writeShardedModel(d, { skipShard: 2 });
    const e = await openError(indexPath);
    expect(e.code).toBe('index/missing-shard');
    expect(e.message).toBe(`model.safetensors.index.json needs the shard ${shards[2]} (1 tensor), which is missing.`);
  });

  it('shows an existing shard alone, with a warning, when a sibling shard is missing', async () => {
    const d = dir();
    const { shards } = writeShardedModel(d, { skipShard: 2 });
    const opened = await openCheckpoint(files, path.join(d, shards[0]!));
    expect(opened.model.tensors).toHaveLength(2);
    expect(opened.model.warnings[0]).toMatch(/^Showing this shard alone: .*needs the shard model-00003-of-00003/);
  });

  it('rejects an index whose weight map disagrees with the shard headers', async () => {
    const d = dir();
    const { indexPath, shards } = writeShardedModel(d);
    const index = JSON.parse(readFileSync(indexPath, 'utf8'));
    index.weight_map['lm_head.weight'] = shards[0];
    writeFileSync(indexPath, JSON.stringify(index));
    const e = await openError(indexPath);
    expect(e.code).toBe('index/mismatch');
    expect(e.message).toContain('"lm_head.weight" is in model-00001-of-00003.safetensors');
  });

  it('rejects a tensor stored in two shards', async () => {
    const d = dir();
    const { indexPath, shards } = writeShardedModel(d);
    writeFileSync(
      path.join(d, shards[2]!),
      encodeSafetensors([
        { name: 'lm_head.weight', dtype: 'F32', shape: [1], data: float32Bytes([0]) },
        { name: 'model.layers.0.w', dtype: 'F32', shape: [1], data: float32Bytes([0]) },
      ]),
    );
    const e = await openError(indexPath);
    expect(e.code).toBe('index/duplicate');
    expect(e.message).toContain('"model.layers.0.w" is stored in two shards');
  });

  it('refuses shard paths that leave the folder', async () => {
    const d = dir();
    for (const bad of ['../outside.safetensors', '/etc/passwd', 'a/../../b.safetensors', 'C:\\x.safetensors', '']) {
      writeFileSync(path.join(d, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { w: bad } }));
      const e = await openError(path.join(d, 'model.safetensors.index.json'));
      expect(e.code, bad).toBe('index/path');
    }
  });

  it('rejects index files that are not JSON or have no weight map', async () => {
    const d = dir();
    const p = path.join(d, 'model.safetensors.index.json');
    for (const [text, code] of [
      ['not json', 'index/json'],
      ['[1]', 'index/json'],
      ['{"metadata":{}}', 'index/schema'],
      ['{"weight_map":{}}', 'index/schema'],
      ['{"weight_map":{"w":3}}', 'index/schema'],
    ] as const) {
      writeFileSync(p, text);
      expect((await openError(p)).code, text).toBe(code);
    }
  });

  it('warns about tensors stored in shards but missing from the index, and a wrong total_size', async () => {
    const d = dir();
    const { indexPath } = writeShardedModel(d);
    const index = JSON.parse(readFileSync(indexPath, 'utf8'));
    delete index.weight_map['model.layers.2.w'];
    index.metadata.total_size = 1;
    writeFileSync(indexPath, JSON.stringify(index));
    const opened = await openCheckpoint(files, indexPath);
    expect(opened.model.tensors).toHaveLength(5);
    expect(opened.model.warnings).toHaveLength(2);
    expect(opened.model.warnings[0]).toContain('1 tensor is stored in the shards but not listed');
    expect(opened.model.warnings[1]).toContain('declares total_size 1');
  });

  it('reports a missing file and a bad shard header with the file named', async () => {
    const d = dir();
    expect((await openError(path.join(d, 'nope.safetensors'))).code).toBe('file/not-found');
    const { indexPath, shards } = writeShardedModel(d);
    writeFileSync(path.join(d, shards[1]!), 'garbage!');
    const e = await openError(indexPath);
    expect(e.code).toBe('safetensors/header-too-large');
    expect(e.message).toContain(shards[1]);
  });
});

describe('files larger than 4 GiB', () => {
  it('opens a 5 GB (sparse) file reading only its header, and reads a tensor stored past 4 GiB', async () => {
    const d = dir();
    const file = path.join(d, 'giant.safetensors');
    const size = 5 * 1024 ** 3;
    writeSparseGiant(file, size);
    let reader: NodeFileReader | undefined;
    const counting = {
      ...files,
      openReader: async (p: string) => (reader = (await openNodeReader(p, 'giant.safetensors'))!),
    };
    const t0 = performance.now();
    const opened = await openCheckpoint(counting, file);
    const ms = performance.now() - t0;
    expect(opened.model.shards[0]!.size).toBe(size);
    expect(opened.model.tensors.map((t) => t.name)).toEqual(['huge.weight', 'tail']);
    // One 64 KiB read covers the length field and this header; nothing else was read.
    expect(reader!.bytesRead).toBe(64 * 1024);
    expect(ms).toBeLessThan(1000);

    const tail = opened.model.tensors[1]!;
    expect(opened.headers[0]!.dataStart + tail.begin).toBeGreaterThan(2 ** 32);
    expect(Array.from(await readTensorFloat32(reader!, opened.headers[0]!, tail))).toEqual([1, 2, 3, 4]);
    const s = await computeTensorStats(reader!, opened.headers[0]!, tail);
    expect(s).toMatchObject({ min: 1, max: 4, mean: 2.5 });
  });
});
