// `superposition-lab slurm` through the real CLI bundle: the sbatch script it writes (and that it
// is a valid bash script whose task K runs shard K/N), submission through a stand-in sbatch on
// the PATH, and sbatch missing or failing. The real-Slurm test is not here (see the report).
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../fixtures/files';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const tmp = tempDir('spl-slurm-');
afterAll(tmp.cleanup);

const configFile = path.join(tmp.dir, "it's a sweep.experiment.yaml"); // a quote in the path: quoting matters
writeFileSync(
  configFile,
  'version: 1\nname: array\ndata: {features: 16}\nmodel: {width: [4, 8]}\ntrain: {steps: 20, seeds: [0, 1]}\n',
);
const outDir = path.join(tmp.dir, 'results', 'array');
const scriptFile = path.join(outDir, 'slurm', 'array.sbatch');

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('superposition-lab slurm', () => {
  it('writes a commented array script whose tasks run their shard of the sweep into one folder', () => {
    const r = cli([
      'slurm',
      configFile,
      '--array',
      '3',
      '--cpus-per-task',
      '2',
      '--gpus-per-task',
      '1',
      '--time',
      '0:30:00',
      '--partition',
      'gpu',
      '--set',
      'train.steps=10',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(scriptFile);
    expect(r.stderr).toContain(`wrote ${scriptFile}: 3 tasks for 4 runs, results in ${outDir}`);
    const script = readFileSync(scriptFile, 'utf8');
    const directives = script.split('\n').filter((l) => l.startsWith('#SBATCH'));
    expect(directives).toEqual([
      '#SBATCH --job-name=spl-array',
      '#SBATCH --array=0-2',
      '#SBATCH --ntasks=1',
      '#SBATCH --cpus-per-task=2',
      '#SBATCH --gpus-per-task=1',
      '#SBATCH --time=0:30:00',
      '#SBATCH --partition=gpu',
      `#SBATCH --output=${path.join(outDir, 'slurm', '%x-%A_%a.out')}`,
      '#SBATCH --requeue',
    ]);
    expect(script).toContain('# Task K of N trains shard K/N of the sweep');
    expect(existsSync(path.join(outDir, 'slurm'))).toBe(true); // sbatch needs the log folder to exist

    // Run the script as task 1 of 3 with `node` replaced by a recorder: it passes its arguments
    // through intact (the quote in the path included).
    const recorder = path.join(tmp.dir, 'recorder.sh');
    writeFileSync(recorder, '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n');
    chmodSync(recorder, 0o755);
    const patched = script.replace(/^exec '[^']*'/m, `exec '${recorder}'`);
    const run = spawnSync('bash', ['-c', patched], {
      encoding: 'utf8',
      env: { ...process.env, SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '3' },
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim().split('\n')).toEqual([
      CLI,
      'run',
      configFile,
      '--out',
      outDir,
      '--set',
      'train.steps=10',
      '--backend',
      'auto',
      '--jobs',
      '1', // one run per GPU asked for
      '--shard',
      '1/3',
    ]);
  });

  it('passes --backend and --jobs to every task; without GPUs a task runs one run per CPU it asked for', () => {
    const args = (extra: string[]) => {
      const r = cli(['slurm', configFile, ...extra]);
      expect(r.code, r.stderr).toBe(0);
      const exec = readFileSync(scriptFile, 'utf8')
        .split('\n')
        .find((l) => l.startsWith('exec '))!;
      return exec;
    };
    expect(args(['--cpus-per-task', '8'])).toContain(' --backend auto --jobs 8 --shard ');
    expect(args(['--backend', 'wasm', '--jobs', '3'])).toContain(' --backend wasm --jobs 3 --shard ');
    expect(args(['--gpus-per-task', '2', '--backend', 'webgpu'])).toContain(' --backend webgpu --jobs 2 --shard ');
    const bad = cli(['slurm', configFile, '--backend', 'cuda']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--backend must be one of auto, webgpu, wasm, cpu, got cuda');
  });

  it('--submit runs sbatch and prints the job id; sbatch failing shows its stderr; sbatch missing says so', () => {
    const bin = path.join(tmp.dir, 'bin');
    mkdirSync(bin, { recursive: true });
    const sbatch = path.join(bin, 'sbatch');
    writeFileSync(sbatch, `#!/bin/sh\necho "$@" > '${path.join(tmp.dir, 'sbatch-args')}'\necho "4242;cluster"\n`);
    chmodSync(sbatch, 0o755);
    const PATH = `${bin}:${process.env['PATH']}`;
    const ok = cli(['slurm', configFile, '--submit'], { PATH });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout.trim()).toBe('4242');
    expect(ok.stderr).toContain('submitted job 4242');
    expect(readFileSync(path.join(tmp.dir, 'sbatch-args'), 'utf8').trim()).toBe(`--parsable ${scriptFile}`);

    writeFileSync(sbatch, '#!/bin/sh\necho "sbatch: error: invalid partition specified: gpu" >&2\nexit 1\n');
    const failed = cli(['slurm', configFile, '--submit'], { PATH });
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain('sbatch failed (exit 1): sbatch: error: invalid partition specified: gpu');

    const missing = cli(['slurm', configFile, '--submit'], { PATH: path.join(tmp.dir, 'empty') });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('sbatch is not on the PATH');
  });

  it('run from VS Code (its runtime acting as node), the script calls `node` on the compute nodes', () => {
    const r = cli(['slurm', configFile], { ELECTRON_RUN_AS_NODE: '1' });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(scriptFile, 'utf8')).toMatch(
      new RegExp(`^exec 'node' '${CLI.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}' run `, 'm'),
    );
  });

  it('rejects bad options with exit 1', () => {
    expect(cli(['slurm', configFile, '--array', '0']).code).toBe(1);
    expect(cli(['slurm', configFile, '--time', 'soon']).stderr).toContain('--time must be a Slurm time');
    expect(cli(['slurm', configFile, '--partition', 'a b']).code).toBe(1);
  });
});

describe('superposition-lab reproduce --slurm', () => {
  it('writes one array script per preset with runs left, trains nothing, and says how to write the report', () => {
    const out = path.join(tmp.dir, 'repro');
    const r = cli(['reproduce', '--tiny', '--only', 'A,C', '--out', out, '--slurm', '--array', '2']);
    expect(r.code, r.stderr).toBe(0);
    const scripts = ['A-strong', 'C-phi-vs-gamma'].map((name) =>
      path.join(out, 'experiments', 'results', name, 'slurm', `${name}.sbatch`),
    );
    expect(r.stdout.trim().split('\n')).toEqual([
      `A A-strong: ${scripts[0]}`,
      `C C-phi-vs-gamma: ${scripts[1]}`,
      `when the jobs are done: superposition-lab reproduce --tiny --only A,C --out ${out} (writes the report)`,
    ]);
    for (const [i, name] of ['A-strong', 'C-phi-vs-gamma'].entries()) {
      const script = readFileSync(scripts[i]!, 'utf8');
      expect(script).toContain('#SBATCH --array=0-1');
      expect(script).toContain(`'${path.join(out, 'experiments', `${name}.experiment.yaml`)}'`);
      expect(script).toContain('--shard "$SLURM_ARRAY_TASK_ID/2"');
    }
    expect(existsSync(path.join(out, 'report.html'))).toBe(false);
    expect(existsSync(path.join(out, 'experiments', 'results', 'A-strong', 'runs'))).toBe(false); // nothing trained
  });
});
