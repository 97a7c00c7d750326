// `analyze` and `compare` through the real CLI bundle.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeSafetensors, float32Bytes } from '../../src/core/safetensors/write';
import { float32ToF16Bytes } from '../../src/core/safetensors/encode';
import { prng } from '../fixtures/safetensors';
import { tempDir, writeShardedModel } from '../fixtures/files';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const STORIES = path.resolve(__dirname, '../../examples/checkpoints/stories260K.lm_head.safetensors');
const REFERENCE = path.resolve(__dirname, '../fixtures/stories260K.reference.json');
const ref = JSON.parse(readFileSync(REFERENCE, 'utf8')).models.stories260K.stats;
const tmp = tempDir('spl-analyze-');
afterAll(tmp.cleanup);

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function randomHead(file: string, n: number, m: number, seed: number, name = 'lm_head.weight'): string {
  const r = prng(seed);
  const w = Float32Array.from({ length: n * m }, () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r()));
  const p = path.join(tmp.dir, file);
  writeFileSync(p, encodeSafetensors([{ name, dtype: 'F16', shape: [n, m], data: float32ToF16Bytes(w) }]));
  return p;
}

const rel = (a: number, b: number) => Math.abs(a / b - 1);

describe('superposition-lab analyze', () => {
  it('prints the documented JSON fields, matching the stories260K reference', () => {
    const r = cli('analyze', STORIES, '--json');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    for (const key of [
      'file',
      'tensor',
      'dtype',
      'n',
      'm',
      'rowNorm',
      'zeroRows',
      'nonFiniteRows',
      'fracRepresented',
      'fracStrong',
      'meanSqOverlap',
      'meanAbsOverlap',
      'maxAbsOverlap',
      'overlapMethod',
      'welchBound',
      'invM',
    ]) {
      expect(j, key).toHaveProperty(key);
    }
    expect(j).toMatchObject({
      file: STORIES,
      tensor: 'tok_embeddings.weight',
      dtype: 'F32',
      n: 512,
      m: 64,
      zeroRows: 0,
      nonFiniteRows: 0,
      overlapMethod: 'exact',
      invM: 1 / 64,
    });
    expect(Object.keys(j.rowNorm).sort()).toEqual(['max', 'mean', 'min', 'std']);
    expect(rel(j.rowNorm.mean, ref.mean_row_norm)).toBeLessThan(1e-6);
    expect(rel(j.meanSqOverlap, ref.mean_sq_overlap)).toBeLessThan(1e-6);
    expect(rel(j.meanAbsOverlap, ref.mean_abs_overlap)).toBeLessThan(1e-6);
    expect(rel(j.maxAbsOverlap, ref.max_abs_overlap)).toBeLessThan(1e-6);
    expect(j.welchBound).toBeCloseTo(Math.sqrt((512 - 64) / (64 * 511)), 12);
    // Issue 10: the unused tokens' near-identical rows, and the statistics without them.
    expect(Object.keys(j.nearDuplicates).sort()).toEqual([
      'groups',
      'keptRows',
      'maxAbsOverlap',
      'meanAbsOverlap',
      'meanSqOverlap',
      'method',
      'rows',
      'rowsChecked',
      'threshold',
    ]);
    expect(j.nearDuplicates).toMatchObject({ threshold: 0.999, method: 'exact', rowsChecked: 512 });
    expect(j.nearDuplicates.rows).toBeGreaterThan(200);
    expect(j.nearDuplicates.meanSqOverlap).toBeLessThan(j.meanSqOverlap / 2);
  });

  it('reports the variance of the squared overlaps against random vectors, exact and sampled (examples/ copy)', () => {
    // Oracle: the matrix read straight from the file's bytes, all 130,816 pairs in float64.
    const file = path.resolve(__dirname, '../../examples/checkpoints/stories260K.lm_head.safetensors');
    const bytes = readFileSync(file);
    const headerLength = Number(bytes.readBigUInt64LE(0));
    const entry = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8'))['tok_embeddings.weight'];
    const [n, m] = entry.shape as [number, number];
    const start = 8 + headerLength + entry.data_offsets[0];
    const W = Array.from({ length: n }, (_, i) =>
      Array.from({ length: m }, (_, k) => bytes.readFloatLE(start + 4 * (i * m + k))),
    );
    const unit = W.map((row) => row.map((x) => x / Math.hypot(...row)));
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        let c = 0;
        for (let k = 0; k < m; k++) c += unit[i]![k]! * unit[j]![k]!;
        sum += c * c;
        sumSq += c ** 4;
      }
    }
    const pairs = (n * (n - 1)) / 2;
    const expected = (sumSq / pairs - (sum / pairs) ** 2) / ((2 * (m - 1)) / (m * m * (m + 2)));
    const j = JSON.parse(cli('analyze', file, '--json').stdout);
    // Every row has norm > 1 here, so S is all rows and both ratios agree.
    expect(j.strong.rows).toBe(512);
    expect(rel(j.strong.sqOverlapVarianceRatio, expected)).toBeLessThan(1e-6);
    expect(rel(j.sqOverlapVarianceRatio, expected)).toBeLessThan(1e-6);
    expect(j.strong.sqOverlapVarianceRatioCI95).toBeNull();
    expect(expected).toBeGreaterThan(100); // far less regular than random: a strongly anisotropic head
    const sampled = JSON.parse(cli('analyze', file, '--json', '--pair-budget', '1e6', '--sample-rows', '200').stdout);
    const [lo, hi] = sampled.strong.sqOverlapVarianceRatioCI95;
    expect(lo).toBeLessThan(expected);
    expect(hi).toBeGreaterThan(expected);
    expect(cli('analyze', file).stdout).toMatch(/var \(u·u\)² \/ random\s+in S 392\.9; all rows 392\.9/);
  });

  it('prints a readable summary', () => {
    const r = cli('analyze', STORIES);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^row norms\s+mean 2\.438\s+std 0\.4011\s+min 1\.43\s+max 3\.152$/m);
    expect(r.stdout).toMatch(/^ {2}mean \(u·u\)²\s+0\.3156\s+\(1\/m = 0\.0156\d; × m = 20\.2\)$/m);
    expect(r.stdout).toContain('exact over 130,816 pairs of 512 rows');
    expect(r.stdout).toMatch(
      /^near-duplicates {2}\d+ rows in \d+ groups? \(\|u·u\| ≥ 0\.999\); without them: mean \(u·u\)² 0\.0\d+ /m,
    );
  });

  it('samples pair statistics over the budget, seeded and with an interval', () => {
    const a = JSON.parse(
      cli('analyze', STORIES, '--json', '--pair-budget', '1', '--sample-rows', '128', '--seed', '5').stdout,
    );
    const b = JSON.parse(
      cli('analyze', STORIES, '--json', '--pair-budget', '1', '--sample-rows', '128', '--seed', '5').stdout,
    );
    expect(a).toMatchObject({ overlapMethod: 'sampled', sampledRows: 128, sampledPairs: 8128, seed: 5 });
    expect(a.meanAbsOverlap).toBe(b.meanAbsOverlap);
    expect(rel(a.meanSqOverlap, ref.mean_sq_overlap)).toBeLessThan(1e-6); // still exact
    expect(a.meanAbsOverlapCI95[0]).toBeLessThan(ref.mean_abs_overlap);
    expect(a.meanAbsOverlapCI95[1]).toBeGreaterThan(ref.mean_abs_overlap);
  });

  it('runs the fast (WASM) kernel to the same answer', () => {
    const j = JSON.parse(cli('analyze', STORIES, '--json', '--kernel', 'fast').stdout);
    expect(j.kernel).toMatch(/^tfjs-wasm/);
    expect(j.backend).toBe('wasm');
    expect(rel(j.meanSqOverlap, ref.mean_sq_overlap)).toBeLessThan(1e-5);
  });

  it('finds the head by name in a file with several matrices, or takes --tensor, with --transpose', () => {
    const p = path.join(tmp.dir, 'two.safetensors');
    const r = prng(1);
    const a = Float32Array.from({ length: 40 * 8 }, () => r() - 0.5);
    writeFileSync(
      p,
      encodeSafetensors([
        { name: 'model.embed_tokens.weight', dtype: 'F32', shape: [40, 8], data: float32Bytes(a) },
        { name: 'mlp.weight', dtype: 'F32', shape: [8, 40], data: float32Bytes(a) },
      ]),
    );
    expect(JSON.parse(cli('analyze', p, '--json').stdout).tensor).toBe('model.embed_tokens.weight');
    const t = JSON.parse(cli('analyze', p, '--json', '--tensor', 'mlp.weight', '--transpose').stdout);
    expect(t).toMatchObject({ tensor: 'mlp.weight', n: 40, m: 8, transposed: true, tensorChoice: 'named by you' });
    expect(cli('analyze', p, '--tensor', 'mlp.weight').stdout).toContain(
      'if it is stored as [width, vocabulary], analyse it transposed',
    );
  });

  it('exits 2 with one line for inputs that cannot be analysed', () => {
    const vec = path.join(tmp.dir, 'vec.safetensors');
    writeFileSync(
      vec,
      encodeSafetensors([{ name: 'bias', dtype: 'F32', shape: [5], data: float32Bytes([1, 2, 3, 4, 5]) }]),
    );
    const sharded = path.join(tmp.dir, 'sharded');
    mkdirSync(sharded);
    const { indexPath } = writeShardedModel(sharded);
    for (const [args, message] of [
      [[vec, '--tensor', 'bias'], 'has shape [5]; the analysis needs a 2-D matrix'],
      [[vec], 'has no 2-D tensor that looks like an LM head'],
      [[indexPath], 'has no 2-D tensor that looks like an LM head'],
      [[STORIES, '--tensor', 'nope'], 'has no tensor named "nope"'],
    ] as const) {
      const r = cli('analyze', ...args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(message);
    }
    expect(cli('analyze', STORIES, '--kernel', 'turbo').code).toBe(1);
    expect(cli('analyze', STORIES, '--seed', '-1').code).toBe(1);
  });
});

describe('superposition-lab compare', () => {
  it('fits mean squared overlap against 1/m: slope ≈ 1 for random heads', () => {
    const files = [16, 32, 64, 128].map((m, i) => randomHead(`head-${m}.safetensors`, 1500, m, 20 + i));
    const r = cli('compare', ...files.reverse(), '--json');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.rows.map((x: { m: number }) => x.m)).toEqual([16, 32, 64, 128]);
    for (const row of j.rows) expect(row.meanSqOverlapTimesM).toBeCloseTo(1, 1);
    expect(j.fit.slope).toBeGreaterThan(0.95);
    expect(j.fit.slope).toBeLessThan(1.05);
    expect(j.fit.slopeStderr).toBeLessThan(0.05);
    expect(j.fit.n).toBe(4);
    const text = cli('compare', ...files);
    expect(text.stdout).toMatch(/fit ln\(mean \(u·u\)²\) = 0\.9\d+ ± [\d.e-]+ · ln\(1\/m\)/);
  });

  it('needs two checkpoints and refuses --tensor', () => {
    expect(cli('compare', STORIES).code).toBe(1);
    expect(cli('compare', STORIES, STORIES, '--tensor', 'x').code).toBe(1);
  });
});
