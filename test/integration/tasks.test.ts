// Experiments as VS Code Tasks inside a real extension host: the task provider offers
// `superposition-lab run` for each experiment file; a task trains in its own process and exits 0;
// a broken config exits 2 and the `$superposition-lab` problem matcher puts its errors in Problems
// at the line and column the CLI printed (the file is never opened, so no other source has them).
import * as assert from 'node:assert';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const GOOD = 'version: 1\nname: tasks-ok\ndata: {features: 16}\nmodel: {width: [2, 4]}\ntrain: {steps: 30, batch: 8}\n';
// Line 4, column 16: a width below 1.
const BROKEN = 'version: 1\nname: tasks-bad\ndata: {features: 16}\nmodel: {width: -3}\ntrain: {steps: 30, batch: 8}\n';

async function taskFor(config: string): Promise<vscode.Task> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const tasks = await vscode.tasks.fetchTasks({ type: 'superposition-lab' });
    const task = tasks.find((t) => (t.definition as { config?: string }).config === config);
    if (task) return task;
    await sleep(500); // the file watcher may not have seen the new file yet
  }
  throw new Error(`no superposition-lab task for ${config}`);
}

/** Runs the task and resolves with its process's exit code. */
async function exitCodeOf(task: vscode.Task, timeoutMs: number): Promise<number | undefined> {
  return new Promise<number | undefined>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`task ${task.name} did not end in ${timeoutMs} ms`)), timeoutMs);
    const ended = vscode.tasks.onDidEndTaskProcess((e) => {
      if (e.execution.task.definition !== task.definition && e.execution.task.name !== task.name) return;
      clearTimeout(timer);
      ended.dispose();
      resolve(e.exitCode);
    });
    vscode.tasks.executeTask(task).then(undefined, (error: unknown) => {
      clearTimeout(timer);
      ended.dispose();
      reject(error instanceof Error ? error : new Error(String(error)));
    });
  });
}

suite('Experiments as Tasks in a real extension host', () => {
  test('a task trains a config; a broken config exits 2 with its error in Problems at line:col', async function () {
    this.timeout(180_000);
    const root = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    const dir = path.join(root, 'tasks');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'tasks-ok.experiment.yaml'), GOOD);
    const brokenFile = path.join(dir, 'tasks-bad.experiment.yaml');
    writeFileSync(brokenFile, BROKEN);

    const good = await taskFor('tasks/tasks-ok.experiment.yaml');
    assert.deepStrictEqual(good.problemMatchers, ['$superposition-lab']);
    assert.strictEqual(await exitCodeOf(good, 120_000), 0);
    const results = path.join(dir, 'results', 'tasks-ok', 'results.json');
    assert.ok(existsSync(results), `${results} written by the task`);
    assert.strictEqual((JSON.parse(readFileSync(results, 'utf8')) as { runs: unknown[] }).runs.length, 2);

    const brokenUri = vscode.Uri.file(brokenFile);
    assert.deepStrictEqual(
      vscode.languages.getDiagnostics(brokenUri),
      [],
      'nothing reports on the unopened file before the task',
    );
    assert.strictEqual(await exitCodeOf(await taskFor('tasks/tasks-bad.experiment.yaml'), 60_000), 2);
    const deadline = Date.now() + 15_000;
    let problems = vscode.languages.getDiagnostics(brokenUri);
    while (problems.length === 0 && Date.now() < deadline) {
      await sleep(250);
      problems = vscode.languages.getDiagnostics(brokenUri);
    }
    const error = problems.find((d) => d.severity === vscode.DiagnosticSeverity.Error);
    assert.ok(error, `an error in Problems from the matcher; got ${JSON.stringify(problems)}`);
    assert.strictEqual(error.source, 'superposition-lab');
    // The CLI prints 1-based line:col; Problems holds 0-based positions.
    assert.deepStrictEqual([error.range.start.line, error.range.start.character], [3, 15]);
    assert.match(error.message, /width/);
  });
});
