// Output helpers for the CLI: exit statuses, one-line errors, plain-text tables.

import { isInputError, toWireError, type WireError } from '../core/errors';

export const EXIT = { ok: 0, usage: 1, invalidInput: 2, internal: 3, interrupted: 130 } as const;

export class UsageError extends Error {}

/** Exit status for anything thrown by a command. */
export function exitStatusFor(e: unknown): number {
  if (e instanceof UsageError) return EXIT.usage;
  const wire = toWireError(e);
  if (wire.code === 'usage') return EXIT.usage;
  // Ctrl-C stops stats and analyze through their cancel check: 130, as for every command.
  if (wire.code === 'job/cancelled' || wire.code === 'job/interrupted') return EXIT.interrupted;
  return isInputError(wire.code) ? EXIT.invalidInput : EXIT.internal;
}

/** The single stderr line for an error: no stack trace (set SUPERPOSITION_LAB_DEBUG=1 for one). */
export function errorLine(e: unknown): string {
  if (e instanceof UsageError) return `superposition-lab: ${e.message} (see --help)`;
  const wire: WireError = toWireError(e);
  return `superposition-lab: ${escapeControl(wire.message.replace(/\s*\n\s*/g, ' '))}`;
}

// C0 controls, DEL and C1 controls (U+0080–U+009F: 8-bit CSI and friends). A tensor name or a
// metadata value could otherwise clear the screen or set the terminal's title.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const CONTROL_EXCEPT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g;
const hex = (c: string) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;

/** Text for a terminal: every control character written as \xNN (newlines included). */
export function escapeControl(s: string): string {
  return s.replace(CONTROL, hex);
}

/** A command's text output: control characters escaped, its own line breaks kept. */
export function escapeControlKeepLines(s: string): string {
  return s.replace(CONTROL_EXCEPT_NEWLINE, hex);
}

/**
 * JSON output: JSON.stringify escapes C0 controls but writes C1 controls (U+0080–U+009F) raw;
 * they can only occur inside strings, where \u00XX is the same character.
 */
export function escapeJsonC1(json: string): string {
  return json.replace(/[\u0080-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export interface Column<T> {
  readonly title: string;
  readonly value: (row: T) => string;
  readonly align?: 'left' | 'right';
}

/** Aligned plain-text table; columns separated by two spaces. */
export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((r) => columns.map((c) => c.value(r)));
  // A loop, not Math.max(...cells): spreading 150,000 arguments overflows the stack.
  const widths = columns.map((c) => c.title.length);
  for (const row of cells) {
    for (let i = 0; i < row.length; i++) widths[i] = Math.max(widths[i]!, row[i]!.length);
  }
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => (columns[i]!.align === 'right' ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.title)), ...cells.map(line)].join('\n');
}
