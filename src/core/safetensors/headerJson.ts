// The JSON reader for safetensors headers. One pass over the text, in time linear in its length,
// with the same rules as the reference implementation (serde_json inside huggingface/safetensors):
//
//   - nesting deeper than the reference allows is refused when the bracket is met, before any
//     value under it is built, so the scan of a 100 MB header of `[[[[…` stops after 128
//     characters instead of spending seconds and gigabytes;
//   - the reader knows the header's shape (an object of tensor entries and `__metadata__`), so it
//     builds only what validation needs: values of unknown entry fields are checked and skipped,
//     and arrays keep at most their first few items (a count is enough to refuse the rest);
//   - numbers are kept as written, so integer rules (no `1.0`, `1e0` or `-0` for a size) and
//     messages about huge values see the text, not a rounded double;
//   - strings with an unpaired surrogate escape (`"\ud800"`) are refused, as in serde_json;
//   - a field given twice inside one tensor entry is refused (serde's duplicate-field rule).
//
// Errors here: syntax, nesting, duplicate names and fields, and `__metadata__` that is not a map
// of strings; what the tensor entries mean is checked in header.ts. Recursion depth is bounded by MAX_NESTING_DEPTH, so recursive descent is safe.

import { CoreError, messages } from '../errors';

/**
 * serde_json starts with a recursion budget of 128 and fails when an opening bracket brings it to
 * zero, so 127 nested arrays/objects (the top-level object included) is the deepest it reads.
 */
export const MAX_NESTING_DEPTH = 127;

/** No real tensor has more dimensions (NumPy's own limit is 64); bounds the work per entry. */
export const MAX_RANK = 64;

/** Arrays keep this many items, enough to read any valid shape and to see that one is too long. */
const KEPT_ARRAY_ITEMS = MAX_RANK + 1;

/** A value of a known entry field, kept as written where it matters. */
export type RawValue =
  | { readonly kind: 'string'; readonly value: string; readonly text: string }
  | { readonly kind: 'number'; readonly text: string }
  | {
      readonly kind: 'array';
      /** The first KEPT_ARRAY_ITEMS items. */
      readonly items: readonly RawValue[];
      readonly count: number;
      readonly text: string;
    }
  /** Objects, literals and arrays nested inside arrays: only their text is kept. */
  | { readonly kind: 'other'; readonly text: string };

export const ENTRY_FIELDS = ['dtype', 'shape', 'data_offsets'] as const;
export type EntryField = (typeof ENTRY_FIELDS)[number];

export interface RawEntry {
  readonly name: string;
  /** Null when the entry is not an object. */
  readonly fields: Partial<Record<EntryField, RawValue>> | null;
}

export interface RawHeader {
  /** `undefined` when absent; `null` when given as null; otherwise the parsed string map. */
  readonly metadata: Record<string, string> | null | undefined;
}

const isEntryField = (key: string): key is EntryField => (ENTRY_FIELDS as readonly string[]).includes(key);

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** A short, printable form of text as written, for messages. */
export function excerpt(text: string, max = 40): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

class HeaderScanner {
  private pos = 0;
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly file: string,
    private readonly onEntry: (entry: RawEntry) => void,
  ) {}

  parse(): RawHeader {
    this.skipWhitespace();
    if (this.peek() !== 0x7b /* { */) {
      throw new CoreError('safetensors/header-not-object', messages.headerNotObject(this.file));
    }
    const seen = new Set<string>();
    let metadata: Record<string, string> | null | undefined;
    this.readObject((key) => {
      // JSON.parse would keep the last of two equal names; the format forbids duplicates.
      if (seen.has(key)) throw new CoreError('safetensors/duplicate-name', messages.duplicateName(this.file, key));
      seen.add(key);
      if (key === '__metadata__') metadata = this.readMetadata();
      else this.onEntry(this.readEntry(key));
    });
    this.skipWhitespace();
    if (this.pos < this.text.length) this.syntax('unexpected text after the header object');
    return { metadata };
  }

  private readEntry(name: string): RawEntry {
    if (this.peek() !== 0x7b) {
      this.skipValue();
      return { name, fields: null };
    }
    const fields: Partial<Record<EntryField, RawValue>> = {};
    this.readObject((key) => {
      if (!isEntryField(key)) {
        // The reference ignores fields it does not know; so do we, after checking their syntax.
        this.skipValue();
        return;
      }
      if (fields[key] !== undefined) {
        throw new CoreError('safetensors/duplicate-field', messages.duplicateField(this.file, name, key));
      }
      fields[key] = this.readFieldValue(true);
    });
    return { name, fields };
  }

  private readMetadata(): Record<string, string> | null {
    const c = this.peek();
    if (c === 0x6e /* n */) {
      this.readLiteral('null');
      return null;
    }
    if (c !== 0x7b) {
      throw new CoreError('safetensors/metadata', messages.metadata(this.file, 'it must be an object of strings'));
    }
    // A null prototype, so a key named "__proto__" is stored as data, not as a prototype.
    const out = Object.create(null) as Record<string, string>;
    this.readObject((key) => {
      const start = this.pos;
      if (this.peek() !== QUOTE) {
        this.skipValue();
        const written = excerpt(this.text.slice(start, this.pos));
        throw new CoreError(
          'safetensors/metadata',
          messages.metadata(this.file, `the value of "${key}" is ${written}, not a string`),
        );
      }
      out[key] = this.readString();
    });
    return out;
  }

  /** A value of a known field: strings, numbers and (one level of) arrays are kept. */
  private readFieldValue(arraysAllowed: boolean): RawValue {
    const start = this.pos;
    const c = this.peek();
    if (c === QUOTE) {
      const value = this.readString();
      return { kind: 'string', value, text: this.text.slice(start, this.pos) };
    }
    if (c === 0x2d /* - */ || isDigit(c)) {
      this.skipNumber();
      return { kind: 'number', text: this.text.slice(start, this.pos) };
    }
    if (c === 0x5b /* [ */ && arraysAllowed) {
      const items: RawValue[] = [];
      let count = 0;
      this.readArray(() => {
        const item = this.readFieldValue(false);
        if (count < KEPT_ARRAY_ITEMS) items.push(item);
        count++;
      });
      return { kind: 'array', items, count, text: this.text.slice(start, this.pos) };
    }
    this.skipValue();
    return { kind: 'other', text: this.text.slice(start, this.pos) };
  }

  // ---- generic JSON, validated without building values ----

  private skipValue(): void {
    const c = this.peek();
    if (c === 0x7b) this.readObject(() => this.skipValue());
    else if (c === 0x5b) this.readArray(() => this.skipValue());
    else if (c === QUOTE) this.skipString();
    else if (c === 0x2d || isDigit(c)) this.skipNumber();
    else if (c === 0x74 /* t */) this.readLiteral('true');
    else if (c === 0x66 /* f */) this.readLiteral('false');
    else if (c === 0x6e /* n */) this.readLiteral('null');
    else this.syntax(c === undefined ? 'the header ends where a value should be' : 'expected a value');
  }

  /** `{` members `}`; calls `member(key)` with the position on the member's value. */
  private readObject(member: (key: string) => void): void {
    this.enter();
    this.pos++; // {
    this.skipWhitespace();
    if (this.peek() === 0x7d /* } */) {
      this.pos++;
      this.depth--;
      return;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.peek() !== QUOTE) this.syntax('expected a quoted key');
      const key = this.readString();
      this.skipWhitespace();
      if (this.peek() !== 0x3a /* : */) this.syntax('expected ":" after a key');
      this.pos++;
      this.skipWhitespace();
      member(key);
      this.skipWhitespace();
      const c = this.peek();
      this.pos++;
      if (c === 0x2c /* , */) continue;
      if (c === 0x7d) break;
      this.pos--;
      this.syntax('expected "," or "}" in an object');
    }
    this.depth--;
  }

  /** `[` items `]`; calls `item()` with the position on each item. */
  private readArray(item: () => void): void {
    this.enter();
    this.pos++; // [
    this.skipWhitespace();
    if (this.peek() === 0x5d /* ] */) {
      this.pos++;
      this.depth--;
      return;
    }
    for (;;) {
      this.skipWhitespace();
      item();
      this.skipWhitespace();
      const c = this.peek();
      this.pos++;
      if (c === 0x2c) continue;
      if (c === 0x5d) break;
      this.pos--;
      this.syntax('expected "," or "]" in an array');
    }
    this.depth--;
  }

  /** Checked on every opening bracket, before anything under it is read. */
  private enter(): void {
    this.depth++;
    if (this.depth > MAX_NESTING_DEPTH) {
      throw new CoreError('safetensors/header-depth', messages.headerDepth(this.file, MAX_NESTING_DEPTH));
    }
  }

  private readString(): string {
    return this.scanString(true);
  }

  private skipString(): void {
    this.scanString(false);
  }

  /** Reads a string at `pos` (on its opening quote); builds its value only when `build` is set. */
  private scanString(build: boolean): string {
    const text = this.text;
    let out = '';
    this.pos++;
    let chunkStart = this.pos;
    for (;;) {
      const c = text.charCodeAt(this.pos);
      if (Number.isNaN(c)) this.syntax('unterminated string');
      if (c === QUOTE) {
        if (build) out += text.slice(chunkStart, this.pos);
        this.pos++;
        return out;
      }
      if (c < 0x20) this.syntax('control character in a string');
      if (c !== BACKSLASH) {
        this.pos++;
        continue;
      }
      if (build) out += text.slice(chunkStart, this.pos);
      const decoded = this.readEscape();
      if (build) out += decoded;
      chunkStart = this.pos;
    }
  }

  /** One escape at `pos` (on the backslash); a leading surrogate must be followed by a trailing one. */
  private readEscape(): string {
    const e = this.text.charCodeAt(this.pos + 1);
    const simple = SIMPLE_ESCAPES.get(e);
    if (simple !== undefined) {
      this.pos += 2;
      return simple;
    }
    if (e !== 0x75 /* u */) this.syntax('invalid escape in a string');
    const unit = this.readHex4(this.pos + 2);
    this.pos += 6;
    if (unit >= 0xdc00 && unit <= 0xdfff) this.syntax('unpaired surrogate escape in a string');
    if (unit < 0xd800 || unit > 0xdbff) return String.fromCharCode(unit);
    if (this.text.charCodeAt(this.pos) !== BACKSLASH || this.text.charCodeAt(this.pos + 1) !== 0x75) {
      this.syntax('unpaired surrogate escape in a string');
    }
    const low = this.readHex4(this.pos + 2);
    if (low < 0xdc00 || low > 0xdfff) this.syntax('unpaired surrogate escape in a string');
    this.pos += 6;
    return String.fromCharCode(unit, low);
  }

  private readHex4(at: number): number {
    let v = 0;
    for (let i = at; i < at + 4; i++) {
      const d = hexDigit(this.text.charCodeAt(i));
      if (d < 0) {
        this.pos = i;
        this.syntax('invalid \\u escape in a string');
      }
      v = v * 16 + d;
    }
    return v;
  }

  /** The JSON number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
  private skipNumber(): void {
    if (this.peek() === 0x2d) this.pos++;
    const first = this.peek();
    if (first === 0x30) this.pos++;
    else if (isDigit(first)) this.skipDigits();
    else this.syntax('invalid number');
    if (this.peek() === 0x2e /* . */) {
      this.pos++;
      if (!isDigit(this.peek())) this.syntax('invalid number');
      this.skipDigits();
    }
    const e = this.peek();
    if (e === 0x65 || e === 0x45) {
      this.pos++;
      const s = this.peek();
      if (s === 0x2b || s === 0x2d) this.pos++;
      if (!isDigit(this.peek())) this.syntax('invalid number');
      this.skipDigits();
    }
    // "01" or "1x": the number must end here.
    if (isDigit(this.peek())) this.syntax('invalid number (leading zero)');
  }

  private skipDigits(): void {
    while (isDigit(this.peek())) this.pos++;
  }

  private readLiteral(word: 'true' | 'false' | 'null'): void {
    if (!this.text.startsWith(word, this.pos)) this.syntax('expected a value');
    this.pos += word.length;
  }

  private skipWhitespace(): void {
    const text = this.text;
    for (;;) {
      const c = text.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.pos++;
      else return;
    }
  }

  private peek(): number | undefined {
    return this.pos < this.text.length ? this.text.charCodeAt(this.pos) : undefined;
  }

  private syntax(reason: string): never {
    const where = this.pos >= this.text.length ? 'at the end' : `at character ${this.pos.toLocaleString('en-US')}`;
    throw new CoreError('safetensors/header-json', messages.headerJson(this.file, `${reason} ${where}`));
  }
}

const SIMPLE_ESCAPES: ReadonlyMap<number, string> = new Map([
  [0x22, '"'],
  [0x5c, '\\'],
  [0x2f, '/'],
  [0x62, '\b'],
  [0x66, '\f'],
  [0x6e, '\n'],
  [0x72, '\r'],
  [0x74, '\t'],
]);

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/**
 * Reads the header text, handing each tensor entry to `onEntry` as soon as it is read (so a header
 * of millions of entries never holds them all in raw form), and returns the metadata. Leading and
 * trailing JSON whitespace is allowed (the reference accepts both); anything else outside the one
 * object is an error.
 */
export function scanHeaderJson(text: string, fileName: string, onEntry: (entry: RawEntry) => void): RawHeader {
  return new HeaderScanner(text, fileName, onEntry).parse();
}
