// The jobs every compute host sends to the Node compute worker (src/shared/nodeWorkerProtocol.ts)
// and the results they get back, with the settings that travel inside them. Types only.

import type { BackendReport } from '../core/compute/backend';
import type { RunSpec } from '../core/config/sweep';
import type { RunResult } from '../core/toy/results';

export interface AnalysisSettings {
  /** Exact pair statistics while n²·m is at most this. */
  readonly pairBudget: number;
  readonly sampleRows: number;
  readonly seed: number;
  /** W Wᵀ is returned for a heatmap when n is at most this (and pairs are exact). */
  readonly heatmapMaxRows: number;
}

/** A run's feature frequencies p_i (length n) and how they were capped. */
export interface TrainFrequencies {
  readonly p: readonly number[];
  readonly capped: number;
  readonly effectiveDensity: number;
}

/** Select a backend and check it with a small float32 matrix product against a CPU reference. */
export interface ProbeJob {
  readonly kind: 'probe';
}

/** Train one run of the toy model from scratch and measure it (reports `trainProgress`). */
export interface TrainJob {
  readonly kind: 'train';
  readonly spec: RunSpec;
  readonly frequencies: TrainFrequencies;
}

export interface ProbeResult {
  readonly kind: 'probe';
  readonly backend: BackendReport;
  /** Largest absolute difference from the float64 reference of the probe product. */
  readonly maxAbsError: number;
  readonly ms: number;
}

export interface TrainResult {
  readonly kind: 'train';
  readonly backend: BackendReport;
  readonly result: RunResult;
  /** W (n×m row-major) and b as float32 bytes (transferred). */
  readonly W: ArrayBuffer;
  readonly b: ArrayBuffer;
}
