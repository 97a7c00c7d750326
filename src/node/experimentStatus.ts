// One experiment's state as the Runs view shows it: every run of its sweep grouped by series,
// each pending, running (a fresh lock: in this process or another, on which host) or done (its
// record and weights on disk, with final loss and φ½), and each series' fitted α_m. Read from
// the results folder and the locks only, so it is the same whoever trains: the extension, CLI
// shards or Slurm tasks.

import type { ConfigProblem } from '../core/config/parse';
import { settingId } from '../core/toy/results';
import { prepareExperiment, runningNow, type PreparedExperiment } from './experimentStore';

export type RunState =
  | { readonly kind: 'pending' }
  | { readonly kind: 'running'; readonly here: boolean; readonly host: string; readonly pid: number }
  | { readonly kind: 'done'; readonly finalLoss: number; readonly fracRepresented: number; readonly weights: string };

export interface RunStatus {
  readonly id: string;
  readonly width: number;
  readonly seed: number;
  readonly state: RunState;
}

export interface SeriesStatus {
  readonly id: string;
  readonly alphaM: number | null;
  readonly alphaMStderr: number | null;
  readonly runs: readonly RunStatus[];
}

export type ExperimentStatus =
  | {
      readonly ok: true;
      readonly name: string;
      readonly outDir: string;
      readonly total: number;
      readonly done: number;
      readonly running: number;
      readonly series: readonly SeriesStatus[];
    }
  | { readonly ok: false; readonly problems: readonly ConfigProblem[] };

/** The status of the experiment `text` (a config's contents) describes, from its folder on disk. */
export async function experimentStatus(configFile: string, text: string): Promise<ExperimentStatus> {
  // Only reads: runs whose settings changed show as pending (training asks before replacing them).
  const prepared = await prepareExperiment(configFile, text, { acceptNewSettings: true });
  if (!prepared.ok) return { ok: false, problems: prepared.problems };
  return statusOf(prepared.experiment, await runningNow(prepared.experiment));
}

function statusOf(
  experiment: PreparedExperiment,
  running: readonly { readonly id: string; readonly host: string; readonly pid: number; readonly here: boolean }[],
): ExperimentStatus & { ok: true } {
  const finished = new Map(experiment.results.runs.map((r) => [r.id, r]));
  const holders = new Map(running.map((r) => [r.id, r]));
  const bySeries = new Map<string, RunStatus[]>();
  for (const spec of experiment.runs) {
    const result = finished.get(spec.id);
    const holder = holders.get(spec.id);
    const state: RunState = result
      ? { kind: 'done', finalLoss: result.finalLoss, fracRepresented: result.fracRepresented, weights: result.weights }
      : holder
        ? { kind: 'running', here: holder.here, host: holder.host, pid: holder.pid }
        : { kind: 'pending' };
    // Series as the fits pool them: one per setting, its seeds together.
    const series = settingId(spec.values);
    const list = bySeries.get(series) ?? [];
    list.push({ id: spec.id, width: spec.values.width, seed: spec.values.seed, state });
    bySeries.set(series, list);
  }
  const fits = new Map(experiment.results.series.map((s) => [s.id, s]));
  const series = [...bySeries].map(([id, runs]) => ({
    id,
    alphaM: fits.get(id)?.alphaM ?? null,
    alphaMStderr: fits.get(id)?.alphaMStderr ?? null,
    runs,
  }));
  const all = series.flatMap((s) => s.runs);
  return {
    ok: true,
    name: experiment.config.name,
    outDir: experiment.outDir,
    total: all.length,
    done: all.filter((r) => r.state.kind === 'done').length,
    running: all.filter((r) => r.state.kind === 'running').length,
    series,
  };
}
