// `superposition-lab run <config> [--out DIR] [--json] [--set key=value ...] [--backend B] [--jobs N]
// [--shard K/N] [--retrain | --retrain-run ID ...] [--accept-new-settings]`: trains every run (or
// this shard's share) of an experiment config in Node compute workers (WebGPU through Dawn, WASM
// or CPU; --jobs runs in parallel), writing each run's record and W and b (DIR/runs/) atomically
// as runs finish and DIR/results.json at the end (src/node/experimentStore.ts, the same code as
// VS Code). Re-running with the same DIR resumes; Ctrl-C stops after saving what has finished.

import { READ_LIMITS, readRegularText } from '../../node/safeRead';
import { type ConfigProblem } from '../../core/config/parse';
import { shardRuns, type Shard } from '../../core/config/shard';
import type { ExperimentResults } from '../../core/toy/results';
import { CoreError, messages } from '../../core/errors';
import { formatValue } from '../../core/format';
import { prepareExperiment, refreshResults } from '../../node/experimentStore';
import { trainPending } from '../../node/trainPending';
import { longestFirst } from '../../core/config/costModel';
import { describeBackend } from '../../core/compute/describeBackend';
import { startCompute, type ComputeOptions } from '../compute';
import { progressBar } from '../progress';
import { renderTable } from '../output';

export interface RunOptions {
  readonly out?: string;
  readonly json: boolean;
  readonly overrides: readonly string[];
  readonly isCancelled: () => boolean;
  /** Train only this share of the runs (other processes train the rest). */
  readonly shard?: Shard;
  /** Train finished runs again: all of them, or these ids. */
  readonly retrain?: 'all' | readonly string[];
  readonly acceptNewSettings?: boolean;
  readonly compute: ComputeOptions;
}

/** Exit status of a run stopped by Ctrl-C (128 + SIGINT), as shells expect. */
export const EXIT_INTERRUPTED = 130;

/** `file:line:col: severity: message`, the format editors and CI logs link to. */
export function problemLine(file: string, p: ConfigProblem): string {
  const where = p.override !== undefined ? file : `${file}:${p.line}:${p.col}`;
  return `${where}: ${p.severity}: ${p.message}`;
}

function summary(results: ExperimentResults): string {
  const sorted = [...results.runs].sort((a, b) => a.series.localeCompare(b.series) || a.values.width - b.values.width);
  const runs = renderTable(sorted, [
    { title: 'run', value: (r) => r.id },
    { title: 'final loss', value: (r) => formatValue(r.finalLoss), align: 'right' },
    { title: 'φ½', value: (r) => formatValue(r.fracRepresented), align: 'right' },
    { title: 'φ₁', value: (r) => formatValue(r.fracStrong), align: 'right' },
    { title: 'mean overlap²', value: (r) => formatValue(r.meanSqOverlap), align: 'right' },
    { title: 'var ratio (S)', value: (r) => formatValue(r.sqOverlapVarianceRatioStrong ?? null), align: 'right' },
    { title: 'ambiguity', value: (r) => formatValue(r.ambiguity ?? null), align: 'right' },
    { title: 'weak pred.', value: (r) => formatValue(r.predictedWeakLoss), align: 'right' },
    { title: 's', value: (r) => (r.ms / 1000).toFixed(1), align: 'right' },
  ]);
  const fixed = (v: number | null) => (v === null ? '—' : v.toFixed(3));
  const series = renderTable(results.series, [
    { title: 'series', value: (s) => s.id },
    { title: 'α_m', value: (s) => fixed(s.alphaM), align: 'right' },
    { title: '± SE', value: (s) => fixed(s.alphaMStderr), align: 'right' },
    { title: 'R²', value: (s) => fixed(s.r2), align: 'right' },
    { title: 'seeds', value: (s) => String(s.seeds.length), align: 'right' },
    { title: 'seed sd', value: (s) => fixed(s.alphaMSeedSpread), align: 'right' },
    { title: 'widths', value: (s) => s.fitWidths.join(', ') },
  ]);
  return `${runs}\n\n${series}`;
}

export async function runExperiment(
  configFile: string,
  options: RunOptions,
  write: (s: string) => void,
): Promise<number> {
  const text = await readRegularText(configFile, configFile, READ_LIMITS.config);
  if (text === null) throw new CoreError('file/not-found', messages.notFound(configFile));
  const prepared = await prepareExperiment(configFile, text, {
    overrides: options.overrides,
    outDir: options.out,
    retrain: options.retrain,
    acceptNewSettings: options.acceptNewSettings,
  });
  for (const p of prepared.problems) process.stderr.write(`${problemLine(configFile, p)}\n`);
  if (!prepared.ok) return 2;
  const experiment = prepared.experiment;
  const { config, runs, outDir, resultsFile } = experiment;
  // The shard is taken of all the runs, then what is left of it: a restarted task keeps its runs.
  const pending = new Set(experiment.todo.map((r) => r.id));
  const todo = options.shard ? shardRuns(runs, options.shard).filter((r) => pending.has(r.id)) : experiment.todo;
  let results = experiment.results;
  const { pool, backend } = await startCompute(options.compute);
  const done = results.runs.length;
  if (done > 0) process.stderr.write(`resuming: ${done} of ${runs.length} runs already in ${outDir}\n`);
  if (experiment.hiddenRuns > 0) {
    process.stderr.write(`${experiment.hiddenRuns} finished runs not in this config are kept in ${outDir} (hidden)\n`);
  }
  const share = options.shard ? ` (shard ${options.shard.index}/${options.shard.count})` : '';
  const parallel = Math.min(pool.size, todo.length);
  process.stderr.write(
    `${config.name}: ${todo.length} run${todo.length === 1 ? '' : 's'} to train${share} on ${describeBackend(backend)}${parallel > 1 ? `, ${parallel} jobs in parallel` : ''}, results in ${outDir}\n`,
  );

  const totalSteps = todo.reduce((s, r) => s + r.steps, 0);
  let stepsBefore = 0;
  // Steps of the runs in progress, by index (several at once with --jobs).
  const running = new Map<number, number>();
  const bar = progressBar(config.name);
  const label = (i: number, id: string, lane?: number) =>
    `${parallel > 1 && lane !== undefined ? `job ${lane + 1}: ` : ''}run ${done + i + 1}/${runs.length} ${id}`;
  try {
    results = await trainPending(
      experiment,
      pool,
      {
        isCancelled: options.isCancelled,
        onStep: (spec, i, step, mse, lane) => {
          running.set(i, step);
          const now = [...running.values()].reduce((a, b) => a + b, 0);
          bar.update(
            (stepsBefore + now) / Math.max(1, totalSteps),
            `${label(i, spec.id, lane)} · loss ${formatValue(mse * spec.n)}`,
          );
        },
        onRunSaved: (spec, i, trained, lane) => {
          running.delete(i);
          stepsBefore += spec.steps;
          if (!process.stderr.isTTY) {
            process.stderr.write(
              `${label(i, spec.id, lane)}: final loss ${formatValue(trained.result.finalLoss)} (${(trained.result.ms / 1000).toFixed(1)} s)\n`,
            );
          }
        },
        onRunSkipped: (spec, i, why) => {
          running.delete(i);
          process.stderr.write(
            `${label(i, spec.id)}: ${why === 'locked' ? 'being trained by another process' : 'finished by another process'}\n`,
          );
        },
      },
      // With several workers, longest first: they finish together instead of one idling at the end.
      pool.size > 1 ? longestFirst(todo) : todo,
    );
  } catch (e) {
    if (e instanceof CoreError && e.code === 'job/cancelled') {
      bar.done();
      const saved = (await refreshResults(experiment)).runs.length;
      process.stderr.write(
        `stopped: ${saved} of ${runs.length} runs finished and saved in ${outDir}; run the same command to resume\n`,
      );
      return EXIT_INTERRUPTED;
    }
    throw e;
  } finally {
    bar.done();
  }
  // --json: results.json as written, plus where this invocation computed (backend, adapter, skips).
  write(
    options.json
      ? JSON.stringify({ ...results, compute: backend }, null, 2)
      : `${summary(results)}\n\nresults: ${resultsFile}`,
  );
  return 0;
}
