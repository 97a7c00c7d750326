// `superposition-lab slurm <config> [--array N] [--gpus-per-task G] [--cpus-per-task C] [--time T]
// [--partition P] [--out DIR] [--script FILE] [--submit]`: writes a commented sbatch script for an
// array job whose task K of N runs `run CONFIG --shard K/N` on one results folder, and with
// --submit hands it to sbatch and prints the job id. We do not schedule anything ourselves: the
// shards, locks and per-run records (see trainPending.ts) make any order of tasks, requeues and
// restarts come out the same.

import { spawn } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { parseExperimentConfig } from '../../core/config/parse';
import { expandSweep } from '../../core/config/sweep';
import { CoreError, messages } from '../../core/errors';
import { resolveOutDir } from '../../node/experimentStore';
import { writeFileAtomic } from '../../node/atomic';
import { slurmJobName } from '../../node/slurmQueue';
import { problemLine } from './run';
import type { BackendPreference } from '../../core/compute/backend';

export interface SlurmOptions {
  readonly out?: string;
  readonly script?: string;
  readonly overrides: readonly string[];
  readonly array: number;
  readonly gpusPerTask?: number;
  readonly cpusPerTask: number;
  readonly time: string;
  readonly partition?: string;
  readonly submit: boolean;
  /** Passed on to each task's `run` (default auto: the task's GPU if it has one, else WASM). */
  readonly backend: BackendPreference;
  /** Parallel runs per task; default: one per GPU asked for, else one per CPU asked for. */
  readonly jobs?: number;
}

export interface SbatchInput {
  readonly name: string;
  readonly configFile: string;
  readonly outDir: string;
  readonly runs: number;
  /** The command that starts this CLI: node and the bundle. */
  readonly cli: readonly string[];
  readonly options: SlurmOptions;
  readonly createdAt: string;
}

/**
 * The node the tasks run: this one, unless this is VS Code's runtime acting as node (Electron, for
 * "Run Experiment on Slurm…"), which the compute nodes would not run as node: then `node` there.
 */
const scriptNode = () => (process.env['ELECTRON_RUN_AS_NODE'] ? 'node' : process.execPath);

/** Single-quoted for sh: nothing inside is expanded. */
export const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** Parallel runs in one task: --jobs, else one per GPU it asked for, else one per CPU. */
export function tasksJobs(o: SlurmOptions): number {
  if (o.jobs !== undefined) return o.jobs;
  return o.gpusPerTask !== undefined && o.gpusPerTask > 0 ? o.gpusPerTask : o.cpusPerTask;
}

export function sbatchScript(input: SbatchInput): string {
  const { options: o } = input;
  const perTask = Math.ceil(input.runs / o.array);
  const run = [
    ...input.cli.map(shellQuote),
    'run',
    shellQuote(input.configFile),
    '--out',
    shellQuote(input.outDir),
    ...o.overrides.flatMap((s) => ['--set', shellQuote(s)]),
    '--backend',
    o.backend,
    // A task gets the CPUs it asked for, not the node's: as many parallel runs, unless told.
    '--jobs',
    String(tasksJobs(o)),
    '--shard',
    // N is written out, not $SLURM_ARRAY_TASK_COUNT: a task resubmitted alone (sbatch --array=K)
    // must still take shard K of the whole array.
    `"$SLURM_ARRAY_TASK_ID/${o.array}"`,
  ].join(' ');
  const lines = [
    '#!/bin/bash',
    `# Superposition Lab: experiment "${input.name}" as a Slurm array job of ${o.array} tasks`,
    `# (${input.runs} runs, about ${perTask} per task), written by \`superposition-lab slurm\` at ${input.createdAt}.`,
    '#',
    '# Task K of N trains shard K/N of the sweep: the split depends only on the config, so a task that',
    '# is requeued or restarted takes the same runs and resumes after the last finished one. Each run',
    '# is trained under a lock (runs/../locks/, with a heartbeat; a lock of a killed task is taken over',
    '# after SUPERPOSITION_LAB_LOCK_STALE_MS, default 60 s) and saved atomically as its own record, so',
    '# tasks never train a run twice or tear a file. Watch the results land in the folder below, e.g.',
    "# in VS Code's experiment panel, or resubmit this script to finish what a failed task left.",
    `#SBATCH --job-name=${slurmJobName(input.name)}`,
    `#SBATCH --array=0-${o.array - 1}`,
    '#SBATCH --ntasks=1',
    `#SBATCH --cpus-per-task=${o.cpusPerTask}`,
    ...(o.gpusPerTask !== undefined && o.gpusPerTask > 0 ? [`#SBATCH --gpus-per-task=${o.gpusPerTask}`] : []),
    `#SBATCH --time=${o.time}`,
    ...(o.partition !== undefined ? [`#SBATCH --partition=${o.partition}`] : []),
    '# One log per task, beside the results.',
    `#SBATCH --output=${path.join(input.outDir, 'slurm', '%x-%A_%a.out')}`,
    '#SBATCH --requeue',
    '',
    'set -euo pipefail',
    '# The results folder is shared by every task (it must be on a filesystem all nodes see).',
    `exec ${run}`,
    '',
  ];
  return lines.join('\n');
}

/** Runs sbatch on the script; its stderr is shown when it is missing or fails. */
function submit(script: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('sbatch', ['--parsable', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        new CoreError(
          'file/not-found',
          e.code === 'ENOENT'
            ? 'sbatch is not on the PATH: run this on a Slurm login node (the script is written).'
            : e.message,
        ),
      ),
    );
    child.on('close', (code) => {
      if (code === 0) resolve(out.trim().split(';')[0]!);
      else reject(new CoreError('config/invalid', `sbatch failed (exit ${code}): ${err.trim() || out.trim()}`));
    });
  });
}

/** Writes the array script of one experiment (and with options.submit, submits it); returns what to print. */
export async function writeSbatch(
  configFile: string,
  config: { readonly name: string },
  outDir: string,
  runs: number,
  options: SlurmOptions,
): Promise<{ readonly scriptFile: string; readonly jobId: string | null }> {
  const scriptFile = path.resolve(options.script ?? path.join(outDir, 'slurm', `${config.name}.sbatch`));
  const script = sbatchScript({
    name: config.name,
    configFile: path.resolve(configFile),
    outDir,
    runs,
    cli: [scriptNode(), path.resolve(process.argv[1]!)],
    options,
    createdAt: new Date().toISOString(),
  });
  await writeFileAtomic(scriptFile, script);
  await mkdir(path.join(outDir, 'slurm'), { recursive: true }); // sbatch does not create the log folder
  process.stderr.write(`wrote ${scriptFile}: ${options.array} tasks for ${runs} runs, results in ${outDir}\n`);
  if (!options.submit) return { scriptFile, jobId: null };
  const jobId = await submit(scriptFile);
  process.stderr.write(`submitted job ${jobId}\n`);
  return { scriptFile, jobId };
}

export async function runSlurm(configFile: string, options: SlurmOptions, write: (s: string) => void): Promise<number> {
  const text = await readFile(configFile, 'utf8').catch(() => {
    throw new CoreError('file/not-found', messages.notFound(configFile));
  });
  const parsed = parseExperimentConfig(text, { fileName: configFile, overrides: options.overrides });
  for (const p of parsed.problems) process.stderr.write(`${problemLine(configFile, p)}\n`);
  if (parsed.config === null) return 2;
  const config = parsed.config;
  const outDir = await resolveOutDir(configFile, config.name, options.out);
  const { scriptFile, jobId } = await writeSbatch(configFile, config, outDir, expandSweep(config).length, options);
  write(jobId ?? scriptFile);
  return 0;
}
