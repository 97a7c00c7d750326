// Validation of a safetensors header (the JSON after the 8-byte length), as strict as the
// reference implementation (huggingface/safetensors `Metadata::validate`) and then some:
//
//   1. the header is a JSON object, with no tensor name given twice (JSON.parse would silently
//      keep the last one, so we scan for duplicates ourselves);
//   2. `__metadata__`, if present and not null, maps strings to strings;
//   3. every other entry is an object with a known `dtype`, a `shape` of non-negative integers
//      (rank ≤ MAX_RANK), and `data_offsets` [begin, end] of non-negative integers with begin ≤ end;
//   4. numel × bits is computed with overflow checks, must be a whole number of bytes, and must
//      equal end − begin;
//   5. sorted by offset, the tensors tile the data section exactly: the first starts at 0, each
//      starts where the previous ends (no gaps, no overlaps), none ends past the end of the file,
//      and the last ends exactly at the end of the file.
//
// Every failure is a CoreError with its own code; nothing else may escape (see the fuzz test).

import { CoreError, jsonSyntaxReason, messages } from '../errors';
import { type Dtype, DTYPE_INFO, isDtype } from './dtype';

/** No real tensor has more dimensions (NumPy's own limit is 64); bounds the work per entry. */
export const MAX_RANK = 64;

/** Where a tensor's bytes are, and what they hold. Offsets are relative to the data section. */
export interface TensorEntry {
  readonly name: string;
  readonly dtype: Dtype;
  readonly shape: readonly number[];
  /** Number of elements: the product of `shape` (1 for a scalar). */
  readonly numel: number;
  readonly begin: number;
  readonly end: number;
}

export interface SafetensorsHeader {
  /** Display name of the file, used in every message. */
  readonly fileName: string;
  readonly fileSize: number;
  /** N, the declared JSON header length in bytes. */
  readonly headerLength: number;
  /** Absolute file offset of the data section: 8 + N. */
  readonly dataStart: number;
  /** The `__metadata__` string map, or null when the file has none. */
  readonly metadata: Readonly<Record<string, string>> | null;
  /** Tensors in header order. */
  readonly tensors: readonly TensorEntry[];
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/**
 * The first key of the top-level object that occurs twice, if any. Only called on text that
 * JSON.parse accepted, so a simple scan of strings and brackets is exact.
 */
export function findDuplicateTopLevelKey(text: string): string | undefined {
  const seen = new Set<string>();
  let depth = 0;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i;
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) i++;
        else if (d === 0x22) break;
      }
      if (depth === 1 && expectKey) {
        const key = JSON.parse(text.slice(start, i + 1)) as string;
        if (seen.has(key)) return key;
        seen.add(key);
        expectKey = false;
      }
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth++;
      if (depth === 1) expectKey = true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    } else if (c === 0x2c /* , */ && depth === 1) {
      expectKey = true;
    }
  }
  return undefined;
}

function parseMetadata(file: string, value: unknown): Record<string, string> | null {
  if (value === null) return null;
  if (!isPlainObject(value)) {
    throw new CoreError('safetensors/metadata', messages.metadata(file, 'it must be an object of strings'));
  }
  // A null prototype, so a key named "__proto__" is stored as data, not as a prototype.
  const out = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') {
      throw new CoreError(
        'safetensors/metadata',
        messages.metadata(file, `the value of "${k}" is ${JSON.stringify(v)?.slice(0, 40) ?? typeof v}, not a string`),
      );
    }
    out[k] = v;
  }
  return out;
}

function parseEntry(file: string, name: string, value: unknown): TensorEntry {
  if (!isPlainObject(value)) {
    throw new CoreError(
      'safetensors/entry',
      messages.entry(file, name, 'is not an object with dtype, shape and data_offsets'),
    );
  }
  const { dtype, shape, data_offsets: offsets } = value;
  if (dtype === undefined) throw new CoreError('safetensors/entry', messages.entry(file, name, 'has no dtype'));
  if (!isDtype(dtype)) throw new CoreError('safetensors/dtype', messages.dtype(file, name, String(dtype)));
  if (!Array.isArray(shape)) {
    throw new CoreError('safetensors/shape', messages.shape(file, name, 'it is not a list of sizes'));
  }
  if (shape.length > MAX_RANK) {
    throw new CoreError(
      'safetensors/shape',
      messages.shape(file, name, `${shape.length} dimensions, more than ${MAX_RANK}`),
    );
  }
  let numel = 1;
  for (const dim of shape) {
    if (!isCount(dim)) {
      throw new CoreError(
        'safetensors/shape',
        messages.shape(file, name, `${JSON.stringify(dim)} is not a non-negative integer`),
      );
    }
    // numel * dim must stay a safe integer; dim = 0 is always safe.
    if (dim > 0 && numel > Number.MAX_SAFE_INTEGER / dim) {
      throw new CoreError('safetensors/overflow', messages.overflow(file, name));
    }
    numel *= dim;
  }
  if (!Array.isArray(offsets) || offsets.length !== 2) {
    throw new CoreError('safetensors/offsets', messages.offsets(file, name, 'expected a list [begin, end]'));
  }
  const [begin, end] = offsets as [unknown, unknown];
  if (!isCount(begin) || !isCount(end)) {
    throw new CoreError(
      'safetensors/offsets',
      messages.offsets(file, name, `${JSON.stringify(offsets)} are not non-negative integers`),
    );
  }
  if (end < begin) {
    throw new CoreError('safetensors/offsets', messages.offsets(file, name, `end ${end} is before begin ${begin}`));
  }
  const bits = DTYPE_INFO[dtype].bits;
  if (numel > Number.MAX_SAFE_INTEGER / bits) {
    throw new CoreError('safetensors/overflow', messages.overflow(file, name));
  }
  const totalBits = numel * bits;
  if (totalBits % 8 !== 0) {
    throw new CoreError(
      'safetensors/shape',
      messages.shape(file, name, `${numel} elements of ${dtype} is not a whole number of bytes`),
    );
  }
  const byteLength = totalBits / 8;
  if (byteLength !== end - begin) {
    throw new CoreError('safetensors/size-mismatch', messages.sizeMismatch(file, name, byteLength, end - begin));
  }
  return { name, dtype, shape: shape as number[], numel, begin, end };
}

/** Checks that `tensors` tile [0, dataLength) exactly. */
function checkTiling(file: string, tensors: readonly TensorEntry[], dataLength: number): void {
  const sorted = [...tensors].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  let previous: TensorEntry | undefined;
  for (const t of sorted) {
    if (t.begin > cursor) throw new CoreError('safetensors/gap', messages.gap(file, t.name, cursor, t.begin));
    if (t.begin < cursor) {
      throw new CoreError('safetensors/overlap', messages.overlap(file, previous?.name ?? t.name, t.name));
    }
    if (t.end > dataLength) {
      throw new CoreError('safetensors/out-of-bounds', messages.outOfBounds(file, t.name, t.end, dataLength));
    }
    cursor = t.end;
    previous = t;
  }
  if (cursor !== dataLength) {
    throw new CoreError('safetensors/data-length', messages.dataLength(file, cursor, dataLength));
  }
}

/**
 * Validates the decoded header text of a file whose total size is `fileSize` and whose
 * declared header length is `headerLength`.
 */
export function parseHeaderText(
  text: string,
  fileName: string,
  fileSize: number,
  headerLength: number,
): SafetensorsHeader {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CoreError('safetensors/header-json', messages.headerJson(fileName, jsonSyntaxReason(e)));
  }
  if (!isPlainObject(json)) throw new CoreError('safetensors/header-not-object', messages.headerNotObject(fileName));
  const duplicate = findDuplicateTopLevelKey(text);
  if (duplicate !== undefined) {
    throw new CoreError('safetensors/duplicate-name', messages.duplicateName(fileName, duplicate));
  }

  let metadata: Record<string, string> | null = null;
  const tensors: TensorEntry[] = [];
  for (const [name, value] of Object.entries(json)) {
    if (name === '__metadata__') metadata = parseMetadata(fileName, value);
    else tensors.push(parseEntry(fileName, name, value));
  }
  const dataStart = 8 + headerLength;
  checkTiling(fileName, tensors, fileSize - dataStart);
  return { fileName, fileSize, headerLength, dataStart, metadata, tensors };
}
