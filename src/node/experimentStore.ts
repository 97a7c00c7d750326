// An experiment's folder on disk, shared by the CLI and the extension host so that both write
// and resume the same format:
//   DIR/runs/<run id>.<fingerprint>.json         one finished run (written once, atomically)
//   DIR/runs/<run id>.<fingerprint>.safetensors  its W and b, the config in __metadata__
//   DIR/locks/<run id>.<fingerprint>.lock        held while a process trains the run
//   DIR/results.json                             the summary of this config's runs, with fits
//
// A run is finished when a record of its own fingerprint (runFingerprint: the settings that
// determine it) and its weights are on disk. So growing a sweep keeps every finished run,
// shrinking it hides runs (their files stay), and a run whose settings changed is trained anew
// beside the old record, which comes back when the settings do. An old version-1 results.json
// is migrated into per-run records the first time its folder is opened.

import { readdir, realpath, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { parseExperimentConfig, type ConfigProblem } from '../core/config/parse';
import { expandSweep, type RunSpec, type RunValues } from '../core/config/sweep';
import type { ExperimentConfig } from '../core/config/schema';
import { featureFrequencies, parseCounts, type FeatureFrequencies } from '../core/toy/distributions';
import {
  asRunRecord,
  configFingerprint,
  emptyResults,
  legacyRuns,
  runFingerprint,
  runRecord,
  runWeightsFile,
  withRun,
  type ExperimentResults,
  type RunRecord,
  type TrainedRun,
} from '../core/toy/results';
import { CoreError, messages } from '../core/errors';
import { removeStaleTemps, writeFileAtomic } from './atomic';
import { lockHolder } from './runLock';
import { READ_LIMITS, readRegularText } from './safeRead';

export interface PreparedExperiment {
  readonly configFile: string;
  readonly config: ExperimentConfig;
  readonly runs: readonly RunSpec[];
  /** Feature frequencies per distinct (distribution, exponent, density): see frequencyKey. */
  readonly frequencies: ReadonlyMap<string, FeatureFrequencies>;
  /** runFingerprint of each run, by id. */
  readonly fingerprints: ReadonlyMap<string, string>;
  readonly outDir: string;
  readonly resultsFile: string;
  /** Finished runs of this config found on disk (none for a fresh folder). */
  readonly results: ExperimentResults;
  readonly todo: readonly RunSpec[];
  /** Ids of finished runs asked to be trained again. */
  readonly retrain: ReadonlySet<string>;
  /** Finished runs on disk that this config does not have (hidden, not deleted). */
  readonly hiddenRuns: number;
  /** Runs of this config with a record of other settings only (trained anew, the old kept). */
  readonly changedRuns: number;
}

export type PrepareOutcome =
  | { readonly ok: true; readonly problems: readonly ConfigProblem[]; readonly experiment: PreparedExperiment }
  | { readonly ok: false; readonly problems: readonly ConfigProblem[] };

export interface PrepareOptions {
  readonly overrides?: readonly string[];
  /** An explicit output folder (CLI --out): the user's own choice, used as the results root. */
  readonly outDir?: string;
  /** Train again: every run ('all') or these run ids; their old records are replaced when done. */
  readonly retrain?: 'all' | readonly string[];
  /** Train anew the runs whose settings changed, without asking again. */
  readonly acceptNewSettings?: boolean;
}

export const frequencyKey = (v: RunValues): string => `${v.distribution}|${v.exponent}|${v.density}`;

/** `results/<name>` beside the config: where both the CLI and VS Code put results by default. */
export function defaultOutDir(configFile: string, name: string): string {
  return path.join(path.dirname(configFile), 'results', name);
}

/**
 * Every read of this module goes through here (one place to switch to capped, regular-file-only
 * reads); null when the file does not exist.
 */
/**
 * Every read of the store: regular files only (a FIFO or device named like a results file must not
 * hang or flood us), size-capped; null when the file does not exist.
 */
async function readStoreText(file: string, maxBytes: number = READ_LIMITS.results): Promise<string | null> {
  return readRegularText(file, file, maxBytes);
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/** The real path of `p`, or of its deepest existing ancestor joined with the rest. */
async function realPathOf(p: string): Promise<string> {
  const resolved = path.resolve(p);
  const real = await realpath(resolved).catch(() => null);
  if (real !== null) return real;
  const parent = path.dirname(resolved);
  if (parent === resolved) return resolved;
  return path.join(await realPathOf(parent), path.basename(resolved));
}

const isInside = (child: string, root: string) => {
  const rel = path.relative(root, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

/**
 * The output folder, checked on the real path (symlinks resolved): the default results/<name>
 * must stay inside the config's folder; an explicit folder is itself the results root. The name
 * is a checked slug already; this also catches a `results` symlink that leads elsewhere.
 */
export async function resolveOutDir(configFile: string, name: string, outDir?: string): Promise<string> {
  if (outDir !== undefined) return path.resolve(outDir);
  const candidate = path.resolve(defaultOutDir(configFile, name));
  const root = await realPathOf(path.dirname(path.resolve(configFile)));
  const real = await realPathOf(candidate);
  if (!isInside(real, root) || real === root) {
    throw new CoreError('config/out-of-bounds', messages.outputOutside(real, [root]));
  }
  return candidate;
}

/** The empirical counts file a config names (`data.counts`, relative to the config), parsed. */
export async function readCountsFile(file: string): Promise<number[]> {
  const text = await readStoreText(file, READ_LIMITS.counts);
  if (text === null) throw new CoreError('file/not-found', messages.notFound(file));
  return parseCounts(text, file);
}

/** Where a config's counts file is: relative to the config's folder. */
export const countsPath = (configFile: string, counts: string): string =>
  path.resolve(path.dirname(configFile), counts);

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
      counts = await readCountsFile(countsPath(configFile, config.data.counts!));
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

/** The run fingerprints of a config, by run id. */
export function fingerprintsOf(config: ExperimentConfig, runs: readonly RunSpec[]): Map<string, string> {
  return new Map(runs.map((r) => [r.id, runFingerprint(r, config.data.counts)]));
}

const recordFile = (outDir: string, id: string, fingerprint: string) =>
  path.join(outDir, 'runs', `${id}.${fingerprint}.json`);
export const lockFile = (outDir: string, id: string, fingerprint: string) =>
  path.join(outDir, 'locks', `${id}.${fingerprint}.lock`);

/** Reads results.json if it is there; a file that is not JSON is an input error, never lost. */
async function readSummary(resultsFile: string): Promise<unknown> {
  const text = await readStoreText(resultsFile);
  if (text === null) return null;
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
 * Writes a per-run record for each run of a version-1 results.json (whole-config fingerprint),
 * keeping its weights where they are. Records already written are left alone.
 */
async function migrateLegacy(outDir: string, summary: unknown): Promise<void> {
  const legacy = legacyRuns(summary);
  if (legacy === null) return;
  let old: Map<string, string>;
  try {
    old = fingerprintsOf(legacy.config, expandSweep(legacy.config));
  } catch {
    return; // a config the code no longer understands: its files stay, unread
  }
  for (const run of legacy.runs) {
    const fingerprint = old.get(run.id);
    if (fingerprint === undefined || !(await exists(path.join(outDir, run.weights)))) continue;
    const file = recordFile(outDir, run.id, fingerprint);
    if (!(await exists(file))) await writeFileAtomic(file, `${JSON.stringify(runRecord(fingerprint, run))}\n`);
  }
}

/** Every readable run record in the folder (torn or foreign files are skipped, never deleted). */
export async function readRunRecords(outDir: string): Promise<RunRecord[]> {
  const dir = path.join(outDir, 'runs');
  const names = await readdir(dir).catch(() => [] as string[]);
  const records: RunRecord[] = [];
  for (const name of names.filter((n) => n.endsWith('.json'))) {
    const text = await readStoreText(path.join(dir, name)).catch(() => null);
    if (text === null) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      continue;
    }
    const record = asRunRecord(parsed);
    if (record !== null && name === `${record.result.id}.${record.fingerprint}.json`) records.push(record);
  }
  return records;
}

/** Finished runs of this config in `outDir` (records of its fingerprints whose weights exist). */
async function finishedRecords(
  outDir: string,
  fingerprints: ReadonlyMap<string, string>,
  records: readonly RunRecord[],
): Promise<Map<string, RunRecord>> {
  const done = new Map<string, RunRecord>();
  for (const r of records) {
    if (fingerprints.get(r.result.id) !== r.fingerprint) continue;
    if (await exists(path.join(outDir, r.result.weights))) done.set(r.result.id, r);
  }
  return done;
}

/**
 * How many runs of `config` are finished in its default folder (for the CodeLens): from the file
 * names alone, so that a CodeLens refresh does not read a thousand records.
 */
export async function countFinishedRuns(configFile: string, config: ExperimentConfig): Promise<number> {
  try {
    const outDir = defaultOutDir(configFile, config.name);
    const fingerprints = fingerprintsOf(config, expandSweep(config));
    const names = new Set(await readdir(path.join(outDir, 'runs')).catch(() => [] as string[]));
    if (![...names].some((n) => n.endsWith('.json'))) {
      // A folder not migrated yet: its version-1 summary still counts.
      const legacy = legacyRuns(await readSummary(path.join(outDir, 'results.json')));
      const old = legacy ? fingerprintsOf(legacy.config, expandSweep(legacy.config)) : new Map<string, string>();
      return legacy ? legacy.runs.filter((r) => old.get(r.id) === fingerprints.get(r.id)).length : 0;
    }
    let count = 0;
    for (const [id, fp] of fingerprints) {
      const weights = names.has(`${id}.${fp}.safetensors`) || names.has(`${id}.safetensors`); // the latter: migrated
      if (names.has(`${id}.${fp}.json`) && weights) count++;
    }
    return count;
  } catch {
    return 0;
  }
}

/**
 * Parses `text` (the config file's contents, possibly unsaved) and finds what is left to train
 * in the output folder. Config problems are returned, not thrown; unreadable counts files, an
 * output folder outside its roots and unconfirmed changed settings throw CoreErrors.
 */
export async function prepareExperiment(
  configFile: string,
  text: string,
  options: PrepareOptions = {},
): Promise<PrepareOutcome> {
  const parsed = parseExperimentConfig(text, { fileName: configFile, overrides: options.overrides ?? [] });
  if (parsed.config === null) return { ok: false, problems: parsed.problems };
  const config = parsed.config;
  const runs = expandSweep(config);
  const frequencies = await frequenciesFor(config, configFile, runs);
  const outDir = await resolveOutDir(configFile, config.name, options.outDir);
  const resultsFile = path.join(outDir, 'results.json');
  await removeStaleTemps(outDir);
  await removeStaleTemps(path.join(outDir, 'runs'));

  const summary = await readSummary(resultsFile);
  await migrateLegacy(outDir, summary);
  const fingerprints = fingerprintsOf(config, runs);
  const records = await readRunRecords(outDir);
  const finished = await finishedRecords(outDir, fingerprints, records);
  const ids = new Set(runs.map((r) => r.id));
  const changed = runs.filter((r) => !finished.has(r.id) && records.some((rec) => rec.result.id === r.id));
  // Asked once: a summary written under these settings means the user already went ahead.
  const summarySettings =
    legacyRuns(summary) !== null
      ? configFingerprint(legacyRuns(summary)!.config)
      : (summary as { fingerprint?: unknown } | null)?.fingerprint;
  const settingsChanged = summarySettings !== undefined && summarySettings !== configFingerprint(config);
  if (changed.length > 0 && settingsChanged && !options.acceptNewSettings && options.retrain !== 'all') {
    throw new ChangedSettingsError(outDir, changed.length, changed[0]!.id);
  }

  const retrain = options.retrain === 'all' ? ids : new Set(options.retrain ?? []);
  const now = new Date().toISOString();
  let results = emptyResults(config, runs.length, now);
  const previousCreated = (summary as { createdAt?: unknown } | null)?.createdAt;
  if (typeof previousCreated === 'string') results = { ...results, createdAt: previousCreated };
  for (const r of runs) {
    const record = finished.get(r.id);
    if (record !== undefined && !retrain.has(r.id)) results = withRun(results, record.result, now);
  }
  const done = new Set(results.runs.map((r) => r.id));
  const experiment: PreparedExperiment = {
    configFile,
    config,
    runs,
    frequencies,
    fingerprints,
    outDir,
    resultsFile,
    results,
    todo: runs.filter((r) => !done.has(r.id)),
    retrain: new Set([...retrain].filter((id) => finished.has(id))),
    hiddenRuns: new Set(records.filter((rec) => !ids.has(rec.result.id)).map((rec) => rec.result.id)).size,
    changedRuns: changed.length,
  };
  return { ok: true, problems: parsed.problems, experiment };
}

/** Finished runs of this config were trained with other settings: confirm before training anew. */
export class ChangedSettingsError extends CoreError {
  constructor(
    readonly outDir: string,
    readonly changed: number,
    example: string,
  ) {
    super('config/changed-settings', messages.changedSettings(outDir, changed, example));
  }
}

/** The summary (results.json); written when a session ends, not after every run. */
export async function writeResults(resultsFile: string, results: ExperimentResults): Promise<void> {
  await writeFileAtomic(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
}

/**
 * Writes results.json only when it would say something new: the same runs and fits as the file
 * on disk (only `updatedAt` differing) leave it untouched, so showing an experiment does not
 * rewrite its folder (and wake every watcher of it) each time. Returns whether it wrote.
 */
export async function writeResultsIfChanged(resultsFile: string, results: ExperimentResults): Promise<boolean> {
  const onDisk = await readSummary(resultsFile).catch(() => null);
  const sameAs = (r: unknown) => JSON.stringify({ ...(r as object), updatedAt: null });
  if (onDisk !== null && sameAs(onDisk) === sameAs(results)) return false;
  await writeResults(resultsFile, results);
  return true;
}

/** The summary of what is on disk now, from every process's records (other shards included). */
export async function currentResults(experiment: PreparedExperiment): Promise<ExperimentResults> {
  const records = await readRunRecords(experiment.outDir);
  const finished = await finishedRecords(experiment.outDir, experiment.fingerprints, records);
  const now = new Date().toISOString();
  let results: ExperimentResults = { ...experiment.results, runs: [], series: [], updatedAt: now };
  for (const r of experiment.runs) {
    const record = finished.get(r.id);
    if (record !== undefined) results = withRun(results, record.result, now);
  }
  return results;
}

/** currentResults, also written to results.json (once per session). */
export async function refreshResults(experiment: PreparedExperiment): Promise<ExperimentResults> {
  const results = await currentResults(experiment);
  await writeResults(experiment.resultsFile, results);
  return results;
}

/** Runs of this config someone holds a fresh lock on (is training now): this process (`here`) or another. */
export async function runningNow(
  experiment: PreparedExperiment,
): Promise<{ readonly id: string; readonly host: string; readonly pid: number; readonly here: boolean }[]> {
  const names = new Set(await readdir(path.join(experiment.outDir, 'locks')).catch(() => [] as string[]));
  const out: { id: string; host: string; pid: number; here: boolean }[] = [];
  for (const [id, fp] of experiment.fingerprints) {
    if (!names.has(`${id}.${fp}.lock`)) continue;
    const holder = await lockHolder(lockFile(experiment.outDir, id, fp));
    if (holder !== null) {
      out.push({
        id,
        host: holder.host,
        pid: holder.pid,
        here: holder.pid === process.pid && holder.host === hostname(),
      });
    }
  }
  return out;
}

/** Runs of this config that another process holds a fresh lock on (is training now). */
export async function runningElsewhere(
  experiment: PreparedExperiment,
): Promise<{ readonly id: string; readonly host: string; readonly pid: number }[]> {
  return (await runningNow(experiment)).filter((r) => !r.here).map(({ id, host, pid }) => ({ id, host, pid }));
}

/** Is this run finished on disk (by any process) under its current settings? */
export async function isFinished(experiment: PreparedExperiment, spec: RunSpec): Promise<boolean> {
  const fingerprint = experiment.fingerprints.get(spec.id)!;
  const text = await readStoreText(recordFile(experiment.outDir, spec.id, fingerprint)).catch(() => null);
  if (text === null) return false;
  try {
    const record = asRunRecord(JSON.parse(text));
    return record !== null && (await exists(path.join(experiment.outDir, record.result.weights)));
  } catch {
    return false;
  }
}

/**
 * Saves a finished run: its weights first, then its record (both atomic), so a record always has
 * its weights. results.json is not rewritten here (refreshResults does it once per session).
 */
export async function saveRun(
  experiment: PreparedExperiment,
  results: ExperimentResults,
  trained: TrainedRun,
): Promise<ExperimentResults> {
  const fingerprint = experiment.fingerprints.get(trained.result.id)!;
  const result = { ...trained.result, weights: `runs/${trained.result.id}.${fingerprint}.safetensors` };
  await writeFileAtomic(
    path.join(experiment.outDir, result.weights),
    runWeightsFile(experiment.config, result, trained.W, trained.b),
  );
  await writeFileAtomic(
    recordFile(experiment.outDir, result.id, fingerprint),
    `${JSON.stringify(runRecord(fingerprint, result))}\n`,
  );
  return withRun(results, result, new Date().toISOString());
}
