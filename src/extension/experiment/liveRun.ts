// The run a sweep is training in the extension host now, as panels draw it: its step, loss and
// loss curve so far. The curve keeps every k-th sync point, k doubling whenever it would pass a
// few hundred points (evenly spaced from the start, plus the latest), so a long run costs each
// message (and a panel opened late) the same few kilobytes.

import type { RunSpec } from '../../core/config/sweep';
import type { LiveRun } from '../../shared/experimentProtocol';

/** The live curve keeps at most this many points. */
export const LIVE_POINTS = 400;

export class LiveRunState {
  private step = 0;
  private loss: number | null = null;
  private points: { step: number; loss: number }[] = [];
  /** Sync points seen, and every `stride`-th of them is kept. */
  private seen = 0;
  private stride = 1;
  readonly startedAt = Date.now();

  constructor(
    readonly spec: RunSpec,
    /** "in the extension host on wasm". */
    readonly where: string,
    private readonly maxPoints = LIVE_POINTS,
  ) {}

  get stepsDone(): number {
    return this.step;
  }

  get lastLoss(): number | null {
    return this.loss;
  }

  /** A sync point: `mse` is the unscaled MSE (the loss is n × MSE, as the charts plot it). */
  progress(step: number, mse: number): void {
    this.step = step;
    this.loss = mse * this.spec.n;
    if (this.seen++ % this.stride !== 0) return;
    this.points.push({ step, loss: this.loss });
    if (this.points.length > this.maxPoints) {
      // Kept points sit at sync points 0, s, 2s, …: keeping the even ones leaves 0, 2s, 4s, ….
      this.stride *= 2;
      this.points = this.points.filter((_, k) => k % 2 === 0);
    }
  }

  /** The kept points, and the latest sync point when it was not kept (the curve reaches now). */
  private curve(): { step: number; loss: number }[] {
    const last = this.points.at(-1);
    if (this.loss === null || last?.step === this.step) return this.points.slice();
    return [...this.points, { step: this.step, loss: this.loss }];
  }

  toWire(): LiveRun {
    return {
      runId: this.spec.id,
      steps: this.spec.steps,
      step: this.step,
      loss: this.loss,
      where: this.where,
      points: this.curve(),
      startedAt: this.startedAt,
    };
  }
}
