// Where the cursor is with respect to flow collections (`{features: 64, |}`, `[power, |]`), and
// whether it is inside text that is not structure (a comment, a quoted or block scalar).
//
// This uses the yaml package's Lexer: it never throws, its tokens cover the text exactly (so
// offsets are sums of token lengths) and it already knows quotes, comments and block scalars,
// which a hand-written bracket counter would get wrong.

import { CST, Lexer } from 'yaml';

export interface FlowEntry {
  /** A key (in a mapping) or an item (in a sequence), unquoted. */
  readonly text: string;
  readonly start: number;
}

export interface FlowCollection {
  readonly kind: 'map' | 'seq';
  /** Dotted path of the key whose value this collection is ('' for the root), null if unknown. */
  readonly owner: string | null;
  /** Every key or item written in it, also those after the cursor. */
  readonly entries: FlowEntry[];
}

export interface FlowPosition {
  readonly collection: FlowCollection;
  /** In a mapping: the key whose value is at the cursor; null where a key goes. */
  readonly key: string | null;
}

export interface LexedCursor {
  /** The innermost flow collection around the cursor; null in block context. */
  readonly flow: FlowPosition | null;
  /** The cursor is inside a comment, a quoted scalar or a block scalar. */
  readonly inText: boolean;
}

/** Finds the path that a flow collection opening at this offset (outside any other) belongs to. */
export type OwnerOf = (open: number) => string | null;

interface Frame {
  readonly collection: FlowCollection;
  readonly owner: OwnerNode;
  /** The last scalar written in this collection (a key candidate until its colon). */
  pending: FlowEntry | null;
  /** In a mapping: the key of the pair being written, once its colon is seen. */
  key: string | null;
}

const CONTROL = new Set<string>([CST.DOCUMENT, CST.FLOW_END, CST.SCALAR]);

function unquoteScalar(source: string): string {
  const type = CST.tokenType(source);
  if (type === 'double-quoted-scalar' || type === 'single-quoted-scalar') return source.slice(1, -1);
  return source;
}

/**
 * A collection's owner, worked out only when asked: finding the key of a top-level collection
 * walks lines up, and only the collections around the cursor need it. Resolution walks up the
 * chain of enclosing collections in a loop, not by recursion, so 5000 nested `[` cannot overflow
 * the stack.
 */
interface OwnerNode {
  readonly parent: OwnerNode | undefined;
  /** Whether the parent is a mapping, and the key of the pair this collection is the value of. */
  readonly parentIsMap: boolean;
  readonly parentKey: string | null;
  readonly open: number;
  resolved?: string | null;
}

function resolveOwner(node: OwnerNode, ownerOf: OwnerOf): string | null {
  const chain: OwnerNode[] = [];
  let top = node;
  while (top.resolved === undefined && top.parent !== undefined) {
    chain.push(top);
    top = top.parent;
  }
  if (top.resolved === undefined) top.resolved = ownerOf(top.open);
  let outer = top.resolved;
  for (let i = chain.length - 1; i >= 0; i--) {
    const n = chain[i]!;
    // Only a collection that is the value of a key in a mapping has a path (not a list item).
    n.resolved =
      !n.parentIsMap || n.parentKey === null || outer === null
        ? null
        : outer === ''
          ? n.parentKey
          : `${outer}.${n.parentKey}`;
    outer = n.resolved;
  }
  return outer;
}

/**
 * Lexes the whole text and reports the state at `wordStart` (the start of the word at the cursor,
 * which is left out of the entries so a half-typed key does not exclude itself).
 */
export function lexAt(text: string, wordStart: number, offset: number, ownerOf: OwnerOf): LexedCursor {
  const stack: Frame[] = [];
  let snapshot: FlowPosition | null | undefined;
  let inText = false;
  let pos = 0;
  let scalarNext = false;
  let blockBodyNext = false;
  const take = (): FlowPosition | null => {
    const top = stack[stack.length - 1];
    return top === undefined ? null : { collection: top.collection, key: top.key };
  };
  for (const token of new Lexer().lex(text)) {
    if (CONTROL.has(token)) {
      if (token === CST.SCALAR) scalarNext = true;
      if (token === CST.FLOW_END) stack.length = 0; // the lexer gave up on an unclosed collection
      continue;
    }
    const start = pos;
    pos += token.length;
    if (snapshot === undefined && start >= wordStart) snapshot = take();
    const type = scalarNext ? (blockBodyNext ? 'block-scalar' : 'scalar') : CST.tokenType(token);
    scalarNext = false;
    if (type === 'block-scalar') blockBodyNext = false;
    if (isText(type) && start < offset && (offset < pos || (type === 'comment' && offset === pos))) inText = true;
    const top = stack[stack.length - 1];
    switch (type) {
      case 'block-scalar-header':
        blockBodyNext = true;
        break;
      case 'flow-map-start':
      case 'flow-seq-start': {
        const kind = type === 'flow-map-start' ? 'map' : 'seq';
        const node: OwnerNode = {
          parent: top?.owner,
          parentIsMap: top?.collection.kind === 'map',
          parentKey: top?.key ?? null,
          open: start,
        };
        const collection: FlowCollection = {
          kind,
          entries: [],
          get owner() {
            return resolveOwner(node, ownerOf);
          },
        };
        stack.push({ collection, owner: node, pending: null, key: null });
        break;
      }
      case 'flow-map-end':
      case 'flow-seq-end':
        stack.pop();
        break;
      case 'comma':
        if (top) top.key = top.pending = null;
        break;
      case 'map-value-ind':
        if (top?.collection.kind === 'map' && top.key === null && top.pending !== null) {
          top.collection.entries.push(top.pending);
          top.key = top.pending.text;
        }
        break;
      case 'scalar':
      case 'double-quoted-scalar':
      case 'single-quoted-scalar':
        if (top !== undefined) {
          top.pending = { text: unquoteScalar(token), start };
          if (top.collection.kind === 'seq') top.collection.entries.push(top.pending);
        }
        break;
    }
  }
  return { flow: snapshot === undefined ? take() : snapshot, inText };
}

const isText = (type: string | null): boolean =>
  type === 'comment' || type === 'block-scalar' || type === 'double-quoted-scalar' || type === 'single-quoted-scalar';
