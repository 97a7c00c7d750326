// The real CLI bundle (dist/cli.js, built by test/globalSetup.ts), run as a child process.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeSafetensors, float32Bytes } from '../../src/core/safetensors/write';
import { smallModelFile } from '../fixtures/safetensors';
import { tempDir, writeShardedModel } from '../fixtures/files';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const STORIES = path.resolve(__dirname, '../../examples/checkpoints/stories260K.lm_head.safetensors');
const tmp = tempDir('spl-cli-');
afterAll(tmp.cleanup);

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('superposition-lab list', () => {
  it('prints one F32 tensor of shape [512, 64] for the stories260K example', () => {
    const r = cli('list', STORIES);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^tok_embeddings\.weight\s+F32\s+\[512, 64\]\s+32,768\s+128 KiB$/m);
    expect(r.stdout).toContain('1 tensor, 32.8K parameters (32,768), 128 KiB (F32 128 KiB)');
    expect(r.stderr).toBe('');
  });

  it('prints JSON: tensors {name, dtype, shape, bytes, shard} plus metadata', () => {
    const r = cli('list', STORIES, '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.tensors).toEqual([
      {
        name: 'tok_embeddings.weight',
        dtype: 'F32',
        shape: [512, 64],
        parameters: 32768,
        bytes: 131072,
        shard: STORIES,
      },
    ]);
    expect(typeof out.metadata).toBe('object');
    expect(Object.keys(out.metadata).length).toBeGreaterThan(0);
    expect(out.totals).toMatchObject({ tensors: 1, parameters: 32768, bytes: 131072 });
  });

  it('sorts names naturally and shows metadata in text mode', () => {
    const file = path.join(tmp.dir, 'small.safetensors');
    writeFileSync(file, smallModelFile());
    const r = cli('list', file);
    expect(r.code).toBe(0);
    const names = r.stdout
      .split('\n')
      .slice(1, 8)
      .map((l) => l.split(/\s+/)[0]);
    expect(names).toEqual([
      'embed.weight',
      'empty',
      'layers.0.w',
      'layers.2.w',
      'layers.10.w',
      'lm_head.weight',
      'scalar',
    ]);
    expect(r.stdout).toContain('metadata:\n  format: pt\n  note: test model');
  });

  it('lists a sharded model from its index with a shard column', () => {
    const d = path.join(tmp.dir, 'sharded');
    mkdirSync(d);
    const { indexPath, shards } = writeShardedModel(d);
    const r = cli('list', indexPath, '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.tensors.find((t: { name: string }) => t.name === 'lm_head.weight').shard).toBe(shards[2]);
    expect(out.shards).toHaveLength(3);
    const text = cli('list', path.join(d, shards[0]!));
    expect(text.stdout).toMatch(
      /^note: .* is shard 1 of 3 of .*model\.safetensors\.index\.json; showing the whole model\.$/m,
    );
    expect(text.stdout).toContain('5 tensors');
    expect(text.stdout).toContain('in 3 shards');
  });

  it('exits 2 with one clear line on stderr for hostile files', () => {
    const cases: [string, Uint8Array | string, RegExp][] = [
      [
        'not-safetensors.safetensors',
        'hello, this is a text file with enough bytes',
        /declares a header over the 100,000,000-byte limit/,
      ],
      [
        'truncated.safetensors',
        encodeSafetensors([{ name: 'w', dtype: 'F32', shape: [8], data: float32Bytes(new Array(8).fill(1)) }]).subarray(
          0,
          60,
        ),
        /truncated/,
      ],
      ['tiny.safetensors', new Uint8Array(3), /shorter than the 8-byte header length/],
    ];
    for (const [name, content, pattern] of cases) {
      const file = path.join(tmp.dir, name);
      writeFileSync(file, content);
      const r = cli('list', file);
      expect(r.code, name).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^superposition-lab: /);
      expect(lines[0]).toContain(name);
      expect(lines[0]).toMatch(pattern);
      expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/); // no stack trace
    }
  });

  it('exits 2 for a missing file, with --json printing the error object', () => {
    const r = cli('list', path.join(tmp.dir, 'missing.safetensors'), '--json');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({
      error: { code: 'file/not-found', message: expect.stringContaining('does not exist') },
    });
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('exits 1 for usage errors', () => {
    expect(cli().code).toBe(1);
    expect(cli('frobnicate').code).toBe(1);
    expect(cli('list').code).toBe(1);
    const r = cli('list', STORIES, '--bogus');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^superposition-lab: .*bogus.* \(see --help\)\n$/);
  });

  it('prints help and version', () => {
    expect(cli('--help')).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('superposition-lab list <file.safetensors'),
    });
    expect(cli('--version').stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('superposition-lab stats', () => {
  it('computes value statistics of one tensor', () => {
    const r = cli('stats', STORIES, 'tok_embeddings.weight', '--json', '--bins', '16');
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ tensor: 'tok_embeddings.weight', numel: 32768, finite: 32768, nan: 0 });
    expect(s.histogram.counts).toHaveLength(16);
    expect(cli('stats', STORIES, 'tok_embeddings.weight').stdout).toMatch(/^elements\s+32,768$/m);
  });

  it('prints the histogram as text too, merging bins to fit a terminal', () => {
    const text = cli('stats', STORIES, 'tok_embeddings.weight').stdout;
    expect(text).toContain('histogram of finite values (64 bins shown as 16 rows; --json lists all)');
    const rows = text.split('\n').filter((l) => /^\[-?\d/.test(l));
    expect(rows).toHaveLength(16);
    // The counts add up to every element, and the fullest row has the full 40-character bar.
    const counts = rows.map((l) => Number(/\]\s+([\d,]+)/.exec(l)![1]!.replace(/,/g, '')));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(32768);
    expect(Math.max(...rows.map((l) => (l.match(/█/g) ?? []).length))).toBe(40);
    const few = cli('stats', STORIES, 'tok_embeddings.weight', '--bins', '4').stdout;
    expect(few).toContain('histogram of finite values (4 bins)');
  });

  it('exits 2 naming an unknown tensor, suggesting the one probably meant', () => {
    const r = cli('stats', STORIES, 'nope');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('has no tensor named "nope".');
    expect(cli('stats', STORIES, 'tok_embeddings').stderr).toContain(
      'has no tensor named "tok_embeddings" (did you mean "tok_embeddings.weight"?)',
    );
    expect(cli('stats', STORIES, 'tok_embedings.weight').stderr).toContain('(did you mean "tok_embeddings.weight"?)');
  });
});
