// The analysis panel beside a checkpoint: one per checkpoint and tensor ("single"), or one over
// several checkpoints ("compare"). The host reads row blocks and streams them to the page, whose
// worker computes; results are cached per file on disk and reopen instantly.
//
// retainContextWhenHidden: the job runs in this panel's worker, and a hidden webview without it is
// torn down, worker and all. Keeping the context costs memory only while the panel exists.

import * as vscode from 'vscode';
import { CoreError, messages, toWireError, type WireError } from '../../core/errors';
import type { AnalysisReport } from '../../core/analysis/report';
import { dispatch, isMessageOf, type Handlers } from '../../shared/channel';
import {
  ANALYSIS_PROTOCOL_VERSION,
  FROM_ANALYSIS_TYPES,
  type AnalysisInit,
  type FromAnalysis,
  type ToAnalysis,
} from '../../shared/analysisProtocol';
import type { AnalysisSettings } from '../../shared/workerProtocol';
import { defaultBlockRows } from '../../core/analysis/rowBlocks';
import { log } from '../log';
import { analysisSettings, settings } from '../settings';
import { loadComputePage } from '../computePage';
import type { ResultCache } from './resultCache';
import type { ResolvedSubject } from './subjects';
import { saveExport } from './exports';
import { panelIcon } from '../panelIcon';

export const ANALYSIS_VIEW_TYPE = 'superpositionLab.analysis';

/** Blocks sent but not yet folded in by the worker: enough to keep it busy, little memory. */
const BLOCKS_IN_FLIGHT = 3;
/** A job that reports nothing for this long is abandoned. */
const STALL_MS = 120_000;

type JobOutcome = { kind: 'done'; report: AnalysisReport } | { kind: 'failed'; error: WireError };

interface ActiveJob {
  readonly jobId: string;
  readonly resolved: ResolvedSubject;
  readonly settings: AnalysisSettings;
  acked: number;
  ended: boolean;
  wake?: () => void;
  finish: (outcome: JobOutcome) => void;
  progress?: vscode.Progress<{ message?: string; increment?: number }>;
  reported: number;
  lastHeard: number;
}

export interface AnalysisDiagnostics {
  readonly title: string;
  readonly mode: 'single' | 'compare';
  readonly subjects: readonly string[];
  readonly results: Readonly<
    Record<
      string,
      { meanSqOverlap: number | null; overlapMethod: string; kernel: string; backend: string; cached: boolean }
    >
  >;
  readonly failures: Readonly<Record<string, string>>;
  readonly charts: readonly string[];
  readonly exports: readonly string[];
  readonly cspViolations: readonly string[];
  readonly running: boolean;
}

export class AnalysisPanel implements vscode.Disposable {
  private static readonly open = new Map<string, AnalysisPanel>();
  private readonly disposables: vscode.Disposable[] = [];
  private job: ActiveJob | undefined;
  private queue: Promise<void> = Promise.resolve();
  private settings: AnalysisSettings = analysisSettings();
  private readonly results = new Map<string, { report: AnalysisReport; cached: boolean }>();
  private readonly failures = new Map<string, string>();
  private charts: readonly string[] = [];
  private readonly exports: string[] = [];
  private readonly cspViolations: string[] = [];
  private disposed = false;
  private nextJob = 1;

  private constructor(
    private readonly key: string,
    private readonly panel: vscode.WebviewPanel,
    private readonly subjects: readonly ResolvedSubject[],
    private readonly mode: 'single' | 'compare',
    private readonly cache: ResultCache,
    extensionUri: vscode.Uri,
  ) {
    const webview = panel.webview;
    loadComputePage(panel, extensionUri, 'analysis', (urls): AnalysisInit => ({
      protocolVersion: ANALYSIS_PROTOCOL_VERSION,
      mode,
      title: panel.title,
      backend: settings().backend,
      ...urls,
    }));
    this.disposables.push(
      webview.onDidReceiveMessage((msg: unknown) => {
        if (isMessageOf<FromAnalysis>(msg, FROM_ANALYSIS_TYPES)) void dispatch(this.handlers, msg);
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** Opens (or reveals) the panel for these subjects beside the active editor. */
  static show(
    context: vscode.ExtensionContext,
    cache: ResultCache,
    subjects: readonly ResolvedSubject[],
    mode: 'single' | 'compare',
  ): AnalysisPanel {
    const key = `${mode}:${subjects.map((s) => s.subject.id).join('|')}`;
    const existing = AnalysisPanel.open.get(key);
    if (existing) {
      existing.panel.reveal(vscode.ViewColumn.Beside);
      return existing;
    }
    const first = subjects[0]!.subject;
    const title =
      mode === 'single'
        ? `Superposition: ${first.file.split('/').pop()}`
        : `Compare superposition (${subjects.length})`;
    const panel = vscode.window.createWebviewPanel(
      ANALYSIS_VIEW_TYPE,
      title,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false },
      { enableScripts: true, retainContextWhenHidden: true },
    );
    panel.iconPath = panelIcon(context.extensionUri);
    const created = new AnalysisPanel(key, panel, subjects, mode, cache, context.extensionUri);
    AnalysisPanel.open.set(key, created);
    return created;
  }

  static all(): AnalysisPanel[] {
    return [...AnalysisPanel.open.values()];
  }

  private post(message: ToAnalysis): void {
    if (!this.disposed) void this.panel.webview.postMessage(message);
  }

  private readonly handlers: Handlers<FromAnalysis> = {
    ready: (m) => {
      if (m.protocolVersion !== ANALYSIS_PROTOCOL_VERSION) return;
      this.post({ type: 'subjects', subjects: this.subjects.map((s) => s.subject), settings: this.settings });
      for (const s of this.subjects) this.enqueue(s, true);
    },
    jobStarted: (m) => {
      if (this.job?.jobId !== m.jobId) return;
      this.job.lastHeard = Date.now();
      log().info(
        `Analysing ${this.job.resolved.subject.file} · ${this.job.resolved.subject.tensor} on ${m.backend} (${m.kernel})`,
      );
    },
    blockDone: (m) => {
      const job = this.job;
      if (job?.jobId !== m.jobId) return;
      job.acked = Math.max(job.acked, m.index + 1);
      job.lastHeard = Date.now();
      job.wake?.();
    },
    progress: (m) => {
      const job = this.job;
      if (job?.jobId !== m.jobId || !job.progress) return;
      job.lastHeard = Date.now();
      const percent = Math.round(m.fraction * 100);
      job.progress.report({ message: `${m.label} (${percent}%)`, increment: percent - job.reported });
      job.reported = percent;
    },
    jobDone: async (m) => {
      const job = this.job;
      if (job?.jobId !== m.jobId) return;
      await this.cache
        .put(job.resolved, job.settings, m.report)
        .catch((e: unknown) => log().warn(`Could not cache the analysis: ${toWireError(e).message}`));
      job.finish({ kind: 'done', report: m.report });
    },
    jobFailed: (m) => {
      const job = this.job;
      if (job?.jobId === m.jobId) job.finish({ kind: 'failed', error: m.error });
    },
    cancel: (m) => {
      const job = this.job;
      if (job?.jobId !== m.jobId) return;
      // The page has told its worker; stop streaming and wait for the worker's jobFailed.
      job.ended = true;
      job.wake?.();
    },
    rerun: (m) => {
      this.settings = m.settings;
      this.results.clear();
      this.failures.clear();
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
    export: async (m) => {
      const saved = await saveExport(m.fileName, m.format, m.content);
      if (saved) this.exports.push(saved.fsPath);
    },
    rendered: (m) => {
      this.charts = m.charts;
    },
    cspViolation: (m) => {
      this.cspViolations.push(`${m.directive} ${m.blockedURI}`);
      log().error(`Content-Security-Policy violation in the analysis panel: ${m.directive} blocked ${m.blockedURI}`);
    },
  };

  /** Queues one subject: from the cache if allowed and present, else a job in the worker. */
  private enqueue(resolved: ResolvedSubject, useCache: boolean): void {
    this.queue = this.queue.then(async () => {
      if (this.disposed) return;
      const id = resolved.subject.id;
      const cached = useCache ? await this.cache.get(resolved, this.settings) : null;
      if (cached !== null) {
        this.results.set(id, { report: cached, cached: true });
        this.post({ type: 'result', subjectId: id, report: cached, cached: true });
        log().info(`Analysis of ${resolved.subject.file} · ${resolved.subject.tensor} from the cache`);
        return;
      }
      const outcome = await this.runJob(resolved);
      if (outcome.kind === 'done') {
        this.results.set(id, { report: outcome.report, cached: false });
        log().info(
          `Analysed ${resolved.subject.file} · ${resolved.subject.tensor} in ${(outcome.report.ms / 1000).toFixed(2)} s: mean squared overlap ${outcome.report.meanSqOverlap}`,
        );
      } else {
        this.failures.set(id, outcome.error.code);
        this.post({ type: 'subjectFailed', subjectId: id, error: outcome.error });
        if (outcome.error.code !== 'job/cancelled') {
          log().warn(`Analysis of ${resolved.subject.file} failed: [${outcome.error.code}] ${outcome.error.message}`);
        }
      }
    });
  }

  /** Streams one subject's row blocks to the page, with a cancellable progress notification. */
  private runJob(resolved: ResolvedSubject): Promise<JobOutcome> {
    const { subject } = resolved;
    const jobId = `analysis-${this.nextJob++}`;
    const shown = vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Analysing superposition: ${subject.file} · ${subject.tensor}`,
        cancellable: true,
      },
      (progress, token) =>
        new Promise<JobOutcome>((resolve) => {
          const job: ActiveJob = {
            jobId,
            resolved,
            settings: this.settings,
            acked: 0,
            ended: false,
            reported: 0,
            lastHeard: Date.now(),
            progress,
            finish: (outcome) => {
              if (this.job === job) this.job = undefined;
              job.ended = true;
              job.wake?.();
              clearInterval(watchdog);
              cancelListener.dispose();
              resolve(outcome);
            },
          };
          this.job = job;
          const abort = (error: WireError) => {
            this.post({ type: 'jobAbort', jobId, error });
            job.finish({ kind: 'failed', error });
          };
          const cancelListener = token.onCancellationRequested(() =>
            abort({ code: 'job/cancelled', message: messages.cancelled() }),
          );
          const watchdog = setInterval(() => {
            if (Date.now() - job.lastHeard > STALL_MS) {
              abort({
                code: 'internal',
                message: `The analysis stopped responding for ${STALL_MS / 1000} s and was abandoned.`,
              });
            }
          }, 5000);
          void this.stream(job).catch((e: unknown) => abort(toWireError(e)));
        }),
    );
    return Promise.resolve(shown);
  }

  private async stream(job: ActiveJob): Promise<void> {
    const { layout } = job.resolved.subject;
    const blockRows = defaultBlockRows(layout.m);
    const total = Math.ceil(layout.n / blockRows);
    this.post({
      type: 'jobStart',
      jobId: job.jobId,
      subjectId: job.resolved.subject.id,
      layout,
      settings: job.settings,
      totalBlocks: total,
    });
    for (let index = 0; index < total; index++) {
      while (index - job.acked >= BLOCKS_IN_FLIGHT && !job.ended) await new Promise<void>((wake) => (job.wake = wake));
      if (job.ended || this.disposed) return;
      const start = index * blockRows;
      const rows = Math.min(blockRows, layout.n - start);
      const bytes = await job.resolved.readBlock(start, rows);
      if (job.ended || this.disposed) return;
      this.post({ type: 'block', jobId: job.jobId, index, rows, bytes });
    }
    this.post({ type: 'blocksEnd', jobId: job.jobId });
  }

  diagnostics(): AnalysisDiagnostics {
    const results: Record<string, AnalysisDiagnostics['results'][string]> = {};
    for (const [id, { report, cached }] of this.results) {
      results[id] = {
        meanSqOverlap: report.meanSqOverlap,
        overlapMethod: report.overlapMethod,
        kernel: report.kernel,
        backend: report.backend,
        cached,
      };
    }
    return {
      title: this.panel.title,
      mode: this.mode,
      subjects: this.subjects.map((s) => s.subject.id),
      results,
      failures: Object.fromEntries(this.failures),
      charts: this.charts,
      exports: this.exports,
      cspViolations: this.cspViolations,
      running: this.job !== undefined,
    };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    AnalysisPanel.open.delete(this.key);
    this.job?.finish({ kind: 'failed', error: { code: 'job/cancelled', message: 'The panel was closed.' } });
    this.disposables.forEach((d) => d.dispose());
    this.panel.dispose();
  }
}

/** For commands that must refuse early with a sentence rather than open an empty panel. */
export function noSubjects(): CoreError {
  return new CoreError('usage', 'Select at least two .safetensors checkpoints (or index files) to compare.');
}
