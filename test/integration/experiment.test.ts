// Experiments inside a real extension host: sweeps train in the extension host (not in a panel);
// stop keeps the finished runs and the next run resumes with the rest; closing the panel leaves
// the sweep training and reopening it shows every run; a config with errors trains nothing and
// shows its problems where they are; runs trained by other processes (CLI shards, as Slurm tasks
// would) are drawn as they land. (The UI tests train the quick demo from its CodeLens.)
import * as assert from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExperimentDiagnostics } from '../../src/extension/experiment/experimentDiagnostics';
import { lockFile, prepareExperiment } from '../../src/node/experimentStore';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function workspaceFile(...parts: string[]): vscode.Uri {
  return vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, ...parts);
}

async function panel(configName: string): Promise<ExperimentDiagnostics | undefined> {
  const all = await vscode.commands.executeCommand<ExperimentDiagnostics[]>(
    'superpositionLab.diagnostics.experimentPanels',
  );
  return all.find((p) => p.configFile.endsWith(configName));
}

async function until(
  configName: string,
  ok: (p: ExperimentDiagnostics) => boolean,
  timeoutMs = 120_000,
): Promise<ExperimentDiagnostics> {
  const deadline = Date.now() + timeoutMs;
  let last: ExperimentDiagnostics | undefined;
  while (Date.now() < deadline) {
    last = await panel(configName);
    if (last && ok(last)) return last;
    await sleep(200);
  }
  throw new Error(`${configName}: condition not met: ${JSON.stringify(last)}`);
}

/** The experiment panel's tab for a config (its title is "Experiment: <file name>"). */
function experimentTab(title: string): vscode.Tab | undefined {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .find(
      (t) =>
        t.input instanceof vscode.TabInputWebview &&
        t.input.viewType.endsWith('superpositionLab.experiment') &&
        t.label === title,
    );
}

async function trainingStatusText(): Promise<string | null> {
  return (await vscode.commands.executeCommand<{ text: string | null }>('superpositionLab.diagnostics.trainingStatus'))
    .text;
}

/** Four runs of a few seconds each: long enough to close the panel between them. */
const DETACH_CONFIG = `version: 1
name: detach-test
data: {features: 64, distribution: linear}
model: {width: [2, 4, 8, 16]}
train: {steps: 3000, batch: 32}
`;

/** Two short runs: one held by "another machine" through its lock, one free. */
const ELSEWHERE_CONFIG = `version: 1
name: elsewhere-test
data: {features: 64, distribution: linear}
model: {width: [2, 4]}
train: {steps: 500, batch: 32}
`;

suite('Experiments in a real extension host', () => {
  test('Stop keeps the finished runs on disk; running again trains only the rest', async function () {
    this.timeout(300_000);
    const config = workspaceFile('experiments', 'stop.experiment.yaml');
    await vscode.commands.executeCommand('superpositionLab.runExperiment', config);
    const first = await until('stop.experiment.yaml', (p) => p.finishedRuns >= 1);
    await vscode.commands.executeCommand('superpositionLab.stopExperiment', config);
    const stopped = await until('stop.experiment.yaml', (p) => p.state === 'stopped' || p.state === 'done');
    assert.strictEqual(first.totalRuns, 3);
    const results = JSON.parse(
      readFileSync(workspaceFile('experiments', 'results', 'stop-test', 'results.json').fsPath, 'utf8'),
    );
    assert.strictEqual(results.runs.length, stopped.finishedRuns, 'what the panel reports is what is on disk');
    if (stopped.state === 'done') return; // the machine was fast enough to finish before Stop: nothing to resume
    assert.ok(stopped.finishedRuns < 3);
    const before = stopped.trainedHere.map((r) => r.id);
    await vscode.commands.executeCommand('superpositionLab.runExperiment', config);
    const done = await until('stop.experiment.yaml', (p) => p.state === 'done');
    assert.strictEqual(done.finishedRuns, 3);
    const resumed = done.trainedHere.map((r) => r.id).filter((id) => !before.includes(id));
    assert.strictEqual(resumed.length, 3 - stopped.finishedRuns, `resumed ${resumed.join(', ')}`);
    assert.strictEqual(new Set(done.trainedHere.map((r) => r.id)).size, 3, 'no run trained twice');
    for (const r of done.trainedHere) {
      assert.ok(r.backend.length > 0 && r.finalLoss > 0);
      assert.match(r.where, /^in the extension host on /, 'trained in the extension host, not in the panel');
    }
    assert.strictEqual(done.series.length, 1);
    assert.ok(done.series[0]!.alphaM !== null);
  });

  test('closing the panel mid-sweep leaves the sweep training; reopening shows every run', async function () {
    this.timeout(300_000);
    const config = workspaceFile('experiments', 'detach.experiment.yaml');
    writeFileSync(config.fsPath, DETACH_CONFIG);
    await vscode.commands.executeCommand('superpositionLab.runExperiment', config);
    const first = await until('detach.experiment.yaml', (p) => p.finishedRuns >= 1 && p.panelOpen);
    assert.strictEqual(first.totalRuns, 4);
    if (first.state === 'running') {
      assert.match((await trainingStatusText()) ?? '', /^\$\(sync~spin\) Training detach-test [1-4]\/4$/);
    }
    const tab = experimentTab('Experiment: detach');
    assert.ok(tab, 'the panel has a tab');
    assert.ok(await vscode.window.tabGroups.close(tab));
    const closed = await until('detach.experiment.yaml', (p) => !p.panelOpen, 10_000);
    assert.strictEqual(closed.state, 'running', 'the panel was closed mid-sweep');
    assert.ok(closed.finishedRuns < 4, `${closed.finishedRuns} runs had finished`);
    // Closing the panel did not stop anything: with no panel, runs still land and the sweep ends done.
    const done = await until('detach.experiment.yaml', (p) => p.state === 'done', 240_000);
    assert.strictEqual(done.panelOpen, false, 'finished with the panel closed');
    assert.strictEqual(done.finishedRuns, 4);
    assert.strictEqual(await trainingStatusText(), null, 'the status bar item goes when the sweep ends');
    const ids = done.trainedHere.map((r) => r.id);
    assert.strictEqual(ids.length, 4, ids.join(', '));
    assert.strictEqual(new Set(ids).size, 4, 'no run trained twice');
    for (const r of done.trainedHere) {
      assert.strictEqual(r.backend, 'wasm');
      assert.match(r.where, /^in the extension host on wasm\b/);
    }
    assert.match(done.stateMessage ?? '', /^All 4 runs finished; .* Trained in the extension host on wasm\b/);
    // Reopened: the panel shows every run, from disk, without training anything again.
    await vscode.commands.executeCommand('superpositionLab.showExperiment', config);
    const reopened = await until(
      'detach.experiment.yaml',
      (p) => p.panelOpen && p.doneRows === 4 && p.charts.includes('chart-loss-vs-width'),
      60_000,
    );
    assert.strictEqual(reopened.trainedHere.length, 4);
    assert.strictEqual(reopened.state, 'done');
    const results = JSON.parse(
      readFileSync(workspaceFile('experiments', 'results', 'detach-test', 'results.json').fsPath, 'utf8'),
    );
    assert.strictEqual(results.runs.length, 4, 'results.json has every run');
  });

  test('a run another machine holds (a fresh lock) shows as running elsewhere and is not trained here', async function () {
    this.timeout(120_000);
    const config = workspaceFile('experiments', 'elsewhere.experiment.yaml');
    writeFileSync(config.fsPath, ELSEWHERE_CONFIG);
    const prepared = await prepareExperiment(config.fsPath, ELSEWHERE_CONFIG);
    assert.ok(prepared.ok);
    const [held, free] = prepared.experiment.runs;
    const lock = lockFile(prepared.experiment.outDir, held!.id, prepared.experiment.fingerprints.get(held!.id)!);
    mkdirSync(path.dirname(lock), { recursive: true });
    const info = { owner: 'test', host: 'node7.cluster', pid: 4242, startedAt: new Date().toISOString() };
    writeFileSync(lock, `${JSON.stringify(info)}\n`);
    try {
      await vscode.commands.executeCommand('superpositionLab.showExperiment', config);
      const shown = await until('elsewhere.experiment.yaml', (p) => p.elsewhere.length === 1, 30_000);
      assert.deepStrictEqual(shown.elsewhere, [`${held!.id}@node7.cluster:4242`]);
      await vscode.commands.executeCommand('superpositionLab.runExperiment', config);
      const ended = await until(
        'elsewhere.experiment.yaml',
        (p) => p.state === 'stopped' || p.state === 'failed',
        60_000,
      );
      assert.strictEqual(ended.state, 'stopped', ended.stateMessage ?? '');
      assert.deepStrictEqual(
        ended.trainedHere.map((r) => r.id),
        [free!.id],
        'the locked run was left to its holder',
      );
      assert.match(ended.stateMessage ?? '', /1 of 2 runs finished; the rest were being trained by other processes/);
    } finally {
      rmSync(lock, { force: true });
    }
    const released = await until('elsewhere.experiment.yaml', (p) => p.elsewhere.length === 0, 30_000);
    assert.strictEqual(released.finishedRuns, 1);
  });

  test('a config with errors trains nothing and puts its problems in the Problems view, in place', async () => {
    const config = workspaceFile('experiments', 'broken.experiment.yaml');
    await vscode.commands.executeCommand('superpositionLab.runExperiment', config);
    const failed = await until('broken.experiment.yaml', (p) => p.state === 'failed', 30_000);
    assert.strictEqual(failed.finishedRuns, 0);
    const problems = await vscode.commands.executeCommand<{ message: string; line: number; character: number }[]>(
      'superpositionLab.diagnostics.configProblems',
      config,
    );
    const typo = problems.find((p) => /unknown key data\.featurs \(did you mean features\?\)/.test(p.message));
    const density = problems.find((p) => /data\.density must be a number/.test(p.message));
    assert.deepStrictEqual(typo && { line: typo.line, character: typo.character }, { line: 3, character: 2 });
    assert.deepStrictEqual(density && { line: density.line, character: density.character }, { line: 4, character: 11 });
  });

  test('the panel draws the runs that other processes train (two `run --shard` processes, as on a cluster)', async function () {
    this.timeout(300_000);
    const config = workspaceFile('experiments', 'cluster.experiment.yaml');
    await vscode.commands.executeCommand('superpositionLab.showExperiment', config);
    const empty = await until('cluster.experiment.yaml', (p) => p.totalRuns === 4);
    assert.strictEqual(empty.finishedRuns, 0);
    const cli = path.join(
      vscode.extensions.getExtension('superposition-lab.superposition-lab')!.extensionPath,
      'dist',
      'cli.js',
    );
    // Two shards at once, each with one worker: the extension host's runtime runs the CLI.
    const shards = ['0/2', '1/2'].map((shard) =>
      spawn(process.execPath, [cli, 'run', config.fsPath, '--shard', shard, '--jobs', '1', '--backend', 'wasm'], {
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
        stdio: ['ignore', 'ignore', 'pipe'],
      }),
    );
    const stderr: string[] = [];
    const exits = shards.map(
      (child) =>
        new Promise<number | null>((resolve) => {
          child.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()));
          child.on('close', resolve);
        }),
    );
    // Runs appear in the panel while the shards are still training (it follows the folder).
    const partial = await until('cluster.experiment.yaml', (p) => p.finishedRuns >= 1);
    const codes = await Promise.all(exits);
    assert.deepStrictEqual(codes, [0, 0], stderr.join(''));
    const done = await until('cluster.experiment.yaml', (p) => p.finishedRuns === 4);
    assert.ok(partial.finishedRuns >= 1 && partial.finishedRuns <= 4);
    assert.strictEqual(done.trainedHere.length, 0, 'the panel trained nothing itself');
    assert.strictEqual(done.state === 'running', false);
    const results = JSON.parse(
      readFileSync(workspaceFile('experiments', 'results', 'cluster-follow', 'results.json').fsPath, 'utf8'),
    );
    assert.strictEqual(results.runs.length, 4, 'every run saved once');
    assert.strictEqual(done.series.length, 1);
    assert.ok(done.series[0]!.alphaM !== null, 'the fit is drawn from the runs that landed');
  });
});
