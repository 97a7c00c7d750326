// One subject's analysis as an `analyzeFile` job on the extension host's compute worker (the
// 'analysis' lane): the worker opens the checkpoint itself, next to the files (and the GPU under
// VS Code Remote), so no tensor bytes cross a thread or reach the webview. A cancellable progress
// notification runs alongside; its Cancel, the page's Cancel and closing the panel all end in
// `HostJob.cancel`, and the job then settles as failed with job/cancelled once the worker stops.

import * as vscode from 'vscode';
import { CoreError, messages, toWireError, type WireError } from '../../core/errors';
import type { AnalysisReport } from '../../core/analysis/report';
import type { PartialNorms } from '../../core/analysis/superposition';
import type { BackendReport } from '../../core/compute/backend';
import type { ComputePlace } from '../../shared/analysisProtocol';
import type { AnalyzeFileJob, NodeWorkerResult } from '../../shared/nodeWorkerProtocol';
import type { AnalysisSettings } from '../../shared/computeJobs';
import { analyzeFileJob, notLocalMessage, progressLabel } from './jobSpec';
import type { ComputeLane, HostJob } from '../compute/hostCompute';
import type { JobHooks } from '../../node/computeWorker';
import type { ResolvedSubject } from './subjects';

/** What runSubject needs of HostCompute (an interface, so tests can stand in for the worker). */
export interface AnalysisCompute {
  run(lane: ComputeLane, job: AnalyzeFileJob, hooks: JobHooks): HostJob;
}

export type SubjectOutcome =
  | {
      readonly kind: 'done';
      readonly report: AnalysisReport;
      readonly place: ComputePlace;
      readonly gram?: ArrayBuffer;
    }
  | { readonly kind: 'failed'; readonly error: WireError };

export interface SubjectJobEvents {
  readonly started: (place: ComputePlace) => void;
  readonly progress: (fraction: number, label: string) => void;
  readonly partial: (norms: PartialNorms, total: number) => void;
}

export interface RunningSubject {
  readonly jobId: string;
  /** Asks the worker to stop (idempotent); `outcome` then settles with job/cancelled. */
  readonly cancel: () => void;
  readonly outcome: Promise<SubjectOutcome>;
}

/** Analysis jobs of this extension host: how many run, and how the recent ones ended (diagnostics). */
const ledger = { running: 0, ended: [] as { subjectId: string; outcome: string; at: number }[] };

export function analysisJobLedger(): {
  running: number;
  ended: readonly { subjectId: string; outcome: string; at: number }[];
} {
  return { running: ledger.running, ended: [...ledger.ended] };
}

let nextJob = 1;

export function runSubject(
  compute: AnalysisCompute,
  resolved: ResolvedSubject,
  settings: AnalysisSettings,
  events: SubjectJobEvents,
): RunningSubject {
  const jobId = `analysis-${nextJob++}`;
  const { subject } = resolved;
  const path = resolved.localPath;
  if (path === null) {
    const error: WireError = { code: 'usage', message: notLocalMessage(subject.file, resolved.request.uri.scheme) };
    return { jobId, cancel: () => undefined, outcome: Promise.resolve({ kind: 'failed', error }) };
  }
  let backend: BackendReport | null = null;
  let kernel = '';
  let cancelled = false;
  /** The notification's share of progress, once it is shown. */
  let notify: ((fraction: number, label: string) => void) | undefined;
  const host = compute.run('analysis', analyzeFileJob(path, subject, settings), {
    started: (b, k) => {
      backend = b;
      kernel = k;
      events.started({ where: 'extension-host', backend: b, kernel: k });
    },
    progress: (fraction) => {
      const label = progressLabel(fraction, subject.layout.n);
      notify?.(fraction, label);
      events.progress(fraction, label);
    },
    partial: (norms, total) => events.partial(norms, total),
  });
  const cancel = () => {
    if (cancelled) return;
    cancelled = true;
    host.cancel();
  };
  ledger.running++;
  const outcome = host.result.then((result: NodeWorkerResult): SubjectOutcome => {
    if (result.kind !== 'analyzeFile') throw new CoreError('internal', 'The compute worker returned the wrong result.');
    // The worker names the file by its path; the panel, cache and exports use the display name.
    const report = { ...result.report, file: subject.file };
    const place: ComputePlace = {
      where: 'extension-host',
      backend: backend ?? result.backend,
      kernel: kernel || report.kernel,
    };
    return { kind: 'done', report, place, ...(result.gram === undefined ? {} : { gram: result.gram }) };
  });
  const settled = outcome
    .catch((e: unknown): SubjectOutcome => {
      const error = toWireError(e);
      // A cancel that raced the end of the job may surface as another error: report the cancel.
      return { kind: 'failed', error: cancelled ? { code: 'job/cancelled', message: messages.cancelled() } : error };
    })
    .then((o) => {
      ledger.running--;
      ledger.ended.push({ subjectId: subject.id, outcome: o.kind === 'done' ? 'done' : o.error.code, at: Date.now() });
      if (ledger.ended.length > 20) ledger.ended.shift();
      return o;
    });
  void vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Analysing superposition: ${subject.file} · ${subject.tensor}`,
      cancellable: true,
    },
    (progress, token) => {
      let reported = 0;
      const listener = token.onCancellationRequested(cancel);
      notify = (fraction, label) => {
        const percent = Math.round(fraction * 100);
        progress.report({ message: `${label} (${percent}%)`, increment: percent - reported });
        reported = percent;
      };
      return settled.finally(() => listener.dispose());
    },
  );
  return { jobId, cancel, outcome: settled };
}
