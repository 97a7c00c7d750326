// The examples that ship inside the extension (a real checkpoint, a sharded toy model), for the
// walkthrough's first steps: they work before the user has a checkpoint or a workspace of their own.

import * as vscode from 'vscode';
import { VIEW_TYPE } from './viewer/checkpointEditorProvider';

export function sampleCheckpoint(context: vscode.ExtensionContext): vscode.Uri {
  return vscode.Uri.joinPath(context.extensionUri, 'examples', 'checkpoints', 'stories260K.lm_head.safetensors');
}

export function registerSampleCommands(context: vscode.ExtensionContext): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('superpositionLab.openSampleCheckpoint', () =>
      vscode.commands.executeCommand('vscode.openWith', sampleCheckpoint(context), VIEW_TYPE),
    ),
    vscode.commands.registerCommand('superpositionLab.analyzeSampleCheckpoint', () =>
      vscode.commands.executeCommand('superpositionLab.analyze', sampleCheckpoint(context)),
    ),
  ];
}
