// Workspace trust: in Restricted Mode the extension reads and analyzes (checkpoints, configs,
// results) but does not train, reproduce the paper or write results, because those run long jobs
// and write files named by a config that came with the workspace. Every such entry point calls
// requireTrust, which explains why and offers the trust dialog.

import * as vscode from 'vscode';

export const RESTRICTED_EXPLANATION =
  'This workspace is not trusted (Restricted Mode): Superposition Lab reads and analyzes files here, but training, paper reproduction and writing results are disabled until you trust the workspace.';

/** True when the workspace is trusted; otherwise says why `action` is unavailable and returns false. */
export function requireTrust(action: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  const manage = 'Manage Workspace Trust';
  void vscode.window
    .showWarningMessage(`${action} is disabled. ${RESTRICTED_EXPLANATION}`, manage)
    .then((choice) => (choice === manage ? vscode.commands.executeCommand('workbench.trust.manage') : undefined));
  return false;
}
