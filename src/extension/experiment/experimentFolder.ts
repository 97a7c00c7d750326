// One experiment config and its results folder, as the extension host sees them: parses the
// config (problems go to the Problems view), finds the finished runs on disk, and follows the
// folder, so that runs saved by any process (this extension host, CLI shards, Slurm tasks) and
// the locks of runs being trained elsewhere reach the panel as they land. Disk is the truth:
// every change is read back from the per-run records, never kept only in memory.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { slurmLine } from '../../node/slurmQueue';
import { CoreError, messages, toWireError } from '../../core/errors';
import type { ExperimentResults } from '../../core/toy/results';
import type { ExperimentOverview } from '../../shared/experimentProtocol';
import {
  ChangedSettingsError,
  currentResults,
  prepareExperiment,
  runningElsewhere,
  writeResultsIfChanged,
  type PreparedExperiment,
} from '../../node/experimentStore';
import { READ_LIMITS, readRegularText } from '../../node/safeRead';
import { log } from '../log';
import type { ConfigDiagnostics } from './configDiagnostics';
import type { Calibration } from './calibration';
import { configProblems } from './configLanguage';

export type LoadOutcome =
  { readonly ok: true; readonly experiment: PreparedExperiment } | { readonly ok: false; readonly message: string };

/** Records land in bursts (one per finished run, from many tasks): the folder is read once per burst. */
const BURST_MS = 400;
const POLL_MS = 10_000;

export class ExperimentFolder implements vscode.Disposable {
  experiment: PreparedExperiment | undefined;
  /** Finished runs on disk (null before the first one). */
  results: ExperimentResults | null = null;
  /** Runs other processes are training now (from their locks). */
  elsewhere: ExperimentOverview['elsewhere'] = [];
  /** squeue's word on the experiment's array job, when it was submitted from here (see slurmLine). */
  slurm: string | null = null;
  /** Looks again every POLL_MS: a killed task's lock goes stale and squeue changes without a file event. */
  private poll: ReturnType<typeof setInterval> | undefined;
  private follower: { readonly outDir: string; readonly watcher: vscode.Disposable } | undefined;
  private burstTimer: ReturnType<typeof setTimeout> | undefined;
  /** Reads of the folder run one after another, so an older read never lands after a newer one. */
  private reading: Promise<void> = Promise.resolve();
  private loads: Promise<void> = Promise.resolve();
  private disposed = false;

  constructor(
    readonly configUri: vscode.Uri,
    private readonly diagnostics: ConfigDiagnostics,
    private readonly calibration: Calibration,
    /** 'overview': the config, the runs elsewhere (and maybe the results) changed; 'results': only those. */
    private readonly changed: (what: 'overview' | 'results') => void,
  ) {}

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
   * Parses the config and finds its results on disk. When finished runs were trained with other
   * settings, training asks once before training them anew (the old results stay on disk); only
   * showing never asks.
   */
  load(forTraining = false, retrain?: 'all' | readonly string[]): Promise<LoadOutcome> {
    // One load at a time (a panel's refresh and a start can come together): the last one asked wins.
    const next = this.loads.then(() => this.prepare(forTraining, retrain));
    this.loads = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }

  private async prepare(forTraining: boolean, retrain: 'all' | readonly string[] | undefined): Promise<LoadOutcome> {
    if (this.configUri.scheme !== 'file') {
      return { ok: false, message: 'Experiments run on local files only (this config is not on disk).' };
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
      this.diagnostics.set(this.configUri, text, configProblems(text, configFile, this.calibration.factor()));
      if (!prepared.ok) {
        const errors = prepared.problems.filter((p) => p.severity === 'error');
        const first = errors[0]!;
        this.experiment = undefined;
        return {
          ok: false,
          message: `The config has ${errors.length} error${errors.length === 1 ? '' : 's'} (see Problems); first, at line ${first.line}, column ${first.col}: ${first.message}`,
        };
      }
      const experiment = prepared.experiment;
      this.experiment = experiment;
      this.results = experiment.results.runs.length > 0 ? experiment.results : null;
      this.follow(experiment.outDir);
      // Refits are saved in a trusted workspace only (Restricted Mode reads, never writes), and a
      // summary under changed settings only once the user chose to train.
      const accepted = forTraining || experiment.changedRuns === 0;
      if (this.results && accepted && vscode.workspace.isTrusted) {
        await writeResultsIfChanged(experiment.resultsFile, this.results);
      }
      this.changed('overview');
      void this.reload(); // what other processes are training right now
      return { ok: true, experiment };
    } catch (e) {
      log().warn(`Loading ${configFile}: ${toWireError(e).message}`);
      return { ok: false, message: toWireError(e).message };
    }
  }

  overview(failed: ExperimentOverview['failed']): ExperimentOverview | null {
    const e = this.experiment;
    if (e === undefined) return null;
    return {
      name: e.config.name,
      description: e.config.description,
      configFile: vscode.workspace.asRelativePath(this.configUri),
      outDir: vscode.workspace.asRelativePath(vscode.Uri.file(e.outDir)),
      runs: e.runs.map((r) => ({ id: r.id, series: r.series, values: r.values })),
      stepsPerRun: e.config.train.steps,
      results: this.results,
      elsewhere: this.elsewhere,
      failed,
      slurm: this.slurm,
    };
  }

  /** Reads the finished runs and the other processes' locks again; resolves once read. */
  reload(): Promise<void> {
    this.reading = this.reading.then(() => this.read());
    return this.reading;
  }

  private async read(): Promise<void> {
    const experiment = this.experiment;
    if (this.disposed || experiment === undefined) return;
    try {
      const [results, elsewhere, slurm] = await Promise.all([
        currentResults(experiment),
        runningElsewhere(experiment),
        slurmLine(experiment.outDir, experiment.config.name),
      ]);
      if (experiment !== this.experiment) return; // the config was loaded again meanwhile
      // A retrained run replaces its record: compare what each run is, not only how many.
      const key = (r: ExperimentResults | null) => r?.runs.map((x) => `${x.id}:${x.ms}:${x.finalLoss}`).join() ?? '';
      const landed = key(results) !== key(this.results);
      const moved = JSON.stringify(elsewhere) !== JSON.stringify(this.elsewhere) || slurm !== this.slurm;
      this.elsewhere = elsewhere;
      this.slurm = slurm;
      if (landed) this.results = results.runs.length > 0 ? results : null;
      // The overview carries the results too: one message either way.
      if (moved) this.changed('overview');
      else if (landed) this.changed('results');
    } catch (e) {
      log().warn(`Reading ${experiment.outDir}: ${toWireError(e).message}`);
    }
  }

  /** Watches runs/*.json (records land) and locks/*.lock (runs start and end elsewhere). */
  private follow(outDir: string): void {
    if (this.follower?.outDir === outDir) return;
    this.follower?.watcher.dispose();
    const records = vscode.workspace.createFileSystemWatcher(
      new vscode.RelativePattern(vscode.Uri.file(path.join(outDir, 'runs')), '*.json'),
    );
    const locks = vscode.workspace.createFileSystemWatcher(
      new vscode.RelativePattern(vscode.Uri.file(path.join(outDir, 'locks')), '*.lock'),
    );
    const changed = () => {
      if (this.burstTimer !== undefined) clearTimeout(this.burstTimer);
      this.burstTimer = setTimeout(() => void this.reload(), BURST_MS);
    };
    if (this.poll !== undefined) clearInterval(this.poll);
    // Only where something outside this process changes without a file event: a lock held
    // elsewhere can go stale, and squeue's state moves. Otherwise the watchers are enough.
    this.poll = setInterval(() => {
      if (this.slurm !== null || this.elsewhere.length > 0) void this.reload();
    }, POLL_MS);
    this.follower = {
      outDir,
      watcher: vscode.Disposable.from(
        records,
        records.onDidCreate(changed),
        records.onDidChange(changed),
        locks,
        locks.onDidCreate(changed),
        locks.onDidDelete(changed),
      ),
    };
  }

  dispose(): void {
    this.disposed = true;
    this.follower?.watcher.dispose();
    if (this.burstTimer !== undefined) clearTimeout(this.burstTimer);
    if (this.poll !== undefined) clearInterval(this.poll);
  }
}
