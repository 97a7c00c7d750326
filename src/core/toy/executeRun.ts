// One run from start to finish on the current TF.js backend: train (trainer.ts), then measure
// (metrics.ts) and package the record that results.json keeps. Separate from results.ts so that
// code that only reads and writes results (the extension host) does not pull in TF.js.

import type { RunSpec } from '../config/sweep';
import type { FeatureFrequencies } from './distributions';
import { downsampleCurve, runMetrics } from './metrics';
import { trainRun, type TrainHooks, type TrainOutput, type TrainSettings } from './trainer';
import { trainBatch } from './batchedTrainer';
import type { BatchHooks } from './runGroup';
import type { RunResult, TrainedRun } from './results';

/** Row norms binned over [0, max(1.25, largest)]: the run's norm histogram. */
function normHistogram(norms: readonly number[], bins = 60): RunResult['rowNormHistogram'] {
  const max = Math.max(1.25, ...norms);
  const counts = new Array<number>(bins).fill(0);
  for (const v of norms) counts[Math.min(bins - 1, Math.floor((v / max) * bins))]!++;
  return { max, counts };
}

/** The trainer's settings of a run. */
export function trainSettings(spec: RunSpec): TrainSettings {
  const v = spec.values;
  return {
    n: spec.n,
    m: v.width,
    batch: spec.batch,
    steps: spec.steps,
    seed: v.seed,
    weightDecay: v.weightDecay,
    lr: spec.lr,
    warmup: spec.warmup,
    minLrRatio: spec.minLrRatio,
    lossScale: spec.lossScale,
    beta1: spec.beta1,
    beta2: spec.beta2,
    eps: spec.eps,
  };
}

/** Measures a trained run and packages its record. */
export async function measureRun(
  spec: RunSpec,
  freq: FeatureFrequencies,
  backend: string,
  out: TrainOutput,
): Promise<TrainedRun> {
  const v = spec.values;
  const { rowNorms, ...metrics } = await runMetrics(out.W, spec.n, v.width, out.mse, freq.p, {
    finalWindow: spec.finalWindow,
    exponent: v.exponent,
    density: v.density,
  });
  return {
    W: out.W,
    b: out.b,
    result: {
      id: spec.id,
      series: spec.series,
      values: v,
      n: spec.n,
      steps: spec.steps,
      ...metrics,
      rowNormHistogram: normHistogram(rowNorms),
      lossCurve: downsampleCurve(out.mse, spec.n, spec.curvePoints),
      cappedFeatures: freq.capped,
      effectiveDensity: freq.effectiveDensity,
      ms: out.ms,
      backend,
      weights: `runs/${spec.id}.safetensors`,
    },
  };
}

/** Trains and measures one run on the current TF.js backend. */
export async function executeRun(
  spec: RunSpec,
  freq: FeatureFrequencies,
  backend: string,
  hooks: TrainHooks = {},
): Promise<TrainedRun> {
  return measureRun(spec, freq, backend, await trainRun(trainSettings(spec), freq.p, hooks));
}

/**
 * Trains runs that share their shape as one batch (batchedTrainer.ts; batchPlan.ts groups them),
 * then measures each. `freqs[i]` belongs to `specs[i]`; runs given the same FeatureFrequencies
 * object and seed share their sampled batches. A single run trains on the one-run path.
 */
export async function executeRunGroup(
  specs: readonly RunSpec[],
  freqs: readonly FeatureFrequencies[],
  backend: string,
  hooks: BatchHooks = {},
): Promise<TrainedRun[]> {
  if (specs.length === 1) {
    const { onProgress, ...rest } = hooks;
    const one = await executeRun(specs[0]!, freqs[0]!, backend, {
      ...rest,
      onProgress: onProgress && ((step, mse) => onProgress(step, [mse])),
    });
    return [one];
  }
  const outs = await trainBatch(
    specs.map((spec, i) => ({ settings: trainSettings(spec), p: freqs[i]!.p })),
    hooks,
  );
  const trained: TrainedRun[] = [];
  for (const [i, spec] of specs.entries()) trained.push(await measureRun(spec, freqs[i]!, backend, outs[i]!));
  return trained;
}
