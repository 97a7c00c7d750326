// What the cursor is on: a key of some mapping, or the value of some key. Completion and hover
// both start here, so they always agree on where the cursor is.

import { lexAt, type FlowPosition } from './flow';
import {
  blockContainer,
  blockKeys,
  joinPath,
  KEY_THEN_VALUE,
  lineIndexAt,
  sequenceOwner,
  sequenceValues,
  splitLines,
  unquote,
  type Line,
} from './lines';

export interface Word {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

export type CursorContext =
  | {
      readonly kind: 'key';
      /** Path of the mapping ('' for the root). */
      readonly container: string;
      /** Keys already in that mapping, except the one at the cursor. */
      readonly present: ReadonlySet<string>;
      readonly style: 'block' | 'flow';
      readonly word: Word;
    }
  | {
      readonly kind: 'value';
      /** Path of the key whose value (or list item, when inList) is at the cursor. */
      readonly path: string;
      readonly inList: boolean;
      /** Items already in that list, except the one at the cursor. */
      readonly present: ReadonlySet<string>;
      readonly word: Word;
    };

/** Keys, numbers and words like paper-large; not YAML's indicators or spaces. */
const WORD_CHAR = /[\w.+-]/;

function wordAround(text: string, offset: number): Word {
  let start = offset;
  let end = offset;
  while (start > 0 && WORD_CHAR.test(text[start - 1]!)) start--;
  while (end < text.length && WORD_CHAR.test(text[end]!)) end++;
  return { start, end, text: text.slice(start, end) };
}

/** Any offset, even NaN or out of range, becomes a valid one. */
const clampOffset = (text: string, offset: number): number =>
  Number.isFinite(offset) ? Math.min(Math.max(0, Math.trunc(offset)), text.length) : 0;

export function cursorContext(text: string, rawOffset: number): CursorContext | null {
  const offset = clampOffset(text, rawOffset);
  const word = wordAround(text, offset);
  const lines = splitLines(text);
  const lexed = lexAt(text, word.start, offset, (open) => flowOwner(lines, open));
  if (lexed.inText) return null;
  if (lexed.flow !== null) return flowContext(lexed.flow, word);
  return blockContext(lines, word);
}

/**
 * The path of a flow collection that opens outside any other: the value of the key before it on
 * its line (`  data: {`), or the mapping its indentation puts it in (a `{` alone on a line).
 */
function flowOwner(lines: readonly Line[], open: number): string | null {
  const index = lineIndexAt(lines, open);
  const line = lines[index]!;
  const before = line.text.slice(0, open - line.start);
  if (/^ *$/.test(before)) return blockContainer(lines, index, before.length)?.path ?? null;
  const m = KEY_THEN_VALUE.exec(before);
  if (m === null) return null;
  const container = blockContainer(lines, index, m[1]!.length);
  return container === null ? null : joinPath(container.path, unquote(m[2]!));
}

function flowContext(position: FlowPosition, word: Word): CursorContext | null {
  const { collection, key } = position;
  if (collection.owner === null) return null;
  const present = new Set(collection.entries.filter((e) => e.start !== word.start).map((e) => e.text));
  if (collection.kind === 'seq') return { kind: 'value', path: collection.owner, inList: true, present, word };
  if (key !== null) {
    return { kind: 'value', path: joinPath(collection.owner, key), inList: false, present: new Set(), word };
  }
  return { kind: 'key', container: collection.owner, present, style: 'flow', word };
}

function blockContext(lines: readonly Line[], word: Word): CursorContext | null {
  const index = lineIndexAt(lines, word.start);
  const line = lines[index]!;
  const before = line.text.slice(0, word.start - line.start);
  if (/^ *$/.test(before)) {
    const container = blockContainer(lines, index, before.length);
    if (container === null) return null;
    const present = blockKeys(lines, container, before.length, index);
    return { kind: 'key', container: container.path, present, style: 'block', word };
  }
  const keyed = KEY_THEN_VALUE.exec(before);
  // `key:value` is one plain scalar in YAML; only an empty word may sit right after the colon.
  if (keyed !== null && (keyed[3] !== '' || word.text === '')) {
    const container = blockContainer(lines, index, keyed[1]!.length);
    if (container === null) return null;
    return {
      kind: 'value',
      path: joinPath(container.path, unquote(keyed[2]!)),
      inList: false,
      present: new Set(),
      word,
    };
  }
  const entry = /^( *)-[ \t]+$/.exec(before);
  if (entry !== null) {
    const indent = entry[1]!.length;
    const owner = sequenceOwner(lines, index, indent);
    if (owner === null) return null;
    return { kind: 'value', path: owner, inList: true, present: sequenceValues(lines, index, indent), word };
  }
  return null;
}
