// The reference corpus: the reference implementation's own test layouts and the mutation classes
// on which we used to disagree, each with the reference's verdict (see the corpus's "about" and
// scripts/safetensors-reference.py). Every case must match the reference, or be one of the
// stricter choices the README documents.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readSafetensorsHeader, memoryReader } from '../../../src/core/safetensors/reader';
import { CoreError } from '../../../src/core/errors';

interface CorpusCase {
  readonly id: string;
  readonly source: string;
  readonly header?: string;
  readonly dataZeros?: number;
  readonly dataHex?: string;
  readonly fileHex?: string;
  readonly reference: 'accept' | 'reject';
  readonly ours: 'accept' | 'reject';
  readonly choice?: string;
  readonly code?: string;
}

/** The stricter rules the README's "Safetensors support" section documents. */
const DOCUMENTED_CHOICES = new Set(['duplicate-name', 'rank-limit', 'exact-integers']);

const corpus = JSON.parse(
  readFileSync(new URL('../../fixtures/safetensors-reference/corpus.json', import.meta.url), 'utf8'),
) as { cases: CorpusCase[] };

const fromHex = (hex: string) => Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));

/** The file exactly as scripts/safetensors-reference.py builds it. */
function corpusFile(c: CorpusCase): Uint8Array {
  if (c.fileHex !== undefined) return fromHex(c.fileHex);
  const header = new TextEncoder().encode(c.header ?? '');
  const data = c.dataHex !== undefined ? fromHex(c.dataHex) : new Uint8Array(c.dataZeros ?? 0);
  const out = new Uint8Array(8 + header.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
  out.set(header, 8);
  out.set(data, 8 + header.length);
  return out;
}

describe('reference corpus', () => {
  it('is large enough to mean something and has unique ids', () => {
    expect(corpus.cases.length).toBeGreaterThanOrEqual(60);
    expect(new Set(corpus.cases.map((c) => c.id)).size).toBe(corpus.cases.length);
    expect(corpus.cases.some((c) => c.reference === 'accept')).toBe(true);
    expect(corpus.cases.some((c) => c.reference === 'reject')).toBe(true);
  });

  it.each(corpus.cases.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    if (c.ours !== c.reference) {
      expect(
        DOCUMENTED_CHOICES.has(c.choice ?? ''),
        `${c.id} differs from the reference without a documented choice`,
      ).toBe(true);
    } else {
      expect(c.choice, `${c.id} agrees with the reference but names a choice`).toBeUndefined();
    }
    let verdict: 'accept' | 'reject' = 'accept';
    let code: string | undefined;
    try {
      await readSafetensorsHeader(memoryReader(`${c.id}.safetensors`, corpusFile(c)));
    } catch (e) {
      if (!(e instanceof CoreError)) throw e;
      verdict = 'reject';
      code = e.code;
    }
    expect(verdict, `${c.id} (${c.source}) failed with ${code}`).toBe(c.ours);
    if (c.code !== undefined) expect(code).toBe(c.code);
  });
});
