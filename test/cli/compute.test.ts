// --backend and --jobs through the real CLI bundle (dist/cli.js and dist/nodeWorker.js, built by
// test/globalSetup.ts): parallel runs equal serial ones, every --json names where it computed,
// and a GPU that is asked for but absent falls back to WASM with the reason.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../fixtures/files';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const EXAMPLE = path.resolve(__dirname, '../../examples/checkpoints/stories260K.lm_head.safetensors');
const tmp = tempDir('spl-compute-');
afterAll(tmp.cleanup);

function cli(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000, cwd: tmp.dir, env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const configFile = path.join(tmp.dir, 'par.experiment.yaml');
writeFileSync(
  configFile,
  'version: 1\nname: par\ndata:\n  features: 64\nmodel:\n  width: [4, 8]\noptimizer:\n  weightDecay: [-1, 0.3]\ntrain:\n  steps: 60\n  batch: 32\n',
);

interface Printed {
  runs: { id: string; finalLoss: number; backend: string }[];
  compute: { name: string; skipped: { name: string; reason: string }[] };
}
const losses = (p: Printed) => Object.fromEntries(p.runs.map((r) => [r.id, r.finalLoss]));

describe('--backend and --jobs', () => {
  it('rejects an unknown backend and --jobs where it does not apply', () => {
    const bad = cli(['run', configFile, '--backend', 'tpu']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--backend must be one of auto, webgpu, wasm, cpu, got tpu');
    const jobs = cli(['analyze', EXAMPLE, '--jobs', '2']);
    expect(jobs.code).toBe(1);
    expect(jobs.stderr).toContain('--jobs applies to run, reproduce and slurm');
    expect(cli(['run', configFile, '--jobs', '0']).stderr).toContain('--jobs must be a number from 1 to 256, got 0');
  });

  it('--jobs 2 trains the runs in two workers with the same results as --jobs 1', () => {
    const two = cli(['run', configFile, '--out', 'two', '--jobs', '2', '--backend', 'wasm', '--json']);
    expect(two.code, two.stderr).toBe(0);
    expect(two.stderr).toContain('4 runs to train on wasm, 2 jobs in parallel');
    expect(two.stderr).toMatch(/job [12]: run \d\/4/);
    const one = cli(['run', configFile, '--out', 'one', '--jobs', '1', '--backend', 'wasm', '--json']);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stderr).not.toContain('in parallel');
    const a = JSON.parse(two.stdout) as Printed;
    const b = JSON.parse(one.stdout) as Printed;
    expect(a.runs).toHaveLength(4);
    expect(a.compute.name).toBe('wasm');
    expect(a.runs.every((r) => r.backend === 'wasm')).toBe(true);
    expect(losses(a)).toEqual(losses(b));
  });

  it('analyze --json names the backend of the fast kernel', () => {
    const r = cli(['analyze', EXAMPLE, '--kernel', 'fast', '--backend', 'cpu', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { kernel: string; backend: string; compute?: unknown };
    // TF.js's plain-JS CPU backend is slower than plain loops: the exact kernel runs, on no backend.
    expect(j.kernel).toBe('float64');
    expect(j.backend).toBe('none');
    const w = JSON.parse(cli(['analyze', EXAMPLE, '--kernel', 'fast', '--backend', 'wasm', '--json']).stdout) as {
      kernel: string;
      compute: { name: string };
    };
    expect(w.kernel).toContain('tfjs-wasm');
    expect(w.compute.name).toBe('wasm');
  });

  it('--backend webgpu without a GPU driver trains on WASM and says why', () => {
    const env = { ...process.env, VK_ICD_FILENAMES: '/nonexistent/icd.json', VK_DRIVER_FILES: '/nonexistent/icd.json' };
    const r = cli(
      ['run', configFile, '--out', 'nogpu', '--backend', 'webgpu', '--json', '--set', 'model.width=4'],
      env,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/to train on wasm; skipped webgpu: Dawn found no GPU adapter/);
    const printed = JSON.parse(r.stdout) as Printed;
    expect(printed.compute.name).toBe('wasm');
    expect(printed.compute.skipped[0]?.reason).toContain('Dawn found no GPU adapter');
  });
});
