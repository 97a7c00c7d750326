// The outline: sections with their keys, with exact ranges. Valid YAML is read with the yaml
// package (which knows flow style, quotes, comments and block scalars). When the file has errors,
// each top-level entry is parsed on its own, so one half-typed line only degrades its own section,
// and an entry that still does not parse is read line by line by indentation.

import { isMap, isScalar, isSeq, parseDocument, Scalar, type Node, type Pair } from 'yaml';
import { isSection } from './docs';
import { isBlank, parseKeyLine, splitLines, type Line } from './lines';
import type { OutlineSymbol } from './types';

const DETAIL_LENGTH = 40;

export function outline(text: string): OutlineSymbol[] {
  return parseMap(text, 0) ?? splitTopLevel(text).flatMap((chunk) => chunkOutline(text, chunk));
}

/** The symbols of `text.slice(shift)…` read as YAML, or null when it has errors or is not a mapping. */
function parseMap(text: string, shift: number, end = text.length): OutlineSymbol[] | null {
  const source = text.slice(shift, end);
  const doc = parseDocument(source, { uniqueKeys: false, prettyErrors: false });
  if (doc.errors.length > 0 || !isMap(doc.contents)) return null;
  return mapSymbols(doc.contents.items as Pair<Node | null, Node | null>[], source, shift, true);
}

function mapSymbols(
  pairs: Pair<Node | null, Node | null>[],
  source: string,
  shift: number,
  root: boolean,
): OutlineSymbol[] {
  const symbols: OutlineSymbol[] = [];
  for (const pair of pairs) {
    const key = pair.key;
    if (!key?.range) continue; // `: value` with no key: nothing to name
    const [keyStart, keyEnd] = key.range;
    const name = isScalar(key) ? String(key.value) : source.slice(keyStart, keyEnd);
    const value = pair.value;
    const children = isMap(value)
      ? mapSymbols(value.items as Pair<Node | null, Node | null>[], source, shift, false)
      : [];
    const isEmpty = value === null || (isScalar(value) && value.value === null && value.range![0] === value.range![1]);
    const end = isEmpty ? afterColon(source, keyEnd) : contentEnd(value!, source);
    symbols.push({
      name,
      detail: isMap(value) || isEmpty ? '' : valueDetail(value!, source),
      kind: isMap(value) || (isEmpty && root && isSection(name)) ? 'section' : 'key',
      start: keyStart + shift,
      end: end + shift,
      selectionStart: keyStart + shift,
      selectionEnd: keyEnd + shift,
      children,
    });
  }
  return symbols;
}

/** `key:` with no value ends at its colon. */
function afterColon(source: string, keyEnd: number): number {
  const m = /^[ \t]*:/.exec(source.slice(keyEnd));
  return keyEnd + (m ? m[0].length : 0);
}

/**
 * Where a value's text ends. The yaml package's ranges of block collections and block scalars
 * run on over the line break and trailing comments, which an outline range should not include.
 */
function contentEnd(node: Node, source: string): number {
  if ((isMap(node) || isSeq(node)) && !node.flow && node.items.length > 0) {
    const last = node.items[node.items.length - 1] as Node | Pair<Node | null, Node | null>;
    if (!isMap(node)) return contentEnd(last as Node, source);
    const pair = last as Pair<Node | null, Node | null>;
    if (pair.value?.range && pair.value.range[1] > pair.value.range[0]) return contentEnd(pair.value, source);
    return pair.key?.range ? afterColon(source, pair.key.range[1]) : node.range![1];
  }
  const [start, end] = node.range!;
  return start + source.slice(start, end).trimEnd().length;
}

function valueDetail(node: Node, source: string): string {
  let written: string;
  if (isSeq(node) && !node.flow) {
    written = `[${(node.items as Node[]).map((item) => valueDetail(item, source)).join(', ')}]`;
  } else if (isScalar(node) && (node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED)) {
    written = String(node.value);
  } else {
    written = source.slice(node.range![0], contentEnd(node, source));
  }
  return shorten(written);
}

function shorten(written: string): string {
  const oneLine = written.replace(/\s+/g, ' ').trim();
  return oneLine.length <= DETAIL_LENGTH ? oneLine : `${oneLine.slice(0, DETAIL_LENGTH - 1)}…`;
}

interface Chunk {
  readonly start: number;
  readonly end: number;
  readonly lines: readonly Line[];
}

/** Top-level entries: a line at the root's indentation and the more indented lines under it. */
function splitTopLevel(text: string): Chunk[] {
  const lines = splitLines(text).filter((l) => !isBlank(l));
  const rootIndent = Math.min(...lines.map((l) => l.indent));
  const chunks: Line[][] = [];
  for (const line of lines) {
    if (line.indent <= rootIndent || chunks.length === 0) chunks.push([line]);
    else chunks[chunks.length - 1]!.push(line);
  }
  return chunks.map((ls) => ({ start: ls[0]!.start, end: ls[ls.length - 1]!.end, lines: ls }));
}

function chunkOutline(text: string, chunk: Chunk): OutlineSymbol[] {
  return parseMap(text, chunk.start, chunk.end) ?? lineOutline(text, chunk.lines);
}

interface Draft {
  readonly symbol: Omit<OutlineSymbol, 'end' | 'children'>;
  readonly indent: number;
  readonly valueStart: number;
  end: number;
  readonly children: Draft[];
}

/** The last resort: key lines nested by indentation; other lines extend the key above them. */
function lineOutline(text: string, lines: readonly Line[]): OutlineSymbol[] {
  const roots: Draft[] = [];
  const open: Draft[] = [];
  for (const line of lines) {
    while (open.length > 0 && open[open.length - 1]!.indent >= line.indent) open.pop();
    const parent = open[open.length - 1];
    const key = parseKeyLine(line);
    if (key === null) {
      if (parent) parent.end = Math.max(parent.end, line.start + line.text.trimEnd().length);
      continue;
    }
    const draft: Draft = {
      symbol: {
        name: key.key,
        detail: shorten(key.value),
        kind: 'key',
        selectionStart: key.keyStart,
        selectionEnd: key.keyEnd,
        start: key.keyStart,
      },
      indent: line.indent,
      valueStart: key.valueStart,
      end: key.value === '' ? key.colonEnd : key.valueStart + key.value.length,
      children: [],
    };
    (parent ? parent.children : roots).push(draft);
    open.push(draft);
  }
  return roots.map((d) => finish(text, d, true));
}

function finish(text: string, draft: Draft, root: boolean): OutlineSymbol {
  const { symbol } = draft;
  // A one-line flow mapping (`data: {features: 64}`) still gets its keys as children.
  const flow = symbol.detail.startsWith('{') ? parseMap(text, draft.valueStart, draft.end) : null;
  const children = flow ?? draft.children.map((d) => finish(text, d, false));
  const end = Math.max(draft.end, ...children.map((c) => c.end));
  const section = children.length > 0 || (root && symbol.detail === '' && isSection(symbol.name));
  return { ...symbol, detail: section ? '' : symbol.detail, kind: section ? 'section' : 'key', end, children };
}
