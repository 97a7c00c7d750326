// The experiment panel beside a `*.experiment.yaml`: one per config file, a view of that config's
// sweep runner (sweepRunner.ts), which trains in the extension host whether or not a panel is
// open. On `ready` the page is sent the whole picture (the runs, the results on disk, the run in
// progress, the state), then every change; the page's buttons become runner commands. Closing
// the panel leaves the sweep training; reopening it (or a window reload, through the
// serializer: the page keeps its config's URI in its state) shows it again.
//
// retainContextWhenHidden keeps the drawn charts (and the selected run) while the tab is hidden;
// nothing runs in the page that hiding could stop.

import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Handlers } from '../../shared/channel';
import {
  EXPERIMENT_PROTOCOL_VERSION,
  FROM_EXPERIMENT_TYPES,
  type ExperimentInit,
  type FromExperiment,
  type ToExperiment,
} from '../../shared/experimentProtocol';
import { log } from '../log';
import { PanelHost } from '../panelHost';
import type { SweepRunner } from './sweepRunner';
import type { Sweeps } from './sweeps';
import { runWeights } from './runWeights';

export const EXPERIMENT_VIEW_TYPE = 'superpositionLab.experiment';

const panelTitle = (configUri: vscode.Uri) =>
  `Experiment: ${path.basename(configUri.fsPath).replace(/\.experiment\.ya?ml$/, '')}`;

/** The page's saved state names its config: the serializer's way back after a reload. */
function configOfState(state: unknown): vscode.Uri | undefined {
  const uri = (state as { configUri?: unknown } | null | undefined)?.configUri;
  if (typeof uri !== 'string') return undefined;
  try {
    const parsed = vscode.Uri.parse(uri, true);
    return /\.experiment\.ya?ml$/.test(parsed.path) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A panel whose page state was lost (the window went before it was saved) still has its title:
 * "Experiment: <file name>". The config is the workspace's only file of that name, if there is one.
 */
async function configOfTitle(title: string): Promise<vscode.Uri | undefined> {
  const name = /^Experiment: ([^*?[\]{}!/\\]+)$/.exec(title)?.[1];
  if (name === undefined) return undefined;
  const found = await vscode.workspace.findFiles(`**/${name}.experiment.{yaml,yml}`, '**/node_modules/**', 2);
  return found.length === 1 ? found[0] : undefined;
}

export class ExperimentPanel implements vscode.Disposable {
  private static readonly open = new Map<string, ExperimentPanel>();
  private readonly host: PanelHost<ToExperiment>;
  /** Runner changes are forwarded once the page has been sent the whole picture. */
  private attached = false;
  private doneRows = 0;

  private constructor(
    private readonly runner: SweepRunner,
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
  ) {
    const key = runner.configUri.toString();
    this.host = new PanelHost<ToExperiment>(
      panel,
      {
        extensionUri,
        page: 'experiment',
        name: 'experiment panel',
        init: {
          protocolVersion: EXPERIMENT_PROTOCOL_VERSION,
          title: panel.title,
          configUri: key,
        } satisfies ExperimentInit,
      },
      () => {
        if (ExperimentPanel.open.get(key) === this) ExperimentPanel.open.delete(key);
      },
    );
    this.host.receive(FROM_EXPERIMENT_TYPES, this.handlers);
    this.host.disposables.push(
      runner.onMessage((m) => {
        if (this.attached) this.post(m);
      }),
    );
    ExperimentPanel.open.set(key, this);
  }

  /** Opens (or reveals) the panel of a config's sweep beside the editor. */
  static show(sweeps: Sweeps, extensionUri: vscode.Uri, configUri: vscode.Uri): ExperimentPanel {
    const existing = ExperimentPanel.open.get(configUri.toString());
    if (existing) {
      existing.host.panel.reveal(vscode.ViewColumn.Beside, true);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      EXPERIMENT_VIEW_TYPE,
      panelTitle(configUri),
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: true, retainContextWhenHidden: true },
    );
    return new ExperimentPanel(sweeps.get(configUri), panel, extensionUri);
  }

  /** After a window reload: the panel VS Code kept, for the config its page state (or title) names. */
  static serializer(sweeps: Sweeps, extensionUri: vscode.Uri): vscode.WebviewPanelSerializer {
    return {
      deserializeWebviewPanel: async (panel, state) => {
        const configUri = configOfState(state) ?? (await configOfTitle(panel.title));
        const key = configUri?.toString();
        if (configUri === undefined || (key !== undefined && ExperimentPanel.open.has(key))) {
          log().warn(`Not restoring "${panel.title}": no config found for it (saved state ${JSON.stringify(state)})`);
          panel.dispose();
          return;
        }
        panel.title = panelTitle(configUri);
        const runner = sweeps.get(configUri);
        void runner.refresh(); // results from disk, and the locks of runs training elsewhere
        new ExperimentPanel(runner, panel, extensionUri);
      },
    };
  }

  static of(configUri: vscode.Uri): ExperimentPanel | undefined {
    return ExperimentPanel.open.get(configUri.toString());
  }

  private post(message: ToExperiment): void {
    this.host.post(message);
  }

  private readonly handlers: Handlers<FromExperiment> = {
    ready: async (m) => {
      if (m.protocolVersion !== EXPERIMENT_PROTOCOL_VERSION) return;
      // The snapshot and the switch to forwarding happen in one turn: no change falls between.
      const snapshot = await this.runner.snapshot();
      snapshot.forEach((s) => this.post(s));
      this.attached = true;
    },
    start: () => this.runner.start(),
    stop: () => this.runner.stop(),
    requestWeights: async (m) => {
      const run = this.runner.folder.results?.runs.find((r) => r.id === m.runId);
      const outDir = this.runner.folder.experiment?.outDir;
      if (run && outDir !== undefined) this.post(await runWeights(outDir, run));
    },
    openRun: async (m) => {
      const run = this.runner.folder.results?.runs.find((r) => r.id === m.runId);
      const outDir = this.runner.folder.experiment?.outDir;
      if (!run || outDir === undefined) return;
      const uri = vscode.Uri.file(path.join(outDir, run.weights));
      if (m.action === 'analyze') {
        await vscode.commands.executeCommand('superpositionLab.analyze', uri, { tensor: 'W' });
      } else await vscode.commands.executeCommand('superpositionLab.openCheckpoint', uri);
    },
    export: (m) => this.host.pageReports.export(m),
    cspViolation: (m) => this.host.pageReports.cspViolation(m),
    rendered: (m) => {
      this.host.charts = m.charts;
      this.doneRows = m.doneRows;
    },
  };

  /** What only the page knows, for the diagnostics command. */
  diagnostics() {
    return {
      title: this.host.panel.title,
      charts: this.host.charts,
      doneRows: this.doneRows,
      exports: this.host.exports.slice(),
      cspViolations: this.host.cspViolations.slice(),
    };
  }

  dispose(): void {
    this.host.dispose();
  }
}
