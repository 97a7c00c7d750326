// The experiment folder (src/node/experimentStore.ts) without training: synthetic runs saved
// through saveRun, then the config grown, shrunk, changed, retrained; an old results.json
// migrated; leftovers cleaned; the output folder kept inside the config's folder.
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ChangedSettingsError,
  countFinishedRuns,
  currentResults,
  prepareExperiment,
  refreshResults,
  runningElsewhere,
  lockFile,
  saveRun,
  writeResultsIfChanged,
  type PreparedExperiment,
} from '../../src/node/experimentStore';
import { parseExperimentConfig } from '../../src/core/config/parse';
import { expandSweep } from '../../src/core/config/sweep';
import { RESULTS_FORMAT, configFingerprint, emptyResults, withRun } from '../../src/core/toy/results';
import type { CoreError } from '../../src/core/errors';
import { tempDir } from '../fixtures/files';
import { fakeRunResult, fakeTrained } from '../fixtures/runs';

const tmp = tempDir('spl-store-');
afterAll(tmp.cleanup);

const config = (widths: string, seeds = '0', steps = 50) =>
  `version: 1\nname: grow\ndata: {features: 16}\nmodel: {width: ${widths}}\ntrain: {steps: ${steps}, batch: 8, seeds: ${seeds}}\n`;

/** A fresh folder with a config file; returns the config path. */
function folder(name: string, text: string): string {
  const dir = path.join(tmp.dir, name);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'grow.experiment.yaml');
  writeFileSync(file, text);
  return file;
}

async function prepare(file: string, text: string, options: Parameters<typeof prepareExperiment>[2] = {}) {
  const p = await prepareExperiment(file, text, options);
  if (!p.ok) throw new Error(JSON.stringify(p.problems));
  return p.experiment;
}

/** "Trains" every pending run with loss 1/m and writes the summary, as a session does. */
async function trainAll(e: PreparedExperiment): Promise<void> {
  let results = e.results;
  for (const spec of e.todo) results = await saveRun(e, results, fakeTrained(spec, 1 / spec.values.width));
  await refreshResults(e);
}

describe('runs are identified by the settings that determine them', () => {
  it('growing the sweep (widths, seeds) keeps every finished run; shrinking hides runs without deleting them', async () => {
    const file = folder('grow', config('[4, 8]'));
    const first = await prepare(file, config('[4, 8]'));
    expect(first.todo.map((r) => r.id)).toEqual(['power-a1.2-E1-g-1-s0-m4', 'power-a1.2-E1-g-1-s0-m8']);
    await trainAll(first);

    const grown = await prepare(file, config('[4, 8, 16]', '[0, 1]'));
    expect(grown.results.runs.map((r) => r.id).sort()).toEqual(['power-a1.2-E1-g-1-s0-m4', 'power-a1.2-E1-g-1-s0-m8']);
    expect(grown.todo).toHaveLength(4); // m16 for seed 0, and seed 1 at every width
    expect(grown.changedRuns).toBe(0);
    await trainAll(grown);
    expect(
      await countFinishedRuns(file, parseExperimentConfig(config('[4, 8, 16]', '[0, 1]'), { fileName: file }).config!),
    ).toBe(6);

    const shrunk = await prepare(file, config('[8]'));
    expect(shrunk.results.runs.map((r) => r.id)).toEqual(['power-a1.2-E1-g-1-s0-m8']);
    expect(shrunk.todo).toHaveLength(0);
    expect(shrunk.hiddenRuns).toBe(5);
    await refreshResults(shrunk);
    // Hidden, not deleted: back to the grown sweep, all six are there again, nothing to train.
    const back = await prepare(file, config('[4, 8, 16]', '[0, 1]'));
    expect(back.todo).toHaveLength(0);
    expect(back.results.runs).toHaveLength(6);
    expect(back.results.series).toHaveLength(1); // the two seeds pooled into one setting
    expect(back.results.series[0]!.seeds).toEqual([0, 1]);
  });

  it('a change that alters finished runs asks once (ChangedSettingsError), keeps the old results, and they come back', async () => {
    const file = folder('steps', config('[4, 8]'));
    await trainAll(await prepare(file, config('[4, 8]')));
    const outDir = path.join(path.dirname(file), 'results', 'grow');
    const before = readdirSync(path.join(outDir, 'runs')).sort();

    const error = await prepareExperiment(file, config('[4, 8]', '0', 60)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChangedSettingsError);
    expect((error as CoreError).code).toBe('config/changed-settings');
    expect((error as CoreError).message).toContain('holds 2 finished runs of this config trained with other settings');
    expect(readdirSync(path.join(outDir, 'runs')).sort()).toEqual(before); // nothing touched

    const accepted = await prepare(file, config('[4, 8]', '0', 60), { acceptNewSettings: true });
    expect(accepted.todo).toHaveLength(2);
    expect(accepted.changedRuns).toBe(2);
    await trainAll(accepted);
    // Asked once: the summary now records the new settings.
    const again = await prepare(file, config('[4, 8]', '0', 60));
    expect(again.todo).toHaveLength(0);
    // The old records are all still there, and the old settings find their runs again.
    for (const f of before) expect(existsSync(path.join(outDir, 'runs', f)), f).toBe(true);
    const old = await prepare(file, config('[4, 8]'));
    expect(old.todo).toHaveLength(0);
    expect(old.results.runs.every((r) => r.steps === 50)).toBe(true);
  });

  it('retrain: all runs, or one, are trained again and replaced', async () => {
    const file = folder('retrain', config('[4, 8]'));
    await trainAll(await prepare(file, config('[4, 8]')));
    const all = await prepare(file, config('[4, 8]'), { retrain: 'all' });
    expect(all.todo).toHaveLength(2);
    expect(all.results.runs).toHaveLength(0);
    expect([...all.retrain].sort()).toEqual(['power-a1.2-E1-g-1-s0-m4', 'power-a1.2-E1-g-1-s0-m8']);
    const one = await prepare(file, config('[4, 8]'), { retrain: ['power-a1.2-E1-g-1-s0-m8'] });
    expect(one.todo.map((r) => r.id)).toEqual(['power-a1.2-E1-g-1-s0-m8']);
    await saveRun(one, one.results, fakeTrained(one.todo[0]!, 0.123));
    const after = await refreshResults(one);
    expect(after.runs.find((r) => r.id === 'power-a1.2-E1-g-1-s0-m8')!.finalLoss).toBe(0.123);
    expect(after.runs).toHaveLength(2);
  });
});

describe('the folder on disk', () => {
  it('writes one record per run and results.json only when asked (not after every run)', async () => {
    const file = folder('records', config('[4, 8]'));
    const e = await prepare(file, config('[4, 8]'));
    await saveRun(e, e.results, fakeTrained(e.todo[0]!, 0.5));
    const names = readdirSync(path.join(e.outDir, 'runs'));
    const fp = e.fingerprints.get(e.todo[0]!.id)!;
    expect(names.sort()).toEqual([`${e.todo[0]!.id}.${fp}.json`, `${e.todo[0]!.id}.${fp}.safetensors`]);
    expect(existsSync(e.resultsFile)).toBe(false);
    const summary = await refreshResults(e);
    expect(JSON.parse(readFileSync(e.resultsFile, 'utf8'))).toEqual(JSON.parse(JSON.stringify(summary)));
    expect(summary.version).toBe(2);
    expect(summary.runs[0]!.weights).toBe(`runs/${e.todo[0]!.id}.${fp}.safetensors`);
  });

  it('currentResults sees runs saved by another process (what the panel draws as they land), without writing', async () => {
    const file = folder('follow', config('[4, 8]'));
    const watcher = await prepare(file, config('[4, 8]'));
    const other = await prepare(file, config('[4, 8]')); // e.g. a CLI shard on the same folder
    expect((await currentResults(watcher)).runs).toHaveLength(0);
    await saveRun(other, other.results, fakeTrained(other.todo[1]!, 0.25));
    const seen = await currentResults(watcher);
    expect(seen.runs.map((r) => [r.id, r.finalLoss])).toEqual([['power-a1.2-E1-g-1-s0-m8', 0.25]]);
    expect(existsSync(watcher.resultsFile)).toBe(false);
  });

  it('writeResultsIfChanged leaves results.json alone when only updatedAt would change', async () => {
    const file = folder('unchanged', config('[4, 8]'));
    const e = await prepare(file, config('[4, 8]'));
    await trainAll(e);
    const again = await prepare(file, config('[4, 8]'));
    const before = readFileSync(again.resultsFile, 'utf8');
    const stamped = { ...again.results, updatedAt: '2099-01-01T00:00:00.000Z' };
    expect(await writeResultsIfChanged(again.resultsFile, stamped)).toBe(false);
    expect(readFileSync(again.resultsFile, 'utf8')).toBe(before);
    const changed = { ...again.results, runs: again.results.runs.slice(1) };
    expect(await writeResultsIfChanged(again.resultsFile, changed)).toBe(true);
    expect(JSON.parse(readFileSync(again.resultsFile, 'utf8')).runs).toHaveLength(1);
  });

  it('runningElsewhere lists the runs another process holds a fresh lock on (the dashboard’s "running")', async () => {
    const file = folder('running', config('[4, 8]'));
    const e = await prepare(file, config('[4, 8]'));
    expect(await runningElsewhere(e)).toEqual([]);
    const id = e.todo[0]!.id;
    const lock = lockFile(e.outDir, id, e.fingerprints.get(id)!);
    mkdirSync(path.dirname(lock), { recursive: true });
    // A live process elsewhere (another host: judged by its heartbeat alone).
    writeFileSync(lock, JSON.stringify({ owner: 'o', host: 'node-7', pid: 4242, startedAt: '' }));
    expect(await runningElsewhere(e)).toEqual([{ id, host: 'node-7', pid: 4242 }]);
    const old = new Date(Date.now() - 10 * 60_000);
    utimesSync(lock, old, old); // no heartbeat for 10 minutes: not running any more
    expect(await runningElsewhere(e)).toEqual([]);
  });

  it('migrates a version-1 results.json: its runs are finished runs, their weights stay where they are', async () => {
    const text = config('[4, 8]');
    const file = folder('legacy', text);
    const parsed = parseExperimentConfig(text, { fileName: file }).config!;
    const outDir = path.join(path.dirname(file), 'results', 'grow');
    mkdirSync(path.join(outDir, 'runs'), { recursive: true });
    let legacy = { ...emptyResults(parsed, 2, '2026-01-01T00:00:00Z'), version: 1 } as unknown as ReturnType<
      typeof emptyResults
    >;
    for (const spec of expandSweep(parsed)) {
      legacy = withRun(legacy, fakeRunResult(spec, 1 / spec.values.width), '2026-01-01T00:00:01Z');
      writeFileSync(path.join(outDir, 'runs', `${spec.id}.safetensors`), 'weights');
    }
    writeFileSync(path.join(outDir, 'results.json'), JSON.stringify({ ...legacy, format: RESULTS_FORMAT, version: 1 }));
    expect(await countFinishedRuns(file, parsed)).toBe(2);
    const grown = await prepare(file, config('[4, 8, 16]'));
    expect(grown.results.runs.map((r) => r.id).sort()).toEqual(['power-a1.2-E1-g-1-s0-m4', 'power-a1.2-E1-g-1-s0-m8']);
    expect(grown.results.runs.every((r) => r.weights === `runs/${r.id}.safetensors`)).toBe(true);
    expect(grown.todo.map((r) => r.id)).toEqual(['power-a1.2-E1-g-1-s0-m16']);
    expect(grown.results.createdAt).toBe('2026-01-01T00:00:00Z');
    expect(configFingerprint(parsed)).toBe(
      configFingerprint(parseExperimentConfig(config('[4, 8, 16]'), { fileName: file }).config!),
    );
  });

  it('removes leftover *.tmp files of dead processes and old ones, and keeps a live writer’s', async () => {
    const file = folder('tmp', config('[4]'));
    const runs = path.join(path.dirname(file), 'results', 'grow', 'runs');
    mkdirSync(runs, { recursive: true });
    const host = (await import('node:os')).hostname().replace(/[^A-Za-z0-9-]/g, '_');
    const dead = path.join(runs, `x.json.${host}~999999~abc.tmp`); // pid 999999: not running
    const live = path.join(runs, `y.json.${host}~${process.pid}~abc.tmp`);
    const old = path.join(runs, 'z.json.1234.abc.tmp'); // the previous naming, an hour old
    for (const f of [dead, live, old]) writeFileSync(f, 'partial');
    const hourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(old, hourAgo, hourAgo);
    await prepare(file, config('[4]'));
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(live)).toBe(true);
  });

  it('refuses an output folder that leaves the config’s folder through a symlink (checked on the real path)', async () => {
    const file = folder('escape', config('[4]'));
    const outside = path.join(tmp.dir, 'outside');
    mkdirSync(outside, { recursive: true });
    symlinkSync(outside, path.join(path.dirname(file), 'results'));
    const error = await prepareExperiment(file, config('[4]')).catch((e: unknown) => e);
    expect((error as CoreError).code).toBe('config/out-of-bounds');
    expect((error as CoreError).message).toContain(`The output folder ${path.join(outside, 'grow')} is outside`);
    expect(readdirSync(outside)).toEqual([]);
  });
});
