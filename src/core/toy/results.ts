// The on-disk results of an experiment, the same whether the CLI or VS Code trained them:
// one record per finished run (DIR/runs/<id>.<fingerprint>.json, beside its weights), written once
// when the run finishes, and DIR/results.json, a summary of the runs of the current config with
// the series fits, rewritten when a session ends (never after each run: that was quadratic I/O).
// A run is identified by the settings that determine it (runFingerprint), so growing a sweep keeps
// every finished run and a run whose settings changed is trained anew beside the old record.

import type { ExperimentConfig } from '../config/schema';
import type { RunSpec, RunValues } from '../config/sweep';
import { encodeSafetensors, float32Bytes } from '../safetensors/write';
import type { RunMetrics } from './metrics';
import { seriesFit } from './fits';

export const RESULTS_FORMAT = 'superposition-lab/experiment-results';
/** 2: the summary of per-run records (1: the whole-config file, still read and migrated). */
export const RESULTS_VERSION = 2;
export const RUN_RECORD_FORMAT = 'superposition-lab/run-result';
/**
 * The trainer's result format: part of every run fingerprint, so that a change to how runs are
 * trained or measured (bump it) retrains instead of mixing old numbers with new ones.
 */
export const RUN_FORMAT_VERSION = 1;

/** Metrics added after version 1 was released: optional, so that older results.json files load. */
type LaterMetrics = 'ambiguity' | 'sqOverlapVarianceRatioStrong' | 'sqOverlapVarianceRatioStrongCI95';

export interface RunResult
  extends Omit<RunMetrics, 'rowNorms' | LaterMetrics>, Partial<Pick<RunMetrics, LaterMetrics>> {
  readonly id: string;
  readonly series: string;
  readonly values: RunValues;
  readonly n: number;
  readonly steps: number;
  /** Row norms binned over [0, max(1.25, largest)]: for the norm histogram of a run. */
  readonly rowNormHistogram: { readonly max: number; readonly counts: readonly number[] };
  readonly lossCurve: readonly { readonly step: number; readonly mse: number; readonly loss: number }[];
  readonly cappedFeatures: number;
  readonly effectiveDensity: number;
  readonly ms: number;
  readonly backend: string;
  /** The run's W and b, relative to the results folder. */
  readonly weights: string;
}

/** The seeds of one setting at one width, pooled. */
export interface PooledPoint {
  readonly m: number;
  /** Mean final loss over the seeds. */
  readonly loss: number;
  /** Sample standard deviation over the seeds (null with one seed). */
  readonly spread: number | null;
  readonly seeds: number;
}

/** One setting (every sweep value but width and seed): its seeds pooled per width. */
export interface SeriesResult {
  readonly id: string;
  /** The setting's values; `seed` is the first of `seeds`. */
  readonly values: Omit<RunValues, 'width'>;
  readonly seeds: readonly number[];
  readonly runs: readonly string[];
  readonly points: readonly PooledPoint[];
  /** Fitted on the pooled means. */
  readonly alphaM: number | null;
  readonly alphaMStderr: number | null;
  /** Standard deviation of α_m fitted per seed (null with fewer than two seeds that fit). */
  readonly alphaMSeedSpread: number | null;
  readonly r2: number | null;
  /** ln C of the fitted L ≈ C·m^(−α_m), for drawing the line. */
  readonly intercept: number | null;
  /** Widths in the fit (fit.widths may leave some out). */
  readonly fitWidths: readonly number[];
}

export interface ExperimentResults {
  readonly format: typeof RESULTS_FORMAT;
  readonly version: typeof RESULTS_VERSION;
  readonly name: string;
  /**
   * The settings every run shares (configFingerprint): when it differs from the config's, some
   * finished runs belong to other settings, and the user is asked once before training anew.
   */
  readonly fingerprint: string;
  readonly config: ExperimentConfig;
  readonly totalRuns: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly runs: readonly RunResult[];
  readonly series: readonly SeriesResult[];
}

/** FNV-1a (32-bit) as 8 hex digits: identifies settings, it is not a secret. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/**
 * What determines a run's numbers: n, its own sweep values (distribution, exponent, density, γ,
 * seed, width), the data scale and counts file, the optimizer, steps, batch, what is measured, and
 * the trainer's format version. Not the name, the fit range, or the other values of the sweep
 * lists: adding widths, γ values or seeds leaves every finished run's fingerprint as it was.
 */
export function runFingerprint(spec: RunSpec, counts: string | null): string {
  const { id: _id, series: _series, ...determining } = spec;
  return fnv1a(JSON.stringify({ format: RUN_FORMAT_VERSION, ...determining, counts }));
}

/** The settings all runs share: the config without its sweep lists, name, description and fit range. */
export function configFingerprint(config: ExperimentConfig): string {
  const { distribution: _d, exponent: _e, density: _de, ...data } = config.data;
  const { weightDecay: _g, ...optimizer } = config.optimizer;
  const { seeds: _s, ...train } = config.train;
  return fnv1a(JSON.stringify({ format: RUN_FORMAT_VERSION, data, optimizer, train }));
}

/** One finished run as written to DIR/runs/<id>.<fingerprint>.json. */
export interface RunRecord {
  readonly format: typeof RUN_RECORD_FORMAT;
  readonly version: 1;
  readonly fingerprint: string;
  readonly result: RunResult;
}

export function runRecord(fingerprint: string, result: RunResult): RunRecord {
  return { format: RUN_RECORD_FORMAT, version: 1, fingerprint, result };
}

/** A run record read back, or null when `value` is not one (a torn or foreign file). */
export function asRunRecord(value: unknown): RunRecord | null {
  const r = value as Partial<RunRecord> | null;
  const result = r?.result as Partial<RunResult> | undefined;
  return r?.format === RUN_RECORD_FORMAT &&
    r.version === 1 &&
    typeof r.fingerprint === 'string' &&
    typeof result?.id === 'string' &&
    typeof result.finalLoss === 'number' &&
    typeof result.weights === 'string' &&
    typeof result.values === 'object'
    ? (r as RunRecord)
    : null;
}

/** The runs of an old (version 1) results.json, for migration; null when it is not one. */
export function legacyRuns(
  value: unknown,
): { readonly config: ExperimentConfig; readonly runs: readonly RunResult[] } | null {
  const r = value as { format?: unknown; version?: unknown; config?: unknown; runs?: unknown } | null;
  if (r?.format !== RESULTS_FORMAT || r.version !== 1 || typeof r.config !== 'object' || !Array.isArray(r.runs)) {
    return null;
  }
  return { config: r.config as ExperimentConfig, runs: r.runs as RunResult[] };
}

export function emptyResults(config: ExperimentConfig, totalRuns: number, now: string): ExperimentResults {
  return {
    format: RESULTS_FORMAT,
    version: RESULTS_VERSION,
    name: config.name,
    fingerprint: configFingerprint(config),
    config,
    totalRuns,
    createdAt: now,
    updatedAt: now,
    runs: [],
    series: [],
  };
}

/** A setting's id: the run's series name without its seed (seeds of one setting are pooled). */
export function settingId(v: Omit<RunValues, 'width'>): string {
  const parts: string[] = [v.distribution];
  if (v.exponent !== null) parts.push(`a${v.exponent}`);
  parts.push(`E${v.density}`, `g${v.weightDecay}`);
  return parts.join('-');
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Sample standard deviation; null for fewer than two values. */
function spreadOf(xs: readonly number[]): number | null {
  if (xs.length < 2) return null;
  const mu = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - mu) ** 2, 0) / (xs.length - 1));
}

function pooledSeries(
  id: string,
  members: readonly RunResult[],
  range: readonly [number, number] | null,
): SeriesResult {
  const sorted = [...members].sort((a, b) => a.values.width - b.values.width || a.values.seed - b.values.seed);
  const byWidth = new Map<number, number[]>();
  for (const r of sorted) byWidth.set(r.values.width, [...(byWidth.get(r.values.width) ?? []), r.finalLoss]);
  const points = [...byWidth.entries()].map(([m, losses]) => ({
    m,
    loss: mean(losses),
    spread: spreadOf(losses),
    seeds: losses.length,
  }));
  const fit = seriesFit(points, range);
  const seeds = [...new Set(sorted.map((r) => r.values.seed))].sort((a, b) => a - b);
  // α_m of each seed alone, for the spread a reader should expect between seeds.
  const perSeed = seeds
    .map((seed) =>
      seriesFit(
        sorted.filter((r) => r.values.seed === seed).map((r) => ({ m: r.values.width, loss: r.finalLoss })),
        range,
      ),
    )
    .filter((f) => f !== null)
    .map((f) => f.alphaM);
  const { width: _width, ...values } = sorted[0]!.values;
  return {
    id,
    values: { ...values, seed: seeds[0]! },
    seeds,
    runs: sorted.map((r) => r.id),
    points,
    alphaM: fit?.alphaM ?? null,
    alphaMStderr: fit?.alphaMStderr ?? null,
    alphaMSeedSpread: spreadOf(perSeed),
    r2: fit?.r2 ?? null,
    intercept: fit?.intercept ?? null,
    fitWidths: fit?.widths ?? [],
  };
}

/** The series of `runs`: one per setting, its seeds pooled per width, α_m fitted on the means. */
export function seriesResults(runs: readonly RunResult[], range: readonly [number, number] | null): SeriesResult[] {
  const groups = new Map<string, RunResult[]>();
  for (const r of runs) {
    const id = settingId(r.values);
    groups.set(id, [...(groups.get(id) ?? []), r]);
  }
  return [...groups.entries()].map(([id, members]) => pooledSeries(id, members, range));
}

/** The results with `run` added (or replaced) and the series fits redone. */
export function withRun(results: ExperimentResults, run: RunResult, now: string): ExperimentResults {
  const runs = [...results.runs.filter((r) => r.id !== run.id), run];
  return { ...results, runs, series: seriesResults(runs, results.config.fit.widths), updatedAt: now };
}

export interface TrainedRun {
  readonly result: RunResult;
  readonly W: Float32Array;
  readonly b: Float32Array;
}

/** W (n×m) and b as safetensors, with the config and the run in `__metadata__`. */
export function runWeightsFile(config: ExperimentConfig, run: RunResult, W: Float32Array, b: Float32Array): Uint8Array {
  const m = run.values.width;
  return encodeSafetensors(
    [
      { name: 'W', dtype: 'F32', shape: [run.n, m], data: float32Bytes(W) },
      { name: 'b', dtype: 'F32', shape: [run.n], data: float32Bytes(b) },
    ],
    {
      format: 'superposition-lab/toy-model',
      experiment: config.name,
      run: run.id,
      values: JSON.stringify(run.values),
      finalLoss: String(run.finalLoss),
      config: JSON.stringify(config),
    },
  );
}
