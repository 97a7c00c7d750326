// The analysis panel beside a checkpoint: one per checkpoint and tensor ("single"), or one over
// several checkpoints ("compare"). Each subject runs in the extension host (analysisJob.ts: the
// compute worker reads the file itself); the page only draws results and partial plots and sends
// commands. Results are cached per file on disk and reopen instantly. The page keeps what it was
// opened for (`setState`), so after a window reload the serializer (serializer.ts) reopens it.
//
// retainContextWhenHidden keeps the drawn plots (and a heatmap, which is not cached) while the tab
// is hidden; the job itself runs in the host either way.

import * as vscode from 'vscode';
import { CoreError, toWireError } from '../../core/errors';
import type { AnalysisReport } from '../../core/analysis/report';
import { listen, type Handlers } from '../../shared/channel';
import {
  ANALYSIS_PROTOCOL_VERSION,
  FROM_ANALYSIS_TYPES,
  type AnalysisInit,
  type AnalysisPanelState,
  type ComputePlace,
  type FromAnalysis,
  type ToAnalysis,
} from '../../shared/analysisProtocol';
import type { AnalysisSettings } from '../../shared/computeJobs';
import { handlerFailed, log } from '../log';
import { PanelHost } from '../panelHost';
import { analysisSettings } from '../settings';
import type { ResultCache } from './resultCache';
import type { ResolvedSubject } from './subjects';
import { runSubject, type AnalysisCompute, type RunningSubject } from './analysisJob';
import { binaryBytes } from './postedBytes';
import { describeBackend } from '../../core/compute/describeBackend';

export const ANALYSIS_VIEW_TYPE = 'superpositionLab.analysis';

export interface AnalysisDiagnostics {
  readonly title: string;
  readonly mode: 'single' | 'compare';
  readonly subjects: readonly string[];
  readonly results: Readonly<
    Record<
      string,
      {
        meanSqOverlap: number | null;
        overlapMethod: string;
        kernel: string;
        /** The report's backend ("none" when the exact float64 kernel ran). */
        backend: string;
        /** Where it ran, and the compute worker's backend there (even for the float64 kernel). */
        where: ComputePlace['where'];
        workerBackend: string | null;
        cached: boolean;
      }
    >
  >;
  readonly failures: Readonly<Record<string, string>>;
  readonly charts: readonly string[];
  readonly exports: readonly string[];
  readonly cspViolations: readonly string[];
  readonly running: boolean;
  /** The job now running (for tests that cancel it as the page's Cancel does). */
  readonly job: { readonly jobId: string; readonly subjectId: string; readonly started: boolean } | null;
  /** Bytes of binary data (ArrayBuffers) posted to the page, all messages together: only heatmaps carry any. */
  readonly postedBytes: number;
  /** The same, counted per message type. */
  readonly postedBytesByType: Readonly<Record<string, number>>;
}

interface Job {
  readonly subjectId: string;
  readonly running: RunningSubject;
  started: boolean;
}

export interface AnalysisPanelDeps {
  readonly context: vscode.ExtensionContext;
  readonly cache: ResultCache;
  readonly compute: AnalysisCompute;
}

export class AnalysisPanel implements vscode.Disposable {
  private static readonly open = new Map<string, AnalysisPanel>();
  private readonly host: PanelHost<ToAnalysis>;
  private job: Job | undefined;
  private queue: Promise<void> = Promise.resolve();
  private settings: AnalysisSettings = analysisSettings();
  private readonly results = new Map<string, { report: AnalysisReport; cached: boolean; place: ComputePlace }>();
  private readonly failures = new Map<string, string>();
  private readonly postedBytesByType: Record<string, number> = {};
  /** Subjects queued or running, so a second `ready` (a reloaded page) does not queue them twice. */
  private readonly pending = new Set<string>();

  private constructor(
    private readonly key: string,
    panel: vscode.WebviewPanel,
    private readonly subjects: readonly ResolvedSubject[],
    private readonly mode: 'single' | 'compare',
    private readonly deps: AnalysisPanelDeps,
  ) {
    this.host = new PanelHost<ToAnalysis>(
      panel,
      {
        extensionUri: deps.context.extensionUri,
        page: 'analysis',
        name: 'analysis panel',
        init: { protocolVersion: ANALYSIS_PROTOCOL_VERSION, mode, title: panel.title } satisfies AnalysisInit,
      },
      () => {
        AnalysisPanel.open.delete(this.key);
        // Closing the panel stops its job in the worker; queued subjects are skipped (disposed).
        this.job?.running.cancel();
      },
    );
    // Through receive(): the diagnostics command feeds test messages the same way.
    this.host.disposables.push(panel.webview.onDidReceiveMessage((msg: unknown) => this.receive(msg)));
    AnalysisPanel.open.set(key, this);
  }

  private static keyOf(subjects: readonly ResolvedSubject[], mode: 'single' | 'compare'): string {
    return `${mode}:${subjects.map((s) => s.subject.id).join('|')}`;
  }

  private static titleOf(subjects: readonly ResolvedSubject[], mode: 'single' | 'compare'): string {
    return mode === 'single'
      ? `Superposition: ${subjects[0]!.subject.file.split('/').pop()}`
      : `Compare superposition (${subjects.length})`;
  }

  /** Opens (or reveals) the panel for these subjects beside the active editor. */
  static show(
    deps: AnalysisPanelDeps,
    subjects: readonly ResolvedSubject[],
    mode: 'single' | 'compare',
  ): AnalysisPanel {
    const key = AnalysisPanel.keyOf(subjects, mode);
    const existing = AnalysisPanel.open.get(key);
    if (existing) {
      existing.host.panel.reveal(vscode.ViewColumn.Beside);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      ANALYSIS_VIEW_TYPE,
      AnalysisPanel.titleOf(subjects, mode),
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false },
      { enableScripts: true, retainContextWhenHidden: true },
    );
    return new AnalysisPanel(key, panel, subjects, mode, deps);
  }

  /** Takes over a panel VS Code restored after a window reload (WebviewPanelSerializer). */
  static revive(
    deps: AnalysisPanelDeps,
    panel: vscode.WebviewPanel,
    subjects: readonly ResolvedSubject[],
    mode: 'single' | 'compare',
  ): AnalysisPanel {
    const key = AnalysisPanel.keyOf(subjects, mode);
    // The same subjects already open (the command ran first): keep that one, drop the restored tab.
    const existing = AnalysisPanel.open.get(key);
    if (existing) {
      panel.dispose();
      return existing;
    }
    panel.title = AnalysisPanel.titleOf(subjects, mode);
    return new AnalysisPanel(key, panel, subjects, mode, deps);
  }

  static all(): AnalysisPanel[] {
    return [...AnalysisPanel.open.values()];
  }

  private post(message: ToAnalysis): void {
    if (this.host.disposed) return;
    const bytes = binaryBytes(message);
    if (bytes > 0) this.postedBytesByType[message.type] = (this.postedBytesByType[message.type] ?? 0) + bytes;
    this.host.post(message);
  }

  /** A message from the page (or, for tests, the same message through a diagnostics command). */
  receive(msg: unknown): void {
    this.listener ??= listen(FROM_ANALYSIS_TYPES, this.handlers, handlerFailed('Analysis panel'));
    this.listener(msg);
  }

  private listener: ((msg: unknown) => void) | undefined;

  private state(): AnalysisPanelState {
    return {
      mode: this.mode,
      requests: this.subjects.map((s) => ({
        uri: s.request.uri.toString(),
        tensor: s.askedTensor,
        transpose: s.subject.layout.transpose,
      })),
    };
  }

  private readonly handlers: Handlers<FromAnalysis> = {
    ready: (m) => {
      if (m.protocolVersion !== ANALYSIS_PROTOCOL_VERSION) return;
      this.post({
        type: 'subjects',
        subjects: this.subjects.map((s) => s.subject),
        settings: this.settings,
        state: this.state(),
      });
      // A reloaded page (or a second `ready`) gets what is known again, then what is missing runs.
      for (const s of this.subjects) {
        const known = this.results.get(s.subject.id);
        const job = this.job;
        if (known) this.post({ type: 'result', subjectId: s.subject.id, ...known });
        else if (job?.subjectId === s.subject.id) {
          this.post({ type: 'jobQueued', jobId: job.running.jobId, subjectId: job.subjectId });
        } else if (!this.pending.has(s.subject.id)) this.enqueue(s, true);
      }
    },
    cancel: (m) => {
      if (this.job?.running.jobId === m.jobId) this.job.running.cancel();
    },
    rerun: (m) => {
      this.settings = m.settings;
      this.results.clear();
      this.failures.clear();
      this.pending.clear();
      this.job?.running.cancel();
      for (const s of this.subjects) this.enqueue(s, false);
    },
    analyzeTransposed: async (m) => {
      const s = this.subjects.find((x) => x.subject.id === m.subjectId);
      if (s) {
        await vscode.commands.executeCommand('superpositionLab.analyze', s.request.uri, {
          tensor: s.request.tensor,
          transpose: true,
        });
      }
    },
    export: (m) => this.host.pageReports.export(m),
    rendered: (m) => {
      this.host.charts = m.charts;
    },
    cspViolation: (m) => this.host.pageReports.cspViolation(m),
  };

  /** Queues one subject: from the cache if allowed and present, else a job in the extension host. */
  private enqueue(resolved: ResolvedSubject, useCache: boolean): void {
    const settings = this.settings;
    const id = resolved.subject.id;
    this.pending.add(id);
    this.queue = this.queue.then(async () => {
      // Skipped when the panel closed or a rerun with other settings queued it again.
      if (this.host.disposed || settings !== this.settings) return;
      try {
        await this.fromCacheOrJob(resolved, settings, useCache);
      } finally {
        if (settings === this.settings) this.pending.delete(id);
      }
    });
  }

  private async fromCacheOrJob(
    resolved: ResolvedSubject,
    settings: AnalysisSettings,
    useCache: boolean,
  ): Promise<void> {
    const id = resolved.subject.id;
    const cached = useCache ? await this.deps.cache.get(resolved, settings) : null;
    if (this.host.disposed) return;
    if (cached === null) return this.runJob(resolved, settings);
    this.results.set(id, { report: cached.report, cached: true, place: cached.place });
    this.post({ type: 'result', subjectId: id, report: cached.report, cached: true, place: cached.place });
    log().info(`Analysis of ${resolved.subject.file} · ${resolved.subject.tensor} from the cache`);
  }

  private async runJob(resolved: ResolvedSubject, settings: AnalysisSettings): Promise<void> {
    const { subject } = resolved;
    const running = runSubject(this.deps.compute, resolved, settings, {
      started: (place) => {
        job.started = true;
        this.post({ type: 'jobStarted', jobId: running.jobId, subjectId: subject.id, place });
        const where = place.backend === null ? '' : ` on ${describeBackend(place.backend)}`;
        log().info(`Analysing ${subject.file} · ${subject.tensor} in the extension host${where} (${place.kernel})`);
      },
      progress: (fraction, label) => this.post({ type: 'progress', jobId: running.jobId, fraction, label }),
      partial: (norms, total) => this.post({ type: 'partial', jobId: running.jobId, norms, total }),
    });
    const job: Job = { subjectId: subject.id, running, started: false };
    this.job = job;
    this.post({ type: 'jobQueued', jobId: running.jobId, subjectId: subject.id });
    const outcome = await running.outcome;
    if (this.job === job) this.job = undefined;
    if (outcome.kind === 'done') {
      // The worker opened the file itself: cache only if it is still the file that was resolved.
      if (await unchanged(resolved)) {
        await this.deps.cache
          .put(resolved, settings, { report: outcome.report, place: outcome.place })
          .catch((e: unknown) => log().warn(`Could not cache the analysis: ${toWireError(e).message}`));
      }
      // A rerun with other settings while this ran: its result is stale, so it is only cached.
      if (settings !== this.settings) return;
      this.results.set(subject.id, { report: outcome.report, cached: false, place: outcome.place });
      if (outcome.gram !== undefined) {
        this.post({ type: 'heatmap', subjectId: subject.id, n: outcome.report.n, gram: outcome.gram });
      }
      this.post({ type: 'result', subjectId: subject.id, report: outcome.report, cached: false, place: outcome.place });
      log().info(
        `Analysed ${subject.file} · ${subject.tensor} in ${(outcome.report.ms / 1000).toFixed(2)} s: mean squared overlap ${outcome.report.meanSqOverlap}`,
      );
    } else {
      if (settings !== this.settings) return;
      this.failures.set(subject.id, outcome.error.code);
      this.post({ type: 'subjectFailed', subjectId: subject.id, error: outcome.error });
      if (outcome.error.code !== 'job/cancelled') {
        log().warn(`Analysis of ${subject.file} failed: [${outcome.error.code}] ${outcome.error.message}`);
      }
    }
  }

  diagnostics(): AnalysisDiagnostics {
    const results: Record<string, AnalysisDiagnostics['results'][string]> = {};
    for (const [id, { report, cached, place }] of this.results) {
      results[id] = {
        meanSqOverlap: report.meanSqOverlap,
        overlapMethod: report.overlapMethod,
        kernel: report.kernel,
        backend: report.backend,
        where: place.where,
        workerBackend: place.backend?.name ?? null,
        cached,
      };
    }
    const job = this.job;
    return {
      title: this.host.panel.title,
      mode: this.mode,
      subjects: this.subjects.map((s) => s.subject.id),
      results,
      failures: Object.fromEntries(this.failures),
      charts: this.host.charts,
      exports: this.host.exports,
      cspViolations: this.host.cspViolations,
      running: job !== undefined,
      job: job === undefined ? null : { jobId: job.running.jobId, subjectId: job.subjectId, started: job.started },
      postedBytes: Object.values(this.postedBytesByType).reduce((a, b) => a + b, 0),
      postedBytesByType: { ...this.postedBytesByType },
    };
  }

  dispose(): void {
    this.host.dispose();
  }
}

/** Whether the subject's file still has the size and modification time it was resolved with. */
async function unchanged(resolved: ResolvedSubject): Promise<boolean> {
  try {
    const stat = await vscode.workspace.fs.stat(resolved.fileUri);
    return stat.size === resolved.size && stat.mtime === resolved.mtime;
  } catch {
    return false;
  }
}

/** For commands that must refuse early with a sentence rather than open an empty panel. */
export function noSubjects(): CoreError {
  return new CoreError('usage', 'Select at least two .safetensors checkpoints (or index files) to compare.');
}
