// "Run Experiment" (CodeLens, editor title, explorer, palette) and "Show Experiment Results".

import * as vscode from 'vscode';
import { ConfigDiagnostics } from './configDiagnostics';
import { ExperimentCodeLens, EXPERIMENT_SELECTOR } from './codeLens';
import { ExperimentPanel } from './experimentPanel';

const isExperiment = (uri: vscode.Uri) => /\.experiment\.ya?ml$/.test(uri.path);

function targetConfig(uri: unknown): vscode.Uri | undefined {
  if (uri instanceof vscode.Uri) return uri;
  const active = vscode.window.activeTextEditor?.document.uri;
  return active && isExperiment(active) ? active : undefined;
}

export function registerExperimentCommands(context: vscode.ExtensionContext): vscode.Disposable[] {
  const diagnostics = new ConfigDiagnostics();
  const lens = new ExperimentCodeLens();
  ExperimentPanel.onResultsSaved = () => lens.refresh();

  const open = (run: boolean) => (uri?: unknown) => {
    const config = targetConfig(uri);
    if (!config) {
      void vscode.window.showInformationMessage(
        'Open an *.experiment.yaml file (or select one in the Explorer) first.',
      );
      return undefined;
    }
    return ExperimentPanel.show(context, diagnostics, config, { run });
  };

  return [
    diagnostics,
    vscode.languages.registerCodeLensProvider(EXPERIMENT_SELECTOR, lens),
    vscode.commands.registerCommand('superpositionLab.runExperiment', open(true)),
    vscode.commands.registerCommand('superpositionLab.showExperiment', open(false)),
    vscode.commands.registerCommand('superpositionLab.stopExperiment', (uri?: unknown) => {
      const config = targetConfig(uri);
      for (const panel of ExperimentPanel.all()) if (!config || panel.isFor(config)) panel.stop();
    }),
    vscode.commands.registerCommand('superpositionLab.diagnostics.experimentPanels', () =>
      ExperimentPanel.all().map((p) => p.diagnostics()),
    ),
    vscode.commands.registerCommand('superpositionLab.diagnostics.configProblems', (uri: vscode.Uri) =>
      diagnostics
        .get(uri)
        .map((d) => ({ message: d.message, line: d.range.start.line, character: d.range.start.character })),
    ),
  ];
}
