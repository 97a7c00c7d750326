// The extension's log (a LogOutputChannel that honours the user's log level) and the one way
// errors are shown to the user: a single sentence, with the details in the log.

import * as vscode from 'vscode';
import { toWireError } from '../core/errors';

let channel: vscode.LogOutputChannel | undefined;

export function log(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel('Superposition Lab', { log: true });
  return channel;
}

/** Shows one error sentence with a "Show Log" action; the full detail goes to the log. */
export async function showError(context: string, e: unknown): Promise<void> {
  const wire = toWireError(e);
  log().error(`${context}: [${wire.code}] ${wire.message}${wire.detail ? `\n${wire.detail}` : ''}`);
  const choice = await vscode.window.showErrorMessage(wire.message, 'Show Log');
  if (choice === 'Show Log') log().show();
}
