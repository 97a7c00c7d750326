// Editing an experiment config in a real extension host: diagnostics appear at the right place as
// you type and go when fixed (quick fix included), completion and hover come from the config
// table, the outline lists sections and keys, and the live preview follows every version: its
// quick check trains in the extension host (issue 11), and an edit cancels the old one on the
// worker, whose points are never drawn.
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { PreviewDiagnostics } from '../../src/extension/experiment/previewPanel';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(
  what: string,
  get: () => Promise<T> | T,
  ok: (v: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await get();
  while (!ok(last)) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached in time; last ${JSON.stringify(last)}`);
    await sleep(100);
    last = await get();
  }
  return last;
}

const TEXT = `version: 1
name: live
data:
  features: 128
  exponent: 1.2
model:
  width: [4, 8, 16]
optimizer:
  weightDecay: [-1, 0.3]
train:
  steps: 200
  batch: 64
`;

let document: vscode.TextDocument;
let editor: vscode.TextEditor;

async function setText(text: string): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, new vscode.Range(0, 0, document.lineCount, 0), text);
  assert.ok(await vscode.workspace.applyEdit(edit));
}

const ours = () => vscode.languages.getDiagnostics(document.uri).filter((d) => d.source === 'superposition-lab');

suite('Editing an experiment config in a real extension host', () => {
  suiteSetup(async () => {
    const folder = vscode.workspace.workspaceFolders![0]!.uri;
    const uri = vscode.Uri.joinPath(folder, 'experiments', 'live.experiment.yaml');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(TEXT));
    document = await vscode.workspace.openTextDocument(uri);
    editor = await vscode.window.showTextDocument(document);
  });

  test('an unknown key typed in gets a warning at its place; the quick fix renames it and the warning goes', async () => {
    await until('no problems at first', ours, (d) => d.length === 0);
    // Type a misspelt key under data: (line 5, 0-based 4 is `  exponent: 1.2`).
    await editor.edit((e) => e.insert(new vscode.Position(5, 0), '  densty: 2\n'));
    const [warning] = await until('the warning', ours, (d) => d.length === 1);
    assert.strictEqual(warning!.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(warning!.message, /unknown key data\.densty \(did you mean density\?\)/);
    assert.deepStrictEqual(
      [warning!.range.start.line, warning!.range.start.character, warning!.range.end.character],
      [5, 2, 8],
    );
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      document.uri,
      warning!.range,
    );
    const rename = actions.find((a) => a.title === 'Rename to density');
    assert.ok(rename?.edit, `actions: ${actions.map((a) => a.title).join(', ')}`);
    assert.ok(await vscode.workspace.applyEdit(rename.edit));
    assert.strictEqual(document.lineAt(5).text, '  density: 2');
    await until('no problems after the fix', ours, (d) => d.length === 0);
  });

  test('a wrong value is an error at the value; a large sweep is a warning with its size and time', async () => {
    await setText(TEXT.replace('steps: 200', 'steps: lots'));
    const [error] = await until('the error', ours, (d) =>
      d.some((x) => x.severity === vscode.DiagnosticSeverity.Error),
    );
    assert.match(error!.message, /train\.steps must be an integer, got "lots"/);
    assert.deepStrictEqual([error!.range.start.line, error!.range.start.character], [10, 9]);
    await setText(
      TEXT.replace('width: [4, 8, 16]', `width: [${Array.from({ length: 60 }, (_, i) => i + 1).join(', ')}]`),
    );
    const [large] = await until('the large-sweep warning', ours, (d) => d.some((x) => x.code === 'config/large-sweep'));
    assert.match(large!.message, /this sweep is 120 runs, about .+ of training on this machine/);
    await setText(TEXT);
    await until('clean again', ours, (d) => d.length === 0);
  });

  test('completion offers the keys of the section and the values of an enum; hover explains a key', async () => {
    await setText(TEXT.replace('  exponent: 1.2\n', '  exponent: 1.2\n  distribution: \n'));
    const values = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      document.uri,
      new vscode.Position(5, '  distribution: '.length),
    );
    const labels = values.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    for (const v of ['power', 'exponential', 'linear', 'empirical']) {
      assert.ok(labels.includes(v), `${v} in ${labels.join(', ')}`);
    }
    await setText(TEXT.replace('  exponent: 1.2\n', '  exponent: 1.2\n  \n'));
    const keys = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      document.uri,
      new vscode.Position(5, 2),
    );
    const keyLabels = keys.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.ok(keyLabels.includes('density') && keyLabels.includes('distribution'), keyLabels.join(', '));
    assert.ok(!keyLabels.includes('features'), 'a key already present is not offered again');
    await setText(TEXT);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      document.uri,
      new vscode.Position(3, 4),
    );
    const text = hovers
      .flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : (c as vscode.MarkdownString).value)))
      .join('\n');
    assert.match(text, /number of atomic features/);
    assert.match(text, /§1\.1/);
  });

  test('the outline lists the sections and their keys', async () => {
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>(
      'vscode.executeDocumentSymbolProvider',
      document.uri,
    );
    assert.deepStrictEqual(
      symbols.map((s) => s.name),
      ['version', 'name', 'data', 'model', 'optimizer', 'train'],
    );
    assert.deepStrictEqual(
      symbols.find((s) => s.name === 'data')!.children.map((c) => c.name),
      ['features', 'exponent'],
    );
  });

  test('the preview follows each version: theory at once; the quick check runs in the host and an edit cancels it', async function () {
    this.timeout(120_000);
    await vscode.commands.executeCommand('superpositionLab.previewExperiment', document.uri);
    const preview = async () =>
      (await vscode.commands.executeCommand<PreviewDiagnostics[]>('superpositionLab.diagnostics.previewPanels')).find(
        (p) => p.configFile.endsWith('live.experiment.yaml'),
      );
    const first = await until(
      'first render',
      preview,
      (p) => p !== undefined && p.renderedVersion === document.version && p.charts.length === 3,
    );
    assert.deepStrictEqual(first!.charts, ['chart-prediction', 'chart-frequencies', 'chart-welch']);
    const v1 = document.version;
    // Running in the extension host's preview worker, which has said its backend (no GPU here).
    const running = await until(
      'the quick check of v1 running on the host',
      preview,
      (p) => p?.quickCheck?.version === v1 && p.quickCheck.state === 'running' && p.quickCheck.backend !== null,
    );
    assert.strictEqual(running!.where, 'extension host');
    assert.match(running!.quickCheck!.backend!, /^wasm\b/);
    // Edit while it runs: the old check is cancelled on the worker; the theory follows at once.
    const t0 = Date.now();
    await setText(TEXT.replace('exponent: 1.2', 'exponent: 2'));
    const v2 = document.version;
    const second = await until('render of v2', preview, (p) => p!.renderedVersion === v2);
    const latency = Date.now() - t0;
    console.log(`[preview] edit → theory redrawn in ${latency} ms (render ${second!.renderMs.toFixed(0)} ms)`);
    assert.ok(latency < 2000, `${latency} ms`);
    const done = await until(
      'the quick check of v2',
      preview,
      (p) => p?.quickCheck?.version === v2 && p.quickCheck.state === 'done',
      90_000,
    );
    assert.ok(done!.quickCheck!.points > 0);
    assert.match(done!.quickCheck!.backend!, /^wasm\b/);
    const ends = done!.quickCheckEnds.filter((e) => e.version >= v1);
    assert.deepStrictEqual(
      ends.map((e) => [e.version, e.state, e.stoppedOnWorker]),
      [
        [v1, 'cancelled', true],
        [v2, 'done', false],
      ],
      JSON.stringify(ends),
    );
    // What the page drew: once v2's theory is up, never a point of v1 again; at the end all of v2's.
    const drawn = (await until("the page drew v2's points", preview, (p) =>
      p!.measuredDrawn.some((d) => d.version === v2 && d.points === done!.quickCheck!.points),
    ))!.measuredDrawn;
    const firstOfV2 = drawn.findIndex((d) => d.version === v2);
    assert.ok(firstOfV2 >= 0, JSON.stringify(drawn));
    assert.strictEqual(drawn[firstOfV2]!.points, 0, 'v2 starts without points');
    assert.ok(
      drawn.slice(firstOfV2).every((d) => d.version === v2),
      `stale points drawn: ${JSON.stringify(drawn)}`,
    );
    assert.deepStrictEqual(drawn.at(-1), { version: v2, points: done!.quickCheck!.points });
    // Bad YAML keeps the last plots and never throws away the text.
    await setText(`${TEXT}  : [\n`);
    const v3 = document.version;
    await until('v3 sent', preview, (p) => p!.sentVersion === v3);
    assert.ok(document.getText().endsWith(': [\n'));
    await setText(TEXT);
  });
});
