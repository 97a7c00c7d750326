// What the Runs view shows of an experiment (src/node/experimentStatus.ts), from real files: runs
// pending, done (with loss and φ½) and running — under a lock of this process ("here") or of
// another host — grouped by series with the fitted α_m; a config with errors gives its problems.
import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { experimentStatus } from '../../src/node/experimentStatus';
import { lockFile, prepareExperiment, refreshResults, saveRun } from '../../src/node/experimentStore';
import { tempDir } from '../fixtures/files';
import { fakeTrained } from '../fixtures/runs';

const tmp = tempDir('spl-status-');
afterAll(tmp.cleanup);

const text =
  'version: 1\nname: status\ndata: {features: 16}\nmodel: {width: [2, 4, 8]}\noptimizer: {weightDecay: [-1, 0.3]}\ntrain: {steps: 50, batch: 8}\n';

describe('experimentStatus', () => {
  it('groups runs by series with their state, loss, φ½ and α_m, and names who trains what', async () => {
    const file = path.join(tmp.dir, 'status.experiment.yaml');
    writeFileSync(file, text);
    const prepared = await prepareExperiment(file, text);
    if (!prepared.ok) throw new Error('config rejected');
    const e = prepared.experiment;
    // The whole first series (γ = -1) is finished with loss 1/m: α_m = 1 exactly.
    let results = e.results;
    const [first, second] = [
      e.runs.filter((r) => r.values.weightDecay === -1),
      e.runs.filter((r) => r.values.weightDecay === 0.3),
    ];
    for (const spec of first) results = await saveRun(e, results, fakeTrained(spec, 1 / spec.values.width));
    await refreshResults(e);
    // Of the second series, one run is trained here (this process's lock), one on another host.
    const lock = (id: string, host: string, pid: number) => {
      const f = lockFile(e.outDir, id, e.fingerprints.get(id)!);
      mkdirSync(path.dirname(f), { recursive: true });
      writeFileSync(f, JSON.stringify({ owner: 'o', host, pid, startedAt: new Date().toISOString() }));
    };
    lock(second[0]!.id, hostname(), process.pid);
    lock(second[1]!.id, 'gpu-node-7', 4242);

    const status = await experimentStatus(file, text);
    if (!status.ok) throw new Error('status failed');
    expect([status.name, status.total, status.done, status.running]).toEqual(['status', 6, 3, 2]);
    expect(status.series.map((s) => s.runs.length)).toEqual([3, 3]);
    const [done, mixed] = status.series;
    expect(done!.alphaM).toBeCloseTo(1, 6);
    expect(done!.runs.map((r) => [r.width, r.state.kind])).toEqual([
      [2, 'done'],
      [4, 'done'],
      [8, 'done'],
    ]);
    const d = done!.runs[0]!.state;
    expect(d.kind === 'done' && d.finalLoss).toBeCloseTo(0.5, 9);
    expect(d.kind === 'done' && d.weights).toMatch(/^runs\/.+\.safetensors$/);
    expect(mixed!.alphaM).toBeNull();
    expect(mixed!.runs.map((r) => r.state)).toEqual([
      { kind: 'running', here: true, host: hostname(), pid: process.pid },
      { kind: 'running', here: false, host: 'gpu-node-7', pid: 4242 },
      { kind: 'pending' },
    ]);
  });

  it('a config with errors gives its problems, not a throw', async () => {
    const status = await experimentStatus(
      path.join(tmp.dir, 'bad.experiment.yaml'),
      'version: 1\nmodel: {width: zero}\n',
    );
    expect(status.ok).toBe(false);
    expect(!status.ok && status.problems.some((p) => p.severity === 'error')).toBe(true);
  });
});
