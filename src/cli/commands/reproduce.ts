// `superposition-lab reproduce [--tiny|--quick|--full] [--out DIR] [--only A,B,...] [--json]`:
// writes the paper's experiments (spec §5, A–E) as configs under DIR/experiments/, trains what is
// not yet trained (resumable: each preset's results folder is the one `run` and VS Code use), then
// checks the claims (H1–H20) and writes DIR/claims.json and a self-contained DIR/report.html,
// atomically. Ctrl-C stops after saving the finished runs and still writes a (partial) report.

import { mkdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { CoreError } from '../../core/errors';
import { checkClaims, claimCounts, type ClaimCheck } from '../../core/reproduce/claims';
import { reproducePresets, type PresetId, type ReproduceMode } from '../../core/reproduce/presets';
import { reportHtml } from '../../core/reproduce/report';
import type { ExperimentResults } from '../../core/toy/results';
import { writeFileAtomic } from '../../node/atomic';
import { prepareExperiment, type PreparedExperiment } from '../../node/experimentStore';
import { initCompute } from '../compute';
import { progressBar } from '../progress';
import { renderTable } from '../output';
import { renderSvg } from '../renderSvg';
import { trainPending } from '../trainPending';
import { problemLine, EXIT_INTERRUPTED } from './run';

export interface ReproduceOptions {
  readonly mode: ReproduceMode;
  readonly out?: string;
  readonly only?: readonly PresetId[];
  readonly json: boolean;
  readonly isCancelled: () => boolean;
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
    const existing = await readFile(file, 'utf8').catch(() => null);
    if (existing !== p.yaml) await writeFileAtomic(file, p.yaml);
    const outcome = await prepareExperiment(file, p.yaml);
    if (!outcome.ok) {
      // A preset that does not validate is a bug in this tool, not the user's input.
      for (const problem of outcome.problems) process.stderr.write(`${problemLine(file, problem)}\n`);
      throw new Error(`the built-in preset ${p.name} is invalid`);
    }
    prepared.push({ id: p.id, experiment: outcome.experiment });
  }
  const backend = (await initCompute()).name;
  const total = prepared.reduce((s, p) => s + p.experiment.runs.length, 0);
  const finished = prepared.reduce((s, p) => s + p.experiment.results.runs.length, 0);
  const totalSteps = prepared.reduce((s, p) => s + p.experiment.todo.reduce((a, r) => a + r.steps, 0), 0);
  process.stderr.write(
    `reproduce (${options.mode}): ${total - finished} of ${total} runs to train on ${backend}, in ${outDir}\n`,
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
      try {
        results[id] = await trainPending(experiment, backend, {
          isCancelled: options.isCancelled,
          // Runs of a batch advance together: one update per batch, from its first run.
          onStep: (spec, _i, step, _mse, group) => {
            if (spec !== group[0]) return;
            const more = group.length > 1 ? ` +${group.length - 1} batched` : '';
            bar.update(
              (stepsBefore + step * group.length) / Math.max(1, totalSteps),
              `${id} run ${runIndex + 1}/${total} ${spec.id}${more}`,
            );
          },
          onRunSaved: (spec, _i, trained) => {
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
        });
      } catch (e) {
        if (e instanceof CoreError && e.code === 'job/cancelled') {
          stopped = true;
          results[id] = JSON.parse(await readFile(experiment.resultsFile, 'utf8').catch(() => 'null')) ?? results[id];
          break;
        }
        throw e;
      }
    }
  } finally {
    bar.done();
  }

  const claims = checkClaims(results);
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

function claimsSummary(claims: readonly ClaimCheck[]): string {
  return renderTable(claims, [
    { title: '#', value: (c) => c.id },
    { title: 'verdict', value: (c) => (c.status === 'not-checked' ? 'not checked' : c.status) },
    { title: 'ours', value: (c) => (c.ours.length > 90 ? `${c.ours.slice(0, 89)}…` : c.ours) },
  ]);
}
