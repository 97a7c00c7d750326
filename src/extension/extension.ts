// Entry point of the extension host side: registers the checkpoint viewer and the commands.
// Nothing else happens at activation; everything heavy is on demand.

import * as vscode from 'vscode';
import { isIndexPath } from '../core/safetensors/open';
import { log, showError } from './log';
import { CheckpointEditorProvider, INDEX_VIEW_TYPE, VIEW_TYPE } from './viewer/checkpointEditorProvider';
import { registerAnalysisCommands } from './analysis/commands';
import { registerExperimentCommands } from './experiment/commands';
import { reproducePaper, type ReproduceArgs } from './reproduce/reproduceCommand';
import { registerSampleCommands } from './samples';
import { registerExperimentTasks } from './experiment/experimentTasks';
import { HostCompute } from './compute/hostCompute';
import { registerRunsView } from './runs/runsView';

export function activate(context: vscode.ExtensionContext): void {
  try {
    const viewer = CheckpointEditorProvider.register(context);
    // Analysis and training run here, in the extension host's workers (on the remote machine
    // under VS Code Remote), never in a webview.
    const compute = new HostCompute(context.extensionUri);
    context.subscriptions.push(
      log(),
      compute,
      vscode.commands.registerCommand('superpositionLab.openCheckpoint', (uri?: vscode.Uri) => openCheckpoint(uri)),
      vscode.commands.registerCommand('superpositionLab.showLog', () => log().show()),
      // For diagnostics and the end-to-end tests: what each open viewer loaded and what it cost.
      vscode.commands.registerCommand('superpositionLab.diagnostics.viewers', () => viewer.diagnostics()),
      ...registerAnalysisCommands(context, compute),
      ...registerExperimentCommands(context, compute),
      ...registerSampleCommands(context),
      registerExperimentTasks(context),
      ...registerRunsView(),
      vscode.commands.registerCommand('superpositionLab.reproducePaper', (args?: ReproduceArgs) =>
        reproducePaper(context, args),
      ),
    );
    log().info(`Superposition Lab ${context.extension.packageJSON.version as string} activated`);
  } catch (e) {
    showError('Activation failed', e);
    throw e;
  }
}

async function openCheckpoint(uri: vscode.Uri | undefined): Promise<void> {
  const target = uri ?? vscode.window.activeTextEditor?.document.uri;
  if (target === undefined) {
    void vscode.window.showInformationMessage(
      'Select a .safetensors or .safetensors.index.json file in the Explorer first.',
    );
    return;
  }
  const viewType = isIndexPath(target.path) ? INDEX_VIEW_TYPE : VIEW_TYPE;
  try {
    await vscode.commands.executeCommand('vscode.openWith', target, viewType);
  } catch (e) {
    showError(`Opening ${target.toString()}`, e);
  }
}

export function deactivate(): void {}
