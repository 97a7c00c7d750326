// The contract between the extension host and the checkpoint viewer webview. Types only:
// every payload is plain data that survives structured clone (test/shared/protocol.test.ts
// clones a sample of each message). Receivers are exhaustive `Handlers<...>` maps, so adding a
// message here makes the compiler list every place that must handle it.
//
// Sequence: host sets the HTML (with the CSP and the script) → page sends `ready` → host sends
// `model` or `loadFailed` (again whenever the file changes on disk, with a higher version) →
// the user asks for statistics → `computeStats` → `statsProgress`* → `statsDone` | `statsFailed`.

import { typeSet } from './channel';
import type { CspViolationReport } from './pageReports';
import type { CheckpointModel } from '../core/safetensors/model';
import type { TensorStats } from '../core/safetensors/stats';
import type { WireError } from '../core/errors';

/** Bumped on any incompatible change; the page sends it in `ready` and the host checks it. */
export const VIEWER_PROTOCOL_VERSION = 1;

/** Which document, and which load of it, a message is about. Stale versions are dropped. */
export interface DocRef {
  readonly source: string;
  readonly version: number;
}

/** Host → viewer. */
export type ToViewer =
  | {
      readonly type: 'model';
      readonly doc: DocRef;
      readonly model: CheckpointModel;
      /** Sentences shown above the table, e.g. "opened as part of a sharded model". */
      readonly notes: readonly string[];
    }
  | { readonly type: 'loadFailed'; readonly doc: DocRef; readonly error: WireError }
  | { readonly type: 'statsProgress'; readonly requestId: string; readonly fraction: number }
  | { readonly type: 'statsDone'; readonly requestId: string; readonly doc: DocRef; readonly stats: TensorStats }
  /** Also sent for a cancelled request, with code `job/cancelled`: every request ends exactly once. */
  | { readonly type: 'statsFailed'; readonly requestId: string; readonly error: WireError };

/** Viewer → host. */
export type FromViewer =
  | { readonly type: 'ready'; readonly protocolVersion: number }
  | { readonly type: 'computeStats'; readonly requestId: string; readonly doc: DocRef; readonly tensor: string }
  | { readonly type: 'cancelStats'; readonly requestId: string }
  /** "Analyze superposition" on the selected tensor: the host opens the analysis panel beside. */
  | { readonly type: 'analyzeTensor'; readonly tensor: string }
  /** The first render of a model finished: for the log and the end-to-end timing checks. */
  | { readonly type: 'rendered'; readonly doc: DocRef; readonly rows: number; readonly ms: number }
  | CspViolationReport;

export const TO_VIEWER_TYPES = typeSet<ToViewer>({
  model: true,
  loadFailed: true,
  statsProgress: true,
  statsDone: true,
  statsFailed: true,
});
export const FROM_VIEWER_TYPES = typeSet<FromViewer>({
  ready: true,
  computeStats: true,
  cancelStats: true,
  analyzeTensor: true,
  rendered: true,
  cspViolation: true,
});
