// The analysis panel inside a real extension host: a real checkpoint analysed in the extension
// host's compute worker (never the webview: no tensor bytes are posted to the page) and matching
// its reference statistics, the on-disk cache and its invalidation, cancel from the page and by
// closing the panel, restoring a panel as after a window reload, errors for what cannot be
// analysed (including a virtual file system), and the comparison across checkpoints.
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

interface JobLedger {
  running: number;
  ended: { subjectId: string; outcome: string; at: number }[];
}
const jobLedger = () => vscode.commands.executeCommand<JobLedger>('superpositionLab.diagnostics.analysisJobs');

/** Sends a message to a panel as its page would (the Cancel button, Run again). */
const fromPage = (idPart: string, msg: unknown) =>
  vscode.commands.executeCommand<boolean>('superpositionLab.diagnostics.analysisPanelMessage', idPart, msg);

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const panelOf = async (idPart: string) => (await panels()).find((p) => p.subjects.some((s) => s.includes(idPart)));

/** The panel's settings as the page sends them with Run again. */
const SETTINGS = { pairBudget: 2e9, sampleRows: 2048, seed: 0, heatmapMaxRows: 2000 };

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

/** A read-only file system in memory: a checkpoint that only vscode.workspace.fs can read. */
function memoryFileSystem(files: Record<string, Uint8Array>): vscode.FileSystemProvider {
  const find = (uri: vscode.Uri) => {
    const data = files[uri.path];
    if (data === undefined) throw vscode.FileSystemError.FileNotFound(uri);
    return data;
  };
  return {
    onDidChangeFile: new vscode.EventEmitter<vscode.FileChangeEvent[]>().event,
    watch: () => new vscode.Disposable(() => undefined),
    stat: (uri) => ({ type: vscode.FileType.File, ctime: 0, mtime: 0, size: find(uri).byteLength }),
    readDirectory: () => Object.keys(files).map((p) => [p.slice(1), vscode.FileType.File] as [string, vscode.FileType]),
    readFile: (uri) => find(uri),
    createDirectory: () => undefined,
    writeFile: () => undefined,
    delete: () => undefined,
    rename: () => undefined,
  };
}

suite('Superposition analysis in a real extension host', () => {
  suiteSetup(async () => {
    await vscode.extensions.getExtension('superposition-lab.superposition-lab')!.activate();
  });
  teardown(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  test('analyses the stories260K LM head in the extension host, matching its reference statistics', async () => {
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
    // In the extension host's Node compute worker (WASM there: no GPU in the test machine).
    assert.strictEqual(result.where, 'extension-host');
    assert.strictEqual(result.workerBackend, 'wasm');
    assert.strictEqual(result.kernel, 'float64');
    assert.deepStrictEqual([...d.charts].sort(), ['heatmap', 'rowNorms', 'sqOverlaps']);
    // The only bytes the page got are W Wᵀ for the heatmap (512 × 512 float32), not the tensor's rows.
    assert.deepStrictEqual(d.postedBytesByType, { heatmap: 512 * 512 * 4 });
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
    // Computed in the extension host's worker on WASM (the fast kernel), and not one byte of the
    // 77 MB tensor (nor anything else binary) was posted to the webview.
    assert.strictEqual(result.where, 'extension-host');
    assert.strictEqual(result.workerBackend, 'wasm');
    assert.strictEqual(result.backend, 'wasm');
    assert.strictEqual(d.postedBytes, 0);
  });

  test('Cancel from the page stops the job in the extension host’s worker', async function () {
    this.timeout(120_000);
    const uri = workspaceFile('gpt2-size-head.safetensors');
    await vscode.commands.executeCommand('superpositionLab.analyze', uri);
    await settled('gpt2-size-head', 1, 110_000); // from the cache after the test above
    // Run again (ignores the cache), then Cancel as soon as the worker has started.
    assert.ok(await fromPage('gpt2-size-head', { type: 'rerun', settings: { ...SETTINGS, seed: 1 } }));
    const job = await until('the job to start', async () => {
      const j = (await panelOf('gpt2-size-head'))?.job;
      return j?.started ? j : undefined;
    });
    const t0 = Date.now();
    assert.ok(await fromPage('gpt2-size-head', { type: 'cancel', jobId: job.jobId }));
    const d = await until('the cancel to settle', async () => {
      const p = await panelOf('gpt2-size-head');
      return p && !p.running && Object.keys(p.failures).length > 0 ? p : undefined;
    });
    console.log(`[panel] cancel → settled in ${Date.now() - t0} ms`);
    assert.deepStrictEqual(Object.values(d.failures), ['job/cancelled']);
    assert.deepStrictEqual(d.results, {});
    const ledger = await jobLedger();
    assert.strictEqual(ledger.running, 0);
    assert.strictEqual(ledger.ended.at(-1)?.outcome, 'job/cancelled');
  });

  test('closing the panel cancels its job in the worker', async function () {
    this.timeout(120_000);
    const uri = workspaceFile('gpt2-size-head.safetensors');
    await vscode.commands.executeCommand('superpositionLab.analyze', uri);
    await until('the panel', () => panelOf('gpt2-size-head'));
    assert.ok(await fromPage('gpt2-size-head', { type: 'rerun', settings: { ...SETTINGS, seed: 2 } }));
    await until('the job to start', async () => ((await panelOf('gpt2-size-head'))?.job?.started ? true : undefined));
    const closedAt = Date.now();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const ended = await until('the worker to stop', async () => {
      const l = await jobLedger();
      const last = l.ended.at(-1);
      return l.running === 0 && last !== undefined && last.at >= closedAt ? last : undefined;
    });
    assert.ok(ended.subjectId.includes('gpt2-size-head'));
    assert.strictEqual(ended.outcome, 'job/cancelled');
    assert.strictEqual(await panelOf('gpt2-size-head'), undefined);
  });

  test('a panel restored from its saved state (as after a window reload) shows its subject again', async () => {
    const uri = workspaceFile('exthost-stories260K.safetensors'); // analysed and cached above
    const state = {
      mode: 'single',
      requests: [{ uri: uri.toString(), tensor: null, transpose: false }],
    };
    assert.strictEqual(
      await vscode.commands.executeCommand('superpositionLab.diagnostics.restoreAnalysisPanel', state),
      true,
    );
    const d = await settled('exthost-stories260K');
    const result = Object.values(d.results)[0]!;
    assert.strictEqual(result.cached, true);
    assert.strictEqual(result.where, 'extension-host');
    assert.ok(Math.abs(result.meanSqOverlap! / 0.31562189471310165 - 1) < 1e-6);
    // State from another version (or none) closes the restored tab instead of showing an empty page.
    const before = (await panels()).length;
    assert.strictEqual(
      await vscode.commands.executeCommand('superpositionLab.diagnostics.restoreAnalysisPanel', { mode: 'single' }),
      false,
    );
    assert.strictEqual((await panels()).length, before);
  });

  test('a checkpoint on a virtual file system fails with one sentence saying why', async () => {
    const bytes = readFileSync(workspaceFile('stories260K.lm_head.safetensors').fsPath);
    const provider = memoryFileSystem({ '/virtual-head.safetensors': bytes });
    const registration = vscode.workspace.registerFileSystemProvider('spl-test-vfs', provider, { isReadonly: true });
    try {
      await vscode.commands.executeCommand(
        'superpositionLab.analyze',
        vscode.Uri.parse('spl-test-vfs:/virtual-head.safetensors'),
      );
      const d = await until('the failure', async () => {
        const p = await panelOf('virtual-head');
        return p && Object.keys(p.failures).length > 0 ? p : undefined;
      });
      assert.deepStrictEqual(Object.values(d.failures), ['usage']);
      assert.deepStrictEqual(d.results, {});
      assert.strictEqual((await jobLedger()).running, 0);
    } finally {
      registration.dispose();
    }
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
