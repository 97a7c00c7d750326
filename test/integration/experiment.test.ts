// The experiment panel inside a real extension host: stop keeps the finished runs and the next
// run resumes with the rest; a config with errors trains nothing and shows its problems where
// they are; runs trained by other processes (CLI shards, as Slurm tasks would) are drawn as they
// land. (The UI tests train the quick demo from its CodeLens.)
import * as assert from 'node:assert';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExperimentDiagnostics } from '../../src/extension/experiment/experimentPanel';

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
    for (const r of done.trainedHere) assert.ok(r.backend.length > 0 && r.finalLoss > 0);
    assert.strictEqual(done.series.length, 1);
    assert.ok(done.series[0]!.alphaM !== null);
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
