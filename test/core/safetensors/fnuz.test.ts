// All 256 bit patterns of the FNUZ 8-bit floats against an independent oracle: the float32 bit
// pattern is assembled from the fields with integer operations (the decoder uses arithmetic on
// the fields instead), then checked against the format's rules (StableHLO RFC 2023-03-21, LLVM
// APFloat, ml_dtypes): bias 2^(e−1), no infinities, no −0, and 0x80 as the only NaN.
import { describe, expect, it } from 'vitest';
import { decodeToFloat32 } from '../../../src/core/safetensors/decode';
import type { Dtype } from '../../../src/core/safetensors/dtype';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The value of byte `b` in a FNUZ format with `expBits` exponent and `manBits` mantissa bits. */
function oracle(b: number, expBits: number, manBits: number): number {
  if (b === 0x80) return NaN;
  const bias = 1 << (expBits - 1);
  const sign = b >>> 7;
  const e = (b >>> manBits) & ((1 << expBits) - 1);
  const m = b & ((1 << manBits) - 1);
  if (e === 0 && m === 0) return 0;
  let exponent: number; // unbiased
  let fraction: number; // the bits after the leading 1, left-aligned in 23 bits
  if (e === 0) {
    // Subnormal m · 2^(1 − bias − manBits): normalise around m's leading bit p.
    const p = 31 - Math.clz32(m);
    exponent = p + 1 - bias - manBits;
    fraction = (m - (1 << p)) << (23 - p);
  } else {
    exponent = e - bias;
    fraction = m << (23 - manBits);
  }
  u32[0] = ((sign << 31) | ((exponent + 127) << 23) | fraction) >>> 0;
  return f32[0]!;
}

const FORMATS: { dtype: Dtype; expBits: number; manBits: number; max: number; minSubnormal: number }[] = [
  { dtype: 'F8_E4M3FNUZ', expBits: 4, manBits: 3, max: 240, minSubnormal: 2 ** -10 },
  { dtype: 'F8_E5M2FNUZ', expBits: 5, manBits: 2, max: 57344, minSubnormal: 2 ** -17 },
];

describe.each(FORMATS)('$dtype', ({ dtype, expBits, manBits, max, minSubnormal }) => {
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  const decoded = decodeToFloat32(all, dtype);

  it('decodes all 256 bit patterns to the oracle value', () => {
    for (let b = 0; b < 256; b++) {
      const want = oracle(b, expBits, manBits);
      const got = decoded[b]!;
      if (Number.isNaN(want)) expect(got, `0x${b.toString(16)}`).toBeNaN();
      else expect(Object.is(got, want), `0x${b.toString(16)}: ${got} vs ${want}`).toBe(true);
    }
  });

  it('has exactly one NaN (0x80), no −0, no infinities, and the documented extremes', () => {
    const nans = [...decoded.keys()].filter((b) => Number.isNaN(decoded[b]));
    expect(nans).toEqual([0x80]);
    expect([...decoded].some((v) => Object.is(v, -0))).toBe(false);
    expect([...decoded].some((v) => v === Infinity || v === -Infinity)).toBe(false);
    expect(decoded[0x7f]).toBe(max);
    expect(decoded[0xff]).toBe(-max);
    expect(decoded[0x01]).toBe(minSubnormal);
  });

  it('is strictly increasing over 0x00–0x7f and mirrored by the sign bit', () => {
    for (let b = 1; b < 0x80; b++) {
      expect(decoded[b]!).toBeGreaterThan(decoded[b - 1]!);
      expect(decoded[b | 0x80]).toBe(-decoded[b]!);
    }
  });
});
