// The experiment commands and language features: "Run Experiment" (CodeLens, editor title,
// explorer, palette), "Show Experiment Results", "Stop Experiment", "Preview Experiment",
// "Retrain All Runs", "Retrain One Run…", "Run Experiment on Slurm…", and the
// live diagnostics, quick fixes, completion, hover and outline of `*.experiment.yaml`.

import * as vscode from 'vscode';
import type { HostCompute } from '../compute/hostCompute';
import { ConfigDiagnostics } from './configDiagnostics';
import { ConfigLanguage, isExperimentDocument } from './configLanguage';
import { ExperimentCodeLens, EXPERIMENT_SELECTOR } from './codeLens';
import { ExperimentPanel } from './experimentPanel';
import { PreviewPanel } from './previewPanel';
import { Calibration } from './calibration';
import { registerConfigProviders } from './configProviders';
import { newExperiment, type NewExperimentArgs } from './newExperiment';
import { runOnSlurm } from './slurmCommand';
import { requireTrust } from '../trust';

const isExperiment = (uri: vscode.Uri) => /\.experiment\.ya?ml$/.test(uri.path);

function targetConfig(uri: unknown): vscode.Uri | undefined {
  if (uri instanceof vscode.Uri) return uri;
  const active = vscode.window.activeTextEditor?.document.uri;
  return active && isExperiment(active) ? active : undefined;
}

function noConfig(): undefined {
  void vscode.window.showInformationMessage('Open an *.experiment.yaml file (or select one in the Explorer) first.');
  return undefined;
}

export function registerExperimentCommands(
  context: vscode.ExtensionContext,
  compute: HostCompute,
): vscode.Disposable[] {
  void compute; // wired in by the host-compute change (issue 11)
  const diagnostics = new ConfigDiagnostics();
  const calibration = new Calibration(context.globalState);
  const language = new ConfigLanguage(diagnostics, calibration);
  const lens = new ExperimentCodeLens(calibration);
  ExperimentPanel.onResultsSaved = () => lens.refresh();

  const open = (run: boolean) => (uri?: unknown) => {
    const config = targetConfig(uri);
    if (!config) return noConfig();
    // Untrusted: explain, and still show the results already on disk (reading is allowed).
    const allowed = !run || requireTrust('Running an experiment');
    return ExperimentPanel.show(context, diagnostics, calibration, config, { run: run && allowed });
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
    if (choice === go) ExperimentPanel.show(context, diagnostics, calibration, config, { run: true, retrain: 'all' });
    return undefined;
  };

  const retrainRun = async (uri?: unknown, runId?: unknown) => {
    const config = targetConfig(uri);
    if (!config) return noConfig();
    let id = typeof runId === 'string' ? runId : undefined;
    if (id === undefined) {
      const panel = ExperimentPanel.show(context, diagnostics, calibration, config, { run: false });
      const ids = panel.finishedRunIds();
      if (ids.length === 0) {
        void vscode.window.showInformationMessage('No finished runs to retrain yet (Run Experiment trains them).');
        return undefined;
      }
      id = await vscode.window.showQuickPick(ids, { placeHolder: 'The run to train again' });
    }
    if (id !== undefined) ExperimentPanel.show(context, diagnostics, calibration, config, { run: true, retrain: [id] });
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
      return runOnSlurm(context, config, (c) =>
        ExperimentPanel.show(context, diagnostics, calibration, c, { run: false }),
      );
    }),
    vscode.commands.registerCommand('superpositionLab.stopExperiment', (uri?: unknown) => {
      const config = targetConfig(uri);
      for (const panel of ExperimentPanel.all()) if (!config || panel.isFor(config)) panel.stop();
    }),
    vscode.commands.registerCommand('superpositionLab.diagnostics.experimentPanels', () =>
      ExperimentPanel.all().map((p) => p.diagnostics()),
    ),
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
