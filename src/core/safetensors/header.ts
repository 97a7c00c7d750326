// Validation of a safetensors header (the JSON after the 8-byte length), as strict as the
// reference implementation (huggingface/safetensors `Metadata::validate`) and then some:
//
//   1. the header is one JSON object (whitespace around it is allowed), nested at most as deep as
//      the reference reads, with no tensor name given twice and no field given twice inside an
//      entry (headerJson.ts reads it in one linear pass);
//   2. `__metadata__`, if present and not null, maps strings to strings;
//   3. every other entry is an object with a known `dtype`, a `shape` of non-negative integers
//      (rank ≤ MAX_RANK), and `data_offsets` [begin, end] of non-negative integers with begin ≤ end,
//      integers written as integers (`1.0`, `1e0`, `-0` are refused, as serde refuses them) and at
//      most 2^53 − 1 (the reference allows up to 2^64 − 1; only an empty tensor could use that);
//   4. numel × bits is computed with overflow checks, must be a whole number of bytes, and must
//      equal end − begin;
//   5. sorted by offset, the tensors tile the data section exactly: the first starts at 0, each
//      starts where the previous ends (no gaps, no overlaps), none ends past the end of the file,
//      and the last ends exactly at the end of the file.
//
// Every failure is a CoreError with its own code; nothing else may escape (see the fuzz test).

import { CoreError, messages } from '../errors';
import { type Dtype, DTYPE_INFO, isDtype } from './dtype';
import { excerpt, MAX_RANK, scanHeaderJson, type RawEntry, type RawValue } from './headerJson';

export { MAX_RANK };

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

/** Sizes and offsets are exact in a double only up to 2^53 − 1. */
const MAX_EXACT = Number.MAX_SAFE_INTEGER;

/**
 * A size or offset as written: a plain non-negative integer (serde reads a usize; `1.0`, `1e0`
 * and `-0` are floats to it), at most 2^53 − 1. Returns the number, or the reason it is not one.
 */
function readCount(value: RawValue): number | string {
  if (value.kind !== 'number' || !/^(?:0|[1-9][0-9]*)$/.test(value.text)) {
    return `${excerpt(value.text)} is not a non-negative integer`;
  }
  const n = Number(value.text);
  // Compare as written: Number() rounds 9007199254740993 down to a safe-looking neighbour.
  if (value.text.length > 16 || n > MAX_EXACT) {
    return `${excerpt(value.text)} is larger than ${MAX_EXACT.toLocaleString('en-US')}, the largest size this reader handles exactly`;
  }
  return n;
}

function parseEntry(file: string, raw: RawEntry): TensorEntry {
  const name = raw.name;
  const fields = raw.fields;
  if (fields === null) {
    throw new CoreError(
      'safetensors/entry',
      messages.entry(file, name, 'is not an object with dtype, shape and data_offsets'),
    );
  }
  const { dtype: rawDtype, shape: rawShape, data_offsets: rawOffsets } = fields;
  if (rawDtype === undefined) throw new CoreError('safetensors/entry', messages.entry(file, name, 'has no dtype'));
  const dtypeText = rawDtype.kind === 'string' ? rawDtype.value : excerpt(rawDtype.text);
  if (!isDtype(dtypeText)) throw new CoreError('safetensors/dtype', messages.dtype(file, name, dtypeText));
  const dtype = dtypeText;
  if (rawShape?.kind !== 'array') {
    throw new CoreError('safetensors/shape', messages.shape(file, name, 'it is not a list of sizes'));
  }
  if (rawShape.count > MAX_RANK) {
    throw new CoreError(
      'safetensors/shape',
      messages.shape(file, name, `${rawShape.count} dimensions, more than ${MAX_RANK}`),
    );
  }
  const shape: number[] = [];
  let numel = 1;
  for (const item of rawShape.items) {
    const dim = readCount(item);
    if (typeof dim === 'string') throw new CoreError('safetensors/shape', messages.shape(file, name, dim));
    // numel * dim must stay a safe integer; dim = 0 is always safe.
    if (dim > 0 && numel > MAX_EXACT / dim) {
      throw new CoreError('safetensors/overflow', messages.overflow(file, name));
    }
    numel *= dim;
    shape.push(dim);
  }
  if (rawOffsets?.kind !== 'array' || rawOffsets.count !== 2) {
    throw new CoreError('safetensors/offsets', messages.offsets(file, name, 'expected a list [begin, end]'));
  }
  const [begin, end] = rawOffsets.items.map(readCount) as [number | string, number | string];
  if (typeof begin === 'string' || typeof end === 'string') {
    throw new CoreError(
      'safetensors/offsets',
      messages.offsets(file, name, typeof begin === 'string' ? `begin ${begin}` : `end ${end as string}`),
    );
  }
  if (end < begin) {
    throw new CoreError('safetensors/offsets', messages.offsets(file, name, `end ${end} is before begin ${begin}`));
  }
  const bits = DTYPE_INFO[dtype].bits;
  if (numel > MAX_EXACT / bits) {
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
  return { name, dtype, shape, numel, begin, end };
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
  const tensors: TensorEntry[] = [];
  const raw = scanHeaderJson(text, fileName, (entry) => tensors.push(parseEntry(fileName, entry)));
  const metadata = raw.metadata ?? null;
  const dataStart = 8 + headerLength;
  checkTiling(fileName, tensors, fileSize - dataStart);
  return { fileName, fileSize, headerLength, dataStart, metadata, tensors };
}
