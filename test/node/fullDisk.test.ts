// A full disk while saving runs: nothing finished is lost, nothing is torn, no temporary file is
// left, and the run that could not be saved is simply still to do. The disk is a 256 KiB tmpfs
// mounted for the test (needs root, as the real-Slurm test does; CI runs as root).
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareExperiment, refreshResults, saveRun } from '../../src/node/experimentStore';
import { tempDir } from '../fixtures/files';
import { fakeTrained } from '../fixtures/runs';

const tmp = tempDir('spl-full-');
const disk = path.join(tmp.dir, 'disk');
const filler = path.join(disk, 'filler');

beforeAll(() => {
  mkdirSync(disk);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', disk]);
});
afterAll(() => {
  execFileSync('umount', [disk]);
  tmp.cleanup();
});

/** Fills the disk to the last byte. */
function fill(): void {
  const fd = openSync(filler, 'w');
  const chunk = Buffer.alloc(1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (e) {
    expect((e as NodeJS.ErrnoException).code).toBe('ENOSPC');
  } finally {
    closeSync(fd);
  }
}

const CONFIG =
  'version: 1\nname: full\ndata: {features: 64}\nmodel: {width: [4, 8, 16]}\ntrain: {steps: 10, batch: 4}\n';

describe('a full disk', () => {
  it('fails the save with ENOSPC, keeps every finished run whole, leaves no *.tmp, and the run stays to do', async () => {
    const configFile = path.join(tmp.dir, 'full.experiment.yaml');
    writeFileSync(configFile, CONFIG);
    const outDir = path.join(disk, 'results');
    const first = await prepareExperiment(configFile, CONFIG, { outDir });
    if (!first.ok) throw new Error('bad config');
    const e = first.experiment;
    let results = await saveRun(e, e.results, fakeTrained(e.todo[0]!, 0.5));
    await refreshResults(e);
    const summaryBefore = readFileSync(e.resultsFile, 'utf8');

    fill();
    const failed = await saveRun(e, results, fakeTrained(e.todo[2]!, 0.25)).catch((err: unknown) => err);
    expect((failed as NodeJS.ErrnoException).code).toBe('ENOSPC');
    const summaryFailed = await refreshResults(e).catch((err: unknown) => err);
    expect((summaryFailed as NodeJS.ErrnoException).code).toBe('ENOSPC');

    const names = readdirSync(path.join(outDir, 'runs'));
    expect(names.filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(readdirSync(outDir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(names.some((n) => n.startsWith(`${e.todo[2]!.id}.`) && n.endsWith('.json'))).toBe(false);
    expect(readFileSync(e.resultsFile, 'utf8')).toBe(summaryBefore); // the old summary, whole

    rmSync(filler);
    const again = await prepareExperiment(configFile, CONFIG, { outDir });
    if (!again.ok) throw new Error('bad config');
    expect(again.experiment.results.runs.map((r) => [r.id, r.finalLoss])).toEqual([[e.todo[0]!.id, 0.5]]);
    expect(again.experiment.todo.map((r) => r.id)).toEqual([e.todo[1]!.id, e.todo[2]!.id]);
    results = await saveRun(again.experiment, again.experiment.results, fakeTrained(e.todo[2]!, 0.25));
    expect(results.runs).toHaveLength(2);
  });
});
