// The Runs view (activity bar → Superposition Lab → Experiments): every *.experiment.yaml of the
// workspace with its runs — pending, training (here or on which host), done with loss and φ½ —
// and each series' α_m, whoever trains them (this window, CLI shards, Slurm tasks): it reads the
// results folders and run locks, and refreshes when records or locks change. A lock's heartbeat
// going stale cannot be watched, so while anything trains the view also looks again every 5 s.

import * as vscode from 'vscode';
import { toWireError } from '../../core/errors';
import { experimentStatus } from '../../node/experimentStatus';
import { READ_LIMITS, readRegularText } from '../../node/safeRead';
import { log, showError } from '../log';
import { childrenOf, treeItem, type RunsNode } from './runsTree';

const RUNS_VIEW_ID = 'superpositionLab.runs';
const CONFIG_GLOB = '**/*.experiment.{yaml,yml}';
const MAX_CONFIGS = 200;
const POLL_MS = 5000;

class RunsProvider implements vscode.TreeDataProvider<RunsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private roots: Promise<RunsNode[]> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private poll: ReturnType<typeof setInterval> | undefined;

  getTreeItem(node: RunsNode): vscode.TreeItem {
    return treeItem(node);
  }

  getChildren(node?: RunsNode): vscode.ProviderResult<RunsNode[]> {
    if (node) return childrenOf(node);
    this.roots ??= this.load();
    return this.roots;
  }

  /** Reads everything again, at most once per burst of file events. */
  refresh(delayMs = 300): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.roots = undefined;
      this.changed.fire(undefined);
    }, delayMs);
  }

  private async load(): Promise<RunsNode[]> {
    const configs = await vscode.workspace.findFiles(CONFIG_GLOB, '**/{node_modules,.git}/**', MAX_CONFIGS);
    configs.sort((a, b) => a.fsPath.localeCompare(b.fsPath));
    const nodes = await Promise.all(configs.filter((c) => c.scheme === 'file').map((c) => this.experiment(c)));
    const training = nodes.some((n) => n.kind === 'experiment' && n.status.ok === true && n.status.running > 0);
    if (training && this.poll === undefined) this.poll = setInterval(() => this.refresh(0), POLL_MS);
    if (!training && this.poll !== undefined) {
      clearInterval(this.poll);
      this.poll = undefined;
    }
    return nodes;
  }

  private async experiment(config: vscode.Uri): Promise<RunsNode> {
    try {
      // The editor's text when the config is open (unsaved edits included), else the file's.
      const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === config.toString());
      const text = open?.getText() ?? (await readRegularText(config.fsPath, config.fsPath, READ_LIMITS.config));
      if (text === null) return { kind: 'experiment', config, status: { ok: 'error', message: 'The file is gone.' } };
      return { kind: 'experiment', config, status: await experimentStatus(config.fsPath, text) };
    } catch (e) {
      const message = toWireError(e).message;
      log().warn(`Runs view: ${config.fsPath}: ${message}`);
      return { kind: 'experiment', config, status: { ok: 'error', message } };
    }
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.poll !== undefined) clearInterval(this.poll);
    this.changed.dispose();
  }
}

/** The weights of a finished run, for Analyze / Open. */
function weightsOf(node: RunsNode): vscode.Uri | undefined {
  if (node.kind !== 'run' || node.run.state.kind !== 'done') return undefined;
  return vscode.Uri.joinPath(vscode.Uri.file(node.outDir), node.run.state.weights);
}

async function deleteResults(node: RunsNode, provider: RunsProvider): Promise<void> {
  if (node.kind !== 'experiment' || node.status.ok !== true) return;
  const s = node.status;
  if (s.running > 0) {
    void vscode.window.showWarningMessage(
      `${s.name} is training (${s.running} runs): stop it before deleting its results.`,
    );
    return;
  }
  const remove = 'Move to Trash';
  const choice = await vscode.window.showWarningMessage(
    `Delete the results of ${s.name}?`,
    {
      modal: true,
      detail: `${s.done} finished runs in ${vscode.workspace.asRelativePath(s.outDir)} (records, weights, summary).`,
    },
    remove,
  );
  if (choice !== remove) return;
  try {
    await vscode.workspace.fs.delete(vscode.Uri.file(s.outDir), { recursive: true, useTrash: true });
    log().info(`Moved ${s.outDir} to the trash`);
  } catch (e) {
    showError(`Deleting ${s.outDir}`, e);
  }
  provider.refresh(0);
}

export function registerRunsView(): vscode.Disposable[] {
  const provider = new RunsProvider();
  const view = vscode.window.createTreeView(RUNS_VIEW_ID, { treeDataProvider: provider, showCollapseAll: true });
  const refresh = () => provider.refresh();
  const watchers = [CONFIG_GLOB, '**/runs/*.json', '**/locks/*.lock'].map((glob) => {
    const w = vscode.workspace.createFileSystemWatcher(glob);
    return vscode.Disposable.from(w, w.onDidCreate(refresh), w.onDidChange(refresh), w.onDidDelete(refresh));
  });
  const config = (node: RunsNode) => node.config;
  return [
    provider,
    view,
    ...watchers,
    vscode.workspace.onDidSaveTextDocument((d) => {
      if (/\.experiment\.ya?ml$/.test(d.fileName)) refresh();
    }),
    vscode.commands.registerCommand('superpositionLab.runs.refresh', () => provider.refresh(0)),
    vscode.commands.registerCommand('superpositionLab.runs.run', (node: RunsNode) =>
      vscode.commands.executeCommand('superpositionLab.runExperiment', config(node)),
    ),
    vscode.commands.registerCommand('superpositionLab.runs.stop', (node: RunsNode) =>
      vscode.commands.executeCommand('superpositionLab.stopExperiment', config(node)),
    ),
    vscode.commands.registerCommand('superpositionLab.runs.show', (node: RunsNode) =>
      vscode.commands.executeCommand('superpositionLab.showExperiment', config(node)),
    ),
    vscode.commands.registerCommand('superpositionLab.runs.openConfig', (node: RunsNode) =>
      vscode.commands.executeCommand('vscode.open', config(node)),
    ),
    vscode.commands.registerCommand('superpositionLab.runs.revealResults', (node: RunsNode) => {
      if (node.kind === 'experiment' && node.status.ok === true) {
        return vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(node.status.outDir));
      }
      return undefined;
    }),
    vscode.commands.registerCommand('superpositionLab.runs.deleteResults', (node: RunsNode) =>
      deleteResults(node, provider),
    ),
    vscode.commands.registerCommand('superpositionLab.runs.analyzeRun', (node: RunsNode) => {
      const w = weightsOf(node);
      return w && vscode.commands.executeCommand('superpositionLab.analyze', w, { tensor: 'W' });
    }),
    vscode.commands.registerCommand('superpositionLab.runs.openRun', (node: RunsNode) => {
      const w = weightsOf(node);
      return w && vscode.commands.executeCommand('superpositionLab.openCheckpoint', w);
    }),
    // For the end-to-end tests: what the view shows, as plain data.
    vscode.commands.registerCommand('superpositionLab.diagnostics.runsView', async () => {
      const roots = (await provider.getChildren()) ?? [];
      const expand = async (node: RunsNode): Promise<unknown> => {
        const item = treeItem(node);
        const kids = childrenOf(node);
        return {
          label: item.label,
          description: item.description,
          contextValue: item.contextValue,
          children: await Promise.all(kids.map(expand)),
        };
      };
      return Promise.all(roots.map(expand));
    }),
  ];
}
