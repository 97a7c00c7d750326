// Output helpers for the CLI: exit statuses, one-line errors, plain-text tables.

import { isInputError, toWireError, type WireError } from '../core/errors';

export const EXIT = { ok: 0, usage: 1, invalidInput: 2, internal: 3 } as const;

export class UsageError extends Error {}

/** Exit status for anything thrown by a command. */
export function exitStatusFor(e: unknown): number {
  if (e instanceof UsageError) return EXIT.usage;
  const wire = toWireError(e);
  if (wire.code === 'usage') return EXIT.usage;
  return isInputError(wire.code) ? EXIT.invalidInput : EXIT.internal;
}

/** The single stderr line for an error: no stack trace (set SUPERPOSITION_LAB_DEBUG=1 for one). */
export function errorLine(e: unknown): string {
  if (e instanceof UsageError) return `superposition-lab: ${e.message} (see --help)`;
  const wire: WireError = toWireError(e);
  return `superposition-lab: ${wire.message.replace(/\s*\n\s*/g, ' ')}`;
}

export interface Column<T> {
  readonly title: string;
  readonly value: (row: T) => string;
  readonly align?: 'left' | 'right';
}

/** Aligned plain-text table; columns separated by two spaces. */
export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((r) => columns.map((c) => c.value(r)));
  const widths = columns.map((c, i) => Math.max(c.title.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => (columns[i]!.align === 'right' ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.title)), ...cells.map(line)].join('\n');
}
