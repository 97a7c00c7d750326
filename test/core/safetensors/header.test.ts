import { describe, expect, it } from 'vitest';
import {
  readSafetensorsHeader,
  memoryReader,
  MAX_HEADER_BYTES,
  type RangedReader,
} from '../../../src/core/safetensors/reader';
import { parseHeaderText, MAX_RANK } from '../../../src/core/safetensors/header';
import { CoreError, type ErrorCode } from '../../../src/core/errors';
import { encodeSafetensors, float32Bytes } from '../../../src/core/safetensors/write';
import { rawFile, smallModelFile } from '../../fixtures/safetensors';

const f32 = (shape: number[], offsets: [number, number]) => ({ dtype: 'F32', shape, data_offsets: offsets });

async function failure(bytes: Uint8Array, name = 'bad.safetensors'): Promise<CoreError> {
  const err = await readSafetensorsHeader(memoryReader(name, bytes)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'expected the file to be rejected').toBeInstanceOf(CoreError);
  const core = err as CoreError;
  expect(core.message, 'the message names the file').toContain(name);
  return core;
}

async function expectCode(bytes: Uint8Array, code: ErrorCode, messagePart?: string | RegExp): Promise<CoreError> {
  const err = await failure(bytes);
  expect(err.code, err.message).toBe(code);
  if (messagePart !== undefined) expect(err.message).toMatch(messagePart);
  return err;
}

describe('readSafetensorsHeader: valid files', () => {
  it('reads a small model: names, dtypes, shapes, offsets and metadata', async () => {
    const h = await readSafetensorsHeader(memoryReader('m.safetensors', smallModelFile()));
    expect(h.tensors.map((t) => t.name)).toEqual([
      'embed.weight',
      'layers.0.w',
      'layers.10.w',
      'layers.2.w',
      'lm_head.weight',
      'scalar',
      'empty',
    ]);
    const scalar = h.tensors.find((t) => t.name === 'scalar')!;
    expect(scalar.shape).toEqual([]);
    expect(scalar.numel).toBe(1);
    const empty = h.tensors.find((t) => t.name === 'empty')!;
    expect(empty.numel).toBe(0);
    expect(empty.begin).toBe(empty.end);
    expect(h.metadata).toEqual({ format: 'pt', note: 'test model' });
    expect(h.dataStart).toBe(8 + h.headerLength);
  });

  it('accepts a header padded with trailing spaces and no metadata', async () => {
    const h = await readSafetensorsHeader(
      memoryReader('p.safetensors', rawFile(JSON.stringify({ a: f32([1], [0, 4]) }) + '      ', float32Bytes([1]))),
    );
    expect(h.metadata).toBeNull();
    expect(h.tensors[0]!.name).toBe('a');
  });

  it('accepts "__metadata__": null and an empty file with no tensors', async () => {
    const h = await readSafetensorsHeader(memoryReader('e.safetensors', rawFile({ __metadata__: null })));
    expect(h.metadata).toBeNull();
    expect(h.tensors).toHaveLength(0);
  });

  it('keeps a metadata key named __proto__ as data', async () => {
    const h = await readSafetensorsHeader(
      memoryReader('p.safetensors', rawFile('{"__metadata__":{"__proto__":"x","a":"b"}}')),
    );
    expect(Object.keys(h.metadata!)).toEqual(['__proto__', 'a']);
    expect(h.metadata!['__proto__']).toBe('x');
  });

  it('reads a header longer than the first 64 KiB read with a second read', async () => {
    const tensors = Array.from({ length: 3000 }, (_, i) => ({
      name: `block.${i}.weight`,
      dtype: 'F32' as const,
      shape: [1],
      data: float32Bytes([i]),
    }));
    const bytes = encodeSafetensors(tensors);
    const reads: [number, number][] = [];
    const inner = memoryReader('big-header.safetensors', bytes);
    const counting: RangedReader = { ...inner, read: (o, l) => (reads.push([o, l]), inner.read(o, l)) };
    const h = await readSafetensorsHeader(counting);
    expect(h.headerLength).toBeGreaterThan(64 * 1024);
    expect(h.tensors).toHaveLength(3000);
    expect(reads).toHaveLength(2);
    expect(reads[1]).toEqual([8, h.headerLength]);
  });
});

describe('readSafetensorsHeader: every validation rule has its own error', () => {
  it('too small for the length field', () => expectCode(new Uint8Array(5), 'safetensors/too-small', /5 bytes long/));

  it('header length over the cap, including lengths beyond 2^53', async () => {
    await expectCode(rawFile('{}', undefined, BigInt(MAX_HEADER_BYTES) + 1n), 'safetensors/header-too-large');
    // The declared length is the file's first 8 bytes: the message must not print it (issue 17).
    const e = await expectCode(
      rawFile('{}', undefined, 2n ** 64n - 1n),
      'safetensors/header-too-large',
      /declares a header over the 100,000,000-byte limit/,
    );
    expect(e.message).not.toMatch(/18,446,744,073,709,551,615|18446744073709551615/);
  });

  it('header length past the end of the file', () =>
    expectCode(rawFile('{}', undefined, 1000n), 'safetensors/header-truncated', /claims 1,000 bytes/));

  it('header that does not start with "{"', async () => {
    await expectCode(rawFile('[1,2]'), 'safetensors/header-start', /starts with "\["/);
    await expectCode(rawFile(''), 'safetensors/header-start', /empty/);
    await expectCode(rawFile('\u0001{}'), 'safetensors/header-start', /0x01/);
  });

  it('header that is not UTF-8', async () => {
    const bytes = rawFile('{"a":1}');
    bytes[10] = 0xff;
    await expectCode(bytes, 'safetensors/header-utf8');
  });

  it('header that is not JSON', () => expectCode(rawFile('{"a": {"dtype": '), 'safetensors/header-json'));

  it('header that is JSON but not an object (only reachable past the sniff via the text API)', () => {
    expect(() => parseHeaderText('[1]', 'x.safetensors', 11, 3)).toThrowError(
      expect.objectContaining({ code: 'safetensors/header-not-object' }),
    );
  });

  it('the same tensor name twice', async () => {
    const text = `{"w":${JSON.stringify(f32([1], [0, 4]))},"w":${JSON.stringify(f32([1], [4, 8]))}}`;
    await expectCode(rawFile(text, new Uint8Array(8)), 'safetensors/duplicate-name', /"w"/);
  });

  it('__metadata__ that is not a string map', async () => {
    await expectCode(rawFile({ __metadata__: { epoch: 3 } }), 'safetensors/metadata', /"epoch"/);
    await expectCode(rawFile({ __metadata__: 'x' }), 'safetensors/metadata');
    await expectCode(rawFile({ __metadata__: ['a'] }), 'safetensors/metadata');
  });

  it('an entry that is not an object, or has no dtype', async () => {
    await expectCode(rawFile({ w: 5 }), 'safetensors/entry', /"w"/);
    await expectCode(rawFile({ w: { shape: [], data_offsets: [0, 0] } }), 'safetensors/entry', /no dtype/);
  });

  it('an unknown dtype', () =>
    expectCode(
      rawFile({ w: { dtype: 'Q4_K', shape: [1], data_offsets: [0, 1] } }, new Uint8Array(1)),
      'safetensors/dtype',
      /"Q4_K"/,
    ));

  it('shapes that are not lists of non-negative integers, or too many dimensions', async () => {
    for (const shape of [[-1], [1.5], ['3'], 3, [null], [2 ** 53]]) {
      await expectCode(rawFile({ w: { dtype: 'U8', shape, data_offsets: [0, 0] } }), 'safetensors/shape');
    }
    await expectCode(
      rawFile({ w: { dtype: 'U8', shape: new Array(MAX_RANK + 1).fill(1), data_offsets: [0, 1] } }, new Uint8Array(1)),
      'safetensors/shape',
      /65 dimensions/,
    );
  });

  it('sub-byte dtypes must fill whole bytes', () =>
    expectCode(
      rawFile({ w: { dtype: 'F4', shape: [3], data_offsets: [0, 2] } }, new Uint8Array(2)),
      'safetensors/shape',
      /whole number of bytes/,
    ));

  it('offsets that are not [begin, end] with 0 <= begin <= end', async () => {
    for (const data_offsets of [[0], [0, 4, 8], [5, 2], ['0', '4'], [-1, 3], [0, 1.5], null]) {
      await expectCode(
        rawFile({ w: { dtype: 'U8', shape: [4], data_offsets } }, new Uint8Array(4)),
        'safetensors/offsets',
      );
    }
  });

  it('shapes whose byte size overflows', async () => {
    await expectCode(
      rawFile({ w: { dtype: 'F32', shape: [2 ** 30, 2 ** 30, 2 ** 30], data_offsets: [0, 4] } }),
      'safetensors/overflow',
    );
    // numel is a safe integer but numel × 64 bits is not.
    await expectCode(rawFile({ w: { dtype: 'F64', shape: [2 ** 50], data_offsets: [0, 8] } }), 'safetensors/overflow');
  });

  it('offsets that do not match dtype × shape', () =>
    expectCode(
      rawFile({ w: f32([2], [0, 4]) }, new Uint8Array(4)),
      'safetensors/size-mismatch',
      /needs 8 bytes.*span 4 bytes/,
    ));

  it('a gap before the first tensor or between tensors', async () => {
    await expectCode(rawFile({ w: f32([1], [4, 8]) }, new Uint8Array(8)), 'safetensors/gap');
    await expectCode(rawFile({ a: f32([1], [0, 4]), b: f32([1], [8, 12]) }, new Uint8Array(12)), 'safetensors/gap');
  });

  it('overlapping tensors, including an empty tensor inside another', async () => {
    await expectCode(
      rawFile({ a: f32([2], [0, 8]), b: f32([2], [4, 12]) }, new Uint8Array(12)),
      'safetensors/overlap',
      /"a" and "b"/,
    );
    await expectCode(rawFile({ a: f32([2], [0, 8]), z: f32([0], [4, 4]) }, new Uint8Array(8)), 'safetensors/overlap');
  });

  it('a tensor that ends past the end of the file (a truncated file)', async () => {
    const full = encodeSafetensors([{ name: 'w', dtype: 'F32', shape: [4], data: float32Bytes([1, 2, 3, 4]) }]);
    await expectCode(full.subarray(0, full.length - 3), 'safetensors/out-of-bounds', /truncated/);
  });

  it('bytes after the last tensor', async () => {
    const full = encodeSafetensors([{ name: 'w', dtype: 'F32', shape: [1], data: float32Bytes([1]) }]);
    const longer = new Uint8Array(full.length + 5);
    longer.set(full);
    await expectCode(longer, 'safetensors/data-length', /4 bytes of a 9 bytes data section/);
  });

  it('a reader that fails or returns short reads', async () => {
    const failing: RangedReader = {
      name: 'gone.safetensors',
      size: 100,
      read: () => Promise.reject(new Error('EIO: i/o error')),
    };
    await expect(readSafetensorsHeader(failing)).rejects.toMatchObject({
      code: 'safetensors/io',
      message: expect.stringContaining('EIO'),
    });
    const short: RangedReader = {
      name: 'short.safetensors',
      size: 100,
      read: () => Promise.resolve(new Uint8Array(3)),
    };
    await expect(readSafetensorsHeader(short)).rejects.toMatchObject({
      code: 'safetensors/io',
      message: expect.stringContaining('did the file shrink'),
    });
  });
});

describe('duplicate names', () => {
  const entry = (begin: number) => JSON.stringify(f32([1], [begin, begin + 4]));
  const parse = (text: string, dataLength: number) => () =>
    parseHeaderText(text, 'd.safetensors', 8 + 100 + dataLength, 100);

  it('only top-level names count as tensor names, and escapes are decoded before comparing', () => {
    // Equal keys inside an ignored field, and a string value equal to a name, are not duplicates.
    expect(parse(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":{"k":1,"k":2}},"b":"a"}`, 4)).toThrowError(
      expect.objectContaining({ code: 'safetensors/entry' }),
    );
    expect(parse(`{"a\\"b":${entry(0)},"c":${entry(4)},"a\\"b":${entry(8)}}`, 12)).toThrowError(
      expect.objectContaining({ code: 'safetensors/duplicate-name', message: expect.stringContaining('a"b') }),
    );
    expect(parse(`{"\\u0061":${entry(0)},"a":${entry(4)}}`, 8)).toThrowError(
      expect.objectContaining({ code: 'safetensors/duplicate-name' }),
    );
  });
});
