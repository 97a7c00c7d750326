// The extension's log (a LogOutputChannel that honours the user's log level) and the one way
// errors are shown to the user: a single sentence, with the details in the log.

import * as vscode from 'vscode';
import { toWireError } from '../core/errors';

let channel: vscode.LogOutputChannel | undefined;

export function log(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel('Superposition Lab', { log: true });
  return channel;
}

/**
 * Logs the full error and shows its sentence with a "Show Log" action. Does not wait for the
 * user: a command that fails must still finish, not hang until the notification is dismissed.
 */
export function showError(context: string, e: unknown): void {
  const wire = toWireError(e);
  log().error(`${context}: [${wire.code}] ${wire.message}${wire.detail ? `\n${wire.detail}` : ''}`);
  void vscode.window.showErrorMessage(wire.message, 'Show Log').then((choice) => {
    if (choice === 'Show Log') log().show();
  });
}

/** For `listen()`: a panel's message handler that failed is shown to the user and logged. */
export function handlerFailed(panel: string): (error: unknown, type: string) => void {
  return (error, type) => showError(`${panel}: handling “${type}”`, error);
}
