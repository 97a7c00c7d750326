// The Runs view's items: experiment → series → run, from an ExperimentStatus. Pure mapping from
// status to what a tree row shows (label, description, icon, context value for its menu), kept
// apart from the provider so the wording is in one place.

import * as vscode from 'vscode';
import * as path from 'node:path';
import { formatValue } from '../../core/format';
import type { ExperimentStatus, RunStatus, SeriesStatus } from '../../node/experimentStatus';
import type { ConfigProblem } from '../../core/config/parse';

export type RunsNode =
  | {
      readonly kind: 'experiment';
      readonly config: vscode.Uri;
      readonly status: ExperimentStatus | { readonly ok: 'error'; readonly message: string };
    }
  | {
      readonly kind: 'series';
      readonly config: vscode.Uri;
      readonly outDir: string;
      readonly series: SeriesStatus;
      readonly seeds: number;
    }
  | {
      readonly kind: 'run';
      readonly config: vscode.Uri;
      readonly outDir: string;
      readonly run: RunStatus;
      readonly seeds: number;
    }
  | {
      readonly kind: 'problem';
      readonly config: vscode.Uri;
      readonly problem: ConfigProblem | { readonly message: string };
    };

export function childrenOf(node: RunsNode): RunsNode[] {
  if (node.kind === 'experiment') {
    const s = node.status;
    if (s.ok === 'error') return [{ kind: 'problem', config: node.config, problem: { message: s.message } }];
    if (!s.ok) {
      return s.problems
        .filter((p) => p.severity === 'error')
        .map((problem) => ({ kind: 'problem', config: node.config, problem }));
    }
    const seeds = new Set(s.series.flatMap((x) => x.runs.map((r) => r.seed))).size;
    if (s.series.length === 1) return runsOf(node.config, s.outDir, s.series[0]!, seeds);
    return s.series.map((series) => ({ kind: 'series', config: node.config, outDir: s.outDir, series, seeds }));
  }
  if (node.kind === 'series') return runsOf(node.config, node.outDir, node.series, node.seeds);
  return [];
}

const runsOf = (config: vscode.Uri, outDir: string, series: SeriesStatus, seeds: number): RunsNode[] =>
  series.runs.map((run) => ({ kind: 'run', config, outDir, run, seeds }));

/** "α_m = 1.02 ± 0.05", or why there is none yet. */
function alphaText(s: SeriesStatus): string {
  if (s.alphaM === null) return 'α_m after two widths';
  return `α_m = ${s.alphaM.toFixed(2)}${s.alphaMStderr === null ? '' : ` ± ${s.alphaMStderr.toFixed(2)}`}`;
}

export function treeItem(node: RunsNode): vscode.TreeItem {
  switch (node.kind) {
    case 'experiment': {
      const s = node.status;
      const item = new vscode.TreeItem(
        s.ok === true ? s.name : path.basename(node.config.fsPath),
        vscode.TreeItemCollapsibleState.Collapsed,
      );
      item.resourceUri = node.config;
      item.iconPath = new vscode.ThemeIcon(s.ok === true && s.running > 0 ? 'sync~spin' : 'beaker');
      if (s.ok === true) {
        const training = s.running > 0 ? ` · ${s.running} training` : '';
        item.description = `${s.done}/${s.total} runs${training}`;
        item.tooltip = new vscode.MarkdownString(
          `**${s.name}** — ${vscode.workspace.asRelativePath(node.config)}\n\n${s.done} of ${s.total} runs done${training}; results in \`${vscode.workspace.asRelativePath(s.outDir)}\``,
        );
        item.contextValue = s.running > 0 ? 'spl.experiment.running' : 'spl.experiment';
      } else {
        item.description = s.ok === false ? 'config has errors' : 'could not be read';
        item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
        item.contextValue = 'spl.experiment.invalid';
      }
      item.command = { command: 'superpositionLab.runs.show', title: 'Show Experiment', arguments: [node] };
      return item;
    }
    case 'series': {
      const done = node.series.runs.filter((r) => r.state.kind === 'done').length;
      const item = new vscode.TreeItem(node.series.id, vscode.TreeItemCollapsibleState.Collapsed);
      item.description = `${alphaText(node.series)} · ${done}/${node.series.runs.length}`;
      item.iconPath = new vscode.ThemeIcon('graph-line');
      item.contextValue = 'spl.series';
      return item;
    }
    case 'run': {
      const { run } = node;
      const label = node.seeds > 1 ? `m = ${run.width}, seed ${run.seed}` : `m = ${run.width}`;
      const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
      item.tooltip = run.id;
      const st = run.state;
      if (st.kind === 'done') {
        item.description = `loss ${formatValue(st.finalLoss)} · φ½ ${st.fracRepresented.toFixed(2)}`;
        item.iconPath = new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
        item.contextValue = 'spl.run.done';
        item.command = { command: 'superpositionLab.runs.analyzeRun', title: 'Analyze Weights', arguments: [node] };
      } else if (st.kind === 'running') {
        item.description = st.here ? 'training here' : `training on ${st.host} (pid ${st.pid})`;
        item.iconPath = new vscode.ThemeIcon(st.here ? 'sync~spin' : 'remote');
        item.contextValue = 'spl.run.running';
      } else {
        item.description = 'pending';
        item.iconPath = new vscode.ThemeIcon('circle-outline');
        item.contextValue = 'spl.run.pending';
      }
      return item;
    }
    case 'problem': {
      const p = node.problem;
      const at = 'line' in p ? `line ${p.line}: ` : '';
      const item = new vscode.TreeItem(`${at}${p.message}`, vscode.TreeItemCollapsibleState.None);
      item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'));
      item.command = { command: 'vscode.open', title: 'Open Config', arguments: [node.config] };
      return item;
    }
  }
}
