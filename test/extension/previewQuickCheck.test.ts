// The preview's quick check on the extension host (issue 11): the plan's runs go to the preview
// lane as train jobs one after another; every change reaches the page as a status with the
// version; cancel stops the job on the worker and nothing of that check is reported afterwards.
// A fake HostCompute stands in for the worker, so each job ends when the test says.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseExperimentConfig } from '../../src/core/config/parse';
import type { ExperimentConfig } from '../../src/core/config/schema';
import { quickCheckPlan } from '../../src/core/toy/quickCheck';
import { CoreError } from '../../src/core/errors';
import type { BackendReport } from '../../src/core/compute/backend';
import type { JobHooks } from '../../src/node/computeWorker';
import type { NodeWorkerJob, NodeWorkerResult } from '../../src/shared/nodeWorkerProtocol';
import type { QuickCheckStatus } from '../../src/shared/previewProtocol';
import type { ComputeLane } from '../../src/extension/compute/hostCompute';
import { PreviewQuickCheck, type QuickCheckRequest } from '../../src/extension/experiment/previewQuickCheck';

const WASM: BackendReport = { name: 'wasm', skipped: [{ name: 'webgpu', reason: 'no GPU adapter' }] };

function config(yaml: string): ExperimentConfig {
  const parsed = parseExperimentConfig(`version: 1\nname: q\n${yaml}`, { fileName: 'q.experiment.yaml' });
  if (parsed.config === null) throw new Error(JSON.stringify(parsed.problems));
  return parsed.config;
}

// Two series (weight decay) × three widths: six quick runs.
const SMALL = config(`data:
  features: 64
model:
  width: [4, 8, 16]
optimizer:
  weightDecay: [-1, 0.3]
train:
  steps: 100
  batch: 32
`);

interface FakeJob {
  readonly lane: ComputeLane;
  readonly job: NodeWorkerJob;
  readonly hooks: JobHooks;
  cancelled: boolean;
  finish(loss: number): void;
  fail(e: unknown): void;
}

/** A HostCompute whose jobs end only when the test calls finish/fail. */
function fakeCompute() {
  const jobs: FakeJob[] = [];
  return {
    jobs,
    run(lane: ComputeLane, job: NodeWorkerJob, hooks: JobHooks = {}) {
      let resolve!: (r: NodeWorkerResult) => void;
      let reject!: (e: unknown) => void;
      const result = new Promise<NodeWorkerResult>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      const fake: FakeJob = {
        lane,
        job,
        hooks,
        cancelled: false,
        finish: (loss) =>
          resolve({
            kind: 'train',
            backend: WASM,
            result: { finalLoss: loss } as never,
            W: new ArrayBuffer(0),
            b: new ArrayBuffer(0),
          }),
        fail: reject,
      };
      jobs.push(fake);
      return { result, cancel: () => (fake.cancelled = true) };
    },
  };
}

function setup() {
  const compute = fakeCompute();
  const reports: QuickCheckStatus[] = [];
  const quick = new PreviewQuickCheck(compute, (s) => reports.push(s));
  return { compute, reports, quick };
}

const request = (version: number, c: ExperimentConfig = SMALL): QuickCheckRequest => ({
  version,
  config: c,
  counts: undefined,
  calibration: 1,
});

/** Lets the check's promise chain move on. */
const settle = () => new Promise((r) => setTimeout(r, 0));

async function jobCount(compute: ReturnType<typeof fakeCompute>, n: number): Promise<void> {
  for (let i = 0; i < 50 && compute.jobs.length < n; i++) await settle();
  expect(compute.jobs.length).toBe(n);
}

afterEach(() => vi.useRealTimers());

describe('the quick check in the extension host', () => {
  it('reports waiting, then trains the plan on the preview lane, one point per run, and ends done', async () => {
    const { compute, reports, quick } = setup();
    const plan = quickCheckPlan(SMALL, 1);
    expect(plan.runs).toHaveLength(6);
    quick.schedule(request(7), 0);
    expect(reports.at(-1)).toMatchObject({ version: 7, state: 'waiting', points: [] });
    for (let i = 0; i < plan.runs.length; i++) {
      await jobCount(compute, i + 1);
      const job = compute.jobs[i]!;
      expect(job.lane).toBe('preview');
      expect(job.job.kind).toBe('train');
      if (job.job.kind !== 'train') return;
      expect(job.job.spec.id).toBe(plan.runs[i]!.id);
      expect(job.job.frequencies.p).toHaveLength(64);
      expect(reports.at(-1)).toMatchObject({ version: 7, state: 'running' });
      expect(reports.at(-1)!.message).toContain(`run ${i + 1} of 6`);
      if (i === 0) {
        job.hooks.started?.(WASM, 'exact');
        job.hooks.trainProgress?.(50, 0.1);
        expect(reports.at(-1)!.fraction).toBeCloseTo(0.5 / 6, 6);
      }
      job.finish(0.01 * (i + 1));
    }
    await settle();
    const last = reports.at(-1)!;
    expect(last.state).toBe('done');
    expect(last.version).toBe(7);
    expect(last.fraction).toBe(1);
    expect(last.backend).toBe('wasm; skipped webgpu: no GPU adapter');
    expect(last.points.map((p) => p.loss)).toEqual([0.01, 0.02, 0.03, 0.04, 0.05, 0.06]);
    expect(last.points.map((p) => p.m)).toEqual(plan.runs.map((r) => r.values.width));
    expect(new Set(last.points.map((p) => p.series)).size).toBe(2);
    expect(quick.ends()).toEqual([expect.objectContaining({ version: 7, state: 'done', stoppedOnWorker: false })]);
  });

  it('a cancel mid-run stops the job on the worker; what that job does afterwards is never reported', async () => {
    const { compute, reports, quick } = setup();
    quick.schedule(request(3), 0);
    await jobCount(compute, 1);
    compute.jobs[0]!.finish(0.5);
    await jobCount(compute, 2);
    const inFlight = compute.jobs[1]!;
    quick.cancel('Quick check discarded: the config changed.');
    expect(inFlight.cancelled).toBe(true);
    const cancelled = reports.at(-1)!;
    expect(cancelled).toMatchObject({
      version: 3,
      state: 'cancelled',
      message: 'Quick check discarded: the config changed.',
    });
    expect(cancelled.points).toHaveLength(1);
    const count = reports.length;
    // The worker's late answer (either kind) changes nothing and starts nothing.
    inFlight.finish(0.25);
    await settle();
    await settle();
    expect(reports).toHaveLength(count);
    expect(compute.jobs).toHaveLength(2);
    expect(quick.ends()).toEqual([expect.objectContaining({ version: 3, state: 'cancelled', stoppedOnWorker: true })]);
    // The next version starts clean.
    quick.schedule(request(4), 0);
    expect(reports.at(-1)).toMatchObject({ version: 4, state: 'waiting', points: [], backend: null });
    await jobCount(compute, 3);
    inFlight.fail(new CoreError('job/cancelled', 'Cancelled.'));
    await settle();
    expect(reports.every((r) => r.version === 4 || reports.indexOf(r) < count)).toBe(true);
  });

  it('a newer schedule before the delay ends means the older check never starts a job', async () => {
    vi.useFakeTimers();
    const { compute, reports, quick } = setup();
    quick.schedule(request(1), 600);
    vi.advanceTimersByTime(300);
    quick.schedule(request(2), 600);
    expect(reports.map((r) => [r.version, r.state])).toEqual([
      [1, 'waiting'],
      [1, 'cancelled'],
      [2, 'waiting'],
    ]);
    expect(quick.ends()[0]!.stoppedOnWorker).toBe(false);
    vi.advanceTimersByTime(599);
    expect(compute.jobs).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(compute.jobs).toHaveLength(1);
    const job = compute.jobs[0]!.job;
    expect(job.kind === 'train' && job.spec.id.startsWith('quick-')).toBe(true);
  });

  it('a failing job ends the check with its message; a cancel afterwards is a no-op', async () => {
    const { compute, reports, quick } = setup();
    quick.schedule(request(5), 0);
    await jobCount(compute, 1);
    compute.jobs[0]!.fail(new CoreError('compute/worker-crashed', 'The compute worker stopped (exit code 1).'));
    await settle();
    expect(reports.at(-1)).toMatchObject({
      state: 'failed',
      message: 'Quick check failed: The compute worker stopped (exit code 1).',
    });
    const count = reports.length;
    quick.cancel('Quick check cancelled.');
    expect(reports).toHaveLength(count);
    expect(compute.jobs[0]!.cancelled).toBe(false);
    expect(compute.jobs).toHaveLength(1);
  });

  it('a sweep too large for the time budget is skipped with the reason, without a job', async () => {
    const { compute, reports, quick } = setup();
    const large = config(`data:
  features: 20000
model:
  width: [2048, 4096]
train:
  steps: 20000
  batch: 4096
`);
    quick.schedule(request(9, large), 0);
    await settle();
    expect(reports.at(-1)).toMatchObject({ version: 9, state: 'skipped' });
    expect(reports.at(-1)!.message).toMatch(/^Quick check skipped: too large for a quick check/);
    expect(compute.jobs).toHaveLength(0);
  });

  it('frequencies that cannot be made (too few empirical counts) fail the check with the reason', async () => {
    const { compute, reports, quick } = setup();
    const empirical = config(`data:
  features: 64
  distribution: empirical
  counts: counts.txt
model:
  width: [4]
train:
  steps: 100
  batch: 32
`);
    quick.schedule({ ...request(2, empirical), counts: [5, 4, 3] }, 0);
    await settle();
    await settle();
    expect(reports.at(-1)!.state).toBe('failed');
    expect(reports.at(-1)!.message).toMatch(/counts file has 3 non-zero counts; data\.features asks for 64/);
    expect(compute.jobs).toHaveLength(0);
  });
});

describe('the preview page', () => {
  it('ships without worker code: it draws, the host computes', () => {
    // Built by test/globalSetup.ts (the analysis and experiment pages still start a worker today).
    const bundle = readFileSync(path.resolve(__dirname, '../../dist/webview/preview.js'), 'utf8');
    expect(bundle).not.toContain('new Worker(');
    expect(bundle).not.toContain('workerUrl');
  });
});
