// The on-disk results of an experiment (DIR/results.json) and of each run (DIR/runs/<id>.safetensors),
// the same whether the CLI or VS Code trained them. results.json is rewritten (atomically, by the
// host) after every finished run, so an interrupted sweep keeps what it finished and resumes.

import type { ExperimentConfig } from '../config/schema';
import type { RunValues } from '../config/sweep';
import { encodeSafetensors, float32Bytes } from '../safetensors/write';
import type { RunMetrics } from './metrics';
import { seriesFit } from './fits';

export const RESULTS_FORMAT = 'superposition-lab/experiment-results';
export const RESULTS_VERSION = 1;

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

export interface SeriesResult {
  readonly id: string;
  readonly values: Omit<RunValues, 'width'>;
  readonly runs: readonly string[];
  readonly alphaM: number | null;
  readonly alphaMStderr: number | null;
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
  /** Changes whenever a setting that shapes the runs changes: other runs are never resumed. */
  readonly fingerprint: string;
  readonly config: ExperimentConfig;
  readonly totalRuns: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly runs: readonly RunResult[];
  readonly series: readonly SeriesResult[];
}

/**
 * FNV-1a (32-bit), as 8 hex digits, of the settings that shape the runs: everything but the name,
 * the description and the fit settings, so that changing `fit.widths` and running again refits
 * the finished runs instead of training them again. Identifies a config, it is not a secret.
 */
export function configFingerprint(config: ExperimentConfig): string {
  const { name: _name, description: _description, fit: _fit, ...shaping } = config;
  const text = JSON.stringify(shaping);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
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

export function seriesResults(runs: readonly RunResult[], range: readonly [number, number] | null): SeriesResult[] {
  const groups = new Map<string, RunResult[]>();
  for (const r of runs) groups.set(r.series, [...(groups.get(r.series) ?? []), r]);
  return [...groups.entries()].map(([id, members]) => {
    const sorted = [...members].sort((a, b) => a.values.width - b.values.width);
    const fit = seriesFit(
      sorted.map((r) => ({ m: r.values.width, loss: r.finalLoss })),
      range,
    );
    const { width: _width, ...values } = sorted[0]!.values;
    return {
      id,
      values,
      runs: sorted.map((r) => r.id),
      alphaM: fit?.alphaM ?? null,
      alphaMStderr: fit?.alphaMStderr ?? null,
      r2: fit?.r2 ?? null,
      intercept: fit?.intercept ?? null,
      fitWidths: fit?.widths ?? [],
    };
  });
}

/** The results with `run` added (or replaced) and the series fits redone. */
export function withRun(results: ExperimentResults, run: RunResult, now: string): ExperimentResults {
  const runs = [...results.runs.filter((r) => r.id !== run.id), run];
  return { ...results, runs, series: seriesResults(runs, results.config.fit.widths), updatedAt: now };
}

/** Is `results` a resumable earlier state of this config? */
export function isResumable(results: unknown, config: ExperimentConfig): results is ExperimentResults {
  const r = results as Partial<ExperimentResults> | null;
  return (
    r?.format === RESULTS_FORMAT &&
    r.version === RESULTS_VERSION &&
    r.fingerprint === configFingerprint(config) &&
    Array.isArray(r.runs)
  );
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
