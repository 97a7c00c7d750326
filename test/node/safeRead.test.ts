// Special files (issue 17, item 3): a FIFO named like a sibling index hung `list` and the viewer
// forever, /dev/zero behind a symlink was read into memory, a folder or device where a file was
// expected got an unclear error. Regular files behind symlinks (the Hugging Face cache) must keep
// working. Each case ends in well under the test timeout instead of hanging.
import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { openCheckpoint } from '../../src/core/safetensors/open';
import { nodeCheckpointFiles } from '../../src/node/files';
import { readRegularFile, readRegularText, statRegularFile } from '../../src/node/safeRead';
import { CoreError } from '../../src/core/errors';
import { encodeSafetensors, float32Bytes } from '../../src/core/safetensors/write';
import { tempDir, writeShardedModel } from '../fixtures/files';

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
function fifo(p: string): string {
  execFileSync('mkfifo', [p]);
  return p;
}
async function failure(promise: Promise<unknown>): Promise<CoreError> {
  const e = await promise.catch((x: unknown) => x);
  expect(e).toBeInstanceOf(CoreError);
  return e as CoreError;
}
const files = nodeCheckpointFiles((p) => path.basename(p));

describe('readRegularFile', () => {
  it('reads a regular file, and one behind a symlink', async () => {
    const d = dir();
    writeFileSync(path.join(d, 'blob'), 'hello');
    symlinkSync(path.join(d, 'blob'), path.join(d, 'link'));
    expect(await readRegularText(path.join(d, 'link'), 'link', 100)).toBe('hello');
    expect((await statRegularFile(path.join(d, 'link'), 'link'))!.size).toBe(5);
    expect(await readRegularFile(path.join(d, 'missing'), 'missing', 100)).toBeNull();
  });

  it('refuses a FIFO at once instead of waiting for a writer', async () => {
    const d = dir();
    const p = fifo(path.join(d, 'pipe'));
    const e = await failure(readRegularFile(p, 'pipe', 100));
    expect(e.code).toBe('file/not-regular');
    expect(e.message).toBe(
      'pipe is a named pipe (FIFO), not a regular file; only regular files (or symbolic links to them) are read.',
    );
    expect((await failure(statRegularFile(p, 'pipe'))).code).toBe('file/not-regular');
  });

  it('refuses a device behind a symlink, and a folder', async () => {
    const d = dir();
    symlinkSync('/dev/zero', path.join(d, 'zero'));
    const e = await failure(readRegularFile(path.join(d, 'zero'), 'zero', 100));
    expect(e.code).toBe('file/not-regular');
    expect(e.message).toContain('zero is a device');
    mkdirSync(path.join(d, 'sub'));
    expect((await failure(readRegularFile(path.join(d, 'sub'), 'sub', 100))).message).toContain('sub is a folder');
  });

  it('caps the size: by the size it claims, and by what it reads', async () => {
    const d = dir();
    writeFileSync(path.join(d, 'big'), 'x'.repeat(101));
    const e = await failure(readRegularFile(path.join(d, 'big'), 'big', 100));
    expect(e.code).toBe('file/too-large');
    expect(e.message).toBe('big is 101 bytes, over the 100 bytes limit for this kind of file.');
    expect((await readRegularFile(path.join(d, 'big'), 'big', 101))!.length).toBe(101);
    // /proc files claim 0 bytes: the cap still holds on what is read.
    if (existsSync('/proc/self/status')) {
      expect((await failure(readRegularFile('/proc/self/status', 'status', 10))).code).toBe('file/too-large');
    }
  });
});

describe('checkpoint files', () => {
  it('a FIFO named like a sibling index does not hang opening a shard, nor does opening it directly', async () => {
    const d = dir();
    const shard = path.join(d, 'model.safetensors');
    writeFileSync(shard, encodeSafetensors([{ name: 'w', dtype: 'F32', shape: [2], data: float32Bytes([1, 2]) }]));
    fifo(path.join(d, 'model.safetensors.index.json'));
    const opened = await openCheckpoint(files, shard);
    expect(opened.model.tensors.map((t) => t.name)).toEqual(['w']);
    const e = await failure(openCheckpoint(files, path.join(d, 'model.safetensors.index.json')));
    expect(e.code).toBe('file/not-regular');
  });

  it('/dev/zero as a shard or an index is refused, not read', async () => {
    const d = dir();
    const { indexPath, shards } = writeShardedModel(d);
    const shardPath = path.join(d, shards[1]!);
    execFileSync('rm', [shardPath]);
    symlinkSync('/dev/zero', shardPath);
    expect((await failure(openCheckpoint(files, indexPath))).code).toBe('file/not-regular');
    const zeroIndex = path.join(d, 'zero.safetensors.index.json');
    symlinkSync('/dev/zero', zeroIndex);
    expect((await failure(openCheckpoint(files, zeroIndex))).code).toBe('file/not-regular');
  });

  it('a shard that is a symlink to a blob (the Hugging Face cache layout) opens', async () => {
    const d = dir();
    mkdirSync(path.join(d, 'blobs'));
    mkdirSync(path.join(d, 'snapshots'));
    const blob = path.join(d, 'blobs', 'abc123');
    writeFileSync(blob, encodeSafetensors([{ name: 'w', dtype: 'F32', shape: [1], data: float32Bytes([3]) }]));
    symlinkSync(blob, path.join(d, 'snapshots', 'model.safetensors'));
    const opened = await openCheckpoint(files, path.join(d, 'snapshots', 'model.safetensors'));
    expect(opened.model.tensors).toHaveLength(1);
  });
});
