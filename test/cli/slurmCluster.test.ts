// A real Slurm: Debian's slurmctld, slurmd and munge (installed by scripts/setup-slurm.sh), started
// here as a single-node cluster in a temporary folder (own munge socket and ports, so nothing
// else on the host is touched), then a 3-task array submitted through `superposition-lab slurm
// --submit`. One task is cancelled mid-run and resubmitted alone; in the end every run is present
// once, trained once to completion, and equal to an unsharded run. The daemons are stopped in
// afterAll, whatever happened. Needs root (the daemons run as root), as CI has.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../fixtures/files';
import { queueState, summarizeQueue } from '../../src/node/slurmQueue';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const SETUP = path.resolve(__dirname, '../../scripts/setup-slurm.sh');
const tmp = tempDir('spl-slurmd-');
const D = tmp.dir;
const conf = path.join(D, 'slurm.conf');
const env = { ...process.env, SLURM_CONF: conf };

const CONFIG = `version: 1
name: cluster
data:
  features: 32
model:
  width: [4, 8, 16]
optimizer:
  weightDecay: [-1, 0.3]
train:
  steps: 1500
  batch: 16
`;
const configFile = path.join(D, 'cluster.experiment.yaml');
const outDir = path.join(D, 'results', 'cluster');

const sh = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8', env, timeout: 30_000 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => T | null | undefined | false, timeoutMs: number): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(250);
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The daemons we started, stopped by their pid files (never by name), waiting until they exit. */
async function stopDaemons(): Promise<void> {
  for (const name of ['slurmd', 'slurmctld', 'munged']) {
    const pidFile = path.join(D, `${name}.pid`);
    if (!existsSync(pidFile)) continue;
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    if (!(pid > 1) || !alive(pid)) continue;
    process.kill(pid, 'SIGTERM');
    const start = Date.now();
    while (alive(pid) && Date.now() - start < 10_000) await sleep(100);
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
}

function slurmConf(host: string, cpus: number): string {
  const port = 20000 + Math.floor(Math.random() * 20000);
  return [
    'ClusterName=spltest',
    `SlurmctldHost=${host}(127.0.0.1)`,
    'SlurmUser=root',
    'SlurmdUser=root',
    'AuthType=auth/munge',
    `AuthInfo=socket=${D}/munge.sock`,
    'CredType=cred/munge',
    `StateSaveLocation=${D}/state`,
    `SlurmdSpoolDir=${D}/spool`,
    `SlurmctldPidFile=${D}/slurmctld.pid`,
    `SlurmdPidFile=${D}/slurmd.pid`,
    `SlurmctldPort=${port}`,
    `SlurmdPort=${port + 1}`,
    'ProctrackType=proctrack/linuxproc',
    'TaskPlugin=task/none',
    'SelectType=select/cons_tres',
    'SelectTypeParameters=CR_Core',
    'ReturnToService=2',
    'MpiDefault=none',
    'JobCompType=jobcomp/none',
    'JobAcctGatherType=jobacct_gather/none',
    `SlurmctldLogFile=${D}/slurmctld.log`,
    `SlurmdLogFile=${D}/slurmd.log`,
    'DebugFlags=NO_CONF_HASH',
    `NodeName=${host} CPUs=${cpus} RealMemory=1000 State=UNKNOWN`,
    'PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP',
    '',
  ].join('\n');
}

beforeAll(async () => {
  execFileSync('bash', [SETUP], { stdio: 'inherit', timeout: 300_000 });
  mkdirSync(path.join(D, 'state'));
  mkdirSync(path.join(D, 'spool'));
  const key = path.join(D, 'munge.key');
  writeFileSync(key, randomBytes(1024));
  chmodSync(key, 0o600);
  // slurmd -C prints this node as slurm.conf wants it ("NodeName=vm CPUs=2 ...").
  const probe = sh('slurmd', ['-C']).stdout;
  const host = /NodeName=(\S+)/.exec(probe)![1]!;
  const cpus = Number(/CPUs=(\d+)/.exec(probe)![1]);
  writeFileSync(conf, slurmConf(host, cpus));
  const started = [
    sh('munged', [
      '-f',
      `--socket=${D}/munge.sock`,
      `--key-file=${key}`,
      `--log-file=${D}/munged.log`,
      `--pid-file=${D}/munged.pid`,
      `--seed-file=${D}/munged.seed`,
    ]),
    sh('slurmctld', ['-i', '-f', conf]),
    sh('slurmd', ['-f', conf]),
  ];
  for (const s of started) expect(s.status, s.stderr).toBe(0);
  await until('the node to be idle', () => /idle/.test(sh('sinfo', ['-h', '-o', '%T']).stdout), 60_000);
  writeFileSync(configFile, CONFIG);
}, 360_000);

afterAll(async () => {
  sh('scancel', ['--user=root']);
  await stopDaemons();
  tmp.cleanup();
}, 60_000);

const recordsOf = (dir: string) => readdirSync(path.join(dir, 'runs')).filter((f) => f.endsWith('.json'));
interface Results {
  runs: { id: string; finalLoss: number; lossCurve: unknown[] }[];
  series: unknown[];
}
const read = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8')) as Results;
const queued = (job: string) => sh('squeue', ['-h', '-j', job, '-o', '%i %T']).stdout.trim();

describe('a real single-node Slurm', () => {
  it('a 3-task array with one task cancelled mid-run and resubmitted: every run once, equal to an unsharded run', async () => {
    const submitted = spawnSync(process.execPath, [CLI, 'slurm', configFile, '--array', '3', '--submit'], {
      encoding: 'utf8',
      env,
      timeout: 30_000,
    });
    expect(submitted.status, submitted.stderr).toBe(0);
    const job = submitted.stdout.trim();
    expect(job).toMatch(/^\d+$/);
    const script = path.join(outDir, 'slurm', 'cluster.sbatch');

    // Task 1 is cancelled once it is training a run (its lock is there, no record of it yet).
    const lockOfTask1 = await until(
      'task 1 to hold a run lock',
      () => {
        if (!queued(job).includes(`${job}_1 RUNNING`)) return null;
        const locks = existsSync(path.join(outDir, 'locks')) ? readdirSync(path.join(outDir, 'locks')) : [];
        // Task 1's runs (shard 1 of 3: the 2nd and 5th of the sweep).
        return locks.find((l) => l.startsWith('power-a1.2-E1-g-1-s0-m8.') || l.startsWith('power-a1.2-E1-g0.3-s0-m8.'));
      },
      60_000,
    );
    // What the experiment panel shows from squeue: the array's tasks by state, task 1 running.
    const state = await queueState('cluster', env);
    expect(state.kind).toBe('tasks');
    const tasks = state.kind === 'tasks' ? state.tasks : [];
    expect(tasks.find((t) => t.jobId === `${job}_1`)?.state).toBe('RUNNING');
    expect(summarizeQueue(tasks)).toMatch(/\d+ running/);
    expect(sh('scancel', [`${job}_1`]).status).toBe(0);
    await until('the array to finish', () => queued(job) === '', 120_000);
    const runId = lockOfTask1.replace(/\.[0-9a-f]{8}\.lock$/, '');
    expect(
      recordsOf(outDir).some((f) => f.startsWith(`${runId}.`)),
      'the cancelled run was not saved',
    ).toBe(false);
    expect(recordsOf(outDir).length).toBeGreaterThanOrEqual(4); // 5 if task 1 had finished its first run

    // Resubmitted alone, task 1 takes over the killed task's lock and trains its two runs.
    const again = sh('sbatch', ['--parsable', '--array=1', script]);
    expect(again.status, again.stderr).toBe(0);
    const job2 = again.stdout.trim().split(';')[0]!;
    await until('the resubmitted task to finish', () => queued(job2) === '', 120_000);

    const logText = () =>
      readdirSync(path.join(outDir, 'slurm'))
        .filter((f) => f.endsWith('.out'))
        .map((f) => `== ${f}\n${readFileSync(path.join(outDir, 'slurm', f), 'utf8')}`)
        .join('\n');
    expect(recordsOf(outDir), logText()).toHaveLength(6);
    const logs = readdirSync(path.join(outDir, 'slurm')).filter((f) => f.endsWith('.out'));
    const trained = logs.flatMap((f) =>
      [...readFileSync(path.join(outDir, 'slurm', f), 'utf8').matchAll(/run \d+\/6 (\S+): final loss/g)].map(
        (m) => m[1]!,
      ),
    );
    const whole = path.join(D, 'whole');
    const unsharded = spawnSync(process.execPath, [CLI, 'run', configFile, '--out', whole], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(unsharded.status, unsharded.stderr).toBe(0);
    expect(trained.sort()).toEqual(
      read(whole)
        .runs.map((r) => r.id)
        .sort(),
    ); // each run trained to the end once

    const merged = spawnSync(process.execPath, [CLI, 'run', configFile], { encoding: 'utf8', timeout: 60_000 });
    expect(merged.status, merged.stderr).toBe(0);
    expect(merged.stderr).toContain('cluster: 0 runs to train');
    const byId = (r: Results) => Object.fromEntries(r.runs.map((x) => [x.id, [x.finalLoss, x.lossCurve]]));
    expect(byId(read(outDir))).toEqual(byId(read(whole)));
    expect(read(outDir).series).toEqual(read(whole).series);
  }, 300_000);
});
