// The extension host's training lane as trainPending's lanes: runs in order, one at a time; the
// first failure ends the sweep; Stop reaches the worker; a silent worker is abandoned with a
// clear error instead of a hang.
import { describe, expect, it } from 'vitest';
import { hostTrainLanes } from '../../src/extension/experiment/hostTrainLanes';
import type { HostCompute } from '../../src/extension/compute/hostCompute';
import type { JobHooks } from '../../src/node/computeWorker';
import type { NodeWorkerResult } from '../../src/shared/nodeWorkerProtocol';

interface FakeJob {
  readonly hooks: JobHooks;
  cancelled: boolean;
  resolve: (r: NodeWorkerResult) => void;
  reject: (e: unknown) => void;
}

function fakeCompute() {
  const jobs: FakeJob[] = [];
  const lanes: string[] = [];
  const compute = {
    run(lane: string, _job: unknown, hooks: JobHooks = {}) {
      lanes.push(lane);
      let job!: FakeJob;
      const result = new Promise<NodeWorkerResult>((resolve, reject) => {
        job = { hooks, cancelled: false, resolve, reject };
      });
      jobs.push(job);
      return { result, cancel: () => (job.cancelled = true) };
    },
  };
  return { compute: compute as unknown as HostCompute, jobs, lanes };
}

const probe = { kind: 'probe' } as const;
const done = { kind: 'probe', backend: { name: 'wasm', skipped: [] }, maxAbsError: 0, ms: 1 } as NodeWorkerResult;
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('hostTrainLanes', () => {
  it('runs the units in order on the train lane, one at a time', async () => {
    const { compute, jobs, lanes } = fakeCompute();
    const order: string[] = [];
    const sweep = hostTrainLanes(compute).each(['a', 'b'], async (unit, index, worker, lane) => {
      order.push(`${unit}${index}@${lane}`);
      await worker.run(probe).result;
    });
    await tick();
    expect(jobs).toHaveLength(1); // b waits for a
    jobs[0]!.resolve(done);
    await tick();
    expect(jobs).toHaveLength(2);
    jobs[1]!.resolve(done);
    await sweep;
    expect(order).toEqual(['a0@0', 'b1@0']);
    expect(lanes).toEqual(['train', 'train']);
  });

  it('ends at the first failure: no later unit starts', async () => {
    const { compute, jobs } = fakeCompute();
    const sweep = hostTrainLanes(compute).each(['a', 'b'], async (_u, _i, worker) => {
      await worker.run(probe).result;
    });
    await tick();
    jobs[0]!.reject(new Error('device lost'));
    await expect(sweep).rejects.toThrow('device lost');
    expect(jobs).toHaveLength(1);
  });

  it('forwards cancel to the job it started', async () => {
    const { compute, jobs } = fakeCompute();
    const lanes = hostTrainLanes(compute);
    let jobId = '';
    const sweep = lanes.each(['a'], async (_u, _i, worker) => {
      const job = worker.run(probe);
      jobId = job.jobId;
      worker.cancel('not-this-one');
      expect(jobs[0]!.cancelled).toBe(false);
      worker.cancel(jobId);
      expect(jobs[0]!.cancelled).toBe(true);
      jobs[0]!.resolve(done);
      await job.result;
    });
    await sweep;
    expect(jobId).not.toBe('');
  });

  it('abandons a worker that reports nothing for the stall time, with an error naming it', async () => {
    const { compute, jobs } = fakeCompute();
    const started = Date.now();
    const sweep = hostTrainLanes(compute, 60).each(['a'], async (_u, _i, worker) => {
      await worker.run(probe).result;
    });
    await expect(sweep).rejects.toThrow(/reported no progress for/);
    await expect(sweep).rejects.toMatchObject({ code: 'job/stalled' });
    expect(jobs[0]!.cancelled).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('progress keeps a slow run alive past the stall time', async () => {
    const { compute, jobs } = fakeCompute();
    const steps: number[] = [];
    const sweep = hostTrainLanes(compute, 80).each(['a'], async (_u, _i, worker) => {
      await worker.run(probe, { trainProgress: (step) => steps.push(step) }).result;
    });
    await tick();
    for (let step = 1; step <= 6; step++) {
      await new Promise((r) => setTimeout(r, 40));
      jobs[0]!.hooks.trainProgress?.(step, 0.1);
    }
    jobs[0]!.resolve(done);
    await sweep;
    expect(steps).toEqual([1, 2, 3, 4, 5, 6]);
    expect(jobs[0]!.cancelled).toBe(false);
  });
});
