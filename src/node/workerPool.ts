// A pool of Node compute workers that takes units of work (a training run, an analysis): each
// lane runs one unit at a time on its own worker; a worker that crashes is replaced before the
// lane's next unit. Used by the CLI's `--jobs N`; the extension host can hold one for its jobs.

import type { ComputeWorker } from './computeWorker';
import { CoreError } from '../core/errors';

const isCancel = (e: unknown) => e instanceof CoreError && e.code === 'job/cancelled';
// Read through a function: the loop's condition would otherwise narrow `failure` to undefined.
const failureOf = (state: { failure?: unknown }): unknown => state.failure;

export class WorkerPool {
  private readonly workers: (ComputeWorker | undefined)[];

  /** `first`: an already started worker (e.g. the one that probed the backend) for lane 0. */
  constructor(
    private readonly make: () => ComputeWorker,
    readonly size: number,
    first?: ComputeWorker,
  ) {
    this.workers = Array.from({ length: size }, (_, i) => (i === 0 ? first : undefined));
  }

  /** Lane `lane`'s worker, started (or restarted after a crash) on demand. */
  worker(lane: number): ComputeWorker {
    let w = this.workers[lane];
    if (w === undefined || !w.alive) {
      w = this.make();
      this.workers[lane] = w;
    }
    return w;
  }

  /**
   * Runs every unit, `size` at a time. After the first failure no new unit starts; the running
   * ones finish, then that failure is thrown (a cancel is thrown as job/cancelled, after the rest).
   */
  async each<T>(
    units: readonly T[],
    work: (unit: T, index: number, worker: ComputeWorker, lane: number) => Promise<void>,
  ): Promise<void> {
    let next = 0;
    const state: { failure?: unknown } = {};
    const lane = async (l: number) => {
      while (state.failure === undefined && next < units.length) {
        const index = next++;
        try {
          await work(units[index]!, index, this.worker(l), l);
        } catch (e) {
          // A real error wins over a cancel seen in another lane.
          const first = failureOf(state);
          if (first === undefined || (!isCancel(e) && isCancel(first))) state.failure = e;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.size, units.length) }, (_, l) => lane(l)));
    if (state.failure !== undefined) throw state.failure;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w?.terminate()));
  }
}
