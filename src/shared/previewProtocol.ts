// The contract between the extension host and the live preview beside a config (one per config
// file). Types only, plain data.
//
// The host sends the config after every edit (debounced), tagged with the document's version;
// the page draws the theory at once. When typing pauses, the host runs a short "quick check"
// training on its preview compute worker (in the extension host: next to the files and the GPU)
// and sends its state and measured points, tagged with the same version. A newer edit cancels
// the check on the worker; the page drops a `quickCheck` of any version but its latest `config`,
// so an old result is never drawn as current. The page computes nothing but the theory.

import { typeSet } from './channel';
import type { PageReport } from './pageReports';
import type { ExperimentConfig } from '../core/config/schema';
import type { ConfigProblem } from '../core/config/parse';
import type { MeasuredPoint } from '../core/charts/previewSpecs';

/** 2: the quick check moved from the page's worker to the extension host (issue 11). */
export const PREVIEW_PROTOCOL_VERSION = 2;

export interface PreviewInit {
  readonly protocolVersion: number;
  readonly title: string;
  /** The config's URI; the page keeps it in its state so a window reload can restore the panel. */
  readonly configUri: string;
}

/** What the page keeps with `setState` (read back by the host's WebviewPanelSerializer). */
export interface PreviewState {
  readonly configUri: string;
}

export type QuickCheckState = 'waiting' | 'running' | 'done' | 'skipped' | 'cancelled' | 'failed';

export interface QuickCheckStatus {
  /** The document version whose config is being checked. */
  readonly version: number;
  readonly state: QuickCheckState;
  /** One sentence for the status line. */
  readonly message: string;
  /** The losses measured so far, for this version only. */
  readonly points: readonly MeasuredPoint[];
  /** Share of the check's training steps done, 0…1. */
  readonly fraction: number;
  /**
   * The backend of the worker running it, as describeBackend says ("wasm; skipped webgpu: …"),
   * once the worker has said; null before. The check always runs in the extension host.
   */
  readonly backend: string | null;
}

/** Host → page. */
export type ToPreview =
  | {
      readonly type: 'config';
      /** The document version this was parsed from. */
      readonly version: number;
      readonly fileName: string;
      /** Null when the text has errors (the problems say which). */
      readonly config: ExperimentConfig | null;
      readonly problems: readonly ConfigProblem[];
      /** For `distribution: empirical`: the counts file, sorted descending (absent otherwise). */
      readonly counts?: readonly number[];
      /** Measured ÷ modelled step time on this machine (1 when nothing has been measured yet). */
      readonly calibration: number;
    }
  /** Every change of the quick check: state, progress, each measured point as it lands. */
  | { readonly type: 'quickCheck'; readonly status: QuickCheckStatus };

/** Page → host. */
export type FromPreview =
  | { readonly type: 'ready'; readonly protocolVersion: number }
  /** The theory for `version` is on screen (for the end-to-end tests and the log). */
  | { readonly type: 'rendered'; readonly version: number; readonly charts: readonly string[]; readonly ms: number }
  /** The measured points now on the loss plot and the version they belong to (tests and the log). */
  | { readonly type: 'measuredDrawn'; readonly version: number; readonly points: number }
  /** The Cancel button: stops the check of `version` (ignored when that check is no longer current). */
  | { readonly type: 'cancelQuickCheck'; readonly version: number }
  | { readonly type: 'run' }
  | PageReport;

export const TO_PREVIEW_TYPES = typeSet<ToPreview>({ config: true, quickCheck: true });
export const FROM_PREVIEW_TYPES = typeSet<FromPreview>({
  ready: true,
  rendered: true,
  measuredDrawn: true,
  cancelQuickCheck: true,
  run: true,
  export: true,
  cspViolation: true,
});
