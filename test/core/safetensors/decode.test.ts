import { describe, expect, it } from 'vitest';
import { decodeToFloat32 } from '../../../src/core/safetensors/decode';
import { DTYPES, DTYPE_INFO, isDecodable } from '../../../src/core/safetensors/dtype';
import { readSafetensorsHeader, readTensorFloat32, memoryReader } from '../../../src/core/safetensors/reader';
import { CoreError } from '../../../src/core/errors';
import { DTYPE_CASES, UNDECODABLE_TENSORS, everyDtypeFile } from '../../fixtures/safetensors';

/** Element-wise equality that treats NaN as equal to NaN and distinguishes -0. */
function expectSameValues(actual: Float32Array, expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => {
    const a = actual[i]!;
    if (Number.isNaN(e)) expect(a, `element ${i}`).toBeNaN();
    else expect(Object.is(a, Math.fround(e)) || a === Math.fround(e), `element ${i}: ${a} vs ${e}`).toBe(true);
  });
}

describe('decodeToFloat32', () => {
  it('has a known-answer case for every decodable dtype of the format', () => {
    const covered = new Set(DTYPE_CASES.map((c) => c.dtype));
    const decodable = DTYPES.filter(isDecodable);
    expect([...covered].sort()).toEqual([...decodable].sort());
  });

  for (const c of DTYPE_CASES) {
    it(`decodes ${c.dtype} bit patterns to the right numbers`, () => {
      expectSameValues(decodeToFloat32(c.data, c.dtype), c.expected);
    });

    it(`decodes ${c.dtype} from an unaligned buffer`, () => {
      const shifted = new Uint8Array(c.data.length + 1);
      shifted.set(c.data, 1);
      expectSameValues(decodeToFloat32(shifted.subarray(1), c.dtype), c.expected);
    });
  }

  it('keeps -0 for F16 and BF16', () => {
    expect(Object.is(decodeToFloat32(new Uint8Array([0x00, 0x80]), 'F16')[0], -0)).toBe(true);
    expect(Object.is(decodeToFloat32(new Uint8Array([0x00, 0x80]), 'BF16')[0], -0)).toBe(true);
  });

  it('refuses ragged byte lengths and non-decodable dtypes as programming errors', () => {
    expect(() => decodeToFloat32(new Uint8Array(3), 'F16')).toThrow(/whole number/);
    expect(() => decodeToFloat32(new Uint8Array(4), 'F4')).toThrow(/not decodable/);
    expect(() => decodeToFloat32(new Uint8Array(16), 'C64')).toThrow(/not decodable/);
  });

  it('writes into a caller-provided array', () => {
    const out = new Float32Array(8).fill(9);
    const r = decodeToFloat32(new Uint8Array(new Float32Array([1, 2]).buffer), 'F32', out);
    expect(Array.from(r)).toEqual([1, 2]);
    expect(out[2]).toBe(9);
  });
});

describe('a generated file with every dtype', () => {
  it('lists every tensor, including the sub-byte and complex ones, with the right sizes', async () => {
    const header = await readSafetensorsHeader(memoryReader('every.safetensors', everyDtypeFile()));
    expect(header.tensors).toHaveLength(DTYPE_CASES.length + UNDECODABLE_TENSORS.length);
    expect(new Set(header.tensors.map((t) => t.dtype))).toEqual(new Set(DTYPES));
    for (const t of header.tensors) expect(t.end - t.begin).toBe((t.numel * DTYPE_INFO[t.dtype].bits) / 8);
    expect(header.metadata).toEqual({ format: 'pt', purpose: 'every dtype' });
    expect(header.dataStart % 8).toBe(0);
  });

  it('reads every decodable tensor back through the ranged reader', async () => {
    const reader = memoryReader('every.safetensors', everyDtypeFile());
    const header = await readSafetensorsHeader(reader);
    for (const c of DTYPE_CASES) {
      const t = header.tensors.find((x) => x.name === `values.${c.dtype.toLowerCase()}`)!;
      expectSameValues(await readTensorFloat32(reader, header, t, { chunkBytes: 3 }), c.expected);
    }
  });

  it('refuses to decode F4, F6 and C64 tensors with a typed error that names the tensor and why', async () => {
    const reader = memoryReader('every.safetensors', everyDtypeFile());
    const header = await readSafetensorsHeader(reader);
    for (const u of UNDECODABLE_TENSORS) {
      const t = header.tensors.find((x) => x.name === u.name)!;
      const err = await readTensorFloat32(reader, header, t).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CoreError);
      expect((err as CoreError).code).toBe('safetensors/not-decodable');
      expect((err as CoreError).message).toContain(u.name);
      expect((err as CoreError).message).toContain('every.safetensors');
    }
  });
});
