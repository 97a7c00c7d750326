// The live run panels draw: loss = n × MSE, and a curve that stays small however long the run.
import { describe, expect, it } from 'vitest';
import { LiveRunState } from '../../src/extension/experiment/liveRun';
import type { RunSpec } from '../../src/core/config/sweep';

const spec = { id: 'linear-m8', n: 64, steps: 100_000 } as RunSpec;

describe('LiveRunState', () => {
  it('reports the step and the loss (n × MSE) of the latest sync point', () => {
    const live = new LiveRunState(spec, 'in the extension host on wasm');
    expect(live.toWire()).toMatchObject({ runId: 'linear-m8', step: 0, loss: null, points: [] });
    live.progress(50, 0.5);
    expect(live.toWire()).toMatchObject({ step: 50, loss: 32, steps: 100_000, where: 'in the extension host on wasm' });
  });

  it('thins the curve evenly from its start, keeping its latest point, never past the limit', () => {
    const live = new LiveRunState(spec, 'here', 10);
    for (let step = 1; step <= 1000; step++) live.progress(step, step / 64);
    const points = live.toWire().points;
    expect(points.length).toBeLessThanOrEqual(11); // the kept points and the latest
    expect(points.length).toBeGreaterThanOrEqual(5);
    expect(points.at(-1)).toEqual({ step: 1000, loss: 1000 });
    const steps = points.map((p) => p.step);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(steps[0]).toBe(1); // the start of the curve is still there
    const gaps = steps.slice(1, -1).map((s, k) => s - steps[k]!);
    expect(new Set(gaps).size).toBe(1); // evenly spaced
  });

  it('hands out copies: a message already sent does not change', () => {
    const live = new LiveRunState(spec, 'here');
    live.progress(1, 1);
    const sent = live.toWire();
    live.progress(2, 1);
    expect(sent.points).toHaveLength(1);
  });
});
