// Typed access to the extension's settings (package.json `contributes.configuration`), with the
// same defaults as the manifest. Read through here only.

import * as vscode from 'vscode';
import type { BackendPreference } from '../core/compute/backend';
import type { AnalysisSettings } from '../shared/computeJobs';
import { DEFAULT_PAIR_BUDGET, DEFAULT_SAMPLE_ROWS } from '../core/analysis/superposition';

export interface Settings {
  /** Largest file read whole on file systems without ranged reads. */
  readonly maxWholeFileReadMB: number;
  readonly histogramBins: number;
  /** Compute backend of the extension host's workers. */
  readonly backend: BackendPreference;
}

const BACKENDS: readonly BackendPreference[] = ['auto', 'webgpu', 'wasm', 'cpu'];

export function settings(): Settings {
  const c = vscode.workspace.getConfiguration('superpositionLab');
  const backend = c.get<string>('compute.backend', 'auto');
  return {
    maxWholeFileReadMB: c.get<number>('maxWholeFileReadMB', 512),
    histogramBins: c.get<number>('stats.histogramBins', 64),
    backend: (BACKENDS as readonly string[]).includes(backend) ? (backend as BackendPreference) : 'auto',
  };
}

/** The analysis defaults (the panel can override them for one run). */
export function analysisSettings(): AnalysisSettings {
  const c = vscode.workspace.getConfiguration('superpositionLab.analysis');
  return {
    pairBudget: c.get<number>('pairBudget', DEFAULT_PAIR_BUDGET),
    sampleRows: c.get<number>('sampleRows', DEFAULT_SAMPLE_ROWS),
    seed: c.get<number>('seed', 0),
    heatmapMaxRows: c.get<number>('heatmapMaxRows', 2000),
  };
}
