// The contract between the extension host and the live preview beside a config (one per config
// file). Types only, plain data.
//
// The host sends the config after every edit (debounced), tagged with the document's version;
// the page draws the theory at once and then runs a short "quick check" training in its worker,
// tagged with the same version. A newer `config` cancels the quick check in flight; results of
// an older version are dropped, never shown as current.

import { typeSet } from './channel';
import type { BackendPreference } from '../core/compute/backend';
import type { ExperimentConfig } from '../core/config/schema';
import type { ConfigProblem } from '../core/config/parse';

export const PREVIEW_PROTOCOL_VERSION = 1;

export interface PreviewInit {
  readonly protocolVersion: number;
  readonly title: string;
  readonly workerUrl: string;
  readonly wasmUrls: Readonly<Record<string, string>>;
  readonly backend: BackendPreference;
}

export type QuickCheckState = 'waiting' | 'running' | 'done' | 'skipped' | 'cancelled' | 'failed';

/** Host → page. */
export type ToPreview = {
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
};

/** Page → host. */
export type FromPreview =
  | { readonly type: 'ready'; readonly protocolVersion: number }
  /** The theory for `version` is on screen (for the end-to-end tests and the log). */
  | { readonly type: 'rendered'; readonly version: number; readonly charts: readonly string[]; readonly ms: number }
  | {
      readonly type: 'quickCheck';
      readonly version: number;
      readonly state: QuickCheckState;
      readonly message: string;
      readonly points: number;
    }
  | { readonly type: 'run' }
  | {
      readonly type: 'export';
      readonly fileName: string;
      readonly format: 'svg' | 'png' | 'csv' | 'json';
      readonly content: string;
    }
  | { readonly type: 'cspViolation'; readonly directive: string; readonly blockedURI: string };

export const TO_PREVIEW_TYPES = typeSet<ToPreview>({ config: true });
export const FROM_PREVIEW_TYPES = typeSet<FromPreview>({
  ready: true,
  rendered: true,
  quickCheck: true,
  run: true,
  export: true,
  cspViolation: true,
});
