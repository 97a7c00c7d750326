// Completion: the keys a mapping may still take, or the values a key accepts. Entries are not
// filtered by the word at the cursor: the editor filters (fuzzily) as the user types, and the
// replace range tells it which word to match.

import { FIELD_BY_PATH } from '../schema';
import { cursorContext, type Word } from './context';
import {
  fieldDetail,
  fieldMarkdown,
  keysOf,
  sectionDetail,
  sectionMarkdown,
  valueMarkdown,
  valueMeaning,
  valuesOf,
  type KeyDoc,
} from './docs';
import type { CompletionEntry } from './types';

export function completionsAt(text: string, offset: number): CompletionEntry[] {
  const context = cursorContext(text, offset);
  if (context === null) return [];
  if (context.kind === 'value') {
    // Right after the colon (the editor completes on ':'), the value needs its separating space.
    const space = text[context.word.start - 1] === ':' ? ' ' : '';
    return valueEntries(context.path, context.inList, context.present, context.word, space);
  }
  // A key that already has its colon (the user is renaming it) gets the bare name.
  const hasColon = /^[ \t]*:/.test(text.slice(context.word.end));
  return keysOf(context.container)
    .filter((k) => !context.present.has(k.name))
    .map((k, i) => keyEntry(k, context.style, hasColon, context.word, i));
}

/** Sort keys that keep the schema's order (keys) or put the default first (values). */
const order = (i: number) => String(i).padStart(4, '0');

function keyEntry(k: KeyDoc, style: 'block' | 'flow', hasColon: boolean, word: Word, index: number): CompletionEntry {
  // In block style a section's keys go on the next lines, indented; in a flow mapping on this one.
  const suffix = hasColon ? '' : k.kind === 'section' && style === 'block' ? ':\n  ' : ': ';
  return {
    label: k.name,
    kind: k.kind,
    insertText: k.name + suffix,
    detail: k.kind === 'section' ? sectionDetail(k.name) : fieldDetail(k.field),
    documentation: k.kind === 'section' ? sectionMarkdown(k.name) : fieldMarkdown(k.field),
    replaceStart: word.start,
    replaceEnd: word.end,
    sortText: order(index),
    preselect: false,
  };
}

function valueEntries(
  path: string,
  inList: boolean,
  present: ReadonlySet<string>,
  word: Word,
  space: string,
): CompletionEntry[] {
  const field = FIELD_BY_PATH.get(path);
  if (field === undefined) return [];
  // The default first and preselected; the rest keep the schema's order, in which values that
  // need other keys (`empirical` needs data.counts) come last.
  const fallback = field.default === undefined || field.default === null ? undefined : String(field.default);
  return valuesOf(path, inList)
    .filter((v) => !present.has(v))
    .map((value, i) => ({
      label: value,
      kind: 'value' as const,
      insertText: space + value,
      detail: valueMeaning(path, value) ?? fieldDetail(field),
      documentation: valueMarkdown(field, value),
      replaceStart: word.start,
      replaceEnd: word.end,
      sortText: value === fallback ? order(0) : order(i + 1),
      preselect: value === fallback,
    }));
}
