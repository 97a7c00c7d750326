// Typed access to the extension's settings (package.json `contributes.configuration`), with the
// same defaults as the manifest. Read through here only.

import * as vscode from 'vscode';

export interface Settings {
  /** Largest file read whole on file systems without ranged reads. */
  readonly maxWholeFileReadMB: number;
  readonly histogramBins: number;
}

const DEFAULTS: Settings = { maxWholeFileReadMB: 512, histogramBins: 64 };

export function settings(): Settings {
  const c = vscode.workspace.getConfiguration('superpositionLab');
  return {
    maxWholeFileReadMB: c.get<number>('maxWholeFileReadMB', DEFAULTS.maxWholeFileReadMB),
    histogramBins: c.get<number>('stats.histogramBins', DEFAULTS.histogramBins),
  };
}
