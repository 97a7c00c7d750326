// The experiment panel beside a `*.experiment.yaml`: one per config file. It shows the results
// already on disk at once (results/<name>/results.json, the CLI's format), and trains the runs
// that are left in the panel's worker (WebGPU/WebGL on a real GPU, else WASM), one at a time,
// saving each finished run atomically before starting the next. Stop (in the panel or the
// notification) keeps every finished run; the next Run resumes.
//
// retainContextWhenHidden: training runs in this panel's worker, which a hidden webview without
// it would tear down.

import * as vscode from 'vscode';
import { READ_LIMITS, readRegularText } from '../../node/safeRead';
import * as path from 'node:path';
import type { RunSpec } from '../../core/config/sweep';
import { CoreError, messages, toWireError, type WireError } from '../../core/errors';
import type { ExperimentResults, TrainedRun } from '../../core/toy/results';
import { readSafetensorsHeader, readTensorFloat32 } from '../../core/safetensors/reader';
import { formatValue } from '../../core/format';
import { dispatch, isMessageOf, type Handlers } from '../../shared/channel';
import {
  EXPERIMENT_PROTOCOL_VERSION,
  FROM_EXPERIMENT_TYPES,
  type ExperimentInit,
  type ExperimentOverview,
  type ExperimentState,
  type FromExperiment,
  type ToExperiment,
} from '../../shared/experimentProtocol';
import { openNodeReader } from '../../node/files';
import {
  ChangedSettingsError,
  currentResults,
  frequencyKey,
  runningElsewhere,
  lockFile,
  prepareExperiment,
  refreshResults,
  saveRun,
  writeResults,
  type PreparedExperiment,
} from '../../node/experimentStore';
import { acquireRunLock } from '../../node/runLock';
import { log, showError } from '../log';
import { settings } from '../settings';
import { loadComputePage } from '../computePage';
import { saveExport } from '../analysis/exports';
import type { ConfigDiagnostics } from './configDiagnostics';
import type { Calibration } from './calibration';
import { configProblems } from './configLanguage';
import { panelIcon } from '../panelIcon';
import { RESTRICTED_EXPLANATION, requireTrust } from '../trust';

export const EXPERIMENT_VIEW_TYPE = 'superpositionLab.experiment';

/** A run that reports nothing for this long is abandoned (progress comes at least every 50 steps). */
const STALL_MS = 10 * 60_000;

type RunOutcome = { kind: 'done'; trained: TrainedRun } | { kind: 'failed'; error: WireError };

interface ActiveRun {
  readonly jobId: string;
  readonly spec: RunSpec;
  readonly finish: (outcome: RunOutcome) => void;
  lastHeard: number;
  backend?: string;
  step: number;
  mse: number;
}

export interface ExperimentDiagnostics {
  readonly title: string;
  readonly configFile: string;
  readonly outDir: string | null;
  readonly state: ExperimentState['kind'];
  readonly totalRuns: number;
  readonly finishedRuns: number;
  readonly trainedHere: readonly { readonly id: string; readonly backend: string; readonly finalLoss: number }[];
  readonly series: readonly { readonly id: string; readonly alphaM: number | null }[];
  readonly charts: readonly string[];
  readonly exports: readonly string[];
  readonly cspViolations: readonly string[];
}

export class ExperimentPanel implements vscode.Disposable {
  private static readonly open = new Map<string, ExperimentPanel>();
  /** Called after every saved run (the CodeLens counts finished runs). */
  static onResultsSaved: () => void = () => {};
  private readonly disposables: vscode.Disposable[] = [];
  private experiment: PreparedExperiment | undefined;
  private results: ExperimentResults | null = null;
  /** Watches the results folder for runs saved by other processes (CLI shards, cluster tasks). */
  private follower: { readonly outDir: string; readonly watcher: vscode.Disposable } | undefined;
  private followTimer: ReturnType<typeof setTimeout> | undefined;
  /** Runs other processes are training now (from their locks), for the status line. */
  private elsewhere: ExperimentOverview['elsewhere'] = [];
  private state: ExperimentState = { kind: 'idle' };
  private active: ActiveRun | undefined;
  private stopRequested = false;
  private ready = false;
  private runWhenReady: boolean;
  /** What the first start trains again ("Retrain all" / "Retrain this run" before the page loaded). */
  private retrainWhenReady: 'all' | readonly string[] | undefined;
  private charts: readonly string[] = [];
  private readonly exports: string[] = [];
  private readonly cspViolations: string[] = [];
  private readonly trainedHere: { id: string; backend: string; finalLoss: number }[] = [];
  private disposed = false;
  private nextJob = 1;

  private constructor(
    private readonly configUri: vscode.Uri,
    private readonly panel: vscode.WebviewPanel,
    private readonly diagnosticsCollection: ConfigDiagnostics,
    private readonly calibration: Calibration,
    extensionUri: vscode.Uri,
    run: boolean,
  ) {
    this.runWhenReady = run;
    const webview = panel.webview;
    loadComputePage(panel, extensionUri, 'experiment', (urls): ExperimentInit => ({
      protocolVersion: EXPERIMENT_PROTOCOL_VERSION,
      title: panel.title,
      backend: settings().backend,
      ...urls,
    }));
    this.disposables.push(
      webview.onDidReceiveMessage((msg: unknown) => {
        if (isMessageOf<FromExperiment>(msg, FROM_EXPERIMENT_TYPES)) void dispatch(this.handlers, msg);
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** Opens (or reveals) the panel for a config beside it; `run` starts training what is left. */
  static show(
    context: vscode.ExtensionContext,
    diagnostics: ConfigDiagnostics,
    calibration: Calibration,
    configUri: vscode.Uri,
    options: { readonly run: boolean; readonly retrain?: 'all' | readonly string[] },
  ): ExperimentPanel {
    const key = configUri.toString();
    const existing = ExperimentPanel.open.get(key);
    if (existing) {
      existing.panel.reveal(vscode.ViewColumn.Beside, true);
      if (options.run) void existing.start(options.retrain);
      return existing;
    }
    const title = `Experiment: ${path.basename(configUri.fsPath).replace(/\.experiment\.ya?ml$/, '')}`;
    const panel = vscode.window.createWebviewPanel(
      EXPERIMENT_VIEW_TYPE,
      title,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: true, retainContextWhenHidden: true },
    );
    panel.iconPath = panelIcon(context.extensionUri);
    const created = new ExperimentPanel(configUri, panel, diagnostics, calibration, context.extensionUri, options.run);
    created.retrainWhenReady = options.retrain;
    ExperimentPanel.open.set(key, created);
    return created;
  }

  static all(): ExperimentPanel[] {
    return [...ExperimentPanel.open.values()];
  }

  /** Ids of the finished runs shown, for "Retrain this run". */
  finishedRunIds(): string[] {
    return this.results?.runs.map((r) => r.id) ?? [];
  }

  isFor(configUri: vscode.Uri): boolean {
    return configUri.toString() === this.configUri.toString();
  }

  private post(message: ToExperiment): void {
    if (!this.disposed) void this.panel.webview.postMessage(message);
  }

  private setState(state: ExperimentState): void {
    this.state = state;
    this.post({ type: 'state', state });
  }

  private readonly handlers: Handlers<FromExperiment> = {
    ready: async (m) => {
      if (m.protocolVersion !== EXPERIMENT_PROTOCOL_VERSION) return;
      this.ready = true;
      const loaded = await this.load();
      this.post({ type: 'state', state: this.state });
      if (loaded && this.runWhenReady) await this.start(this.retrainWhenReady);
    },
    start: () => this.start(),
    stop: () => this.stop(),
    runStarted: (m) => {
      if (this.active?.jobId !== m.jobId) return;
      this.active.backend = m.backend;
      this.active.lastHeard = Date.now();
      log().info(`Training ${this.active.spec.id} on ${m.backend}`);
    },
    trainProgress: (m) => {
      if (this.active?.jobId !== m.jobId) return;
      Object.assign(this.active, { step: m.step, mse: m.mse, lastHeard: Date.now() });
    },
    runDone: (m) => {
      const run = this.active;
      if (run?.jobId !== m.jobId) return;
      const n = run.spec.n;
      const width = run.spec.values.width;
      if (m.W.byteLength !== n * width * 4 || m.b.byteLength !== n * 4 || m.result.id !== run.spec.id) {
        run.finish({
          kind: 'failed',
          error: { code: 'internal', message: `The worker returned a malformed result for ${run.spec.id}.` },
        });
        return;
      }
      run.finish({ kind: 'done', trained: { result: m.result, W: new Float32Array(m.W), b: new Float32Array(m.b) } });
    },
    runFailed: (m) => {
      if (this.active?.jobId === m.jobId) this.active.finish({ kind: 'failed', error: m.error });
    },
    requestWeights: (m) => this.sendWeights(m.runId),
    openRun: async (m) => {
      const run = this.results?.runs.find((r) => r.id === m.runId);
      if (!run || !this.experiment) return;
      const uri = vscode.Uri.file(path.join(this.experiment.outDir, run.weights));
      if (m.action === 'analyze') {
        await vscode.commands.executeCommand('superpositionLab.analyze', uri, { tensor: 'W' });
      } else await vscode.commands.executeCommand('superpositionLab.openCheckpoint', uri);
    },
    export: async (m) => {
      const saved = await saveExport(m.fileName, m.format, m.content);
      if (saved) this.exports.push(saved.fsPath);
    },
    rendered: (m) => {
      this.charts = m.charts;
    },
    cspViolation: (m) => {
      this.cspViolations.push(`${m.directive} ${m.blockedURI}`);
      log().error(`Content-Security-Policy violation in the experiment panel: ${m.directive} blocked ${m.blockedURI}`);
    },
  };

  /** The config's current text: the open editor's (saved first if dirty), else the file's. */
  private async configText(): Promise<string> {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === this.configUri.toString());
    if (doc) {
      if (doc.isDirty) await doc.save();
      return doc.getText();
    }
    const text = await readRegularText(this.configUri.fsPath, this.configUri.fsPath, READ_LIMITS.config);
    if (text === null) throw new CoreError('file/not-found', messages.notFound(this.configUri.fsPath));
    return text;
  }

  /**
   * Parses the config and finds its results on disk. Config errors go to the Problems view (and
   * the panel says so). When finished runs were trained with other settings, training asks once
   * before training them anew (the old results stay on disk); only showing never asks.
   */
  private async load(forTraining = false, retrain?: 'all' | readonly string[]): Promise<boolean> {
    if (this.configUri.scheme !== 'file') {
      this.setState({ kind: 'failed', message: 'Experiments run on local files only (this config is not on disk).' });
      return false;
    }
    const configFile = this.configUri.fsPath;
    try {
      const text = await this.configText();
      const prepared = await prepareExperiment(configFile, text, { acceptNewSettings: !forTraining, retrain }).catch(
        async (e: unknown) => {
          if (!(e instanceof ChangedSettingsError)) throw e;
          const train = 'Train Anew (Keep Old Results)';
          const choice = await vscode.window.showWarningMessage(e.message, { modal: true }, train);
          if (choice !== train) throw e;
          log().info(`Training ${e.changed} runs in ${e.outDir} anew under the new settings`);
          return prepareExperiment(configFile, text, { acceptNewSettings: true, retrain });
        },
      );
      this.diagnosticsCollection.set(this.configUri, text, configProblems(text, configFile, this.calibration.factor()));
      if (!prepared.ok) {
        const errors = prepared.problems.filter((p) => p.severity === 'error');
        const first = errors[0]!;
        this.setState({
          kind: 'failed',
          message: `The config has ${errors.length} error${errors.length === 1 ? '' : 's'} (see Problems); first, at line ${first.line}, column ${first.col}: ${first.message}`,
        });
        this.experiment = undefined;
        return false;
      }
      this.experiment = prepared.experiment;
      this.results = prepared.experiment.results.runs.length > 0 ? prepared.experiment.results : null;
      this.follow(prepared.experiment.outDir);
      void this.reloadFromDisk(); // what other processes are training right now
      // Refits are saved; a summary under changed settings only once the user chose to train.
      const accepted = forTraining || prepared.experiment.changedRuns === 0;
      // Refits are saved in a trusted workspace only (Restricted Mode reads, never writes).
      if (this.results && accepted && vscode.workspace.isTrusted) {
        await writeResults(prepared.experiment.resultsFile, this.results);
      }
      this.post({ type: 'overview', overview: this.overview() });
      if (this.state.kind === 'failed') this.state = { kind: 'idle' };
      return true;
    } catch (e) {
      this.setState({ kind: 'failed', message: toWireError(e).message });
      log().warn(`Loading ${configFile}: ${toWireError(e).message}`);
      return false;
    }
  }

  private overview(): ExperimentOverview {
    const e = this.experiment!;
    return {
      name: e.config.name,
      description: e.config.description,
      configFile: vscode.workspace.asRelativePath(this.configUri),
      outDir: vscode.workspace.asRelativePath(vscode.Uri.file(e.outDir)),
      runs: e.runs.map((r) => ({ id: r.id, series: r.series, values: r.values })),
      stepsPerRun: e.config.train.steps,
      results: this.results,
      elsewhere: this.elsewhere,
    };
  }

  /** Trains every run that is not on disk yet (and `retrain`'s finished runs again), in order. */
  async start(retrain?: 'all' | readonly string[]): Promise<void> {
    if (this.state.kind === 'running' || !this.ready) {
      if (!this.ready) {
        this.runWhenReady = true;
        this.retrainWhenReady = retrain;
      }
      return;
    }
    if (!requireTrust('Training')) {
      this.setState({ kind: 'failed', message: RESTRICTED_EXPLANATION });
      return;
    }
    this.stopRequested = false;
    if (!(await this.load(true, retrain))) return;
    const experiment = this.experiment!;
    const done = new Set(this.results?.runs.map((r) => r.id) ?? []);
    const todo = experiment.runs.filter((r) => !done.has(r.id));
    if (todo.length === 0) {
      this.setState({ kind: 'done', message: `All ${experiment.runs.length} runs are finished.` });
      return;
    }
    let results: ExperimentResults = this.results ?? experiment.results;
    const total = experiment.runs.length;
    await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Training ${experiment.config.name}`,
        cancellable: true,
      },
      async (progress, token) => {
        const cancel = token.onCancellationRequested(() => this.stop());
        const saveSummary = () =>
          refreshResults(experiment).catch((e: unknown) => log().warn(`results.json: ${toWireError(e).message}`));
        const perRun = 100 / todo.length;
        try {
          for (const [i, spec] of todo.entries()) {
            if (this.stopRequested || this.disposed) break;
            const index = done.size + i;
            this.setState({ kind: 'running', runIndex: index, runId: spec.id });
            progress.report({ message: `run ${index + 1}/${total}: ${spec.id}` });
            // Another process (a CLI shard, a cluster task) may be training this folder too.
            const lock = await acquireRunLock(
              lockFile(experiment.outDir, spec.id, experiment.fingerprints.get(spec.id)!),
            );
            if (lock === null) {
              log().info(`${spec.id}: being trained by another process; skipped`);
              continue;
            }
            const outcome = await this.trainOne(experiment, spec, (fraction, label) =>
              progress.report({
                message: `run ${index + 1}/${total}: ${spec.id} · ${label}`,
                increment: fraction * perRun,
              }),
            )
              .then(async (o) =>
                o.kind === 'failed' ? o : { ...o, results: await saveRun(experiment, results, o.trained) },
              )
              .finally(() => lock.release());
            if (outcome.kind === 'failed') {
              if (outcome.error.code === 'job/cancelled') break;
              throw new CoreError('internal', `${spec.id}: ${outcome.error.message}`);
            }
            results = outcome.results;
            this.results = results;
            this.trainedHere.push({
              id: spec.id,
              backend: outcome.trained.result.backend,
              finalLoss: outcome.trained.result.finalLoss,
            });
            this.post({ type: 'results', results });
            ExperimentPanel.onResultsSaved();
            const r = outcome.trained.result;
            await this.calibration.record({ n: r.n, m: r.values.width, batch: spec.batch, steps: r.steps, ms: r.ms });
            log().info(
              `${spec.id}: final loss ${formatValue(outcome.trained.result.finalLoss)} in ${(outcome.trained.result.ms / 1000).toFixed(1)} s on ${outcome.trained.result.backend}`,
            );
          }
          // The summary, once per session (each run was saved as its own record), before the state
          // says stopped or done: what the panel reports is then what results.json holds.
          await saveSummary();
          const finished = results.runs.length;
          if (finished === total) {
            this.setState({
              kind: 'done',
              message: `All ${total} runs finished; results in ${this.overview().outDir}.`,
            });
          } else {
            this.setState({
              kind: 'stopped',
              message: `Stopped: ${finished} of ${total} runs finished and saved. Run again to resume.`,
            });
          }
        } catch (e) {
          await saveSummary();
          const message = toWireError(e).message;
          this.setState({ kind: 'failed', message: `Training failed: ${message} Finished runs are saved.` });
          showError(`Training ${experiment.config.name}`, e);
        } finally {
          cancel.dispose();
        }
      },
    );
  }

  /** Stops the current run (finished runs stay saved). */
  stop(): void {
    this.stopRequested = true;
    const run = this.active;
    if (run) this.post({ type: 'abort', jobId: run.jobId });
  }

  private trainOne(
    experiment: PreparedExperiment,
    spec: RunSpec,
    report: (fraction: number, label: string) => void,
  ): Promise<RunOutcome> {
    const jobId = `train-${this.nextJob++}`;
    const frequencies = experiment.frequencies.get(frequencyKey(spec.values))!;
    return new Promise<RunOutcome>((resolve) => {
      let reported = 0;
      const run: ActiveRun = {
        jobId,
        spec,
        step: 0,
        mse: Number.NaN,
        lastHeard: Date.now(),
        finish: (outcome) => {
          if (this.active === run) this.active = undefined;
          clearInterval(timer);
          resolve(outcome);
        },
      };
      this.active = run;
      // Progress for the notification, at most once a second; and the stall watchdog.
      const timer = setInterval(() => {
        if (Date.now() - run.lastHeard > STALL_MS) {
          this.post({ type: 'abort', jobId });
          run.finish({
            kind: 'failed',
            error: { code: 'internal', message: `no progress for ${STALL_MS / 60000} minutes` },
          });
          return;
        }
        const fraction = run.step / spec.steps;
        if (fraction > reported) {
          report(fraction - reported, `step ${run.step}/${spec.steps} · loss ${formatValue(run.mse * spec.n)}`);
          reported = fraction;
        }
      }, 1000);
      this.post({
        type: 'train',
        jobId,
        spec,
        frequencies: {
          p: Array.from(frequencies.p),
          capped: frequencies.capped,
          effectiveDensity: frequencies.effectiveDensity,
        },
      });
    });
  }

  /** Reads a finished run's W back from disk (for the heatmap of a run trained earlier). */
  private async sendWeights(runId: string): Promise<void> {
    const run = this.results?.runs.find((r) => r.id === runId);
    if (!run || !this.experiment) return;
    const file = path.join(this.experiment.outDir, run.weights);
    const n = run.n;
    const m = run.values.width;
    try {
      const reader = await openNodeReader(file, vscode.workspace.asRelativePath(file));
      if (reader === null) throw new CoreError('file/not-found', messages.notFound(file));
      const header = await readSafetensorsHeader(reader);
      const tensor = header.tensors.find((t) => t.name === 'W');
      if (!tensor || tensor.shape.length !== 2 || tensor.shape[0] !== n || tensor.shape[1] !== m) {
        throw new CoreError('analysis/not-a-matrix', `${file} has no W of shape [${n}, ${m}].`);
      }
      const W = await readTensorFloat32(reader, header, tensor);
      this.post({ type: 'weights', runId, n, m, W: W.buffer as ArrayBuffer });
    } catch (e) {
      this.post({ type: 'weights', runId, n, m, W: null, error: toWireError(e).message });
    }
  }

  diagnostics(): ExperimentDiagnostics {
    return {
      title: this.panel.title,
      configFile: this.configUri.fsPath,
      outDir: this.experiment?.outDir ?? null,
      state: this.state.kind,
      totalRuns: this.experiment?.runs.length ?? 0,
      finishedRuns: this.results?.runs.length ?? 0,
      trainedHere: this.trainedHere,
      series: this.results?.series.map((s) => ({ id: s.id, alphaM: s.alphaM })) ?? [],
      charts: this.charts,
      exports: this.exports,
      cspViolations: this.cspViolations,
    };
  }

  /**
   * Draws runs that other processes save into the results folder as they land (a sweep sharded
   * over CLI processes or Slurm tasks): a live dashboard of the folder, whoever trains it.
   */
  private follow(outDir: string): void {
    if (this.follower?.outDir === outDir) return;
    this.follower?.watcher.dispose();
    const watcher = vscode.workspace.createFileSystemWatcher(
      new vscode.RelativePattern(vscode.Uri.file(path.join(outDir, 'runs')), '*.json'),
    );
    // Locks appear, beat (their mtime) and go as other processes train: running / done.
    const locks = vscode.workspace.createFileSystemWatcher(
      new vscode.RelativePattern(vscode.Uri.file(path.join(outDir, 'locks')), '*.lock'),
    );
    const changed = () => {
      // Records land in bursts (one per finished run, from many tasks): read the folder once per burst.
      if (this.followTimer !== undefined) clearTimeout(this.followTimer);
      this.followTimer = setTimeout(() => void this.reloadFromDisk(), 400);
    };
    this.follower = {
      outDir,
      watcher: vscode.Disposable.from(
        watcher,
        watcher.onDidCreate(changed),
        watcher.onDidChange(changed),
        locks,
        locks.onDidCreate(changed),
        locks.onDidDelete(changed),
      ),
    };
  }

  private async reloadFromDisk(): Promise<void> {
    const experiment = this.experiment;
    // While this panel trains, it posts its own runs; other processes' runs join at the next load.
    if (this.disposed || experiment === undefined || this.state.kind === 'running') return;
    try {
      const [results, elsewhere] = await Promise.all([currentResults(experiment), runningElsewhere(experiment)]);
      const landed = results.runs.length !== (this.results?.runs.length ?? 0);
      if (!landed && JSON.stringify(elsewhere) === JSON.stringify(this.elsewhere)) return;
      this.elsewhere = elsewhere;
      if (landed) {
        this.results = results;
        this.post({ type: 'results', results });
        ExperimentPanel.onResultsSaved();
      }
      this.post({ type: 'overview', overview: this.overview() });
    } catch (e) {
      log().warn(`Reading ${experiment.outDir}: ${toWireError(e).message}`);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.follower?.watcher.dispose();
    if (this.followTimer !== undefined) clearTimeout(this.followTimer);
    this.stopRequested = true;
    ExperimentPanel.open.delete(this.configUri.toString());
    this.active?.finish({ kind: 'failed', error: { code: 'job/cancelled', message: 'The panel was closed.' } });
    this.disposables.forEach((d) => d.dispose());
    this.panel.dispose();
  }
}
