// Messages every panel page sends its host in the same shape: a chart or its data to save, and a
// Content-Security-Policy violation (logged, and fatal in tests). Types only; each page protocol
// includes them in its page → host union, and src/extension/panelHost.ts handles them once.

/** Save text (SVG, CSV, JSON) or base64 (PNG) under a suggested file name. */
export interface ExportRequest {
  readonly type: 'export';
  readonly fileName: string;
  readonly format: 'svg' | 'png' | 'csv' | 'json';
  readonly content: string;
}

/** A Content-Security-Policy violation seen by the page. */
export interface CspViolationReport {
  readonly type: 'cspViolation';
  readonly directive: string;
  readonly blockedURI: string;
}

export type PageReport = ExportRequest | CspViolationReport;
