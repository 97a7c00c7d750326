// The experiment commands and language features: "Run Experiment" (CodeLens, editor title,
// explorer, palette), "Show Experiment Results", "Stop Experiment", "Preview Experiment",
// "Retrain All Runs", "Retrain One Run…", "Run Experiment on Slurm…", and the
// live diagnostics, quick fixes, completion, hover and outline of `*.experiment.yaml`.
// Sweeps train in the extension host (one runner per config, owned here, not by a panel); the
// panels, the status bar item and the CodeLens show them.

import * as vscode from 'vscode';
import type { HostCompute } from '../compute/hostCompute';
import { ConfigDiagnostics } from './configDiagnostics';
import { ConfigLanguage, isExperimentDocument } from './configLanguage';
import { ExperimentCodeLens, EXPERIMENT_SELECTOR } from './codeLens';
import { ExperimentPanel, EXPERIMENT_VIEW_TYPE } from './experimentPanel';
import { experimentDiagnostics } from './experimentDiagnostics';
import { Sweeps } from './sweeps';
import { trainingStatus } from './trainingStatus';
import { PreviewPanel } from './previewPanel';
import { Calibration } from './calibration';
import { registerConfigProviders } from './configProviders';
import { newExperiment, type NewExperimentArgs } from './newExperiment';
import { runOnSlurm } from './slurmCommand';
import { requireTrust } from '../trust';

const isExperiment = (uri: vscode.Uri) => /\.experiment\.ya?ml$/.test(uri.path);

function targetConfig(uri: unknown): vscode.Uri | undefined {
  if (uri instanceof vscode.Uri) return uri;
  const editor = vscode.window.activeTextEditor;
  if (editor) return isExperiment(editor.document.uri) ? editor.document.uri : undefined;
  // No text editor has focus: a page does, like the walkthrough's "Run the open experiment". The
  // config meant is the one open in the editors, if there is exactly one (else ask for it).
  const open = new Map<string, vscode.Uri>();
  for (const tab of vscode.window.tabGroups.all.flatMap((g) => g.tabs)) {
    if (tab.input instanceof vscode.TabInputText && isExperiment(tab.input.uri)) {
      open.set(tab.input.uri.toString(), tab.input.uri);
    }
  }
  return open.size === 1 ? [...open.values()][0] : undefined;
}

function noConfig(): undefined {
  void vscode.window.showInformationMessage('Open an *.experiment.yaml file (or select one in the Explorer) first.');
  return undefined;
}

export function registerExperimentCommands(
  context: vscode.ExtensionContext,
  compute: HostCompute,
): vscode.Disposable[] {
  const diagnostics = new ConfigDiagnostics();
  const calibration = new Calibration(context.globalState);
  const language = new ConfigLanguage(diagnostics, calibration);
  const lens = new ExperimentCodeLens(calibration);
  const sweeps = new Sweeps(compute, diagnostics, calibration);
  const status = trainingStatus(sweeps);

  /** Shows the config's panel; `run` starts (or resumes) its sweep, `retrain` trains those again. */
  const show = (config: vscode.Uri, run: boolean, retrain?: 'all' | readonly string[]) => {
    const runner = sweeps.get(config);
    if (run) void runner.start(retrain);
    else void runner.refresh(); // the config or the folder may have changed since
    return ExperimentPanel.show(sweeps, context.extensionUri, config);
  };

  const open = (run: boolean) => (uri?: unknown) => {
    const config = targetConfig(uri);
    if (!config) return noConfig();
    // Untrusted: explain, and still show the results already on disk (reading is allowed).
    const allowed = !run || requireTrust('Running an experiment');
    show(config, run && allowed);
    return undefined;
  };

  const retrainAll = async (uri?: unknown) => {
    const config = targetConfig(uri);
    if (!config) return noConfig();
    const go = 'Retrain All';
    const choice = await vscode.window.showWarningMessage(
      'Train every run of this experiment again? Each finished run is replaced when its new run finishes.',
      { modal: true },
      go,
    );
    if (choice === go) show(config, true, 'all');
    return undefined;
  };

  const retrainRun = async (uri?: unknown, runId?: unknown) => {
    const config = targetConfig(uri);
    if (!config) return noConfig();
    let id = typeof runId === 'string' ? runId : undefined;
    if (id === undefined) {
      const runner = sweeps.get(config);
      await runner.refresh();
      const ids = runner.finishedRunIds();
      if (ids.length === 0) {
        void vscode.window.showInformationMessage('No finished runs to retrain yet (Run Experiment trains them).');
        return undefined;
      }
      id = await vscode.window.showQuickPick(ids, { placeHolder: 'The run to train again' });
    }
    if (id !== undefined) show(config, true, [id]);
    return undefined;
  };

  const preview = async (uri?: unknown) => {
    const config = targetConfig(uri);
    if (!config) return noConfig();
    const document = await vscode.workspace.openTextDocument(config);
    if (!isExperimentDocument(document)) return noConfig();
    return PreviewPanel.show(context, calibration, compute, document);
  };

  return [
    diagnostics,
    language,
    sweeps,
    status,
    sweeps.onDidChange(() => lens.refresh()),
    vscode.window.registerWebviewPanelSerializer(
      EXPERIMENT_VIEW_TYPE,
      ExperimentPanel.serializer(sweeps, context.extensionUri),
    ),
    vscode.languages.registerCodeLensProvider(EXPERIMENT_SELECTOR, lens),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('superpositionLab.config.codeLens')) lens.refresh();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => lens.refresh()),
    ...registerConfigProviders(),
    vscode.commands.registerCommand('superpositionLab.runExperiment', open(true)),
    vscode.commands.registerCommand('superpositionLab.showExperiment', open(false)),
    vscode.commands.registerCommand('superpositionLab.previewExperiment', preview),
    PreviewPanel.registerSerializer(context, calibration, compute),
    vscode.commands.registerCommand('superpositionLab.newExperiment', (args?: NewExperimentArgs) =>
      newExperiment(calibration, args),
    ),
    vscode.commands.registerCommand('superpositionLab.retrainExperiment', retrainAll),
    vscode.commands.registerCommand('superpositionLab.retrainRun', retrainRun),
    vscode.commands.registerCommand('superpositionLab.runExperimentOnSlurm', (uri?: unknown) => {
      const config = targetConfig(uri);
      if (!config) return noConfig();
      return runOnSlurm(context, config, (c) => show(c, false));
    }),
    vscode.commands.registerCommand('superpositionLab.stopExperiment', (uri?: unknown) => {
      const config = targetConfig(uri);
      for (const runner of sweeps.all()) if (!config || runner.isFor(config)) runner.stop();
    }),
    vscode.commands.registerCommand('superpositionLab.diagnostics.experimentPanels', () =>
      experimentDiagnostics(sweeps),
    ),
    vscode.commands.registerCommand('superpositionLab.diagnostics.trainingStatus', () => ({ text: status.text() })),
    vscode.commands.registerCommand('superpositionLab.diagnostics.previewPanels', () =>
      PreviewPanel.all().map((p) => p.diagnostics()),
    ),
    vscode.commands.registerCommand('superpositionLab.diagnostics.configProblems', (uri: vscode.Uri) =>
      diagnostics.get(uri).map((d) => ({
        message: d.message,
        code: d.code,
        severity: d.severity === vscode.DiagnosticSeverity.Error ? 'error' : 'warning',
        line: d.range.start.line,
        character: d.range.start.character,
        endLine: d.range.end.line,
        endCharacter: d.range.end.character,
      })),
    ),
  ];
}
