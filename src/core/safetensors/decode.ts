// Little-endian tensor bytes → Float32Array, for every decodable dtype.
//
// Speed matters (LM heads are hundreds of MB): same-width types go through typed-array views,
// 8- and 16-bit floats through lookup tables built once on first use (F16: 65,536 entries,
// 256 KiB), BF16 by shifting into the high half of a float32. Node 20 has no Float16Array, so we
// do not rely on it. Values that float32 cannot hold exactly (F64, I64, U64, large I32/U32) are
// rounded to nearest, as a cast would.

import { type Dtype, DTYPE_INFO, bytesPerElement } from './dtype';

// Safetensors data is little-endian. Every platform we ship to is little-endian too, which is what
// makes the typed-array views below correct; refuse loudly rather than decode garbage elsewhere.
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

let f16Table: Float32Array | undefined;
let e4m3Table: Float32Array | undefined;
let e5m2Table: Float32Array | undefined;
let e8m0Table: Float32Array | undefined;
let e4m3fnuzTable: Float32Array | undefined;
let e5m2fnuzTable: Float32Array | undefined;

/** IEEE 754 binary16 → number. */
export function f16ToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** OCP FP8 E4M3 ("fn": no infinities; S.1111.111 is NaN; max 448). */
export function e4m3ToNumber(b: number): number {
  const sign = b & 0x80 ? -1 : 1;
  const exp = (b >> 3) & 0xf;
  const mant = b & 0x7;
  if (exp === 0xf && mant === 0x7) return NaN;
  if (exp === 0) return sign * (mant / 8) * 2 ** -6;
  return sign * (1 + mant / 8) * 2 ** (exp - 7);
}

/** OCP FP8 E5M2: the top byte of a binary16. */
export function e5m2ToNumber(b: number): number {
  return f16ToNumber(b << 8);
}

/** OCP E8M0 scale: 2^(b−127), 0xFF is NaN. No sign, no mantissa. */
export function e8m0ToNumber(b: number): number {
  return b === 0xff ? NaN : 2 ** (b - 127);
}

/**
 * The "FNUZ" 8-bit floats (Graphcore/AMD; LLVM APFloat, ml_dtypes): IEEE-like with `expBits`
 * exponent bits and bias 2^(expBits−1), but no infinities and no negative zero: 0x80, the pattern
 * that would be −0, is the only NaN, and the all-ones exponent holds ordinary numbers.
 */
function fnuzToNumber(b: number, expBits: number, manBits: number): number {
  if (b === 0x80) return NaN;
  const bias = 2 ** (expBits - 1);
  const sign = b & 0x80 ? -1 : 1;
  const exp = (b >> manBits) & ((1 << expBits) - 1);
  const mant = b & ((1 << manBits) - 1);
  const fraction = mant / 2 ** manBits;
  if (exp === 0) return sign * fraction * 2 ** (1 - bias);
  return sign * (1 + fraction) * 2 ** (exp - bias);
}

/** F8_E4M3FNUZ: bias 8, max 240, smallest subnormal 2^−10, 0x80 is NaN. */
export function e4m3fnuzToNumber(b: number): number {
  return fnuzToNumber(b, 4, 3);
}

/** F8_E5M2FNUZ: bias 16, max 57344, smallest subnormal 2^−17, 0x80 is NaN. */
export function e5m2fnuzToNumber(b: number): number {
  return fnuzToNumber(b, 5, 2);
}

function table(size: number, fn: (i: number) => number): Float32Array {
  const t = new Float32Array(size);
  for (let i = 0; i < size; i++) t[i] = fn(i);
  return t;
}

/** Returns `bytes` itself when it is aligned for `width`, else an aligned copy. */
function aligned(bytes: Uint8Array, width: number): Uint8Array {
  return bytes.byteOffset % width === 0 ? bytes : bytes.slice();
}

// Two monomorphic loops: one generic function over both array types runs several times slower.
function lookup8(src: Uint8Array, lut: Float32Array, out: Float32Array): void {
  for (let i = 0; i < src.length; i++) out[i] = lut[src[i]!]!;
}

function lookup16(src: Uint16Array, lut: Float32Array, out: Float32Array): void {
  for (let i = 0; i < src.length; i++) out[i] = lut[src[i]!]!;
}

/**
 * Decodes `bytes` (a whole number of elements of `dtype`) into `out` (or a new array).
 * Throws a plain Error for programming mistakes (non-decodable dtype, ragged length): callers
 * check `isDecodable` first and report the user-facing CoreError themselves.
 */
export function decodeToFloat32(bytes: Uint8Array, dtype: Dtype, out?: Float32Array): Float32Array {
  const width = bytesPerElement(dtype);
  if (width === undefined || DTYPE_INFO[dtype].notDecodableBecause !== null) {
    throw new Error(`decodeToFloat32: dtype ${dtype} is not decodable`);
  }
  if (!HOST_IS_LITTLE_ENDIAN) throw new Error('decodeToFloat32: big-endian hosts are not supported');
  if (bytes.length % width !== 0) {
    throw new Error(`decodeToFloat32: ${bytes.length} bytes is not a whole number of ${dtype}`);
  }
  const n = bytes.length / width;
  const result = out ?? new Float32Array(n);
  if (result.length < n) throw new Error('decodeToFloat32: output array too short');
  const a = aligned(bytes, width);
  const buf = a.buffer;
  const off = a.byteOffset;
  switch (dtype) {
    case 'F32':
      result.set(new Float32Array(buf, off, n));
      break;
    case 'F64':
      result.set(new Float64Array(buf, off, n));
      break;
    case 'F16':
      lookup16(new Uint16Array(buf, off, n), (f16Table ??= table(65536, f16ToNumber)), result);
      break;
    case 'BF16': {
      // bfloat16 is the top half of a float32: shift the bits into place and reinterpret.
      const src = new Uint16Array(buf, off, n);
      const dst = new Uint32Array(result.buffer, result.byteOffset, n);
      for (let i = 0; i < n; i++) dst[i] = src[i]! << 16;
      break;
    }
    case 'F8_E4M3':
      lookup8(a, (e4m3Table ??= table(256, e4m3ToNumber)), result);
      break;
    case 'F8_E5M2':
      lookup8(a, (e5m2Table ??= table(256, e5m2ToNumber)), result);
      break;
    case 'F8_E8M0':
      lookup8(a, (e8m0Table ??= table(256, e8m0ToNumber)), result);
      break;
    case 'F8_E4M3FNUZ':
      lookup8(a, (e4m3fnuzTable ??= table(256, e4m3fnuzToNumber)), result);
      break;
    case 'F8_E5M2FNUZ':
      lookup8(a, (e5m2fnuzTable ??= table(256, e5m2fnuzToNumber)), result);
      break;
    case 'I64':
    case 'U64': {
      // lo + hi·2^32 in float64 is exact up to 2^53, then rounded once more to float32.
      const words = new Uint32Array(buf, off, n * 2);
      const signed = dtype === 'I64';
      for (let i = 0; i < n; i++) {
        const lo = words[2 * i]!;
        const hiBits = words[2 * i + 1]!;
        const hi = signed ? hiBits | 0 : hiBits;
        result[i] = hi * 4294967296 + lo;
      }
      break;
    }
    case 'I32':
      result.set(new Int32Array(buf, off, n));
      break;
    case 'U32':
      result.set(new Uint32Array(buf, off, n));
      break;
    case 'I16':
      result.set(new Int16Array(buf, off, n));
      break;
    case 'U16':
      result.set(new Uint16Array(buf, off, n));
      break;
    case 'I8':
      result.set(new Int8Array(buf, off, n));
      break;
    case 'U8':
      result.set(a.subarray(0, n));
      break;
    case 'BOOL':
      for (let i = 0; i < n; i++) result[i] = a[i] === 0 ? 0 : 1;
      break;
    case 'F4':
    case 'F6_E2M3':
    case 'F6_E3M2':
    case 'C64':
      // Unreachable: rejected by the notDecodableBecause check above.
      throw new Error(`decodeToFloat32: dtype ${dtype} is not decodable`);
  }
  return n === result.length ? result : result.subarray(0, n);
}
