// The extension host's compute: Node compute workers (dist/nodeWorker.js, the same worker the CLI
// uses) next to the files and the GPU. With VS Code Remote the extension host runs on the remote
// machine, so analysis and training run there, on its GPU through Dawn when it has one, and
// webviews only draw. One worker per lane (analysis, training, preview), so a long sweep never
// queues an analysis behind it; a lane's worker is started on first use and started again after a
// crash, a lost GPU device or a change of `superpositionLab.compute.backend`.

import * as path from 'node:path';
import * as vscode from 'vscode';
import type { BackendReport } from '../../core/compute/backend';
import { ComputeWorker, type JobHooks } from '../../node/computeWorker';
import type { NodeWorkerJob, NodeWorkerResult } from '../../shared/nodeWorkerProtocol';
import { describeBackend } from '../../core/compute/describeBackend';
import { log } from '../log';
import { settings } from '../settings';

export type ComputeLane = 'analysis' | 'train' | 'preview';

export interface HostJob {
  readonly result: Promise<NodeWorkerResult>;
  /** Asks the worker to stop; `result` then rejects with job/cancelled. */
  readonly cancel: () => void;
}

export class HostCompute implements vscode.Disposable {
  private readonly workers = new Map<ComputeLane, ComputeWorker>();
  private readonly subscription: vscode.Disposable;
  /** The backend the last job ran on: the log says so again only when it changes. */
  private last: BackendReport | null = null;

  constructor(private readonly extensionUri: vscode.Uri) {
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('superpositionLab.compute.backend')) void this.restart('the backend setting changed');
    });
  }

  /** Runs one job on `lane`'s worker; `hooks.started` also records where it ran. */
  run(lane: ComputeLane, job: NodeWorkerJob, hooks: JobHooks = {}): HostJob {
    const worker = this.worker(lane);
    const started = worker.run(job, {
      ...hooks,
      started: (backend, kernel) => {
        if (this.last === null || describeBackend(this.last) !== describeBackend(backend)) {
          log().info(`Compute (${lane}) in the extension host on ${describeBackend(backend)}`);
        }
        this.last = backend;
        hooks.started?.(backend, kernel);
      },
    });
    return { result: started.result, cancel: () => worker.cancel(started.jobId) };
  }

  private worker(lane: ComputeLane): ComputeWorker {
    let w = this.workers.get(lane);
    if (w === undefined || !w.alive) {
      const dist = vscode.Uri.joinPath(this.extensionUri, 'dist').fsPath;
      w = new ComputeWorker({ script: path.join(dist, 'nodeWorker.js'), backend: settings().backend, wasmDir: dist });
      this.workers.set(lane, w);
    }
    return w;
  }

  /** Ends every worker (their jobs fail with compute/worker-crashed: "terminated"). */
  private async restart(why: string): Promise<void> {
    if (this.workers.size === 0) return;
    log().info(`Restarting the compute workers: ${why}`);
    const old = [...this.workers.values()];
    this.workers.clear();
    await Promise.all(old.map((w) => w.terminate()));
  }

  dispose(): void {
    this.subscription.dispose();
    void this.restart('the extension is deactivating');
  }
}
