// The contract between the extension host and the experiment panel (one per experiment config).
// Types only, plain data.
//
// The host owns the config, the results folder and the run list; the page owns the compute
// worker. To train a run the host sends `train` (the run and its feature frequencies); the page
// runs it in its worker, streams `trainProgress`, and answers with exactly one `runDone` (the
// metrics, and W and b as transferred ArrayBuffers) or `runFailed` (cancel is `runFailed` with
// `job/cancelled`). The host saves each finished run atomically and sends back the updated
// `results` (with the refitted series), so what the page shows is always what is on disk.

import { typeSet } from './channel';
import type { WireError } from '../core/errors';
import type { BackendPreference, BackendReport } from '../core/compute/backend';
import type { RunSpec, RunValues } from '../core/config/sweep';
import type { ExperimentResults, RunResult } from '../core/toy/results';
import type { TrainFrequencies } from './workerProtocol';

export const EXPERIMENT_PROTOCOL_VERSION = 1;

export interface ExperimentInit {
  readonly protocolVersion: number;
  readonly title: string;
  readonly workerUrl: string;
  readonly wasmUrls: Readonly<Record<string, string>>;
  readonly backend: BackendPreference;
}

/** What the panel shows about the experiment before and while it trains. */
export interface ExperimentOverview {
  readonly name: string;
  readonly description: string;
  /** Workspace-relative, for display. */
  readonly configFile: string;
  readonly outDir: string;
  /** Every run of the sweep, in training order. */
  readonly runs: readonly { readonly id: string; readonly series: string; readonly values: RunValues }[];
  readonly stepsPerRun: number;
  /** Finished runs on disk (null before the first one). */
  readonly results: ExperimentResults | null;
  /** Runs other processes (CLI shards, cluster tasks) are training now: their locks' heartbeats are fresh. */
  readonly elsewhere?: readonly { readonly id: string; readonly host: string; readonly pid: number }[];
}

export type ExperimentState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'running'; readonly runIndex: number; readonly runId: string }
  | { readonly kind: 'stopped'; readonly message: string }
  | { readonly kind: 'done'; readonly message: string }
  | { readonly kind: 'failed'; readonly message: string };

/** Host → page. */
export type ToExperiment =
  | { readonly type: 'overview'; readonly overview: ExperimentOverview }
  | { readonly type: 'state'; readonly state: ExperimentState }
  | {
      readonly type: 'train';
      readonly jobId: string;
      readonly spec: RunSpec;
      readonly frequencies: TrainFrequencies;
    }
  /** Stop the job (Cancel in the notification, panel closing). */
  | { readonly type: 'abort'; readonly jobId: string }
  /** results.json after a run was saved (or refitted). */
  | { readonly type: 'results'; readonly results: ExperimentResults }
  /** A finished run's W (n×m float32), read back from its safetensors file for the heatmap. */
  | {
      readonly type: 'weights';
      readonly runId: string;
      readonly n: number;
      readonly m: number;
      readonly W: ArrayBuffer | null;
      readonly error?: string;
    };

/** Page → host. */
export type FromExperiment =
  | { readonly type: 'ready'; readonly protocolVersion: number }
  /** The Run / Resume button. */
  | { readonly type: 'start' }
  /** The Stop button: the host aborts the current run and keeps the finished ones. */
  | { readonly type: 'stop' }
  | { readonly type: 'runStarted'; readonly jobId: string; readonly backend: BackendReport['name'] }
  | { readonly type: 'trainProgress'; readonly jobId: string; readonly step: number; readonly mse: number }
  | {
      readonly type: 'runDone';
      readonly jobId: string;
      readonly result: RunResult;
      readonly backend: BackendReport;
      readonly W: ArrayBuffer;
      readonly b: ArrayBuffer;
    }
  | { readonly type: 'runFailed'; readonly jobId: string; readonly error: WireError }
  | { readonly type: 'requestWeights'; readonly runId: string }
  /** Open a finished run's weights in the checkpoint viewer, or analyse them. */
  | { readonly type: 'openRun'; readonly runId: string; readonly action: 'view' | 'analyze' }
  | {
      readonly type: 'export';
      readonly fileName: string;
      readonly format: 'svg' | 'png' | 'csv' | 'json';
      readonly content: string;
    }
  /** Which charts are on screen (for the log and the end-to-end tests). */
  | { readonly type: 'rendered'; readonly charts: readonly string[] }
  | { readonly type: 'cspViolation'; readonly directive: string; readonly blockedURI: string };

export const TO_EXPERIMENT_TYPES = typeSet<ToExperiment>({
  overview: true,
  state: true,
  train: true,
  abort: true,
  results: true,
  weights: true,
});
export const FROM_EXPERIMENT_TYPES = typeSet<FromExperiment>({
  ready: true,
  start: true,
  stop: true,
  runStarted: true,
  trainProgress: true,
  runDone: true,
  runFailed: true,
  requestWeights: true,
  openRun: true,
  export: true,
  rendered: true,
  cspViolation: true,
});
