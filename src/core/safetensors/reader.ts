// Reading safetensors through a ranged reader: the core never sees a path or a whole file, only
// `read(offset, length)`. Opening a file costs one or two small reads (the length field and the
// header), however large the file is; tensor data is read only when asked for, in chunks.

import { CoreError, isCoreError, messages } from '../errors';
import { parseHeaderText, type SafetensorsHeader, type TensorEntry } from './header';
import { DTYPE_INFO, bytesPerElement } from './dtype';
import { decodeToFloat32 } from './decode';

/** Random access to the bytes of one file. Implemented by the host (Node fs, VS Code fs, memory). */
export interface RangedReader {
  /** Display name used in messages (a workspace-relative path or a file name). */
  readonly name: string;
  /** Total size in bytes. Files over 4 GiB are fine: offsets are numbers, exact up to 2^53. */
  readonly size: number;
  /** Exactly `length` bytes from `offset`, or a rejection. */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/**
 * The upstream reference implementation refuses headers over 100 MB; so do we. Real headers
 * are kilobytes to a few megabytes (a 10,000-tensor model has a ~1 MB header).
 */
export const MAX_HEADER_BYTES = 100_000_000;

/** First read: enough for the length field and, for most files, the whole header. */
const FIRST_READ_BYTES = 64 * 1024;

/** Reads `length` bytes at `offset`, turning any failure or short read into a CoreError. */
export async function readExactly(reader: RangedReader, offset: number, length: number): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await reader.read(offset, length);
  } catch (e) {
    if (isCoreError(e)) throw e;
    throw new CoreError('safetensors/io', messages.io(reader.name, e instanceof Error ? e.message : String(e)));
  }
  if (bytes.length !== length) {
    throw new CoreError(
      'safetensors/io',
      messages.io(
        reader.name,
        `expected ${length} bytes at offset ${offset}, got ${bytes.length} (did the file shrink?)`,
      ),
    );
  }
  return bytes;
}

const isJsonWhitespace = (byte: number): boolean => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

function describeStart(byte: number | undefined, headerLength: number): string {
  if (byte === undefined || headerLength === 0) {
    return headerLength === 0 ? 'nothing (the header is empty)' : 'nothing but whitespace';
  }
  if (byte >= 0x20 && byte < 0x7f) return JSON.stringify(String.fromCharCode(byte));
  return `byte 0x${byte.toString(16).padStart(2, '0')}`;
}

/** Reads and validates the header of one safetensors file. Reads 8 + N bytes at most. */
export async function readSafetensorsHeader(reader: RangedReader): Promise<SafetensorsHeader> {
  const file = reader.name;
  if (reader.size < 8) throw new CoreError('safetensors/too-small', messages.tooSmall(file, reader.size));

  const first = await readExactly(reader, 0, Math.min(reader.size, FIRST_READ_BYTES));
  const declared = new DataView(first.buffer, first.byteOffset, 8).getBigUint64(0, true);
  if (declared > BigInt(MAX_HEADER_BYTES)) {
    throw new CoreError('safetensors/header-too-large', messages.headerTooLarge(file, MAX_HEADER_BYTES));
  }
  const n = Number(declared);
  if (8 + n > reader.size) {
    throw new CoreError('safetensors/header-truncated', messages.headerTruncated(file, n, reader.size));
  }
  // Sniff before reading more: a non-safetensors file fails here after one small read. JSON
  // whitespace before "{" is allowed, as the reference allows it (files padded at the front exist).
  const sniffEnd = Math.min(first.length, 8 + n);
  let start = 8;
  while (start < sniffEnd && isJsonWhitespace(first[start]!)) start++;
  if (start === 8 + n || (start < sniffEnd && first[start] !== 0x7b) /* { */) {
    const got = describeStart(start === 8 + n ? undefined : first[start], n);
    throw new CoreError('safetensors/header-start', messages.headerStart(file, got));
  }
  const headerBytes = 8 + n <= first.length ? first.subarray(8, 8 + n) : await readExactly(reader, 8, n);

  let text: string;
  try {
    // ignoreBOM keeps a byte-order mark in the text, where the JSON reader refuses it as serde does.
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(headerBytes);
  } catch {
    throw new CoreError('safetensors/header-utf8', messages.headerUtf8(file));
  }
  return parseHeaderText(text, file, reader.size, n);
}

/** Byte size of a tensor's data. */
export function tensorByteLength(t: TensorEntry): number {
  return t.end - t.begin;
}

/** Throws the user-facing error when a tensor's dtype cannot be turned into numbers. */
export function assertDecodable(file: string, t: TensorEntry): void {
  const why = DTYPE_INFO[t.dtype].notDecodableBecause;
  if (why !== null) throw new CoreError('safetensors/not-decodable', messages.notDecodable(file, t.name, t.dtype, why));
}

export interface ChunkOptions {
  /** Target bytes per read; rounded down to whole elements. */
  readonly chunkBytes?: number;
  /** Checked before every read; when it returns true the iteration ends with `job/cancelled`. */
  readonly isCancelled?: () => boolean;
}

export const DEFAULT_CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * Streams a tensor as Float32Array chunks of whole elements, in storage order. Each chunk is a
 * fresh array the caller may keep or transfer. Memory use is one chunk at a time.
 */
export async function* readTensorChunks(
  reader: RangedReader,
  header: SafetensorsHeader,
  tensor: TensorEntry,
  options: ChunkOptions = {},
): AsyncGenerator<{ values: Float32Array; firstElement: number }> {
  assertDecodable(reader.name, tensor);
  const width = bytesPerElement(tensor.dtype)!; // decodable dtypes are byte-aligned
  const perChunk = Math.max(1, Math.floor((options.chunkBytes ?? DEFAULT_CHUNK_BYTES) / width));
  for (let element = 0; element < tensor.numel; element += perChunk) {
    if (options.isCancelled?.()) throw new CoreError('job/cancelled', messages.cancelled());
    const count = Math.min(perChunk, tensor.numel - element);
    const bytes = await readExactly(reader, header.dataStart + tensor.begin + element * width, count * width);
    yield { values: decodeToFloat32(bytes, tensor.dtype), firstElement: element };
  }
}

/** Reads a whole tensor as float32. For analysis of one matrix; never for a whole checkpoint. */
export async function readTensorFloat32(
  reader: RangedReader,
  header: SafetensorsHeader,
  tensor: TensorEntry,
  options: ChunkOptions = {},
): Promise<Float32Array> {
  const out = new Float32Array(tensor.numel);
  for await (const chunk of readTensorChunks(reader, header, tensor, options)) {
    out.set(chunk.values, chunk.firstElement);
  }
  return out;
}

/** Wraps a reader so every byte it returns is added to `counter.bytes` (for logs and tests). */
export function countingReader(reader: RangedReader, counter: { bytes: number }): RangedReader {
  return {
    name: reader.name,
    size: reader.size,
    read: async (offset, length) => {
      const bytes = await reader.read(offset, length);
      counter.bytes += bytes.length;
      return bytes;
    },
  };
}

/** An in-memory RangedReader, for tests and for hosts that must read whole files. */
export function memoryReader(name: string, bytes: Uint8Array): RangedReader {
  return {
    name,
    size: bytes.length,
    read: (offset, length) => {
      if (offset < 0 || length < 0 || offset + length > bytes.length) {
        return Promise.reject(
          new CoreError(
            'safetensors/io',
            messages.io(name, `read of ${length} bytes at ${offset} is past the end of the ${bytes.length}-byte file`),
          ),
        );
      }
      return Promise.resolve(bytes.subarray(offset, offset + length));
    },
  };
}
