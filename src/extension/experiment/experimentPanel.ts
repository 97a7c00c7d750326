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
  ForeignResultsError,
  frequencyKey,
  moveAside,
  prepareExperiment,
  saveRun,
  writeResults,
  type PreparedExperiment,
} from '../../node/experimentStore';
import { log, showError } from '../log';
import { settings } from '../settings';
import { loadComputePage } from '../computePage';
import { saveExport } from '../analysis/exports';
import type { ConfigDiagnostics } from './configDiagnostics';
import type { Calibration } from './calibration';
import { configProblems } from './configLanguage';
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
  private state: ExperimentState = { kind: 'idle' };
  private active: ActiveRun | undefined;
  private stopRequested = false;
  private ready = false;
  private runWhenReady: boolean;
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
    options: { readonly run: boolean },
  ): ExperimentPanel {
    const key = configUri.toString();
    const existing = ExperimentPanel.open.get(key);
    if (existing) {
      existing.panel.reveal(vscode.ViewColumn.Beside, true);
      if (options.run) void existing.start();
      return existing;
    }
    const title = `Experiment: ${path.basename(configUri.fsPath).replace(/\.experiment\.ya?ml$/, '')}`;
    const panel = vscode.window.createWebviewPanel(
      EXPERIMENT_VIEW_TYPE,
      title,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: true, retainContextWhenHidden: true },
    );
    const created = new ExperimentPanel(configUri, panel, diagnostics, calibration, context.extensionUri, options.run);
    ExperimentPanel.open.set(key, created);
    return created;
  }

  static all(): ExperimentPanel[] {
    return [...ExperimentPanel.open.values()];
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
      if (loaded && this.runWhenReady) await this.start();
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
   * the panel says so); a results folder of other settings is moved aside only if the user agrees.
   */
  private async load(): Promise<boolean> {
    if (this.configUri.scheme !== 'file') {
      this.setState({ kind: 'failed', message: 'Experiments run on local files only (this config is not on disk).' });
      return false;
    }
    const configFile = this.configUri.fsPath;
    try {
      const text = await this.configText();
      const prepared = await prepareExperiment(configFile, text).catch(async (e: unknown) => {
        if (!(e instanceof ForeignResultsError)) throw e;
        // Nothing is deleted: the old folder gets a time-stamped name if the user agrees.
        const move = 'Move Old Results Aside';
        const choice = await vscode.window.showWarningMessage(e.message, { modal: true }, move);
        if (choice !== move) throw e;
        const aside = await moveAside(e.outDir);
        log().info(`Moved ${e.outDir} to ${aside}`);
        return prepareExperiment(configFile, text);
      });
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
      // Refits are saved, in a trusted workspace only (Restricted Mode reads, never writes).
      if (this.results && vscode.workspace.isTrusted) await writeResults(prepared.experiment.resultsFile, this.results);
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
    };
  }

  /** Trains every run that is not on disk yet, in order; a no-op while already training. */
  async start(): Promise<void> {
    if (this.state.kind === 'running' || !this.ready) {
      if (!this.ready) this.runWhenReady = true;
      return;
    }
    if (!requireTrust('Training')) {
      this.setState({ kind: 'failed', message: RESTRICTED_EXPLANATION });
      return;
    }
    this.stopRequested = false;
    if (!(await this.load())) return;
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
        const perRun = 100 / todo.length;
        try {
          for (const [i, spec] of todo.entries()) {
            if (this.stopRequested || this.disposed) break;
            const index = done.size + i;
            this.setState({ kind: 'running', runIndex: index, runId: spec.id });
            progress.report({ message: `run ${index + 1}/${total}: ${spec.id}` });
            const outcome = await this.trainOne(experiment, spec, (fraction, label) =>
              progress.report({
                message: `run ${index + 1}/${total}: ${spec.id} · ${label}`,
                increment: fraction * perRun,
              }),
            );
            if (outcome.kind === 'failed') {
              if (outcome.error.code === 'job/cancelled') break;
              throw new CoreError('internal', `${spec.id}: ${outcome.error.message}`);
            }
            results = await saveRun(experiment, results, outcome.trained);
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

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.stopRequested = true;
    ExperimentPanel.open.delete(this.configUri.toString());
    this.active?.finish({ kind: 'failed', error: { code: 'job/cancelled', message: 'The panel was closed.' } });
    this.disposables.forEach((d) => d.dispose());
    this.panel.dispose();
  }
}
