// Which runs of a sweep train together (batchedTrainer.ts): runs that share the model's shape and
// the settings the batched step shares (n, width, batch size, steps, β₁, β₂, ε, loss scale), in
// groups whose memory stays under a cap. Pure planning: no TF.js, no timing.

import type { RunSpec } from '../config/sweep';
import { CoreError, messages } from '../errors';

/** The settings one batched step shares across its runs, with the names errors use. */
const SHARED: readonly (readonly [string, (r: RunSpec) => number])[] = [
  ['n', (r) => r.n],
  ['width', (r) => r.values.width],
  ['batch size', (r) => r.batch],
  ['steps', (r) => r.steps],
  ['β₁', (r) => r.beta1],
  ['β₂', (r) => r.beta2],
  ['ε', (r) => r.eps],
  ['loss scale', (r) => r.lossScale],
];

/** Runs with equal keys may train as one batch. */
export function batchKey(r: RunSpec): string {
  return SHARED.map(([, get]) => get(r)).join('|');
}

/** Throws CoreError('train/batch') unless every run can train in one batch with the first. */
export function checkBatchable(runs: readonly RunSpec[]): void {
  const first = runs[0];
  if (first === undefined) throw new CoreError('train/batch', messages.batchEmpty());
  for (const r of runs) {
    const differs = SHARED.find(([, get]) => get(r) !== get(first));
    if (differs) throw new CoreError('train/batch', messages.batchMismatch(first.id, r.id, differs[0]));
  }
}

/**
 * Bytes one run adds to a batched step (float32): W, its two Adam moments and the update's
 * temporaries (about six n×m arrays), and the step's n×B-sized arrays (the dense batch, the
 * pre-activations, the residual, the gradient and their temporaries: about eight). A bound, not a
 * measurement: TF.js frees temporaries at the end of each step.
 */
export function runBytes(r: Pick<RunSpec, 'n' | 'batch' | 'values'>): number {
  return 4 * r.n * (9 * r.values.width + 8 * r.batch);
}

/** The default cap: 256 MiB of step memory per group, well inside WASM's 4 GiB and a GPU's. */
export const DEFAULT_GROUP_BYTES = 256 * 2 ** 20;

export interface BatchPlanOptions {
  /** Most bytes (runBytes summed) per group; a run larger than the cap trains alone. */
  readonly maxBytes?: number;
  /** Most runs per group (e.g. 1 to train one at a time). */
  readonly maxRuns?: number;
  /**
   * Runs this wide or wider train alone. The batched step is the dense one; on TF.js WASM the
   * one-run trainer's active-feature path (m ≥ 16) is faster than it (docs/performance.md).
   */
  readonly aloneFromWidth?: number;
}

/** The plan for a TF.js backend: on WASM, batches only below the active path's widths. */
export function backendBatchOptions(backend: string): BatchPlanOptions {
  return backend === 'wasm' ? { aloneFromWidth: 16 } : {};
}

/**
 * Groups `runs` for batched training: runs with the same batchKey, in the order they come, each
 * group under the caps. Every run is in exactly one group; groups come in the order of their first
 * run, so a sweep still trains (and saves) its runs in roughly the listed order.
 */
export function planBatches(runs: readonly RunSpec[], options: BatchPlanOptions = {}): RunSpec[][] {
  const maxBytes = options.maxBytes ?? DEFAULT_GROUP_BYTES;
  const maxRuns = options.maxRuns ?? Number.POSITIVE_INFINITY;
  if (!(maxBytes > 0)) throw new CoreError('train/batch', messages.batchCap(maxBytes));
  if (!(maxRuns >= 1)) throw new CoreError('train/batch', messages.batchCap(maxRuns));
  const groups: RunSpec[][] = [];
  // The group each key is filling now, and its bytes so far.
  const open = new Map<string, { group: RunSpec[]; bytes: number }>();
  for (const r of runs) {
    // A run that trains alone gets a key no other run has.
    const key = r.values.width >= (options.aloneFromWidth ?? Number.POSITIVE_INFINITY) ? `alone ${r.id}` : batchKey(r);
    const bytes = runBytes(r);
    const current = open.get(key);
    if (current && current.group.length < maxRuns && current.bytes + bytes <= maxBytes) {
      current.group.push(r);
      current.bytes += bytes;
      continue;
    }
    const group = [r];
    groups.push(group);
    open.set(key, { group, bytes });
  }
  return groups;
}
