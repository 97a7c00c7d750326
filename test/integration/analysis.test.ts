// The analysis panel inside a real extension host: a real checkpoint analysed in the panel's
// worker and matching its reference statistics, the on-disk cache and its invalidation, errors
// for what cannot be analysed, and the comparison across checkpoints.
import * as assert from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AnalysisDiagnostics } from '../../src/extension/analysis/analysisPanel';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function workspaceFile(...parts: string[]): vscode.Uri {
  return vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, ...parts);
}

async function panels(): Promise<AnalysisDiagnostics[]> {
  return vscode.commands.executeCommand<AnalysisDiagnostics[]>('superpositionLab.diagnostics.analysisPanels');
}

/** Waits until a panel whose subjects include `id` has settled every subject. */
async function settled(idPart: string, count = 1, timeoutMs = 120_000): Promise<AnalysisDiagnostics> {
  const deadline = Date.now() + timeoutMs;
  let last: AnalysisDiagnostics | undefined;
  while (Date.now() < deadline) {
    last = (await panels()).find((p) => p.subjects.some((s) => s.includes(idPart)));
    if (
      last &&
      !last.running &&
      Object.keys(last.results).length + Object.keys(last.failures).length >= count &&
      last.charts.length > 0
    ) {
      return last;
    }
    await sleep(250);
  }
  throw new Error(`analysis of ${idPart} did not settle: ${JSON.stringify(last)}`);
}

suite('Superposition analysis in a real extension host', () => {
  suiteSetup(async () => {
    await vscode.extensions.getExtension('superposition-lab.superposition-lab')!.activate();
  });
  teardown(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  test('analyses the stories260K LM head in the panel worker, matching its reference statistics', async () => {
    // A copy of its own, so no earlier analysis of the same file is in the cache.
    const uri = workspaceFile('exthost-stories260K.safetensors');
    writeFileSync(uri.fsPath, readFileSync(workspaceFile('stories260K.lm_head.safetensors').fsPath));
    await vscode.commands.executeCommand('superpositionLab.analyze', uri);
    const d = await settled('exthost-stories260K');
    const result = Object.values(d.results)[0]!;
    assert.ok(
      Math.abs(result.meanSqOverlap! / 0.31562189471310165 - 1) < 1e-6,
      `meanSqOverlap ${result.meanSqOverlap}`,
    );
    assert.strictEqual(result.overlapMethod, 'exact');
    assert.strictEqual(result.cached, false);
    assert.deepStrictEqual([...d.charts].sort(), ['heatmap', 'rowNorms', 'sqOverlaps']);
    assert.deepStrictEqual(d.cspViolations, []);
    // The panel opened beside the active editor group, not over it.
    const groups = vscode.window.tabGroups.all.filter((g) =>
      g.tabs.some((t) => t.input instanceof vscode.TabInputWebview),
    );
    assert.ok(groups.length >= 1);
  });

  test('reopening is instant from the cache; a changed file is analysed again', async () => {
    const copy = workspaceFile('cache-test.safetensors');
    const bytes = readFileSync(workspaceFile('stories260K.lm_head.safetensors').fsPath);
    writeFileSync(copy.fsPath, bytes);
    await vscode.commands.executeCommand('superpositionLab.analyze', copy);
    assert.strictEqual(Object.values((await settled('cache-test')).results)[0]!.cached, false);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await sleep(500);
    await vscode.commands.executeCommand('superpositionLab.analyze', copy);
    assert.strictEqual(Object.values((await settled('cache-test')).results)[0]!.cached, true);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await sleep(1100); // mtime granularity
    writeFileSync(copy.fsPath, bytes);
    await vscode.commands.executeCommand('superpositionLab.analyze', copy);
    assert.strictEqual(Object.values((await settled('cache-test')).results)[0]!.cached, false);
  });

  test('a GPT-2-size head (50257 × 768 F16): the time from the command to the first plot, and the CLI’s exact answer', async function () {
    this.timeout(180_000);
    // Written by the e2e workspace (bench/heads.ts: the same seeded bytes as `npm run bench:analyze`).
    const uri = workspaceFile('gpt2-size-head.safetensors');
    const t0 = Date.now();
    await vscode.commands.executeCommand('superpositionLab.analyze', uri);
    let first = 0;
    for (const deadline = Date.now() + 170_000; Date.now() < deadline; await sleep(50)) {
      const p = (await panels()).find((x) => x.subjects.some((s) => s.includes('gpt2-size-head')));
      if (p && p.charts.length > 0) {
        first = Date.now() - t0;
        break;
      }
    }
    const firstCharts = (await panels()).find((x) => x.subjects.some((s) => s.includes('gpt2-size-head')))?.charts;
    const d = await settled('gpt2-size-head', 1, 170_000);
    const all = Date.now() - t0;
    const result = Object.values(d.results)[0]!;
    console.log(
      `[panel] GPT-2-size head: command → first plot (${firstCharts?.join(', ')}) ${first} ms, → full report ${all} ms (${result.backend}, ${result.kernel}, ${result.overlapMethod} overlap)`,
    );
    assert.ok(first > 0, 'a plot appeared');
    // The exact mean squared overlap `analyze` prints for these bytes (README, Benchmarks).
    assert.ok(Math.abs(result.meanSqOverlap! / 0.0013021 - 1) < 1e-4, `meanSqOverlap ${result.meanSqOverlap}`);
    // Mean squared overlap exact; |overlap| statistics from a sample (n²·m is over the pair budget).
    assert.strictEqual(result.overlapMethod, 'sampled');
  });

  test('refuses what is not a matrix with a message, and opens no panel', async () => {
    const before = (await panels()).length;
    const panel = await vscode.commands.executeCommand('superpositionLab.analyze', workspaceFile('model.safetensors'), {
      tensor: 'scalar',
    });
    assert.strictEqual(panel, undefined);
    assert.strictEqual((await panels()).length, before);
  });

  test('compares checkpoints of three widths and finds overlaps scaling as 1/m', async () => {
    const uris = ['16', '32', '64'].map((m) => workspaceFile('heads', `head-m${m}.safetensors`));
    await vscode.commands.executeCommand('superpositionLab.compare', uris[0], uris);
    const d = await settled('head-m', 3);
    assert.strictEqual(d.mode, 'compare');
    assert.deepStrictEqual(d.charts, ['compare']);
    for (const [id, r] of Object.entries(d.results)) {
      const m = Number(/head-m(\d+)/.exec(id)![1]);
      assert.ok(Math.abs(r.meanSqOverlap! * m - 1) < 0.1, `${path.basename(id)}: ${r.meanSqOverlap}`);
    }
  });
});
