// The sweep runners of the open workspace, one per experiment config, created on first use and
// kept until the extension deactivates: a runner outlives every panel that shows it.

import * as vscode from 'vscode';
import type { HostCompute } from '../compute/hostCompute';
import type { Calibration } from './calibration';
import type { ConfigDiagnostics } from './configDiagnostics';
import { SweepRunner } from './sweepRunner';

export class Sweeps implements vscode.Disposable {
  private readonly runners = new Map<string, SweepRunner>();
  private readonly changes = new vscode.EventEmitter<SweepRunner>();
  /** A runner's state or results changed. */
  readonly onDidChange = this.changes.event;

  constructor(
    private readonly compute: HostCompute,
    private readonly diagnostics: ConfigDiagnostics,
    private readonly calibration: Calibration,
  ) {}

  /** The config's runner (a new one has read nothing yet: refresh or start it). */
  get(configUri: vscode.Uri): SweepRunner {
    const key = configUri.toString();
    let runner = this.runners.get(key);
    if (runner === undefined) {
      const created = new SweepRunner(configUri, this.compute, this.diagnostics, this.calibration, () =>
        this.changes.fire(created),
      );
      runner = created;
      this.runners.set(key, runner);
    }
    return runner;
  }

  all(): SweepRunner[] {
    return [...this.runners.values()];
  }

  dispose(): void {
    this.runners.forEach((r) => r.dispose());
    this.runners.clear();
    this.changes.dispose();
  }
}
