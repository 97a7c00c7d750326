// While a sweep trains: a status bar item ("$(sync~spin) Training quick-demo 3/8") that opens its
// panel, and the context key `superpositionLab.training` (true while any sweep trains), so the
// sweep stays visible with its panel closed.

import * as vscode from 'vscode';
import type { Sweeps } from './sweeps';

export const TRAINING_CONTEXT_KEY = 'superpositionLab.training';

export interface TrainingStatus extends vscode.Disposable {
  /** The item's text while shown, else null (for the diagnostics command). */
  readonly text: () => string | null;
}

export function trainingStatus(sweeps: Sweeps): TrainingStatus {
  const item = vscode.window.createStatusBarItem('superpositionLab.training', vscode.StatusBarAlignment.Left, 20);
  item.name = 'Superposition Lab: Training';
  let training: boolean | undefined;
  let shown: string | null = null;
  const update = () => {
    const running = sweeps.all().filter((r) => r.isTraining());
    const now = running.length > 0;
    if (now !== training) {
      training = now;
      void vscode.commands.executeCommand('setContext', TRAINING_CONTEXT_KEY, now);
    }
    const first = running[0];
    if (first === undefined) {
      item.hide();
      shown = null;
      return;
    }
    const { current, total } = first.position();
    const more = running.length > 1 ? ` (+${running.length - 1} more)` : '';
    // The sweep's size is known once its config is read (a moment after the start): no "0/0".
    const count = total > 0 ? ` ${current}/${total}` : '';
    shown = `$(sync~spin) Training ${first.name}${count}${more}`;
    item.text = shown;
    item.tooltip = `Show the experiment panel of ${first.name}`;
    item.command = {
      title: 'Show Experiment',
      command: 'superpositionLab.showExperiment',
      arguments: [first.configUri],
    };
    item.show();
  };
  update();
  const subscription = sweeps.onDidChange(update);
  return {
    text: () => shown,
    dispose: () => {
      subscription.dispose();
      item.dispose();
    },
  };
}
