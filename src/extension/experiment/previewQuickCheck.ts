// The preview's quick check, run in the extension host: a few short training runs (the plan of
// core/toy/quickCheck.ts) on the preview lane's compute worker, one after another, reported to
// the page as a QuickCheckStatus after every change (state, progress, each measured point).
//
// One check at a time per preview. `cancel` stops the job in flight on the worker (HostJob.cancel)
// and reports `cancelled` at once; whatever that job or the loop does afterwards is dropped, so a
// check that was cancelled never reports again. No `vscode` import: unit-tested with a fake compute.

import type { ExperimentConfig } from '../../core/config/schema';
import type { RunSpec } from '../../core/config/sweep';
import type { MeasuredPoint } from '../../core/charts/previewSpecs';
import { describeBackend } from '../../core/compute/describeBackend';
import { featureFrequencies, type FeatureFrequencies } from '../../core/toy/distributions';
import { quickCheckPlan } from '../../core/toy/quickCheck';
import { seriesLabelOf } from '../../core/toy/theory';
import { toWireError } from '../../core/errors';
import type { QuickCheckState, QuickCheckStatus } from '../../shared/previewProtocol';
import type { HostCompute, HostJob } from '../compute/hostCompute';

/** The part of HostCompute the check uses. */
export type QuickCheckCompute = Pick<HostCompute, 'run'>;

export interface QuickCheckRequest {
  readonly version: number;
  readonly config: ExperimentConfig;
  readonly counts: readonly number[] | undefined;
  /** Measured ÷ modelled step time: sizes the plan to its time budget. */
  readonly calibration: number;
}

/** How a check ended, kept for the diagnostics command (the integration test reads it). */
export interface QuickCheckEnd {
  readonly version: number;
  readonly state: QuickCheckState;
  readonly message: string;
  /** Cancelled while a run was on the worker (so HostJob.cancel was called). */
  readonly stoppedOnWorker: boolean;
}

const FINAL: ReadonlySet<QuickCheckState> = new Set(['done', 'skipped', 'cancelled', 'failed']);
/** Ends remembered for the diagnostics. */
const ENDS_KEPT = 20;

interface Check {
  status: QuickCheckStatus;
  job: HostJob | null;
  /** Set by cancel: from then on this check reports nothing. */
  over: boolean;
}

export class PreviewQuickCheck {
  private current: Check | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly endLog: QuickCheckEnd[] = [];

  constructor(
    private readonly compute: QuickCheckCompute,
    private readonly report: (status: QuickCheckStatus) => void,
  ) {}

  /** The latest status reported (of any version), or null before the first check. */
  status(): QuickCheckStatus | null {
    return this.current?.status ?? null;
  }

  ends(): readonly QuickCheckEnd[] {
    return this.endLog;
  }

  /** Cancels any check, reports `waiting` for `request`, and starts it after `delayMs`. */
  schedule(request: QuickCheckRequest, delayMs: number): void {
    this.cancel('Quick check discarded: the config changed.');
    const check = this.begin(request.version);
    this.update(check, { state: 'waiting', message: 'Quick check starts when you stop typing…' });
    this.timer = setTimeout(() => void this.run(check, request), delayMs);
  }

  /** Stops the check in flight (on the worker too) and reports `cancelled`; no-op when none. */
  cancel(message: string): void {
    clearTimeout(this.timer);
    const check = this.current;
    if (check === null || check.over) return;
    const stoppedOnWorker = check.job !== null;
    check.job?.cancel();
    this.update(check, { state: 'cancelled', message }, stoppedOnWorker);
  }

  dispose(): void {
    this.cancel('Quick check cancelled: the preview was closed.');
  }

  private begin(version: number): Check {
    const check: Check = {
      status: { version, state: 'waiting', message: '', points: [], fraction: 0, backend: null },
      job: null,
      over: false,
    };
    this.current = check;
    return check;
  }

  private update(check: Check, change: Partial<QuickCheckStatus>, stoppedOnWorker = false): void {
    if (check.over) return;
    check.status = { ...check.status, ...change };
    if (FINAL.has(check.status.state)) {
      check.over = true;
      check.job = null;
      const { version, state, message } = check.status;
      this.endLog.push({ version, state, message, stoppedOnWorker });
      if (this.endLog.length > ENDS_KEPT) this.endLog.shift();
    }
    this.report(check.status);
  }

  private async run(check: Check, request: QuickCheckRequest): Promise<void> {
    const plan = quickCheckPlan(request.config, request.calibration);
    if (plan.runs.length === 0) {
      this.update(check, { state: 'skipped', message: `Quick check skipped: ${plan.skipped ?? 'nothing to run'}.` });
      return;
    }
    const t0 = Date.now();
    const frequencies = new Map<string, FeatureFrequencies>();
    const total = plan.runs.length;
    for (const [i, spec] of plan.runs.entries()) {
      if (check.over) return;
      const v = spec.values;
      this.update(check, {
        state: 'running',
        message: `Quick check: run ${i + 1} of ${total} (m = ${v.width}, ${spec.steps} steps, B = ${spec.batch})…`,
        fraction: i / total,
      });
      let loss: number;
      try {
        loss = await this.train(check, spec, frequenciesOf(frequencies, spec, request.counts), i, total);
      } catch (e) {
        // After our own cancel this is its echo and update() drops it; otherwise the worker
        // cancelled (or lost) the job by itself, and the check ends with the reason.
        const wire = toWireError(e);
        const cancelled = wire.code === 'job/cancelled';
        this.update(check, {
          state: cancelled ? 'cancelled' : 'failed',
          message: cancelled ? 'Quick check cancelled.' : `Quick check failed: ${wire.message}`,
        });
        return;
      }
      if (check.over) return;
      const point: MeasuredPoint = { series: seriesLabelOf(v), m: v.width, loss };
      this.update(check, { points: [...check.status.points, point], fraction: (i + 1) / total });
    }
    const seconds = (Date.now() - t0) / 1000;
    this.update(check, {
      state: 'done',
      message: `Quick check: ${total} short runs in ${seconds.toFixed(1)} s (♦ on the loss plot; fewer steps than the real runs, so above them).`,
      fraction: 1,
    });
  }

  /** One run on the preview lane; resolves to its final loss. */
  private async train(
    check: Check,
    spec: RunSpec,
    f: FeatureFrequencies,
    index: number,
    total: number,
  ): Promise<number> {
    const job = this.compute.run(
      'preview',
      {
        kind: 'train',
        spec,
        frequencies: { p: Array.from(f.p), capped: f.capped, effectiveDensity: f.effectiveDensity },
      },
      {
        started: (backend) => this.update(check, { backend: describeBackend(backend) }),
        trainProgress: (step) =>
          this.update(check, { fraction: (index + Math.min(1, step / Math.max(1, spec.steps))) / total }),
      },
    );
    check.job = job;
    const result = await job.result;
    if (result.kind !== 'train') throw new Error(`the worker answered a ${result.kind} job to a train job`);
    return result.result.finalLoss;
  }
}

/** A run's feature frequencies, computed once per distinct (distribution, exponent, density). */
function frequenciesOf(
  cache: Map<string, FeatureFrequencies>,
  spec: RunSpec,
  counts: readonly number[] | undefined,
): FeatureFrequencies {
  const v = spec.values;
  const key = `${v.distribution}|${v.exponent}|${v.density}`;
  let f = cache.get(key);
  if (f === undefined) {
    f = featureFrequencies({
      distribution: v.distribution,
      n: spec.n,
      exponent: v.exponent ?? 0,
      scale: spec.scale,
      density: v.density,
      ...(counts === undefined ? {} : { counts }),
    });
    cache.set(key, f);
  }
  return f;
}
