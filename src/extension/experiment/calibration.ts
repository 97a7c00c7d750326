// How fast training runs on this machine, relative to the cost model (src/core/config/costModel.ts):
// measured ÷ modelled time of the runs finished here, averaged and kept in the extension's global
// state, so "N runs ≈ T" in the editor reflects this machine and backend, not ours.

import type * as vscode from 'vscode';
import { estimateStepMs } from '../../core/config/costModel';

const KEY = 'superpositionLab.trainingCalibration';

interface Stored {
  /** Geometric mean of measured ÷ modelled over `runs` runs. */
  readonly factor: number;
  readonly runs: number;
}

export class Calibration {
  constructor(private readonly state: vscode.Memento) {}

  /** Measured ÷ modelled; 1 until a run has finished here. */
  factor(): number {
    return this.state.get<Stored>(KEY)?.factor ?? 1;
  }

  runs(): number {
    return this.state.get<Stored>(KEY)?.runs ?? 0;
  }

  /** Folds in a finished run (its wall time in ms); recent runs weigh more (at most the last 20). */
  async record(run: { n: number; m: number; batch: number; steps: number; ms: number }): Promise<void> {
    const modelled = run.steps * estimateStepMs(run.n, run.m, run.batch);
    if (!(run.ms > 0) || !(modelled > 0)) return;
    const ratio = run.ms / modelled;
    const old = this.state.get<Stored>(KEY);
    const weight = Math.min(old?.runs ?? 0, 19);
    const factor = old ? Math.exp((weight * Math.log(old.factor) + Math.log(ratio)) / (weight + 1)) : ratio;
    await this.state.update(KEY, { factor, runs: (old?.runs ?? 0) + 1 } satisfies Stored);
  }
}
