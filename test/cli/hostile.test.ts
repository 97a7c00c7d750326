// Hostile files against the real CLI bundle (issue 17, items 5–7): every case ends with the
// promised exit status (2 for bad input, 130 for Ctrl-C), never 3, never raw control characters
// on the terminal, never a file's bytes in an error.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeSafetensors, float32Bytes } from '../../src/core/safetensors/write';
import { tempDir, writeShardedModel, writeSparseGiant } from '../fixtures/files';
import { escapeControl, escapeJsonC1, exitStatusFor } from '../../src/cli/output';
import { CoreError } from '../../src/core/errors';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const tmp = tempDir('spl-cli-hostile-');
afterAll(tmp.cleanup);

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000, maxBuffer: 1 << 30 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A safetensors file from a header object (data section of `dataBytes` zeros). */
function rawSafetensors(file: string, header: object, dataBytes = 0): void {
  const text = JSON.stringify(header);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(Buffer.byteLength(text)));
  writeFileSync(file, Buffer.concat([length, Buffer.from(text), Buffer.alloc(dataBytes)]));
}

describe('large and deep files', () => {
  it('list handles 150,000 tensors in text and JSON (a spread into Math.max overflowed the stack)', () => {
    const header: Record<string, object> = {};
    for (let i = 0; i < 150_000; i++) header[`t${i}`] = { dtype: 'F32', shape: [0], data_offsets: [0, 0] };
    const file = path.join(tmp.dir, 'many.safetensors');
    rawSafetensors(file, header);
    const text = cli('list', file);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('150,000 tensors');
    const json = cli('list', file, '--json');
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout).tensors).toHaveLength(150_000);
  }, 180_000);

  it('index metadata nested 200,000 deep is shown as a placeholder, not a stack overflow', () => {
    const d = path.join(tmp.dir, 'deep');
    mkdirSync(d);
    const { indexPath, weightMap } = writeShardedModel(d);
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    writeFileSync(
      indexPath,
      `{"metadata": {"nested": ${deep}, "ok": "yes"}, "weight_map": ${JSON.stringify(weightMap)}}`,
    );
    const r = cli('list', indexPath, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).metadata).toEqual({ nested: '(a value nested too deeply to show)', ok: 'yes' });
  });
});

describe('analysis memory', () => {
  it('a 96 KB tensor of shape [2, 12000] is refused with exit 2 (it allocated 3.4 GB), and analysed transposed', () => {
    const file = path.join(tmp.dir, 'wide.safetensors');
    const values = Array.from({ length: 2 * 12000 }, (_, i) => Math.sin(i));
    writeFileSync(
      file,
      encodeSafetensors([{ name: 'w', dtype: 'F32', shape: [2, 12000], data: float32Bytes(values) }]),
    );
    const refused = cli('analyze', file, '--tensor', 'w');
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toContain('tensor "w" is 2 × 12,000; its analysis would need about 3,457 MB of memory');
    expect(refused.stderr).toContain('over the 2,000 MB limit');
    const transposed = cli('analyze', file, '--tensor', 'w', '--transpose', '--json');
    expect(transposed.code, transposed.stderr).toBe(0);
    expect(JSON.parse(transposed.stdout)).toBeTruthy();
  }, 60_000);

  it('[4, 2^24] is refused before anything is read or allocated', () => {
    const file = path.join(tmp.dir, 'huge-wide.safetensors');
    rawSafetensors(
      file,
      { w: { dtype: 'F32', shape: [4, 2 ** 24], data_offsets: [0, 4 * 4 * 2 ** 24] } },
      4 * 4 * 2 ** 24,
    );
    const r = cli('analyze', file, '--tensor', 'w');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('over the 2,000 MB limit');
  }, 60_000);
});

describe('terminal escapes', () => {
  const file = path.join(tmp.dir, 'escapes.safetensors');
  writeFileSync(
    file,
    encodeSafetensors(
      [{ name: 'evil\u001b[2J\u001b]0;pwned\u0007\u009bname', dtype: 'F32', shape: [1], data: float32Bytes([1]) }],
      { note: 'title\u001b]2;owned\u0007 and\nnewline' },
    ),
  );

  it('text output escapes control characters in names and metadata', () => {
    const r = cli('list', file);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(r.stdout).toContain('evil\\x1b[2J\\x1b]0;pwned\\x07\\x9bname');
    expect(r.stdout).toContain('title\\x1b]2;owned\\x07 and\\x0anewline');
  });

  it('JSON output keeps the exact names, with C1 controls escaped too', () => {
    const r = cli('list', file, '--json');
    expect(r.stdout).not.toMatch(/[\u0000-\u001f\u007f-\u009f](?<!\n)/);
    expect(JSON.parse(r.stdout).tensors[0].name).toBe('evil\u001b[2J\u001b]0;pwned\u0007\u009bname');
  });

  it('an error naming a tensor escapes it as well', () => {
    const r = cli('stats', file, 'no\u001b[2Jsuch');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no\\x1b[2Jsuch');
    expect(r.stderr).not.toContain('\u001b');
  });

  it('escape helpers', () => {
    expect(escapeControl('a\u0000b\u007fc\u0085d\ne')).toBe('a\\x00b\\x7fc\\x85d\\x0ae');
    expect(escapeJsonC1(JSON.stringify({ a: '\u009b' }))).toBe('{"a":"\\u009b"}');
    expect(JSON.parse(escapeJsonC1(JSON.stringify({ a: '\u009b' })))).toEqual({ a: '\u009b' });
  });
});

describe('errors never print file bytes', () => {
  it('a shard symlinked to another file: the bad-header error does not echo its first bytes', () => {
    const secret = path.join(tmp.dir, 'secret.txt');
    writeFileSync(secret, 'PASSWORD=hunter2 and more text after it');
    const link = path.join(tmp.dir, 'link.safetensors');
    symlinkSync(secret, link);
    const r = cli('list', link);
    expect(r.code).toBe(2);
    // The old message printed the first 8 bytes as a little-endian number.
    const asNumber = Buffer.from('PASSWORD').readBigUInt64LE(0).toLocaleString('en-US');
    expect(r.stderr).not.toContain(asNumber);
    expect(r.stderr).not.toMatch(/PASSWORD|hunter2/);
    expect(r.stderr).toContain('declares a header over the');
  });

  it('a header that is not JSON: the reason is generic (or a position), never the text', () => {
    const file = path.join(tmp.dir, 'badjson.safetensors');
    const text = '{"secret-token-xyz": nope}';
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(text.length));
    writeFileSync(file, Buffer.concat([length, Buffer.from(text)]));
    const r = cli('list', file);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not valid JSON \(expected a value at character \d+\)/);
    expect(r.stderr).not.toContain('secret-token');
  });
});

describe('Ctrl-C', () => {
  it('cancellation maps to exit status 130', () => {
    expect(exitStatusFor(new CoreError('job/cancelled', 'Cancelled.'))).toBe(130);
  });

  it('stats on a 4 GB tensor stops with 130 at the first Ctrl-C', async () => {
    const file = path.join(tmp.dir, 'giant.safetensors');
    writeSparseGiant(file, 4_000_000_000);
    const child = spawn(process.execPath, [CLI, 'stats', file, 'huge.weight'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    // Let it start reading, then interrupt.
    await new Promise((r) => setTimeout(r, 2500));
    expect(child.exitCode, 'stats finished before Ctrl-C').toBeNull();
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(code, stderr).toBe(130);
  }, 60_000);
});
