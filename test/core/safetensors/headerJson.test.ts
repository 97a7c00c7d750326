// The header's JSON rules, each against the reference implementation's documented behaviour
// (serde_json inside huggingface/safetensors): nesting limit, duplicate fields, integers as
// written, surrogate escapes, whitespace, strict syntax.
import { describe, expect, it } from 'vitest';
import { readSafetensorsHeader, memoryReader, MAX_HEADER_BYTES } from '../../../src/core/safetensors/reader';
import { MAX_NESTING_DEPTH } from '../../../src/core/safetensors/headerJson';
import { CoreError, type ErrorCode } from '../../../src/core/errors';
import { rawFile } from '../../fixtures/safetensors';

const U8_ENTRY = '"dtype":"U8","shape":[1],"data_offsets":[0,1]';

/** One U8 tensor "w" of one byte, with `extra` spliced into its entry object. */
const withExtra = (extra: string) => rawFile(`{"w":{${U8_ENTRY}${extra}}}`, new Uint8Array(1));

async function outcome(bytes: Uint8Array): Promise<string> {
  try {
    await readSafetensorsHeader(memoryReader('h.safetensors', bytes));
    return 'ok';
  } catch (e) {
    if (e instanceof CoreError) return e.code;
    throw e;
  }
}

async function failure(bytes: Uint8Array, code: ErrorCode): Promise<string> {
  const err = await readSafetensorsHeader(memoryReader('h.safetensors', bytes)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CoreError);
  expect((err as CoreError).code, (err as CoreError).message).toBe(code);
  return (err as CoreError).message;
}

describe('nesting depth (serde_json: recursion limit 128)', () => {
  // The header object is level 1 and the entry level 2, so k extra arrays reach level 2 + k.
  const nested = (k: number) => `,"x":${'['.repeat(k)}${']'.repeat(k)}`;

  it(`reads ${MAX_NESTING_DEPTH} levels and refuses ${MAX_NESTING_DEPTH + 1}`, async () => {
    expect(MAX_NESTING_DEPTH).toBe(127);
    expect(await outcome(withExtra(nested(MAX_NESTING_DEPTH - 2)))).toBe('ok');
    const message = await failure(withExtra(nested(MAX_NESTING_DEPTH - 1)), 'safetensors/header-depth');
    expect(message).toMatch(/nested more than 127 levels/);
  });

  it('counts objects and arrays alike, in metadata too', async () => {
    const objects = (k: number) => `,"x":${'{"a":'.repeat(k)}1${'}'.repeat(k)}`;
    expect(await outcome(withExtra(objects(MAX_NESTING_DEPTH - 2)))).toBe('ok');
    expect(await outcome(withExtra(objects(MAX_NESTING_DEPTH - 1)))).toBe('safetensors/header-depth');
    const deepMetadata = rawFile(`{"__metadata__":{"a":${'['.repeat(200)}${']'.repeat(200)}}}`);
    expect(await outcome(deepMetadata)).toBe('safetensors/header-depth');
  });

  it('refuses a 100,000,000-byte header of nested brackets quickly (bench/hostile-header.ts measures it)', async () => {
    const n = MAX_HEADER_BYTES;
    const bytes = new Uint8Array(8 + n).fill(0x5b /* [ */, 8);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(n), true);
    bytes.set(new TextEncoder().encode('{"w":'), 8);
    const t0 = performance.now();
    expect(await outcome(bytes)).toBe('safetensors/header-depth');
    const ms = performance.now() - t0;
    console.log(`100 MB nested header refused in ${ms.toFixed(0)} ms`);
    // Generous for a loaded CI machine; the point is seconds-and-gigabytes versus milliseconds.
    expect(ms).toBeLessThan(3000);
  });

  it('refuses deep nesting when it is met, before the syntax of the rest is known', async () => {
    // Unterminated: a parser that built values first would report the end of the text instead.
    expect(await outcome(rawFile(`{"w":${'['.repeat(100_000)}`))).toBe('safetensors/header-depth');
  });
});

describe('fields inside one tensor entry', () => {
  it.each([
    ['dtype', `,"dtype":"U8"`],
    ['shape', `,"shape":[1]`],
    ['data_offsets', `,"data_offsets":[0,1]`],
  ])('refuses %s given twice, even with the same value', async (field, extra) => {
    const message = await failure(withExtra(extra), 'safetensors/duplicate-field');
    expect(message).toContain(`"w" gives its ${field} more than once`);
  });

  it('ignores unknown fields, even repeated ones, as the reference does', async () => {
    expect(await outcome(withExtra(`,"note":"x","note":[1,{"a":null}],"z":true`))).toBe('ok');
  });
});

describe('integers as written (serde reads sizes as usize)', () => {
  const shapeFile = (dims: string) =>
    rawFile(`{"w":{"dtype":"U8","shape":[${dims}],"data_offsets":[0,1]}}`, new Uint8Array(1));
  const offsetsFile = (offsets: string) =>
    rawFile(`{"w":{"dtype":"U8","shape":[1],"data_offsets":[${offsets}]}}`, new Uint8Array(1));

  it.each(['1.0', '1e0', '1E0', '10e-1', '-0', '-1', '0.5'])('refuses the size %s', async (dim) => {
    const message = await failure(shapeFile(dim), 'safetensors/shape');
    expect(message).toContain(`${dim} is not a non-negative integer`);
  });

  it.each(['0.0,1', '0,1.0', '-0,1', '0,1e0'])('refuses the offsets [%s]', async (offsets) => {
    await failure(offsetsFile(offsets), 'safetensors/offsets');
  });

  it('accepts the same sizes written as integers', async () => {
    expect(await outcome(shapeFile('1'))).toBe('ok');
    expect(await outcome(offsetsFile('0,1'))).toBe('ok');
  });

  it('prints a size above 2^53 as written, not rounded to a double', async () => {
    // 2^53 + 1 rounds to 2^53 as a double; the message must keep the odd last digit.
    const message = await failure(shapeFile('9007199254740993,0'), 'safetensors/shape');
    expect(message).toContain('9007199254740993 is larger than 9,007,199,254,740,991');
    const huge = await failure(offsetsFile('0,123456789012345678901234567890'), 'safetensors/offsets');
    expect(huge).toContain('123456789012345678901234567890');
  });

  it.each(['01', '+1', '.5', '1.', '1e', '-', '0x10', 'NaN', 'Infinity'])('refuses %s as JSON', async (n) => {
    await failure(shapeFile(n), 'safetensors/header-json');
  });
});

describe('strings', () => {
  const named = (name: string) => rawFile(`{"${name}":{${U8_ENTRY}}}`, new Uint8Array(1));

  it.each(['\\ud800', '\\udc00', '\\ud800\\u0041', '\\ud800x', '\\udbff\\ud800'])(
    'refuses the unpaired surrogate escape %s',
    async (name) => {
      const message = await failure(named(name), 'safetensors/header-json');
      expect(message).toContain('unpaired surrogate');
    },
  );

  it('refuses unpaired surrogates in metadata and in ignored fields too', async () => {
    await failure(rawFile('{"__metadata__":{"k":"\\ud800"}}'), 'safetensors/header-json');
    await failure(withExtra(',"x":"\\udfff"'), 'safetensors/header-json');
  });

  it('decodes a surrogate pair and the other escapes', async () => {
    const h = await readSafetensorsHeader(
      memoryReader('h.safetensors', named('\\ud83d\\ude00 \\"q\\" \\/ \\t \\u00e9')),
    );
    expect(h.tensors[0]!.name).toBe('😀 "q" / \t é');
  });

  it('refuses control characters, unknown escapes and single quotes', async () => {
    await failure(named('a\u0001b'), 'safetensors/header-json');
    await failure(named('a\\xb'), 'safetensors/header-json');
    await failure(named('a\\u12g4'), 'safetensors/header-json');
    await failure(rawFile(`{'w':{${U8_ENTRY}}}`, new Uint8Array(1)), 'safetensors/header-json');
  });
});

describe('whitespace and syntax around the object', () => {
  it('accepts JSON whitespace before "{" (the reference does; files padded at the front exist)', async () => {
    const h = await readSafetensorsHeader(
      memoryReader('h.safetensors', rawFile(` \t\r\n{"w":{${U8_ENTRY}}}  `, new Uint8Array(1))),
    );
    expect(h.tensors.map((t) => t.name)).toEqual(['w']);
  });

  it('refuses a byte-order mark, other leading bytes, and a header of whitespace only', async () => {
    await failure(rawFile(`\ufeff{}`), 'safetensors/header-start');
    await failure(rawFile(`\u000b{}`), 'safetensors/header-start');
    expect(await failure(rawFile('    '), 'safetensors/header-start')).toMatch(/nothing but whitespace/);
  });

  it.each([
    ['a trailing comma', `{"w":{${U8_ENTRY}},}`],
    ['a trailing comma in an array', `{"w":{"dtype":"U8","shape":[1,],"data_offsets":[0,1]}}`],
    ['text after the object', `{"w":{${U8_ENTRY}}}x`],
    ['two objects', `{"w":{${U8_ENTRY}}}{}`],
    ['a comment', `{"w":{${U8_ENTRY}}}//`],
    ['a missing colon', `{"w" {${U8_ENTRY}}}`],
    ['an unquoted key', `{w:{${U8_ENTRY}}}`],
    ['a bad literal', `{"w":{${U8_ENTRY},"x":nul}}`],
  ])('refuses %s', async (_what, text) => {
    await failure(rawFile(text, new Uint8Array(1)), 'safetensors/header-json');
  });
});
