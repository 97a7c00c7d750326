// The sweep of one experiment config, in the extension host: trains the pending runs one after
// another on HostCompute's training worker (the same Node compute worker and the same loop as
// `superposition-lab run`: per-run locks, each run saved atomically as it finishes), with the
// cancellable progress notification. It belongs to the extension, not to a panel: closing the
// panel leaves the sweep training, and a panel opened later attaches to it (see
// ExperimentPanel) and is sent the whole picture, then every change. Stop keeps the finished
// runs; the next start resumes. A window reload restarts the extension host, which ends a sweep;
// its finished runs are on disk and the next start resumes from them.

import * as vscode from 'vscode';
import type { BackendReport } from '../../core/compute/backend';
import { describeBackend } from '../../core/compute/describeBackend';
import { toWireError } from '../../core/errors';
import { formatValue } from '../../core/format';
import type { ExperimentState, ToExperiment } from '../../shared/experimentProtocol';
import type { PreparedExperiment } from '../../node/experimentStore';
import { trainPending } from '../../node/trainPending';
import type { HostCompute } from '../compute/hostCompute';
import { log, showError } from '../log';
import { RESTRICTED_EXPLANATION, requireTrust } from '../trust';
import type { Calibration } from './calibration';
import { ExperimentFolder } from './experimentFolder';
import { hostTrainLanes } from './hostTrainLanes';
import { LiveRunState } from './liveRun';
import type { ConfigDiagnostics } from './configDiagnostics';

/** The live run goes to panels at most this often. */
const LIVE_EVERY_MS = 250;

/** "in the extension host on wasm" (with the GPU adapter and skipped backends when there are). */
export const whereTrained = (backend: BackendReport) => `in the extension host on ${describeBackend(backend)}`;

export interface TrainedHere {
  readonly id: string;
  /** The backend the run's record names ("wasm"). */
  readonly backend: string;
  /** Where it trained, in words: whereTrained. */
  readonly where: string;
  readonly finalLoss: number;
}

export class SweepRunner implements vscode.Disposable {
  private readonly messages = new vscode.EventEmitter<ToExperiment>();
  /** Every change, as the message a panel shows it with. */
  readonly onMessage = this.messages.event;
  readonly folder: ExperimentFolder;
  private state: ExperimentState = { kind: 'idle' };
  private live: LiveRunState | null = null;
  private liveDirty = false;
  private liveTimer: ReturnType<typeof setInterval> | undefined;
  private stopRequested = false;
  private readonly failed = new Map<string, string>();
  readonly trainedHere: TrainedHere[] = [];
  private loading: Promise<unknown> = Promise.resolve();
  private disposed = false;

  constructor(
    readonly configUri: vscode.Uri,
    private readonly compute: HostCompute,
    diagnostics: ConfigDiagnostics,
    private readonly calibration: Calibration,
    /** State or results changed (the status bar, the CodeLens). */
    private readonly changed: () => void,
  ) {
    this.folder = new ExperimentFolder(configUri, diagnostics, calibration, (what) => {
      const results = this.folder.results;
      if (what === 'results' && results) this.messages.fire({ type: 'results', results });
      else this.emitOverview();
      this.changed();
    });
  }

  get name(): string {
    // Before the config is read: its file name without the extension (New Experiment… writes the
    // name there too), so the status bar does not start with "quick-demo.experiment.yaml".
    const file = this.configUri.path
      .split('/')
      .pop()
      ?.replace(/\.experiment\.ya?ml$/, '');
    return this.folder.experiment?.config.name ?? (file || 'experiment');
  }

  isFor(configUri: vscode.Uri): boolean {
    return configUri.toString() === this.configUri.toString();
  }

  isTraining(): boolean {
    return this.state.kind === 'running';
  }

  /** The run in progress (1-based) and the sweep's size, for the status bar. */
  position(): { readonly current: number; readonly total: number } {
    const total = this.folder.experiment?.runs.length ?? 0;
    return { current: Math.min(total, (this.folder.results?.runs.length ?? 0) + 1), total };
  }

  finishedRunIds(): string[] {
    return this.folder.results?.runs.map((r) => r.id) ?? [];
  }

  /** Reads the config and the folder again (not while training: the sweep keeps its settings). */
  async refresh(): Promise<void> {
    if (this.isTraining()) return;
    this.loading = this.folder.load().then((outcome) => {
      if (!outcome.ok) this.setState({ kind: 'failed', message: outcome.message });
      else if (this.state.kind === 'failed') this.setState({ kind: 'idle' });
    });
    await this.loading;
  }

  /** What a panel that attaches now is sent first: the whole picture. */
  async snapshot(): Promise<ToExperiment[]> {
    await this.loading;
    const overview = this.overviewMessage();
    return [...(overview ? [overview] : []), { type: 'state', state: this.state }, this.liveMessage()];
  }

  /** Trains every run that is not on disk yet (and `retrain`'s finished runs again), in order. */
  async start(retrain?: 'all' | readonly string[]): Promise<void> {
    if (this.isTraining() || this.disposed) return;
    if (!requireTrust('Training')) {
      this.setState({ kind: 'failed', message: RESTRICTED_EXPLANATION });
      return;
    }
    this.stopRequested = false;
    this.setState({ kind: 'running', stopping: false });
    const loaded = this.folder.load(true, retrain);
    this.loading = loaded;
    const outcome = await loaded;
    if (!outcome.ok) {
      this.setState({ kind: 'failed', message: outcome.message });
      return;
    }
    const experiment = outcome.experiment;
    if (experiment.todo.length === 0) {
      this.setState({ kind: 'done', message: `All ${experiment.runs.length} runs are finished.` });
      return;
    }
    await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Training ${experiment.config.name}`,
        cancellable: true,
      },
      async (progress, token) => {
        const cancel = token.onCancellationRequested(() => this.stop());
        try {
          await this.train(experiment, progress);
        } finally {
          cancel.dispose();
        }
      },
    );
  }

  /** Stops the current run at its next sync point; finished runs stay saved. */
  stop(): void {
    if (!this.isTraining() || this.stopRequested) return;
    this.stopRequested = true;
    this.setState({ kind: 'running', stopping: true });
  }

  private async train(
    experiment: PreparedExperiment,
    progress: vscode.Progress<{ message?: string; increment?: number }>,
  ): Promise<void> {
    const total = experiment.runs.length;
    let reported = 0;
    // Panels get the live run a few times a second; the notification the same, with its share.
    this.liveTimer = setInterval(() => {
      const live = this.live;
      if (!this.liveDirty || live === null) return;
      this.liveDirty = false;
      this.messages.fire(this.liveMessage());
      const finished = this.folder.results?.runs.length ?? 0;
      const fraction = Math.min(1, (finished + live.stepsDone / live.spec.steps) / total);
      const loss = live.lastLoss === null ? '' : ` · loss ${formatValue(live.lastLoss)}`;
      progress.report({
        message: `run ${Math.min(total, finished + 1)}/${total}: ${live.spec.id} · step ${live.stepsDone}/${live.spec.steps}${loss}`,
        increment: Math.max(0, (fraction - reported) * 100),
      });
      reported = Math.max(reported, fraction);
    }, LIVE_EVERY_MS);
    let where: string | null = null;
    try {
      await trainPending(experiment, hostTrainLanes(this.compute), {
        isCancelled: () => this.stopRequested || this.disposed,
        onStarted: (spec, _i, backend) => {
          where = whereTrained(backend);
          this.live = new LiveRunState(spec, where);
          this.liveDirty = true;
          log().info(`Training ${spec.id} ${where}`);
        },
        onStep: (spec, _i, step, mse) => {
          if (this.live?.spec.id !== spec.id) return;
          this.live.progress(step, mse);
          this.liveDirty = true;
        },
        onRunSaved: (spec, _i, trained) => {
          const r = trained.result;
          const at = this.live?.spec.id === spec.id ? this.live.where : (where ?? 'in the extension host');
          this.trainedHere.push({ id: spec.id, backend: r.backend, where: at, finalLoss: r.finalLoss });
          this.failed.delete(spec.id);
          this.live = null;
          this.messages.fire(this.liveMessage());
          void this.folder.reload(); // the panel draws the run from its record on disk
          void this.calibration.record({ n: r.n, m: r.values.width, batch: spec.batch, steps: r.steps, ms: r.ms });
          log().info(`${spec.id}: final loss ${formatValue(r.finalLoss)} in ${(r.ms / 1000).toFixed(1)} s ${at}`);
        },
        onRunSkipped: (spec, _i, why) =>
          log().info(
            `${spec.id}: ${why === 'locked' ? 'being trained by another process' : 'finished elsewhere'}; skipped`,
          ),
      });
      await this.settle();
      const finished = this.folder.results?.runs.length ?? 0;
      const on = where === null ? '' : ` Trained ${where}.`;
      this.setState(
        finished === total
          ? { kind: 'done', message: `All ${total} runs finished; results in ${this.outDirLabel()}.${on}` }
          : {
              kind: 'stopped',
              message: `${finished} of ${total} runs finished; the rest were being trained by other processes.`,
            },
      );
    } catch (e) {
      const error = toWireError(e);
      const runId = this.live?.spec.id;
      await this.settle();
      const finished = this.folder.results?.runs.length ?? 0;
      if (error.code === 'job/cancelled') {
        this.setState({
          kind: 'stopped',
          message: `Stopped: ${finished} of ${total} runs finished and saved. Run again to resume.`,
        });
        return;
      }
      if (runId !== undefined) this.failed.set(runId, error.message);
      this.emitOverview();
      const which = runId === undefined ? '' : `${runId}: `;
      this.setState({ kind: 'failed', message: `Training failed: ${which}${error.message} Finished runs are saved.` });
      showError(`Training ${experiment.config.name}`, e);
    }
  }

  /** After the loop: no live run, and the folder read back, so the state matches results.json. */
  private async settle(): Promise<void> {
    clearInterval(this.liveTimer);
    this.live = null;
    this.messages.fire(this.liveMessage());
    await this.folder.reload();
  }

  private outDirLabel(): string {
    const dir = this.folder.experiment?.outDir;
    return dir === undefined ? 'the results folder' : vscode.workspace.asRelativePath(vscode.Uri.file(dir));
  }

  private setState(state: ExperimentState): void {
    this.state = state;
    this.messages.fire({ type: 'state', state });
    this.changed();
  }

  private overviewMessage(): ToExperiment | null {
    const failed = [...this.failed].map(([id, message]) => ({ id, message }));
    const overview = this.folder.overview(failed);
    return overview === null ? null : { type: 'overview', overview };
  }

  private emitOverview(): void {
    const m = this.overviewMessage();
    if (m) this.messages.fire(m);
  }

  private liveMessage(): ToExperiment {
    return { type: 'live', live: this.live?.toWire() ?? null };
  }

  /** For the diagnostics command (tests, bug reports): works with no panel open. */
  diagnostics() {
    return {
      configFile: this.configUri.fsPath,
      outDir: this.folder.experiment?.outDir ?? null,
      state: this.state.kind,
      stateMessage: 'message' in this.state ? this.state.message : null,
      totalRuns: this.folder.experiment?.runs.length ?? 0,
      finishedRuns: this.folder.results?.runs.length ?? 0,
      live: this.live && { id: this.live.spec.id, step: this.live.stepsDone, where: this.live.where },
      trainedHere: this.trainedHere.slice(),
      failed: [...this.failed.keys()],
      elsewhere: this.folder.elsewhere.map((o) => `${o.id}@${o.host}:${o.pid}`),
      series: this.folder.results?.series.map((s) => ({ id: s.id, alphaM: s.alphaM })) ?? [],
    };
  }

  dispose(): void {
    this.disposed = true;
    this.stopRequested = true;
    clearInterval(this.liveTimer);
    this.folder.dispose();
    this.messages.dispose();
  }
}
