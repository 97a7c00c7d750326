// `superposition-lab reproduce [--tiny|--quick|--full] [--out DIR] [--only A,B,...] [--json]
// [--slurm [--array N ...] [--submit]]`:
// writes the paper's experiments (spec §5, A–E) as configs under DIR/experiments/, trains what is
// not yet trained (resumable: each preset's results folder is the one `run` and VS Code use), then
// checks the claims (H1–H20) and writes DIR/claims.json and a self-contained DIR/report.html,
// atomically. Ctrl-C stops after saving the finished runs and still writes a (partial) report.
// With --slurm it trains nothing: it writes (and with --submit submits) one array job per preset
// with runs left; `reproduce` without --slurm then writes the report from what landed.

import { mkdir } from 'node:fs/promises';
import { READ_LIMITS, readRegularText } from '../../node/safeRead';
import * as path from 'node:path';
import { CoreError } from '../../core/errors';
import { checkClaims, claimCounts, compareWithSmaller, type ClaimCheck } from '../../core/reproduce/claims';
import { reproducePresets, type PresetId, type ReproduceMode } from '../../core/reproduce/presets';
import { reportHtml } from '../../core/reproduce/report';
import type { ExperimentResults } from '../../core/toy/results';
import { writeFileAtomic } from '../../node/atomic';
import { prepareExperiment, type PreparedExperiment } from '../../node/experimentStore';
import { describeBackend } from '../../core/compute/describeBackend';
import { startCompute, type ComputeOptions } from '../compute';
import { progressBar } from '../progress';
import { renderTable } from '../output';
import { renderSvg } from '../renderSvg';
import { trainPending } from '../../node/trainPending';
import { longestFirst } from '../../core/config/costModel';
import { problemLine, EXIT_INTERRUPTED } from './run';
import { writeSbatch, type SlurmOptions } from './slurm';

export interface ReproduceOptions {
  readonly mode: ReproduceMode;
  readonly out?: string;
  readonly only?: readonly PresetId[];
  readonly json: boolean;
  readonly isCancelled: () => boolean;
  /** Hand the runs to Slurm instead of training here. */
  readonly slurm?: SlurmOptions;
  readonly compute: ComputeOptions;
}

export const CLAIMS_FORMAT = 'superposition-lab/claims';

const defaultOut = (mode: ReproduceMode) => path.resolve('reproduction', mode);

export async function runReproduce(options: ReproduceOptions, write: (s: string) => void): Promise<number> {
  const outDir = path.resolve(options.out ?? defaultOut(options.mode));
  const presets = reproducePresets(options.mode).filter((p) => !options.only || options.only.includes(p.id));
  const experimentsDir = path.join(outDir, 'experiments');
  await mkdir(experimentsDir, { recursive: true });

  // Write each config (the file is the record of what ran) and find what is left to train.
  const prepared: { id: PresetId; experiment: PreparedExperiment }[] = [];
  for (const p of presets) {
    const file = path.join(experimentsDir, `${p.name}.experiment.yaml`);
    const existing = await readRegularText(file, file, READ_LIMITS.config).catch(() => null);
    if (existing !== p.yaml) await writeFileAtomic(file, p.yaml);
    const outcome = await prepareExperiment(file, p.yaml);
    if (!outcome.ok) {
      // A preset that does not validate is a bug in this tool, not the user's input.
      for (const problem of outcome.problems) process.stderr.write(`${problemLine(file, problem)}\n`);
      throw new Error(`the built-in preset ${p.name} is invalid`);
    }
    prepared.push({ id: p.id, experiment: outcome.experiment });
  }
  if (options.slurm) return submitToSlurm(prepared, options, outDir, write);
  const { pool, backend: compute } = await startCompute(options.compute);
  const backend = compute.name;
  const total = prepared.reduce((s, p) => s + p.experiment.runs.length, 0);
  const finished = prepared.reduce((s, p) => s + p.experiment.results.runs.length, 0);
  const totalSteps = prepared.reduce((s, p) => s + p.experiment.todo.reduce((a, r) => a + r.steps, 0), 0);
  process.stderr.write(
    `reproduce (${options.mode}): ${total - finished} of ${total} runs to train on ${describeBackend(compute)}, in ${outDir}\n`,
  );

  const results: Partial<Record<PresetId, ExperimentResults>> = {};
  const progress: Partial<Record<PresetId, { done: number; total: number }>> = {};
  for (const { id, experiment } of prepared) {
    results[id] = experiment.results;
    progress[id] = { done: experiment.results.runs.length, total: experiment.runs.length };
  }
  const bar = progressBar('reproduce');
  let stepsBefore = 0;
  let stopped = false;
  let runIndex = finished;
  try {
    for (const { id, experiment } of prepared) {
      if (experiment.todo.length === 0) continue;
      // Steps of the runs in progress, by index (several at once with --jobs).
      const running = new Map<number, number>();
      try {
        const todo = pool.size > 1 ? longestFirst(experiment.todo) : experiment.todo;
        results[id] = await trainPending(
          experiment,
          pool,
          {
            isCancelled: options.isCancelled,
            onStep: (spec, i, step, _mse, lane) => {
              running.set(i, step);
              const now = [...running.values()].reduce((a, b) => a + b, 0);
              const job = pool.size > 1 ? `job ${lane + 1}: ` : '';
              bar.update((stepsBefore + now) / Math.max(1, totalSteps), `${job}${id} ${spec.id}`);
            },
            onRunSaved: (spec, i, trained) => {
              running.delete(i);
              stepsBefore += spec.steps;
              runIndex++;
              progress[id] = { done: progress[id]!.done + 1, total: experiment.runs.length };
              // One line per run when not on a terminal: VS Code reads these for its progress.
              if (!process.stderr.isTTY) {
                process.stderr.write(
                  `[${runIndex}/${total}] ${experiment.config.name} ${spec.id}: final loss ${trained.result.finalLoss.toPrecision(4)}\n`,
                );
              }
            },
          },
          todo,
        );
      } catch (e) {
        if (e instanceof CoreError && e.code === 'job/cancelled') {
          stopped = true;
          const saved = await readRegularText(
            experiment.resultsFile,
            experiment.resultsFile,
            READ_LIMITS.results,
          ).catch(() => null);
          results[id] = JSON.parse(saved ?? 'null') ?? results[id];
          break;
        }
        throw e;
      }
    }
  } finally {
    bar.done();
  }

  const claims = await withSmallerRun(checkClaims(results), outDir, options.mode);
  const createdAt = new Date().toISOString();
  const command = `superposition-lab reproduce${options.mode === 'default' ? '' : ` --${options.mode}`}${options.only ? ` --only ${options.only.join(',')}` : ''}`;
  const html = await reportHtml(
    { mode: options.mode, command, createdAt, presets, results, progress, claims, backend },
    renderSvg,
  );
  const counts = claimCounts(claims);
  const claimsJson = {
    format: CLAIMS_FORMAT,
    version: 1,
    mode: options.mode,
    createdAt,
    command,
    backend,
    compute,
    complete: !stopped && prepared.every(({ id }) => progress[id]!.done === progress[id]!.total),
    runs: Object.fromEntries(prepared.map(({ id }) => [id, progress[id]])),
    counts,
    claims,
  };
  await writeFileAtomic(path.join(outDir, 'claims.json'), `${JSON.stringify(claimsJson, null, 2)}\n`);
  await writeFileAtomic(path.join(outDir, 'report.html'), html);
  if (stopped) {
    process.stderr.write(`stopped: finished runs are saved; the report is partial. Run the same command to resume.\n`);
  }
  write(
    options.json
      ? JSON.stringify(claimsJson, null, 2)
      : `${claimsSummary(claims)}\n\n${counts.pass} pass, ${counts.fail} fail, ${counts['not-checked']} not checked here\nreport: ${path.join(outDir, 'report.html')}`,
  );
  return stopped ? EXIT_INTERRUPTED : 0;
}

async function submitToSlurm(
  prepared: readonly { id: PresetId; experiment: PreparedExperiment }[],
  options: ReproduceOptions,
  outDir: string,
  write: (s: string) => void,
): Promise<number> {
  const lines: string[] = [];
  for (const { id, experiment } of prepared) {
    if (experiment.todo.length === 0) {
      lines.push(`${id} ${experiment.config.name}: all ${experiment.runs.length} runs finished`);
      continue;
    }
    const { scriptFile, jobId } = await writeSbatch(
      experiment.configFile,
      experiment.config,
      experiment.outDir,
      experiment.runs.length,
      options.slurm!,
    );
    lines.push(`${id} ${experiment.config.name}: ${jobId === null ? scriptFile : `job ${jobId}`}`);
  }
  const mode = options.mode === 'default' ? '' : ` --${options.mode}`;
  const only = options.only ? ` --only ${options.only.join(',')}` : '';
  lines.push(`when the jobs are done: superposition-lab reproduce${mode}${only} --out ${outDir} (writes the report)`);
  write(lines.join('\n'));
  return 0;
}

/**
 * The default and full sizes compare each failing claim with the quick reproduction beside them
 * (DIR/../quick/claims.json, where `reproduce --quick` writes by default), when there is one: do
 * more samples move the claim towards the paper? Without that file the claims are unchanged.
 */
async function withSmallerRun(claims: ClaimCheck[], outDir: string, mode: ReproduceMode): Promise<ClaimCheck[]> {
  if (mode !== 'default' && mode !== 'full') return claims;
  const file = path.join(path.dirname(outDir), 'quick', 'claims.json');
  const text = await readRegularText(file, file, READ_LIMITS.results).catch(() => null);
  if (text === null) return claims;
  try {
    const parsed = JSON.parse(text) as { format?: unknown; mode?: unknown; claims?: unknown };
    if (parsed.format !== CLAIMS_FORMAT || parsed.mode !== 'quick' || !Array.isArray(parsed.claims)) return claims;
    return compareWithSmaller(claims, parsed.claims as ClaimCheck[], 'quick');
  } catch {
    process.stderr.write(`note: ${file} is not valid JSON; the claims are not compared with the quick run\n`);
    return claims;
  }
}

function claimsSummary(claims: readonly ClaimCheck[]): string {
  const compared = claims.some((c) => c.comparison !== undefined);
  return renderTable(claims, [
    { title: '#', value: (c) => c.id },
    { title: 'verdict', value: (c) => (c.status === 'not-checked' ? 'not checked' : c.status) },
    { title: 'ours', value: (c) => (c.ours.length > 90 ? `${c.ours.slice(0, 89)}…` : c.ours) },
    // Failing claims against the quick run: did more samples move them towards the paper?
    ...(compared ? [{ title: 'vs quick', value: (c: ClaimCheck) => c.comparison?.moreSamples ?? '' }] : []),
  ]);
}
