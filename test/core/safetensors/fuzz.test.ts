// Seeded random-mutation loop: every corrupted file must end in a typed CoreError (or, when the
// mutation happens to leave a valid file, in a normal result). Any other exception, or a case
// that does not settle within the per-case time limit, fails the test. Reproduce a failure with
// its seed and case number from the assertion message.
import { describe, expect, it } from 'vitest';
import { readSafetensorsHeader, memoryReader } from '../../../src/core/safetensors/reader';
import { computeTensorStats } from '../../../src/core/safetensors/stats';
import { isDecodable, DTYPES } from '../../../src/core/safetensors/dtype';
import { parseShardIndex } from '../../../src/core/safetensors/model';
import { CoreError } from '../../../src/core/errors';
import { everyDtypeFile, prng, rawFile, smallModelFile } from '../../fixtures/safetensors';

const SEED = 20261122;
const CASES = 2400;
const PER_CASE_LIMIT_MS = 5000;

type Rand = () => number;
const int = (r: Rand, n: number) => Math.floor(r() * n);
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[int(r, xs.length)]!;

function headerRange(bytes: Uint8Array): [number, number] {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  return [8, Math.min(bytes.length, 8 + n)];
}

/** A random structured header: plausible keys with random, often wrong, values. */
function randomHeader(r: Rand): Uint8Array {
  const header: Record<string, unknown> = {};
  const count = int(r, 5);
  let offset = 0;
  const value = (): unknown =>
    pick(r, [int(r, 10), -int(r, 10), 2 ** 53 + int(r, 9), 1.5, 'x', null, [], {}, [int(r, 4)], true]);
  for (let i = 0; i < count; i++) {
    const shape = Array.from({ length: int(r, 4) }, () => (r() < 0.9 ? int(r, 5) : value()));
    const dtype = r() < 0.85 ? pick(r, DTYPES) : pick(r, ['F8', 'float32', '', 7, null]);
    const size = int(r, 40);
    const offsets = r() < 0.8 ? [offset, offset + size] : [value(), value()];
    offset += size;
    header[r() < 0.1 ? '__metadata__' : `t${i}`] = r() < 0.9 ? { dtype, shape, data_offsets: offsets } : value();
  }
  if (r() < 0.3) header['__metadata__'] = r() < 0.7 ? { k: 'v' } : { k: value() };
  const data = new Uint8Array(offset + (r() < 0.8 ? 0 : int(r, 8) - 4 > 0 ? int(r, 8) : 0));
  for (let i = 0; i < data.length; i++) data[i] = int(r, 256);
  return rawFile(header, data);
}

function mutate(r: Rand, base: Uint8Array): Uint8Array {
  const b = base.slice();
  const [hs, he] = headerRange(b);
  switch (int(r, 9)) {
    case 0: // flip bytes anywhere
      for (let k = 1 + int(r, 8); k > 0; k--) b[int(r, b.length)] = int(r, 256);
      return b;
    case 1: // flip bytes inside the header
      for (let k = 1 + int(r, 4); k > 0; k--) b[hs + int(r, he - hs)] = int(r, 256);
      return b;
    case 2: // truncate
      return b.subarray(0, int(r, b.length));
    case 3: {
      // append junk
      const out = new Uint8Array(b.length + 1 + int(r, 64));
      out.set(b);
      for (let i = b.length; i < out.length; i++) out[i] = int(r, 256);
      return out;
    }
    case 4: {
      // lie in the length field
      const dv = new DataView(b.buffer, b.byteOffset, 8);
      const lies = [
        BigInt(int(r, 64)),
        BigInt(he - hs + int(r, 9) - 4),
        2n ** 63n + BigInt(int(r, 1000)),
        BigInt(int(r, 2 ** 31)),
        0n,
      ];
      dv.setBigUint64(0, pick(r, lies), true);
      return b;
    }
    case 5: {
      // change a digit in the header: offsets and shapes go wrong
      const digits: number[] = [];
      for (let i = hs; i < he; i++) if (b[i]! >= 0x30 && b[i]! <= 0x39) digits.push(i);
      if (digits.length > 0) {
        b[pick(r, digits)] = pick(r, [0x30 + int(r, 10), 0x2d /* - */, 0x2e /* . */, 0x65 /* e */]);
      }
      return b;
    }
    case 6: {
      // delete a header byte, keep the declared length
      const at = hs + int(r, he - hs);
      const out = new Uint8Array(b.length - 1);
      out.set(b.subarray(0, at));
      out.set(b.subarray(at + 1), at);
      return out;
    }
    case 7: // a random structured header
      return randomHeader(r);
    default: {
      // pure noise
      const out = new Uint8Array(int(r, 200));
      for (let i = 0; i < out.length; i++) out[i] = int(r, 256);
      if (out.length >= 9 && r() < 0.5) {
        new DataView(out.buffer).setBigUint64(0, BigInt(int(r, out.length)), true);
        out[8] = 0x7b;
      }
      return out;
    }
  }
}

async function exercise(bytes: Uint8Array): Promise<string> {
  const reader = memoryReader('fuzz.safetensors', bytes);
  const header = await readSafetensorsHeader(reader);
  // A file that passes validation must also be fully readable.
  for (const t of header.tensors) {
    if (isDecodable(t.dtype) && t.numel <= 1 << 16) await computeTensorStats(reader, header, t, { chunkBytes: 7 });
  }
  return 'ok';
}

function withLimit<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<'timeout'>((res) => (timer = setTimeout(() => res('timeout'), ms)));
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

describe('random mutation of safetensors files', () => {
  it(`${CASES} corrupted files each end in a CoreError or a valid result, never another exception or a hang`, async () => {
    const r = prng(SEED);
    const bases = [smallModelFile(1), smallModelFile(2), everyDtypeFile()];
    const outcomes = new Map<string, number>();
    for (let i = 0; i < CASES; i++) {
      const bytes = mutate(r, pick(r, bases));
      const result = await withLimit(
        exercise(bytes).catch((e: unknown) => {
          if (e instanceof CoreError) return e.code;
          throw new Error(`seed ${SEED} case ${i}: ${e instanceof Error ? e.stack : String(e)}`);
        }),
        PER_CASE_LIMIT_MS,
      );
      expect(result, `seed ${SEED} case ${i} did not settle`).not.toBe('timeout');
      outcomes.set(result as string, (outcomes.get(result as string) ?? 0) + 1);
    }
    const total = [...outcomes.values()].reduce((a, b) => a + b, 0);
    expect(total).toBe(CASES);
    // The mutations must actually explore: many distinct error codes, and some valid survivors.
    expect(outcomes.size, JSON.stringify(Object.fromEntries(outcomes))).toBeGreaterThanOrEqual(15);
    expect(outcomes.get('ok') ?? 0).toBeGreaterThan(0);
    console.log('fuzz outcomes:', JSON.stringify(Object.fromEntries([...outcomes].sort((a, b) => b[1] - a[1]))));
  });

  it('600 corrupted shard indexes each parse or end in a CoreError', () => {
    const r = prng(SEED + 1);
    const base = JSON.stringify({
      metadata: { total_size: 123 },
      weight_map: { 'a.weight': 'model-00001-of-00002.safetensors', 'b.weight': 'model-00002-of-00002.safetensors' },
    });
    let errors = 0;
    for (let i = 0; i < 600; i++) {
      const chars = base.split('');
      for (let k = 1 + int(r, 4); k > 0; k--) {
        chars[int(r, chars.length)] = pick(r, ['"', '{', '}', ':', ',', '.', '/', '\\', '1', 'x', ' ', '[']);
      }
      try {
        parseShardIndex(chars.join(''), 'model.safetensors.index.json');
      } catch (e) {
        if (!(e instanceof CoreError)) throw new Error(`index case ${i}: ${String(e)}`);
        errors++;
      }
    }
    expect(errors).toBeGreaterThan(300);
  });
});

describe('random nesting and duplicate fields', () => {
  /** Nested arrays and objects, mixed at random, with random whitespace, and how deep it is. */
  function nestedValue(r: Rand, levels: number): { text: string; depth: number } {
    let open = '';
    let close = '';
    for (let i = 0; i < levels; i++) {
      const ws = pick(r, ['', ' ', '\n', '\t ']);
      if (r() < 0.5) {
        open += `[${ws}${r() < 0.3 ? '1,' : ''}`;
        close = `${ws}]${close}`;
      } else {
        open += `{${ws}"k${i}":`;
        close = `${ws}}${close}`;
      }
    }
    const leaf = pick(r, ['0', '"s"', 'null', '[]', '{}']);
    return { text: open + leaf + close, depth: levels + (leaf.length === 2 ? 1 : 0) };
  }

  // Key spellings that decode to the same field name, so duplicates hide behind escapes too.
  const SPELLINGS: Record<string, string[]> = {
    dtype: ['"dtype"', '"d\\u0074ype"'],
    shape: ['"shape"', '"\\u0073hape"'],
    data_offsets: ['"data_offsets"', '"data\\u005foffsets"'],
  };
  const FIELD_VALUES: Record<string, string> = { dtype: '"U8"', shape: '[2]', data_offsets: '[0,2]' };

  it('1,000 headers: refused exactly when nested past 127 levels or when an entry repeats a field', async () => {
    const r = prng(SEED + 2);
    const outcomes = new Map<string, number>();
    for (let i = 0; i < 1000; i++) {
      const k = 100 + int(r, 40);
      const fields = ['dtype', 'shape', 'data_offsets'].map((f) => `${pick(r, SPELLINGS[f]!)}:${FIELD_VALUES[f]}`);
      const repeated = r() < 0.3 ? pick(r, ['dtype', 'shape', 'data_offsets']) : undefined;
      if (repeated !== undefined) fields.push(`${pick(r, SPELLINGS[repeated]!)}:${FIELD_VALUES[repeated]}`);
      if (r() < 0.3) fields.push('"note":1', '"note":2'); // unknown fields may repeat
      const deepFirst = r() < 0.5;
      const nested = nestedValue(r, k);
      const extra = `"x":${nested.text}`;
      // Shuffle the fields, and put the deep one before or after them.
      for (let j = fields.length - 1; j > 0; j--) {
        const m = int(r, j + 1);
        [fields[j], fields[m]] = [fields[m]!, fields[j]!];
      }
      const members = deepFirst ? [extra, ...fields] : [...fields, extra];
      const text = `{"w":{${members.join(',')}}}`;

      // Whichever problem comes first in the text is the one reported.
      // The entry object is level 2, so an extra field nested d levels reaches level 2 + d.
      const tooDeep = 2 + nested.depth > 127;
      let expected = 'ok';
      if (tooDeep && (deepFirst || repeated === undefined)) expected = 'safetensors/header-depth';
      else if (repeated !== undefined) expected = 'safetensors/duplicate-field';
      else if (tooDeep) expected = 'safetensors/header-depth';

      const got = await readSafetensorsHeader(memoryReader('n.safetensors', rawFile(text, new Uint8Array(2)))).then(
        () => 'ok',
        (e: unknown) => {
          if (e instanceof CoreError) return e.code;
          throw new Error(`seed ${SEED + 2} case ${i}: ${String(e)}`);
        },
      );
      expect(got, `seed ${SEED + 2} case ${i}: ${text.slice(0, 200)}`).toBe(expected);
      outcomes.set(got, (outcomes.get(got) ?? 0) + 1);
    }
    // All three outcomes must actually occur.
    expect(outcomes.size, JSON.stringify(Object.fromEntries(outcomes))).toBe(3);
  });
});
