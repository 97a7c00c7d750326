// `superposition-lab run` through the real CLI bundle (dist/cli.js, built by test/globalSetup.ts):
// a tiny sweep trained for real, then resumed, refitted, grown, retrained, refused and rejected.
// The tests share one output folder and run in order.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../fixtures/files';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const TYPOS = path.resolve(__dirname, '../fixtures/experiments/typos.experiment.yaml');
const tmp = tempDir('spl-run-');
afterAll(tmp.cleanup);

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000, cwd: tmp.dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const CONFIG = `version: 1
name: tiny
data:
  features: 64
model:
  width: [4, 8]
optimizer:
  weightDecay: [-1, 0.3]
train:
  steps: 60
  batch: 32
`;
const IDS = [
  'power-a1.2-E1-g-1-s0-m4',
  'power-a1.2-E1-g-1-s0-m8',
  'power-a1.2-E1-g0.3-s0-m4',
  'power-a1.2-E1-g0.3-s0-m8',
];
const SERIES = ['power-a1.2-E1-g-1', 'power-a1.2-E1-g0.3'];

const configFile = path.join(tmp.dir, 'tiny.experiment.yaml');
const outDir = path.join(tmp.dir, 'out');
const resultsFile = path.join(outDir, 'results.json');
/** A run's weights: runs/<id>.<fingerprint>.safetensors (the fingerprint of its settings). */
const weightsOf = (id: string) => {
  const names = readdirSync(path.join(outDir, 'runs')).filter(
    (n) => /^[0-9a-f]{8}\.safetensors$/.test(n.slice(id.length + 1)) && n.startsWith(`${id}.`),
  );
  expect(names, id).toHaveLength(1);
  return path.join(outDir, 'runs', names[0]!);
};

interface Run {
  id: string;
  values: { width: number };
  [key: string]: unknown;
}
interface Series {
  id: string;
  alphaM: number | null;
  alphaMStderr: number | null;
  r2: number | null;
  fitWidths: number[];
}
const readResults = () =>
  JSON.parse(readFileSync(resultsFile, 'utf8')) as {
    runs: Run[];
    series: Series[];
    config: { fit: { widths: unknown } };
    [key: string]: unknown;
  };
const byId = (runs: readonly Run[]) => Object.fromEntries(runs.map((r) => [r.id, r]));
const mtimes = () => IDS.map((id) => statSync(weightsOf(id)).mtimeMs);

let first: ReturnType<typeof cli>;

beforeAll(() => {
  writeFileSync(configFile, CONFIG);
  first = cli('run', configFile, '--out', outDir);
});

describe('superposition-lab run', () => {
  it('trains every run of the sweep and exits 0', () => {
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain(`tiny: 4 runs to train on`);
    expect(first.stderr).not.toContain('resuming');
    expect(first.stdout).toContain(`results: ${resultsFile}`);
    for (const id of IDS) expect(first.stdout).toContain(id);
  });

  it('writes results.json: the format, 4 runs with their measurements, 2 series with fits', () => {
    const results = readResults();
    expect(results).toMatchObject({
      format: 'superposition-lab/experiment-results',
      version: 2,
      name: 'tiny',
      totalRuns: 4,
    });
    expect(results.runs.map((r) => r.id).sort()).toEqual(IDS);
    for (const run of results.runs) {
      for (const key of [
        'finalLoss',
        'finalMse',
        'fracRepresented',
        'fracStrong',
        'meanSqOverlap',
        'meanSqOverlapStrong',
        'welchBoundSq',
        'predictedWeakLoss',
        'lossCurve',
        'ms',
        'backend',
        'values',
      ]) {
        expect(run, `${run.id}.${key}`).toHaveProperty(key);
      }
      expect(run['finalLoss'] as number).toBeGreaterThan(0);
      // finalLoss is n × the mean MSE (n = 64).
      expect(run['finalLoss'] as number).toBeCloseTo(64 * (run['finalMse'] as number), 6);
      expect(run['fracRepresented'] as number).toBeGreaterThanOrEqual(run['fracStrong'] as number);
      expect(run['lossCurve'] as unknown[]).toHaveLength(60); // 60 steps, at most 200 points
      expect(typeof run['backend']).toBe('string');
      expect(run['weights']).toMatch(new RegExp(`^runs/${run.id}\\.[0-9a-f]{8}\\.safetensors$`));
      // Each run also has its own record beside its weights.
      const record = JSON.parse(
        readFileSync(path.join(outDir, (run['weights'] as string).replace(/\.safetensors$/, '.json')), 'utf8'),
      ) as { format: string; result: Run };
      expect(record.format).toBe('superposition-lab/run-result');
      expect(record.result).toEqual(run);
    }
    const m4 = byId(results.runs)['power-a1.2-E1-g-1-s0-m4']!;
    expect(m4.values).toEqual({ distribution: 'power', exponent: 1.2, density: 1, weightDecay: -1, seed: 0, width: 4 });
    // γ = −1 pulls every row to unit norm: all 64 features are represented.
    expect(m4['fracRepresented']).toBe(1);

    expect(results.series.map((s) => s.id).sort()).toEqual(SERIES);
    for (const s of results.series) {
      expect(Number.isFinite(s.alphaM), s.id).toBe(true);
      // Two widths: the line goes through both points (R² = 1) and leaves no residual degree of
      // freedom for a standard error.
      expect(s.alphaMStderr, s.id).toBeNull();
      expect(s.r2!, s.id).toBeCloseTo(1, 12);
      expect(s.fitWidths).toEqual([4, 8]);
    }
  });

  it('saves each run’s W [64, m] and b [64] with the config in the metadata, readable by list and analyze', () => {
    const results = readResults();
    for (const id of IDS) {
      const file = weightsOf(id);
      expect(existsSync(file), file).toBe(true);
      const listed = cli('list', file, '--json');
      expect(listed.code, listed.stderr).toBe(0);
      const out = JSON.parse(listed.stdout) as {
        tensors: { name: string; dtype: string; shape: number[] }[];
        metadata: Record<string, string>;
      };
      const m = byId(results.runs)[id]!.values.width;
      expect(out.tensors.find((t) => t.name === 'W')).toMatchObject({ dtype: 'F32', shape: [64, m] });
      expect(out.tensors.find((t) => t.name === 'b')).toMatchObject({ dtype: 'F32', shape: [64] });
      expect(out.metadata).toMatchObject({ format: 'superposition-lab/toy-model', experiment: 'tiny', run: id });
      expect(JSON.parse(out.metadata['config']!)).toEqual(results.config);
    }
    // analyze measures the saved W the same way the run did.
    const id = IDS[2]!;
    const analyzed = cli('analyze', weightsOf(id), '--tensor', 'W', '--json');
    expect(analyzed.code, analyzed.stderr).toBe(0);
    const report = JSON.parse(analyzed.stdout) as Record<string, number>;
    const run = byId(results.runs)[id]!;
    expect(report).toMatchObject({ tensor: 'W', n: 64, m: 4 });
    expect(report['fracRepresented']).toBe(run['fracRepresented']);
    expect(report['fracStrong']).toBe(run['fracStrong']);
    expect(report['meanSqOverlap']).toBeCloseTo(run['meanSqOverlap'] as number, 9);
  });

  it('resumes: the same command again trains nothing and keeps the run records', () => {
    const before = readResults();
    const times = mtimes();
    const started = Date.now();
    const again = cli('run', configFile, '--out', outDir);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(`resuming: 4 of 4 runs already in ${outDir}`);
    expect(again.stderr).toContain('tiny: 0 runs to train');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(mtimes()).toEqual(times);
    const after = readResults();
    expect(byId(after.runs)).toEqual(byId(before.runs));
    expect(after.series).toEqual(before.series);
  });

  it('--json prints the results JSON on stdout (the same as results.json, plus where it computed)', () => {
    const r = cli('run', configFile, '--out', outDir, '--json');
    expect(r.code, r.stderr).toBe(0);
    const { compute, ...printed } = JSON.parse(r.stdout) as ReturnType<typeof readResults>;
    expect(printed).toEqual(readResults());
    // No GPU here: the backend is WASM, and the report says why WebGPU was not used.
    expect(compute).toMatchObject({ name: 'wasm' });
    expect((compute as { skipped: { name: string }[] }).skipped.map((s) => s.name)).toContain('webgpu');
    expect(printed['format']).toBe('superposition-lab/experiment-results');
  });

  it('refits without training when only fit.widths changes (--set)', () => {
    const times = mtimes();
    const before = readResults();
    const narrow = cli('run', configFile, '--out', outDir, '--set', 'fit.widths=[1,5]', '--json');
    expect(narrow.code, narrow.stderr).toBe(0);
    expect(narrow.stderr).toContain('tiny: 0 runs to train');
    // One width left in the range: a warning, and no exponent.
    expect(narrow.stderr).toContain(
      `${configFile}: warning: --set fit.widths=[1,5]: fit.widths [1, 5] keeps 1 of the widths 4, 8: a fit needs two`,
    );
    const refit = readResults();
    expect(refit.config.fit.widths).toEqual([1, 5]);
    for (const s of refit.series) {
      expect(s.alphaM).toBeNull();
      expect(s.r2).toBeNull();
      expect(s.fitWidths).toEqual([]); // no fit, so no widths in it
    }
    expect(byId(refit.runs)).toEqual(byId(before.runs));
    expect(mtimes()).toEqual(times);
    // Back to both widths: the same fits as at first.
    const wide = cli('run', configFile, '--out', outDir, '--set', 'fit.widths=[4,8]');
    expect(wide.code, wide.stderr).toBe(0);
    expect(readResults().series).toEqual(before.series);
  });

  it('growing the sweep (seeds, widths) trains only the new runs and pools the seeds of each setting', () => {
    const times = mtimes();
    const grown = cli('run', configFile, '--out', outDir, '--set', 'train.seeds=[0,1]', '--json');
    expect(grown.code, grown.stderr).toBe(0);
    expect(grown.stderr).toContain('resuming: 4 of 8 runs already in');
    expect(grown.stderr).toContain('tiny: 4 runs to train');
    expect(mtimes()).toEqual(times); // the seed-0 runs were not retrained
    const results = JSON.parse(grown.stdout) as {
      runs: Run[];
      series: (Series & { seeds: number[]; points: { m: number; seeds: number; spread: number | null }[] })[];
    };
    expect(results.runs).toHaveLength(8);
    expect(results.series.map((s) => s.id).sort()).toEqual(SERIES);
    for (const s of results.series) {
      expect(s.seeds).toEqual([0, 1]);
      expect(s.points.map((p) => [p.m, p.seeds])).toEqual([
        [4, 2],
        [8, 2],
      ]);
      for (const p of s.points) expect(p.spread).toBeGreaterThanOrEqual(0);
    }
    // Back to one seed: the seed-1 runs are hidden, not deleted, and nothing trains.
    const back = cli('run', configFile, '--out', outDir);
    expect(back.code, back.stderr).toBe(0);
    expect(back.stderr).toContain('4 finished runs not in this config are kept');
    expect(back.stderr).toContain('tiny: 0 runs to train');
    expect(readResults().runs).toHaveLength(4);
    expect(readdirSync(path.join(outDir, 'runs')).filter((n) => n.endsWith('.json'))).toHaveLength(8);
  });

  it('--retrain-run ID trains that run again and replaces it; --retrain with --retrain-run is a usage error', () => {
    const id = IDS[0]!;
    const others = IDS.slice(1).map((i) => statSync(weightsOf(i)).mtimeMs);
    const before = statSync(weightsOf(id)).mtimeMs;
    const r = cli('run', configFile, '--out', outDir, '--retrain-run', id);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('tiny: 1 run to train');
    expect(statSync(weightsOf(id)).mtimeMs).toBeGreaterThan(before);
    expect(IDS.slice(1).map((i) => statSync(weightsOf(i)).mtimeMs)).toEqual(others);
    const both = cli('run', configFile, '--out', outDir, '--retrain', '--retrain-run', id);
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('choose --retrain (every run) or --retrain-run ID, not both');
  });

  it('a change that alters finished runs (train.steps) asks first: exit 2, the folder as it was', () => {
    const before = readFileSync(resultsFile, 'utf8');
    const runsBefore = readdirSync(path.join(outDir, 'runs')).sort();
    const r = cli('run', configFile, '--out', outDir, '--set', 'train.steps=61');
    // A config error of the input (CoreError config/changed-settings), not a usage error.
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${outDir} holds 4 finished runs of this config trained with other settings`);
    expect(r.stderr).toContain('--accept-new-settings');
    expect(r.stderr).not.toContain('runs to train');
    expect(readFileSync(resultsFile, 'utf8')).toBe(before);
    expect(readdirSync(path.join(outDir, 'runs')).sort()).toEqual(runsBefore);
  });

  it('refuses an unsafe name before training (exit 2, file:line:col), writing nothing', () => {
    const evil = path.join(tmp.dir, 'evil.experiment.yaml');
    writeFileSync(evil, CONFIG.replace('name: tiny', 'name: ../../escaped'));
    const r = cli('run', evil);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${evil}:2:7: error: name must be 1 to 64 letters`);
    expect(existsSync(path.join(tmp.dir, '..', 'escaped'))).toBe(false);
    expect(existsSync(path.join(tmp.dir, 'results'))).toBe(false);
  });

  it('rejects an invalid config with exit 2 and file:line:col lines on stderr, writing nothing', () => {
    const out = path.join(tmp.dir, 'never');
    const r = cli('run', TYPOS, '--out', out);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    for (const line of lines) expect(line).toMatch(/^.*\.experiment\.yaml:\d+:\d+: (error|warning): /);
    expect(lines).toEqual([
      `${TYPOS}:4:3: warning: unknown key data.featurs (did you mean features?); it is ignored`,
      `${TYPOS}:9:10: error: train.steps must be an integer, got "many"`,
    ]);
    expect(existsSync(out)).toBe(false);
  });

  it('rejects a bad --set value with exit 2, naming the override', () => {
    const r = cli('run', configFile, '--out', path.join(tmp.dir, 'never'), '--set', 'train.steps=abc');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      `${configFile}: error: --set train.steps=abc: train.steps must be an integer, got "abc"`,
    );
    const unknown = cli('run', configFile, '--out', path.join(tmp.dir, 'never'), '--set', 'train.step=5');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--set train.step=5: unknown key (did you mean train.steps?)');
    expect(existsSync(path.join(tmp.dir, 'never'))).toBe(false);
  });

  it('falls back to the TF.js CPU backend when the WASM binaries are missing', () => {
    // The bundles alone (the CLI and its compute worker), without the .wasm files beside them.
    const lone = path.join(tmp.dir, 'lone');
    mkdirSync(lone);
    copyFileSync(CLI, path.join(lone, 'cli.js'));
    copyFileSync(path.join(path.dirname(CLI), 'nodeWorker.js'), path.join(lone, 'nodeWorker.js'));
    const r = spawnSync(
      process.execPath,
      [
        path.join(lone, 'cli.js'),
        'run',
        configFile,
        '--out',
        path.join(lone, 'out'),
        '--set',
        'model.width=4',
        '--set',
        'optimizer.weightDecay=-1',
        '--json',
      ],
      {
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('1 run to train on cpu');
    const results = JSON.parse(r.stdout) as { runs: { backend: string; finalLoss: number }[] };
    expect(results.runs).toHaveLength(1);
    expect(results.runs[0]!.backend).toBe('cpu');
    expect(results.runs[0]!.finalLoss).toBeGreaterThan(0);
  });
});
