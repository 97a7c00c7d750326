// Hover: the table's documentation of the key under the cursor, or of the key whose value it is.
// Unknown keys get nothing: the diagnostics already say "unknown key (did you mean …?)".

import { FIELD_BY_PATH } from '../schema';
import { cursorContext } from './context';
import { fieldMarkdown, isSection, sectionMarkdown, valueMarkdown } from './docs';
import { joinPath } from './lines';
import type { HoverInfo } from './types';

export function hoverAt(text: string, offset: number): HoverInfo | null {
  const context = cursorContext(text, offset);
  if (context === null || context.word.text === '') return null;
  const { start, end, text: word } = context.word;
  if (context.kind === 'value') {
    const field = FIELD_BY_PATH.get(context.path);
    return field ? { path: field.path, markdown: valueMarkdown(field, word), start, end } : null;
  }
  const path = joinPath(context.container, word);
  if (context.container === '' && isSection(path)) return { path, markdown: sectionMarkdown(path), start, end };
  const field = FIELD_BY_PATH.get(path);
  return field ? { path, markdown: fieldMarkdown(field), start, end } : null;
}
