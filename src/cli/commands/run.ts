// `superposition-lab run <config> [--out DIR] [--json] [--set key=value ...]`: trains every run
// of an experiment config on the CPU (TF.js WASM), writing DIR/results.json and each run's W and b
// (DIR/runs/<id>.safetensors) atomically as runs finish (src/node/experimentStore.ts, the same
// code as VS Code). Re-running with the same DIR resumes; Ctrl-C stops after saving what has
// finished.

import { readFile } from 'node:fs/promises';
import { type ConfigProblem } from '../../core/config/parse';
import type { ExperimentResults } from '../../core/toy/results';
import { CoreError, messages } from '../../core/errors';
import { formatValue } from '../../core/format';
import { prepareExperiment, writeResults } from '../../node/experimentStore';
import { trainPending } from '../trainPending';
import { initCompute } from '../compute';
import { progressBar } from '../progress';
import { renderTable } from '../output';

export interface RunOptions {
  readonly out?: string;
  readonly json: boolean;
  readonly overrides: readonly string[];
  readonly isCancelled: () => boolean;
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
    { title: 'weak pred.', value: (r) => formatValue(r.predictedWeakLoss), align: 'right' },
    { title: 's', value: (r) => (r.ms / 1000).toFixed(1), align: 'right' },
  ]);
  const fixed = (v: number | null) => (v === null ? '—' : v.toFixed(3));
  const series = renderTable(results.series, [
    { title: 'series', value: (s) => s.id },
    { title: 'α_m', value: (s) => fixed(s.alphaM), align: 'right' },
    { title: '± SE', value: (s) => fixed(s.alphaMStderr), align: 'right' },
    { title: 'R²', value: (s) => fixed(s.r2), align: 'right' },
    { title: 'widths', value: (s) => s.fitWidths.join(', ') },
  ]);
  return `${runs}\n\n${series}`;
}

/** Runs in results.json now (the loop saved each finished run there). */
async function savedRuns(resultsFile: string): Promise<number> {
  try {
    const parsed = JSON.parse(await readFile(resultsFile, 'utf8')) as { runs?: unknown[] };
    return Array.isArray(parsed.runs) ? parsed.runs.length : 0;
  } catch {
    return 0;
  }
}

export async function runExperiment(
  configFile: string,
  options: RunOptions,
  write: (s: string) => void,
): Promise<number> {
  const text = await readFile(configFile, 'utf8').catch(() => {
    throw new CoreError('file/not-found', messages.notFound(configFile));
  });
  const prepared = await prepareExperiment(configFile, text, { overrides: options.overrides, outDir: options.out });
  for (const p of prepared.problems) process.stderr.write(`${problemLine(configFile, p)}\n`);
  if (!prepared.ok) return 2;
  const experiment = prepared.experiment;
  const { config, runs, todo, outDir, resultsFile } = experiment;
  let results = experiment.results;
  const backend = (await initCompute()).name;
  const done = results.runs.length;
  if (done > 0) process.stderr.write(`resuming: ${done} of ${runs.length} runs already in ${outDir}\n`);
  process.stderr.write(
    `${config.name}: ${todo.length} run${todo.length === 1 ? '' : 's'} to train on ${backend}, results in ${outDir}\n`,
  );

  const totalSteps = todo.reduce((s, r) => s + r.steps, 0);
  let stepsBefore = 0;
  const bar = progressBar(config.name);
  const label = (i: number, id: string) => `run ${done + i + 1}/${runs.length} ${id}`;
  try {
    results = await trainPending(experiment, backend, {
      isCancelled: options.isCancelled,
      // Runs of a batch advance together: one update per batch, from its first run.
      onStep: (spec, i, step, mse, group) => {
        if (spec !== group[0]) return;
        const more = group.length > 1 ? ` +${group.length - 1} batched` : '';
        bar.update(
          (stepsBefore + step * group.length) / Math.max(1, totalSteps),
          `${label(i, spec.id)}${more} · loss ${formatValue(mse * spec.n)}`,
        );
      },
      onRunSaved: (spec, i, trained) => {
        stepsBefore += spec.steps;
        if (!process.stderr.isTTY) {
          process.stderr.write(
            `${label(i, spec.id)}: final loss ${formatValue(trained.result.finalLoss)} (${(trained.result.ms / 1000).toFixed(1)} s)\n`,
          );
        }
      },
    });
  } catch (e) {
    if (e instanceof CoreError && e.code === 'job/cancelled') {
      bar.done();
      const saved = await savedRuns(resultsFile);
      process.stderr.write(
        `stopped: ${saved} of ${runs.length} runs finished and saved in ${outDir}; run the same command to resume\n`,
      );
      return EXIT_INTERRUPTED;
    }
    throw e;
  } finally {
    bar.done();
  }
  // Nothing to train: still write, since the fit settings may have changed.
  if (todo.length === 0) await writeResults(resultsFile, results);
  write(options.json ? JSON.stringify(results, null, 2) : `${summary(results)}\n\nresults: ${resultsFile}`);
  return 0;
}
