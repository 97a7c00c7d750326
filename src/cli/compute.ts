// Compute for the CLI: every job runs in Node compute workers (dist/nodeWorker.js, next to
// dist/cli.js with the WASM binaries), on WebGPU through Dawn when a hardware GPU is there, else
// WASM (SIMD), else TF.js's CPU backend (src/nodeWorker/nodeBackend.ts).

import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import type { BackendPreference, BackendReport } from '../core/compute/backend';
import { ComputeWorker } from '../node/computeWorker';
import { WorkerPool } from '../node/workerPool';

export const BACKEND_CHOICES: readonly BackendPreference[] = ['auto', 'webgpu', 'wasm', 'cpu'];

export interface ComputeOptions {
  readonly backend: BackendPreference;
  /** Parallel workers; default: one per core on CPU backends, one on a GPU. */
  readonly jobs?: number;
}

export interface Compute {
  readonly pool: WorkerPool;
  readonly backend: BackendReport;
}

const pools: WorkerPool[] = [];

const newWorker = (backend: BackendPreference) =>
  new ComputeWorker({ script: path.join(__dirname, 'nodeWorker.js'), backend, wasmDir: __dirname });

/** Starts the workers; the first one finds the backend (a small checked matrix product). */
export async function startCompute(options: ComputeOptions): Promise<Compute> {
  const first = newWorker(options.backend);
  let backend: BackendReport;
  try {
    const probe = await first.run({ kind: 'probe' }).result;
    backend = probe.backend;
  } catch (e) {
    await first.terminate();
    throw e;
  }
  // A GPU is shared by every job on it: one at a time unless asked; the CPU backends scale with cores.
  const onGpu = backend.name === 'webgpu' && backend.adapter?.software !== true;
  const size = options.jobs ?? (onGpu ? 1 : availableParallelism());
  const pool = new WorkerPool(() => newWorker(options.backend), size, first);
  pools.push(pool);
  return { pool, backend };
}

/** Ends every worker (they would keep the process alive). */
export async function closeCompute(): Promise<void> {
  await Promise.all(pools.splice(0).map((p) => p.close()));
}
