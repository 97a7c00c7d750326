// A line-by-line view of block-style YAML. While a key is being typed the text is often not valid
// YAML (or valid with another meaning: `data:\n  feat` is the scalar "feat"), so the editor
// features decide "which mapping is the cursor in" from indentation, as a person reading it would.

export interface Line {
  /** Offset of the first character and of the line break (or the end of the text). */
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** Leading spaces (YAML indents with spaces only). */
  readonly indent: number;
}

export interface KeyLine {
  /** Unquoted key. */
  readonly key: string;
  readonly keyStart: number;
  readonly keyEnd: number;
  /** Offset just after the colon. */
  readonly colonEnd: number;
  /** The value on the same line without a trailing comment, trimmed ('' for none). */
  readonly value: string;
  readonly valueStart: number;
}

/** A mapping found by indentation: its dotted path ('' for the root) and where it starts. */
export interface BlockContainer {
  readonly path: string;
  /** Index of the line of its key, -1 for the root. */
  readonly keyLine: number;
  /** Indentation of that key, -1 for the root. */
  readonly keyIndent: number;
}

const LINE_BREAK = /\r\n|\r|\n/g;

export function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (const m of text.matchAll(LINE_BREAK)) {
    lines.push(makeLine(text, start, m.index));
    start = m.index + m[0].length;
  }
  lines.push(makeLine(text, start, text.length));
  return lines;
}

function makeLine(text: string, start: number, end: number): Line {
  const body = text.slice(start, end);
  return { start, end, text: body, indent: body.length - body.replace(/^ +/, '').length };
}

/** Index of the line holding `offset` (a line break belongs to the line it ends). */
export function lineIndexAt(lines: readonly Line[], offset: number): number {
  let lo = 0;
  let hi = lines.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lines[mid]!.start <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Blank and comment-only lines say nothing about structure. */
export const isBlank = (line: Line): boolean => /^\s*(#.*)?$/.test(line.text);

const isDocumentMarker = (line: Line): boolean => /^(---|\.\.\.)(\s|$)/.test(line.text);

// A plain key (no indicator first, no `: ` or ` #` inside) or a quoted one, then a colon that ends
// the key (followed by a space or the end of the line). `- ` first is a sequence entry.
const PLAIN_KEY = String.raw`(?!-[ \t]|-$)[^\s#:{}[\],'"&*!|>%@\x60?](?:[^:#{}[\],]|:(?=\S)|(?<=\S)#)*?`;
const QUOTED_KEY = String.raw`"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'`;
const KEY_LINE = new RegExp(String.raw`^( *)(${PLAIN_KEY}|${QUOTED_KEY})[ \t]*:(?=[ \t]|$)`);
/** The text before a value: indentation, a key and its colon, spaces (none right after the colon). */
export const KEY_THEN_VALUE = new RegExp(String.raw`^( *)(${PLAIN_KEY}|${QUOTED_KEY})[ \t]*:([ \t]*)$`);

export function unquote(key: string): string {
  if (key.length >= 2 && key.startsWith('"') && key.endsWith('"')) return key.slice(1, -1).replace(/\\(.)/g, '$1');
  if (key.length >= 2 && key.startsWith("'") && key.endsWith("'")) return key.slice(1, -1).replace(/''/g, "'");
  return key;
}

export function parseKeyLine(line: Line): KeyLine | null {
  const m = KEY_LINE.exec(line.text);
  if (m === null) return null;
  const keyStart = line.start + m[1]!.length;
  const keyEnd = keyStart + m[2]!.length;
  const colonEnd = line.start + m[0].length;
  const rest = line.text.slice(m[0].length);
  // A comment starts at a `#` after whitespace (inside quotes too, rarely: best effort).
  const withoutComment = rest.replace(/(^|\s)#.*$/, '');
  const value = withoutComment.trim();
  const valueStart = colonEnd + (withoutComment.length - withoutComment.trimStart().length);
  return { key: unquote(m[2]!), keyStart, keyEnd, colonEnd, value, valueStart };
}

export const joinPath = (parent: string, key: string): string => (parent === '' ? key : `${parent}.${key}`);

/**
 * The mapping that a line indented by `indent` belongs to: walk up to each less indented line,
 * which must be a key with nothing after its colon (`data:`). Null when the line cannot be inside
 * a mapping there (under a key that already has a value, or a sequence entry).
 */
export function blockContainer(lines: readonly Line[], index: number, indent: number): BlockContainer | null {
  const keys: string[] = [];
  let want = indent;
  let keyLine = -1;
  let keyIndent = -1;
  for (let i = index - 1; i >= 0 && want > 0; i--) {
    const line = lines[i]!;
    if (isBlank(line) || line.indent >= want) continue;
    const parsed = parseKeyLine(line);
    if (parsed === null || parsed.value !== '') return null;
    keys.unshift(parsed.key);
    want = line.indent;
    if (keyLine < 0) {
      keyLine = i;
      keyIndent = line.indent;
    }
  }
  return { path: keys.join('.'), keyLine, keyIndent };
}

/** Keys written in a block mapping at `indent`, except on line `skip` (the one being edited). */
export function blockKeys(
  lines: readonly Line[],
  container: BlockContainer,
  indent: number,
  skip: number,
): Set<string> {
  const keys = new Set<string>();
  for (let i = container.keyLine + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (isBlank(line)) continue;
    if (line.indent <= container.keyIndent || isDocumentMarker(line)) break;
    const parsed = line.indent === indent && i !== skip ? parseKeyLine(line) : null;
    if (parsed !== null) keys.add(parsed.key);
  }
  return keys;
}

const SEQ_ENTRY = /^( *)-(?:[ \t]+(.*?))?\s*$/;

/**
 * The key that owns a block sequence entry (`- power`) on line `index`, indented by `indent`:
 * the key above it, either less indented or (YAML's compact form) at the same indentation.
 */
export function sequenceOwner(lines: readonly Line[], index: number, indent: number): string | null {
  for (let i = index - 1; i >= 0; i--) {
    const line = lines[i]!;
    if (isBlank(line) || line.indent > indent) continue;
    if (line.indent === indent && SEQ_ENTRY.test(line.text)) continue;
    const parsed = parseKeyLine(line);
    if (parsed === null || parsed.value !== '') return null;
    const container = blockContainer(lines, i, line.indent);
    return container === null ? null : joinPath(container.path, parsed.key);
  }
  return null;
}

/** The values of the other entries of the block sequence around line `index`. */
export function sequenceValues(lines: readonly Line[], index: number, indent: number): Set<string> {
  const values = new Set<string>();
  for (const step of [-1, 1]) {
    for (let i = index + step; i >= 0 && i < lines.length; i += step) {
      const line = lines[i]!;
      if (isBlank(line) || line.indent > indent) continue;
      const m = line.indent === indent ? SEQ_ENTRY.exec(line.text) : null;
      if (m === null) break;
      if (m[2]) values.add(unquote(m[2].replace(/\s#.*$/, '')));
    }
  }
  return values;
}
