// squeue's answer for the experiment panel: parsing its one-line-per-task output, a stand-in
// squeue on the PATH (the real one is exercised in test/cli/slurmCluster.test.ts), and squeue
// missing or failing, which must come back as a sentence, never as a throw.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSqueue, queueState, slurmJobName, slurmLine, summarizeQueue } from '../../src/node/slurmQueue';
import { tempDir } from '../fixtures/files';

const tmp = tempDir('spl-squeue-');
afterAll(tmp.cleanup);

function standIn(body: string): NodeJS.ProcessEnv {
  const bin = path.join(tmp.dir, `bin-${Math.random().toString(36).slice(2)}`);
  mkdirSync(bin);
  writeFileSync(path.join(bin, 'squeue'), `#!/bin/sh\n${body}\n`);
  chmodSync(path.join(bin, 'squeue'), 0o755);
  return { ...process.env, PATH: `${bin}:${process.env['PATH']}` };
}

describe('squeue for an experiment', () => {
  it('parses array tasks one per line and skips anything else', () => {
    const out =
      '12_0|RUNNING|None\n12_1|RUNNING|None\n12_[2-4]|PENDING|Resources\nslurm_load_jobs error\n\n13|COMPLETING|None\n';
    expect(parseSqueue(out)).toEqual([
      { jobId: '12_0', state: 'RUNNING', reason: 'None' },
      { jobId: '12_1', state: 'RUNNING', reason: 'None' },
      { jobId: '12_[2-4]', state: 'PENDING', reason: 'Resources' },
      { jobId: '13', state: 'COMPLETING', reason: 'None' },
    ]);
    expect(summarizeQueue(parseSqueue(out))).toBe('2 running, 1 pending, 1 completing');
    expect(summarizeQueue([])).toBe('no tasks in the queue');
  });

  it('asks for the job name the sbatch scripts use, one line per array task', async () => {
    const args = path.join(tmp.dir, 'args');
    const env = standIn(`printf '%s\\n' "$@" > '${args}'\necho '7_0|RUNNING|None'`);
    const state = await queueState('sweep', env);
    expect(state).toEqual({ kind: 'tasks', tasks: [{ jobId: '7_0', state: 'RUNNING', reason: 'None' }] });
    expect(readFileSync(args, 'utf8').trim().split('\n')).toEqual([
      '-h',
      '-r',
      '-n',
      slurmJobName('sweep'),
      '-o',
      '%i|%T|%r',
    ]);
  });

  it('says why when squeue is missing or fails', async () => {
    const missing = await queueState('sweep', { ...process.env, PATH: path.join(tmp.dir, 'nothing-here') });
    expect(missing).toEqual({ kind: 'unavailable', reason: 'squeue is not on the PATH' });
    const failing = await queueState(
      'sweep',
      standIn('echo "slurm_load_jobs error: Unable to contact slurm controller" >&2; exit 1'),
    );
    expect(failing).toEqual({
      kind: 'unavailable',
      reason: 'squeue failed: slurm_load_jobs error: Unable to contact slurm controller',
    });
  });

  it('gives the panel one line, only for a results folder sent to Slurm', async () => {
    const outDir = path.join(tmp.dir, 'results', 'sweep');
    mkdirSync(outDir, { recursive: true });
    const env = standIn("echo '9_0|RUNNING|None'; echo '9_[1-3]|PENDING|Resources'");
    expect(await slurmLine(outDir, 'sweep', env)).toBeNull();
    mkdirSync(path.join(outDir, 'slurm'));
    expect(await slurmLine(outDir, 'sweep', env)).toBe('Slurm (squeue, job spl-sweep): 1 running, 1 pending.');
    expect(await slurmLine(outDir, 'sweep', { ...process.env, PATH: path.join(tmp.dir, 'none') })).toBe(
      'Slurm: squeue is not on the PATH.',
    );
  });
});
