// What Slurm says about an experiment's array job: `squeue` for the job name our scripts use
// (spl-<experiment name>, see src/cli/commands/slurm.ts), one line per array task. For the
// experiment panel's dashboard, next to what the results folder and the run locks say. Where
// squeue is missing (not a Slurm host) or fails, the answer says so rather than throwing.

import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import * as path from 'node:path';

export interface QueuedTask {
  /** "123_4" for array task 4 of job 123; "123_[5-7]" for pending tasks not yet split. */
  readonly jobId: string;
  /** RUNNING, PENDING, COMPLETING, … as squeue prints them. */
  readonly state: string;
  /** Why a pending task waits (Resources, Priority, …), or "None". */
  readonly reason: string;
}

export type QueueState =
  | { readonly kind: 'tasks'; readonly tasks: readonly QueuedTask[] }
  | { readonly kind: 'unavailable'; readonly reason: string };

/** The job name of an experiment's array job. */
export const slurmJobName = (experimentName: string): string => `spl-${experimentName}`;

const FORMAT = '%i|%T|%r';

/** Parses `squeue -h -r -o '%i|%T|%r'`; lines that do not fit are skipped. */
export function parseSqueue(stdout: string): QueuedTask[] {
  const tasks: QueuedTask[] = [];
  for (const line of stdout.split('\n')) {
    const [jobId, state, reason] = line.trim().split('|');
    if (jobId && state && /^\d+(_(\d+|\[[\d,\-%]+\]))?$/.test(jobId) && /^[A-Z_]+$/.test(state)) {
      tasks.push({ jobId, state, reason: reason ?? '' });
    }
  }
  return tasks;
}

/** "3 running, 2 pending" (states in squeue's words, lower case), or "no tasks in the queue". */
export function summarizeQueue(tasks: readonly QueuedTask[]): string {
  if (tasks.length === 0) return 'no tasks in the queue';
  const counts = new Map<string, number>();
  for (const t of tasks) counts.set(t.state, (counts.get(t.state) ?? 0) + 1);
  return [...counts].map(([state, n]) => `${n} ${state.toLowerCase()}`).join(', ');
}

/** Asks squeue about the experiment's array tasks (of every user: the name is what identifies them). */
export function queueState(
  experimentName: string,
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = 10_000,
): Promise<QueueState> {
  return new Promise((resolve) => {
    const child = spawn('squeue', ['-h', '-r', '-n', slurmJobName(experimentName), '-o', FORMAT], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
      timeout: timeoutMs,
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e: NodeJS.ErrnoException) =>
      resolve({ kind: 'unavailable', reason: e.code === 'ENOENT' ? 'squeue is not on the PATH' : e.message }),
    );
    child.on('close', (code, signal) => {
      if (code === 0) resolve({ kind: 'tasks', tasks: parseSqueue(out) });
      else {
        const why = err.trim() || (signal ? `killed by ${signal}` : `exit ${code}`);
        resolve({ kind: 'unavailable', reason: `squeue failed: ${why}` });
      }
    });
  });
}

/**
 * One line for the experiment panel: squeue's state of the experiment's array job, when its
 * results folder has a slurm/ folder (the sbatch script and logs `superposition-lab slurm`
 * writes); null for a folder never sent to Slurm.
 */
export async function slurmLine(
  outDir: string,
  name: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | null> {
  const submitted = await stat(path.join(outDir, 'slurm')).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!submitted) return null;
  const queue = await queueState(name, env);
  return queue.kind === 'tasks'
    ? `Slurm (squeue, job ${slurmJobName(name)}): ${summarizeQueue(queue.tasks)}.`
    : `Slurm: ${queue.reason}.`;
}
