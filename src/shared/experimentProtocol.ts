// The contract between the extension host and the experiment panel (one per experiment config).
// Types only, plain data.
//
// The host owns the config, the results folder, the run list and the training: a sweep runner
// per config trains the pending runs in the extension host's compute worker, whether or not a
// panel is open. The panel is a view: on `ready` the host sends the whole picture (`overview`,
// `state`, `live`), then each change as it happens; the page sends commands (start, stop, open a
// run, export). What the page draws is always what is on disk, plus the run in progress.

import { typeSet } from './channel';
import type { PageReport } from './pageReports';
import type { ExperimentResults } from '../core/toy/results';
import type { RunValues } from '../core/config/sweep';

export const EXPERIMENT_PROTOCOL_VERSION = 2;

export interface ExperimentInit {
  readonly protocolVersion: number;
  readonly title: string;
  /** The config's URI, kept in the page's state so that the panel comes back after a reload. */
  readonly configUri: string;
}

/** What the page keeps with vscode.setState (read back by the host's WebviewPanelSerializer). */
export interface ExperimentPageState {
  readonly configUri: string;
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
  readonly elsewhere: readonly { readonly id: string; readonly host: string; readonly pid: number }[];
  /** Runs that failed in this extension host since it started (cleared when they finish). */
  readonly failed: readonly { readonly id: string; readonly message: string }[];
  /**
   * What Slurm says of the experiment's array job, when its results folder has our sbatch
   * scripts: "Slurm: 3 running, 2 pending" from squeue, or why squeue could not say. Null otherwise.
   */
  readonly slurm: string | null;
}

export type ExperimentState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'running'; readonly stopping: boolean }
  | { readonly kind: 'stopped'; readonly message: string }
  | { readonly kind: 'done'; readonly message: string }
  | { readonly kind: 'failed'; readonly message: string };

/** The run training in the extension host now. */
export interface LiveRun {
  readonly runId: string;
  readonly steps: number;
  readonly step: number;
  /** The latest loss (MSE × n), null before the first sync point. */
  readonly loss: number | null;
  /** "in the extension host on wasm", once the worker said where it runs. */
  readonly where: string | null;
  /** The loss so far (thinned to a few hundred points), for the live curve. */
  readonly points: readonly { readonly step: number; readonly loss: number }[];
  /** Date.now() when it started, for the time estimate. */
  readonly startedAt: number;
}

/** Host → page. */
export type ToExperiment =
  | { readonly type: 'overview'; readonly overview: ExperimentOverview }
  | { readonly type: 'state'; readonly state: ExperimentState }
  /** The run in progress (null: none), at most a few times a second. */
  | { readonly type: 'live'; readonly live: LiveRun | null }
  /** results.json after a run was saved (here or by another process). */
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
  /** The Stop button: the host stops the current run and keeps the finished ones. */
  | { readonly type: 'stop' }
  | { readonly type: 'requestWeights'; readonly runId: string }
  /** Open a finished run's weights in the checkpoint viewer, or analyse them. */
  | { readonly type: 'openRun'; readonly runId: string; readonly action: 'view' | 'analyze' }
  /** Which charts are on screen and how many finished runs the runs table shows (for the tests). */
  | { readonly type: 'rendered'; readonly charts: readonly string[]; readonly doneRows: number }
  | PageReport;

export const TO_EXPERIMENT_TYPES = typeSet<ToExperiment>({
  overview: true,
  state: true,
  live: true,
  results: true,
  weights: true,
});
export const FROM_EXPERIMENT_TYPES = typeSet<FromExperiment>({
  ready: true,
  start: true,
  stop: true,
  requestWeights: true,
  openRun: true,
  export: true,
  rendered: true,
  cspViolation: true,
});
