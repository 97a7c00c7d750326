// `run --shard K/N` through the real CLI bundle: several processes on one results folder at once
// (every shard, plus a second process on the same shard) train every run exactly once, and the
// results equal an unsharded run's. Bad shard specs are usage errors.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../fixtures/files';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const tmp = tempDir('spl-shard-');
afterAll(tmp.cleanup);

const CONFIG = `version: 1
name: sharded
data:
  features: 32
model:
  width: [4, 8, 16]
optimizer:
  weightDecay: [-1, 0.3]
train:
  steps: 40
  batch: 16
`;
const configFile = path.join(tmp.dir, 'sharded.experiment.yaml');
writeFileSync(configFile, CONFIG);

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000, cwd: tmp.dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function cliAsync(...args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: tmp.dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

interface Results {
  runs: { id: string; finalLoss: number; fracRepresented: number; lossCurve: unknown[] }[];
  series: { id: string; alphaM: number | null }[];
}
const read = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8')) as Results;

describe('run --shard K/N', () => {
  it('four processes (shards 0–2 of 3 and a second 1/3) on one folder train each of the 6 runs exactly once, equal to an unsharded run', async () => {
    const whole = path.join(tmp.dir, 'whole');
    const unsharded = cli('run', configFile, '--out', whole);
    expect(unsharded.code, unsharded.stderr).toBe(0);

    const shared = path.join(tmp.dir, 'shared');
    const outcomes = await Promise.all(
      ['0/3', '1/3', '2/3', '1/3'].map((s) => cliAsync('run', configFile, '--out', shared, '--shard', s)),
    );
    for (const o of outcomes) expect(o.code, o.stderr).toBe(0);
    // Without a terminal each process prints one line per run it trained: every id once in all.
    const trained = outcomes.flatMap((o) => [...o.stderr.matchAll(/run \d+\/6 (\S+): final loss/g)].map((m) => m[1]!));
    const expected = read(whole).runs.map((r) => r.id);
    expect(trained.sort()).toEqual([...expected].sort());
    // One record per run on disk, no leftovers, no locks left behind.
    const files = readdirSync(path.join(shared, 'runs'));
    expect(files.filter((f) => f.endsWith('.json'))).toHaveLength(6);
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(readdirSync(path.join(shared, 'locks'))).toEqual([]);

    // The merged results (written by the last process to finish, or by a plain run) equal the unsharded ones.
    const merged = cli('run', configFile, '--out', shared);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stderr).toContain('sharded: 0 runs to train');
    const a = read(whole);
    const b = read(shared);
    const byId = (r: Results) =>
      Object.fromEntries(r.runs.map((x) => [x.id, [x.finalLoss, x.fracRepresented, x.lossCurve]]));
    expect(byId(b)).toEqual(byId(a));
    expect(b.series).toEqual(a.series);
  }, 180_000);

  it('a process killed with SIGKILL mid-run leaves its lock; the next run takes it over and finishes the sweep', async () => {
    const dir = path.join(tmp.dir, 'killed');
    // One job: exactly one run (and one lock) in flight when the process is killed.
    const child = spawn(
      process.execPath,
      [CLI, 'run', configFile, '--out', dir, '--set', 'train.steps=1000', '--jobs', '1'],
      {
        cwd: tmp.dir,
        stdio: 'ignore',
      },
    );
    const locks = path.join(dir, 'locks');
    for (let i = 0; i < 600 && !(existsSync(locks) && readdirSync(locks).length > 0); i++) await sleep(100);
    const held = readdirSync(locks);
    expect(held).toHaveLength(1);
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));
    expect(readdirSync(locks)).toEqual(held); // the lock is left behind by the killed process
    const resumed = cli('run', configFile, '--out', dir, '--set', 'train.steps=1000');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).not.toContain('being trained by another process');
    expect(read(dir).runs).toHaveLength(6);
    expect(readdirSync(locks)).toEqual([]);
  }, 180_000);

  it.each(['3/2', '0/0', '2/2', 'x', '1/2/3', '4/4', '1/0'])(
    'rejects --shard %s with exit 1 and a clear message',
    (spec) => {
      const r = cli('run', configFile, '--out', path.join(tmp.dir, 'never'), '--shard', spec);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`--shard must be K/N with whole numbers 0 <= K < N`);
      expect(r.stderr).toContain(`got ${JSON.stringify(spec)}`);
    },
  );
});
