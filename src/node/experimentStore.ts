// An experiment's folder on disk, shared by the CLI and the extension host so that both write
// and resume the same format: DIR/results.json (rewritten atomically after every finished run)
// and DIR/runs/<run id>.safetensors (W and b, the config in __metadata__).
//
// Resuming keeps the finished runs of the same training settings (configFingerprint) whose
// weights are still on disk; results of other settings are never mixed in.

import { readFile, rename, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { parseExperimentConfig, type ConfigProblem } from '../core/config/parse';
import { expandSweep, type RunSpec, type RunValues } from '../core/config/sweep';
import type { ExperimentConfig } from '../core/config/schema';
import { featureFrequencies, parseCounts, type FeatureFrequencies } from '../core/toy/distributions';
import {
  emptyResults,
  isResumable,
  runWeightsFile,
  withRun,
  type ExperimentResults,
  type TrainedRun,
} from '../core/toy/results';
import { CoreError, messages } from '../core/errors';
import { writeFileAtomic } from './atomic';

export interface PreparedExperiment {
  readonly configFile: string;
  readonly config: ExperimentConfig;
  readonly runs: readonly RunSpec[];
  /** Feature frequencies per distinct (distribution, exponent, density): see frequencyKey. */
  readonly frequencies: ReadonlyMap<string, FeatureFrequencies>;
  readonly outDir: string;
  readonly resultsFile: string;
  /** Finished runs found on disk (none for a fresh folder). */
  readonly results: ExperimentResults;
  readonly todo: readonly RunSpec[];
}

export type PrepareOutcome =
  | { readonly ok: true; readonly problems: readonly ConfigProblem[]; readonly experiment: PreparedExperiment }
  | { readonly ok: false; readonly problems: readonly ConfigProblem[] };

export const frequencyKey = (v: RunValues): string => `${v.distribution}|${v.exponent}|${v.density}`;

/** `results/<name>` beside the config: where both the CLI and VS Code put results by default. */
export function defaultOutDir(configFile: string, name: string): string {
  return path.join(path.dirname(configFile), 'results', name);
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

async function frequenciesFor(
  config: ExperimentConfig,
  configFile: string,
  runs: readonly RunSpec[],
): Promise<Map<string, FeatureFrequencies>> {
  let counts: number[] | undefined;
  const out = new Map<string, FeatureFrequencies>();
  for (const r of runs) {
    const key = frequencyKey(r.values);
    if (out.has(key)) continue;
    if (r.values.distribution === 'empirical' && counts === undefined) {
      const countsPath = path.resolve(path.dirname(configFile), config.data.counts!);
      const text = await readFile(countsPath, 'utf8').catch(() => {
        throw new CoreError('file/not-found', messages.notFound(countsPath));
      });
      counts = parseCounts(text, countsPath);
    }
    out.set(
      key,
      featureFrequencies({
        distribution: r.values.distribution,
        n: r.n,
        exponent: r.values.exponent ?? 0,
        scale: r.scale,
        density: r.values.density,
        counts,
      }),
    );
  }
  return out;
}

/** Reads results.json if it is there; a file that is not JSON is an input error, never lost. */
async function readPrevious(resultsFile: string): Promise<unknown> {
  if (!(await exists(resultsFile))) return null;
  const text = await readFile(resultsFile, 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new CoreError(
      'config/invalid',
      `${resultsFile} is not valid JSON; move it away (nothing else is changed) and run again.`,
    );
  }
}

/**
 * Parses `text` (the config file's contents, possibly unsaved) and finds what is left to train
 * in `outDir` (default: results/<name> beside the config). Config problems are returned, not
 * thrown; unreadable counts files and foreign results folders throw CoreErrors.
 */
export async function prepareExperiment(
  configFile: string,
  text: string,
  options: { readonly overrides?: readonly string[]; readonly outDir?: string } = {},
): Promise<PrepareOutcome> {
  const parsed = parseExperimentConfig(text, { fileName: configFile, overrides: options.overrides ?? [] });
  if (parsed.config === null) return { ok: false, problems: parsed.problems };
  const config = parsed.config;
  const runs = expandSweep(config);
  const frequencies = await frequenciesFor(config, configFile, runs);
  const outDir = path.resolve(options.outDir ?? defaultOutDir(configFile, config.name));
  const resultsFile = path.join(outDir, 'results.json');

  const previous = await readPrevious(resultsFile);
  let results = emptyResults(config, runs.length, new Date().toISOString());
  if (previous !== null) {
    if (!isResumable(previous, config)) throw new ForeignResultsError(outDir);
    // The new config (its name or fit settings may differ) with the old runs, refitted; only
    // runs that this config still has and whose weights are still on disk are kept.
    const ids = new Set(runs.map((r) => r.id));
    results = { ...results, createdAt: previous.createdAt };
    for (const r of previous.runs) {
      if (ids.has(r.id) && (await exists(path.join(outDir, r.weights)))) {
        results = withRun(results, r, results.updatedAt);
      }
    }
  }
  const done = new Set(results.runs.map((r) => r.id));
  const experiment: PreparedExperiment = {
    configFile,
    config,
    runs,
    frequencies,
    outDir,
    resultsFile,
    results,
    todo: runs.filter((r) => !done.has(r.id)),
  };
  return { ok: true, problems: parsed.problems, experiment };
}

/** The output folder holds results of other training settings: they are never mixed or overwritten. */
export class ForeignResultsError extends CoreError {
  constructor(readonly outDir: string) {
    super(
      'config/foreign-results',
      `${outDir} holds results of different training settings; choose another output folder, or move it away to start over.`,
    );
  }
}

/** Moves a results folder aside (to `<dir>-<timestamp>`) so that nothing is lost; returns the new path. */
export async function moveAside(outDir: string, now = new Date()): Promise<string> {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const target = `${outDir}-${stamp}`;
  await rename(outDir, target);
  return target;
}

export async function writeResults(resultsFile: string, results: ExperimentResults): Promise<void> {
  await writeFileAtomic(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
}

/** Saves a finished run: its weights first, then results.json with it added (both atomic). */
export async function saveRun(
  experiment: PreparedExperiment,
  results: ExperimentResults,
  trained: TrainedRun,
): Promise<ExperimentResults> {
  await writeFileAtomic(
    path.join(experiment.outDir, trained.result.weights),
    runWeightsFile(experiment.config, trained.result, trained.W, trained.b),
  );
  const next = withRun(results, trained.result, new Date().toISOString());
  await writeResults(experiment.resultsFile, next);
  return next;
}
