// The Runs view inside a real extension host: a new config appears with its runs pending; runs a
// CLI process trains show as done with loss and φ½; a fresh lock of another host shows its run as
// training there; the lock gone, the run is pending again. (Everything read from disk: the view
// is the same whoever trains.)
import * as assert from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseExperimentConfig } from '../../src/core/config/parse';
import { expandSweep } from '../../src/core/config/sweep';
import { fingerprintsOf, lockFile } from '../../src/node/experimentStore';

interface Row {
  readonly label: string;
  readonly description?: string;
  readonly contextValue?: string;
  readonly children: readonly Row[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const CONFIG = `version: 1
name: runsview
data: {features: 16}
model: {width: [2, 4, 8]}
train: {steps: 40, batch: 8}
`;

async function experimentRow(timeoutMs: number, ok: (row: Row) => boolean): Promise<Row> {
  const deadline = Date.now() + timeoutMs;
  let last: Row | undefined;
  while (Date.now() < deadline) {
    await vscode.commands.executeCommand('superpositionLab.runs.refresh');
    await sleep(500);
    const rows = await vscode.commands.executeCommand<Row[]>('superpositionLab.diagnostics.runsView');
    last = rows.find((r) => r.label === 'runsview');
    if (last && ok(last)) return last;
  }
  throw new Error(`Runs view: condition not met; last: ${JSON.stringify(last)}`);
}

suite('The Runs view in a real extension host', () => {
  test('shows pending runs, runs a CLI process finished, and a run another host is training', async function () {
    this.timeout(180_000);
    const root = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    const dir = path.join(root, 'runs-view');
    mkdirSync(dir, { recursive: true });
    const configFile = path.join(dir, 'runsview.experiment.yaml');
    writeFileSync(configFile, CONFIG);

    const fresh = await experimentRow(30_000, (r) => r.description === '0/3 runs');
    assert.deepStrictEqual(
      fresh.children.map((c) => [c.label, c.description]),
      [
        ['m = 2', 'pending'],
        ['m = 4', 'pending'],
        ['m = 8', 'pending'],
      ],
    );

    // A CLI process trains the two smaller widths (the same runs: a run is named by its own settings).
    const cli = path.join(
      vscode.extensions.getExtension('superposition-lab.superposition-lab')!.extensionPath,
      'dist',
      'cli.js',
    );
    const child = spawn(
      process.execPath,
      [cli, 'run', configFile, '--set', 'model.width=[2, 4]', '--jobs', '1', '--backend', 'wasm'],
      { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.strictEqual(code, 0, stderr);
    const trained = await experimentRow(30_000, (r) => r.description === '2/3 runs');
    const [m2, m4, m8] = trained.children;
    assert.match(m2!.description!, /^loss [\d.e+-]+ · φ½ [01]\.\d\d$/);
    assert.strictEqual(m2!.contextValue, 'spl.run.done');
    assert.strictEqual(m4!.contextValue, 'spl.run.done');
    assert.deepStrictEqual([m8!.description, m8!.contextValue], ['pending', 'spl.run.pending']);

    // Another host holds the last run's lock, with a fresh heartbeat (its mtime): training there.
    const config = parseExperimentConfig(CONFIG, { fileName: configFile }).config!;
    const runs = expandSweep(config);
    const last = runs[2]!;
    const lock = lockFile(path.join(dir, 'results', 'runsview'), last.id, fingerprintsOf(config, runs).get(last.id)!);
    mkdirSync(path.dirname(lock), { recursive: true });
    writeFileSync(
      lock,
      JSON.stringify({ owner: 'slurm', host: 'gpu-node-7', pid: 4242, startedAt: new Date().toISOString() }),
    );
    const training = await experimentRow(30_000, (r) => r.description === '2/3 runs · 1 training');
    assert.deepStrictEqual(
      [training.children[2]!.description, training.contextValue],
      ['training on gpu-node-7 (pid 4242)', 'spl.experiment.running'],
    );
    rmSync(lock);
    await experimentRow(30_000, (r) => r.description === '2/3 runs');
  });
});
