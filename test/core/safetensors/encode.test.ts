import { describe, expect, it } from 'vitest';
import { numberToBF16, numberToF16, float32ToF16Bytes, float32ToBF16Bytes } from '../../../src/core/safetensors/encode';
import { f16ToNumber, decodeToFloat32 } from '../../../src/core/safetensors/decode';
import { prng } from '../../fixtures/safetensors';

describe('numberToF16', () => {
  it('encodes known values exactly', () => {
    const cases: [number, number][] = [
      [0, 0x0000],
      [-0, 0x8000],
      [1, 0x3c00],
      [-2, 0xc000],
      [65504, 0x7bff],
      [2 ** -24, 0x0001],
      [2 ** -14, 0x0400],
      [Infinity, 0x7c00],
      [-Infinity, 0xfc00],
      [1e6, 0x7c00], // overflow
      [2 ** -26, 0x0000], // underflow to zero
      [0.1, 0x2e66],
    ];
    for (const [x, bits] of cases) expect(numberToF16(x), String(x)).toBe(bits);
    expect(Number.isNaN(f16ToNumber(numberToF16(NaN)))).toBe(true);
  });

  it('rounds to nearest, ties to even', () => {
    // 1 + 2^-11 lies halfway between 1 and 1 + 2^-10: ties go to the even mantissa (1).
    expect(numberToF16(1 + 2 ** -11)).toBe(0x3c00);
    // 1 + 3·2^-11 is halfway between 1+2^-10 (odd) and 1+2^-9 (even): goes up.
    expect(numberToF16(1 + 3 * 2 ** -11)).toBe(0x3c02);
    // 65520 is halfway between 65504 and 65536 (not representable): rounds to Inf.
    expect(numberToF16(65520)).toBe(0x7c00);
  });

  it('round-trips every finite binary16 value through the decoder', () => {
    const wrong: number[] = [];
    for (let h = 0; h < 0x10000; h++) {
      const x = f16ToNumber(h);
      if (!Number.isNaN(x) && numberToF16(x) !== h) wrong.push(h);
    }
    expect(wrong).toEqual([]);
  });

  it('is within half an ulp on random values', () => {
    const r = prng(5);
    const values = Float32Array.from({ length: 10_000 }, () => (r() - 0.5) * 2 ** (r() * 30 - 15));
    const back = decodeToFloat32(float32ToF16Bytes(values), 'F16');
    values.forEach((x, i) => {
      const ulp = 2 ** (Math.floor(Math.log2(Math.abs(x))) - 10);
      expect(Math.abs(back[i]! - x)).toBeLessThanOrEqual(Math.max(ulp, 2 ** -24) / 2 + 1e-12);
    });
  });
});

describe('numberToBF16', () => {
  it('encodes known values and rounds ties to even', () => {
    expect(numberToBF16(1)).toBe(0x3f80);
    expect(numberToBF16(-2)).toBe(0xc000);
    expect(numberToBF16(Math.PI)).toBe(0x4049);
    expect(numberToBF16(Infinity)).toBe(0x7f80);
    // 1 + 2^-8 is halfway between 1 and 1 + 2^-7: ties to even (1).
    expect(numberToBF16(1 + 2 ** -8)).toBe(0x3f80);
    expect(numberToBF16(1 + 3 * 2 ** -8)).toBe(0x3f82);
    expect(Number.isNaN(decodeToFloat32(new Uint8Array(new Uint16Array([numberToBF16(NaN)]).buffer), 'BF16')[0])).toBe(
      true,
    );
  });

  it('round-trips through the decoder within half an ulp', () => {
    const r = prng(6);
    const values = Float32Array.from({ length: 10_000 }, () => (r() - 0.5) * 10);
    const back = decodeToFloat32(float32ToBF16Bytes(values), 'BF16');
    values.forEach((x, i) => expect(Math.abs(back[i]! - x)).toBeLessThanOrEqual(Math.abs(x) * 2 ** -8 + 1e-30));
  });
});
