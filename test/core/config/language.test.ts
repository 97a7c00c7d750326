// The editor features of experiment configs (completion, hover, outline) as pure functions. Texts
// mark the cursor with ‸; ranges are checked as exact offsets because the editor replaces and
// highlights exactly those characters.
import { describe, expect, it } from 'vitest';
import {
  completionsAt,
  hoverAt,
  outline,
  type CompletionEntry,
  type OutlineSymbol,
} from '../../../src/core/config/language';
import { VALUE_MEANINGS } from '../../../src/core/config/language/docs';
import { FIELDS, SECTIONS } from '../../../src/core/config/schema';
import { Rng } from '../../../src/core/toy/rng';

/** The text without its ‸ and the offset where it was. */
function cursor(marked: string): [string, number] {
  const offset = marked.indexOf('‸');
  if (offset < 0 || marked.indexOf('‸', offset + 1) >= 0) throw new Error(`need exactly one ‸ in ${marked}`);
  return [marked.slice(0, offset) + marked.slice(offset + 1), offset];
}

const complete = (marked: string): CompletionEntry[] => completionsAt(...cursor(marked));
const labels = (marked: string): string[] => complete(marked).map((e) => e.label);
const hover = (marked: string) => hoverAt(...cursor(marked));
const keysOfSection = (section: string) =>
  FIELDS.filter((f) => f.path.startsWith(`${section}.`)).map((f) => f.path.slice(section.length + 1));
const ROOT_KEYS = ['version', 'name', 'description', 'data', 'model', 'optimizer', 'train', 'fit'];

describe('completion of keys in block style', () => {
  it('offers every top-level key in the table order, sections inserting a new indented line', () => {
    const entries = complete('‸');
    expect(entries.map((e) => e.label)).toEqual(ROOT_KEYS);
    expect(entries.find((e) => e.label === 'version')).toMatchObject({ kind: 'key', insertText: 'version: ' });
    expect(entries.find((e) => e.label === 'data')).toMatchObject({
      kind: 'section',
      insertText: 'data:\n  ',
      detail: 'section · 6 keys',
    });
    expect(entries.every((e) => e.replaceStart === 0 && e.replaceEnd === 0)).toBe(true);
  });

  it('offers exactly the keys of the section that the indentation puts the cursor in', () => {
    for (const section of SECTIONS) {
      expect(labels(`version: 1\n${section}:\n  ‸`), section).toEqual(keysOfSection(section));
    }
  });

  it('leaves out keys already in that mapping, before or after the cursor, but not the one being typed', () => {
    const text = 'version: 1\ndata:\n  features: 64\n  dis‸\n  density: 2\nmodel:\n  width: 8\n';
    expect(labels(text)).toEqual(['distribution', 'exponent', 'scale', 'counts']);
    expect(labels('version: 1\ndata:\n  features: 8\nmodel:\n  width: 8\n‸')).toEqual([
      'name',
      'description',
      'optimizer',
      'train',
      'fit',
    ]);
    // A key that is complete but has no colon yet is still the one being typed.
    expect(labels('data:\n  features‸\n')).toContain('features');
  });

  it('replaces the partial word, and gives the bare name when the key already has its colon', () => {
    const [text, offset] = cursor('data:\n  dis‸');
    const entry = completionsAt(text, offset).find((e) => e.label === 'distribution')!;
    expect(entry).toMatchObject({ insertText: 'distribution: ', replaceStart: 8, replaceEnd: 11 });

    const renaming = complete('data:\n  fea‸trues: 64\n').find((e) => e.label === 'features')!;
    expect(renaming).toMatchObject({ insertText: 'features', replaceStart: 8, replaceEnd: 16 });
  });

  it('goes back to the top level at column 0, and offers nothing where no mapping can be', () => {
    expect(labels('data:\n  features: 8\n‸')).toEqual(ROOT_KEYS.filter((k) => k !== 'data'));
    expect(labels('data:\n  features: 8\n    ‸')).toEqual([]); // under a key that has a value
    expect(labels('oops:\n  ‸')).toEqual([]); // an unknown section
    expect(labels('data:\n  features:\n    ‸')).toEqual([]); // keys have no keys
    expect(labels('data:‸')).toEqual([]); // a section has no values
  });

  it('documents keys from the table: type, bounds, default, sweeping and the paper source', () => {
    const features = complete('data:\n  ‸').find((e) => e.label === 'features')!;
    expect(features.detail).toBe('integer in [2, 100000] · default 1024');
    expect(features.documentation).toContain('n, the number of atomic features (rows of W).');
    expect(features.documentation).toContain('Default: `1024`.');
    expect(features.documentation).toContain('Paper: §1.1, §1.6 (exp-17: 10240; CPU scale: 1024)');
    expect(features.documentation).not.toContain('A list sweeps it');

    const width = complete('model:\n  ‸').find((e) => e.label === 'width')!;
    expect(width.detail).toBe('integer in [1, 8192], or a list · default [8, 16, 32, 64, 128]');
    expect(width.documentation).toContain('A list sweeps it');
    const scale = complete('data:\n  ‸').find((e) => e.label === 'scale')!;
    expect(scale.detail).toBe('number > 0 · default 400');
    const version = complete('‸').find((e) => e.label === 'version')!;
    expect(version.detail).toBe('integer = 1 · default 1 · required');
    expect(version.documentation).not.toContain('Paper:'); // its source is "—"
  });

  it('reads CRLF line breaks and quoted keys', () => {
    expect(labels('version: 1\r\ndata:\r\n  features: 8\r\n  ‸\r\n')).toEqual(keysOfSection('data').slice(1));
    expect(labels('"data":\n  \'features\': 8\n  ‸')).toEqual(keysOfSection('data').slice(1));
  });
});

describe('completion of values', () => {
  it('offers the distributions with their meaning after `distribution: `', () => {
    const entries = complete('data:\n  distribution: ‸');
    expect(entries.map((e) => [e.label, e.kind])).toEqual([
      ['power', 'value'],
      ['exponential', 'value'],
      ['linear', 'value'],
      ['empirical', 'value'],
    ]);
    expect(entries[1]!.detail).toBe(VALUE_MEANINGS['data.distribution']!['exponential']);
    expect(entries[1]!.documentation).toContain('**data.distribution**');
    expect(entries.every((e) => e.replaceStart === 22 && e.replaceEnd === 22)).toBe(true);
  });

  it('preselects the default and sorts `empirical` (which needs data.counts) last, not alphabetically first', () => {
    const entries = complete('data:\n  distribution: ‸');
    expect(entries.filter((e) => e.preselect).map((e) => e.label)).toEqual(['power']);
    const sorted = [...entries].sort((a, b) => a.sortText.localeCompare(b.sortText)).map((e) => e.label);
    expect(sorted[0]).toBe('power');
    expect(sorted.at(-1)).toBe('empirical');
  });

  it('offers the learning-rate presets and version 1, replacing the partial value', () => {
    expect(complete('optimizer:\n  lr: paper-s‸').map((e) => [e.label, e.replaceStart, e.replaceEnd])).toEqual([
      ['paper-large', 17, 24],
      ['paper-small', 17, 24],
    ]);
    expect(labels('version: ‸')).toEqual(['1']);
    // Right after the colon (the editor completes on ':') the value brings its space.
    expect(complete('data:\n  distribution:‸').map((e) => [e.insertText, e.replaceStart])).toEqual([
      [' power', 21],
      [' exponential', 21],
      [' linear', 21],
      [' empirical', 21],
    ]);
    expect(complete('data: {distribution:‸}')[0]).toMatchObject({ insertText: ' power', replaceStart: 20 });
    expect(labels('data:\n  distribution:powr‸')).toEqual([]); // one plain scalar, not a key and a value
    expect(labels('data:\n  features: ‸')).toEqual([]); // a number: nothing to offer
    expect(labels('distribution: ‸')).toEqual([]); // not a top-level key
  });

  it('offers list items only for sweepable keys, leaving out values already listed', () => {
    expect(labels('data:\n  distribution: [power, ‸]')).toEqual(['exponential', 'linear', 'empirical']);
    expect(labels('data:\n  distribution:\n    - linear\n    - ‸\n    - power\n')).toEqual([
      'exponential',
      'empirical',
    ]);
    expect(labels('data:\n  distribution:\n  - linear\n  - ‸\n')).toEqual(['power', 'exponential', 'empirical']);
    expect(labels('optimizer:\n  lr: [‸]')).toEqual([]); // lr cannot be swept
  });
});

describe('completion in flow mappings', () => {
  it('offers the keys of the mapping the braces belong to, without those written', () => {
    const entries = complete('version: 1\ndata: {features: 64, ‸');
    expect(entries.map((e) => e.label)).toEqual(['distribution', 'exponent', 'scale', 'density', 'counts']);
    expect(entries[0]).toMatchObject({ insertText: 'distribution: ', replaceStart: 32, replaceEnd: 32 });
    expect(labels('data: {‸, features: 64}')).toEqual(keysOfSection('data').slice(1));
    expect(labels('data: {"features": 64, \'scale\': 2, ‸}')).toEqual([
      'distribution',
      'exponent',
      'density',
      'counts',
    ]);
  });

  it('offers values after a key inside braces, and follows nesting and line breaks', () => {
    expect(complete('data: {features: 64, distribution: e‸}').map((e) => [e.label, e.replaceStart])).toEqual([
      ['power', 35],
      ['exponential', 35],
      ['linear', 35],
      ['empirical', 35],
    ]);
    expect(labels('data: {distribution: [power, ‸]}')).toEqual(['exponential', 'linear', 'empirical']);
    expect(labels('{version: 1, data: {features: 8, ‸}}')).toEqual(keysOfSection('data').slice(1));
    expect(labels('data: {\n  features: 64,\n  ‸\n}')).toEqual(keysOfSection('data').slice(1));
    expect(labels('data:\n  {features: 64, ‸}')).toEqual(keysOfSection('data').slice(1));
  });

  it('offers sections of a root flow mapping on the same line', () => {
    const entries = complete('{version: 1, d‸');
    expect(entries.map((e) => e.label)).toEqual(ROOT_KEYS.slice(1));
    expect(entries.find((e) => e.label === 'data')).toMatchObject({ insertText: 'data: ', replaceStart: 13 });
  });
});

describe('no completion inside text', () => {
  it('offers nothing in comments, quoted strings and block scalars', () => {
    expect(labels('data: # a comment ‸')).toEqual([]);
    expect(labels('# ‸')).toEqual([]);
    expect(labels('name: "half ‸"')).toEqual([]);
    expect(labels("name: 'half ‸'")).toEqual([]);
    expect(labels('description: |\n  some text\n  ‸\n')).toEqual([]);
    // …but right after the block scalar, at column 0, the root's keys again.
    expect(labels('description: |\n  some text\n‸')).toEqual(ROOT_KEYS.filter((k) => k !== 'description'));
  });
});

describe('hover', () => {
  it('describes a key of a section with its path, type, default and paper source', () => {
    const h = hover('version: 1\ndata:\n  fea‸tures: 64\n')!;
    expect(h).toMatchObject({ path: 'data.features', start: 19, end: 27 });
    expect(h.markdown).toContain('**data.features** · integer in [2, 100000]');
    expect(h.markdown).toContain('n, the number of atomic features');
    expect(h.markdown).toContain('Default: `1024`.');
    expect(h.markdown).toMatch(/\n\nPaper: §1\.1, §1\.6/);
  });

  it('says that a sweepable key sweeps', () => {
    expect(hover('model:\n  wi‸dth: [8, 16]')!.markdown).toContain('A list sweeps it: one run per value.');
  });

  it('describes the key of a value, with the meaning of an enum member', () => {
    const h = hover('data:\n  distribution: expo‸nential\n')!;
    expect(h).toMatchObject({ path: 'data.distribution', start: 22, end: 33 });
    expect(h.markdown.startsWith('`exponential`: p_i ∝ e^−(i−1)/scale')).toBe(true);
    expect(h.markdown).toContain('**data.distribution**');
    expect(hover('optimizer:\n  lr: paper-sm‸all')!.markdown).toContain('0.01 for both W and b');
    expect(hover('model:\n  width: [8, 1‸6]')).toMatchObject({ path: 'model.width', start: 20, end: 22 });
  });

  it('works in flow mappings and on sections', () => {
    expect(hover('data: {features: 64, den‸sity: 2}')).toMatchObject({ path: 'data.density', start: 21, end: 28 });
    const section = hover('da‸ta:\n  features: 64\n')!;
    expect(section).toMatchObject({ path: 'data', start: 0, end: 4 });
    expect(section.markdown).toContain('- `features`: integer in [2, 100000] · default 1024');
  });

  it('has nothing for unknown keys, keys in the wrong section, spaces, punctuation and comments', () => {
    expect(hover('data:\n  fea‸ture: 64')).toBeNull();
    expect(hover('model:\n  feat‸ures: 64')).toBeNull();
    expect(hover('data:\n  features‸: 64')).not.toBeNull(); // …at the end of a word it is still that word
    expect(hover('feat‸ures: 64')).toBeNull(); // not a top-level key
    expect(hover('data:\n  features:‸ 64')).toBeNull();
    expect(hover('data:\n ‸ features: 64')).toBeNull();
    expect(hover('data: # the fea‸tures\n')).toBeNull();
    expect(hover('oops:\n  val‸ue: 1')).toBeNull();
  });
});

/** The symbol range of `needle` (its first occurrence) for exact comparisons. */
const span = (text: string, needle: string, from = 0) => {
  const start = text.indexOf(needle, from);
  if (start < 0) throw new Error(`${needle} not in text`);
  return { start, end: start + needle.length };
};

describe('outline', () => {
  const text = [
    'version: 1 # format',
    'data:',
    '  features: 256',
    '  distribution: [power, linear]   # two families',
    '',
    '# training',
    'model:',
    '  width:',
    '    - 4',
    '    - 8',
    'description: |',
    '  two lines',
    '  of text',
    '',
    'optimizer:',
    'unknownKey: x',
    '',
  ].join('\n');

  it('lists sections with their keys, with exact ranges that leave out comments and line breaks', () => {
    const symbols = outline(text);
    expect(symbols.map((s) => [s.name, s.kind, s.detail])).toEqual([
      ['version', 'key', '1'],
      ['data', 'section', ''],
      ['model', 'section', ''],
      ['description', 'key', 'two lines of text'],
      ['optimizer', 'section', ''],
      ['unknownKey', 'key', 'x'],
    ]);
    const [version, data, model, description, optimizer] = symbols as [
      OutlineSymbol,
      OutlineSymbol,
      OutlineSymbol,
      OutlineSymbol,
      OutlineSymbol,
    ];
    expect(version).toMatchObject({ ...span(text, 'version: 1'), selectionStart: 0, selectionEnd: 7 });
    const distribution = span(text, 'distribution: [power, linear]');
    expect(data).toMatchObject({ start: span(text, 'data').start, end: distribution.end });
    expect(data.children).toEqual([
      {
        name: 'features',
        detail: '256',
        kind: 'key',
        ...span(text, 'features: 256'),
        selectionStart: span(text, 'features').start,
        selectionEnd: span(text, 'features').end,
        children: [],
      },
      {
        name: 'distribution',
        detail: '[power, linear]',
        kind: 'key',
        ...distribution,
        selectionStart: distribution.start,
        selectionEnd: distribution.start + 'distribution'.length,
        children: [],
      },
    ]);
    expect(model!.children[0]).toMatchObject({
      name: 'width',
      detail: '[4, 8]',
      ...span(text, 'width:\n    - 4\n    - 8'),
    });
    expect(model).toMatchObject({ start: span(text, 'model').start, end: span(text, '- 8').end });
    expect(description).toMatchObject(span(text, 'description: |\n  two lines\n  of text'));
    // An empty section ends at its colon.
    expect(optimizer).toMatchObject({ ...span(text, 'optimizer:'), children: [] });
  });

  it('reads flow style, with children and exact ranges', () => {
    const flow = 'data: {features: 64, distribution: power}\nmodel: {width: [8, 16, 32]}\n';
    const [data, model] = outline(flow) as [OutlineSymbol, OutlineSymbol];
    expect(data).toMatchObject({ kind: 'section', ...span(flow, 'data: {features: 64, distribution: power}') });
    expect(data.children.map((c) => [c.name, c.detail, c.start, c.end])).toEqual([
      ['features', '64', 7, 19],
      ['distribution', 'power', 21, 40],
    ]);
    expect(model.children[0]).toMatchObject({
      name: 'width',
      detail: '[8, 16, 32]',
      ...span(flow, 'width: [8, 16, 32]'),
    });
    expect(outline('{version: 1, fit: {widths: [32, 1024]}}').map((s) => [s.name, s.children.length])).toEqual([
      ['version', 0],
      ['fit', 1],
    ]);
  });

  it('shortens long values to one line', () => {
    const [symbol] = outline(`description: ${'word '.repeat(20)}\n`);
    expect(symbol!.detail).toHaveLength(40);
    expect(symbol!.detail.endsWith('…')).toBe(true);
  });

  it('keeps the rest of the file when one section does not parse', () => {
    const broken = 'version: 1\ndata:\n  features: 64\n  dist\nmodel: {width: [8, 16]}\ntrain:\n  steps: 10\n';
    const symbols = outline(broken);
    expect(symbols.map((s) => s.name)).toEqual(['version', 'data', 'model', 'train']);
    const [, data, model, train] = symbols as [OutlineSymbol, OutlineSymbol, OutlineSymbol, OutlineSymbol];
    // data is read line by line: the key that has a colon, the section up to the half-typed line.
    expect(data.children.map((c) => [c.name, c.detail, c.start, c.end])).toEqual([['features', '64', 19, 31]]);
    expect(data).toMatchObject({ kind: 'section', start: 11, end: span(broken, 'dist').end });
    expect(model.children[0]).toMatchObject({ name: 'width', ...span(broken, 'width: [8, 16]') });
    expect(train.children[0]).toMatchObject({ name: 'steps', detail: '10', ...span(broken, 'steps: 10') });
  });

  it('reads a one-line flow mapping in a file with errors, and is empty for nothing to outline', () => {
    const broken = 'data: {features: 64}\nmodel:\n  width: [8\n';
    const [data] = outline(broken);
    expect(data!.children.map((c) => [c.name, c.start, c.end])).toEqual([['features', 7, 19]]);
    expect(outline('')).toEqual([]);
    expect(outline('# only a comment\n')).toEqual([]);
    expect(outline('just a scalar')).toEqual([]);
    expect(outline('- a\n- b\n')).toEqual([]);
  });
});

describe('deeply nested and large input', () => {
  it('neither throws nor overflows the stack, and stays fast', () => {
    const flow = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const block = `version: 1\n${Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n')}\n`;
    for (const text of [flow, block]) {
      expect(() => outline(text)).not.toThrow();
      expect(() => completionsAt(text, text.length >> 1)).not.toThrow();
      expect(() => hoverAt(text, text.length >> 1)).not.toThrow();
    }
    expect(labels(`version: 1\n${'a:\n'.repeat(2)}${'  '}‸`)).toEqual([]); // under an unknown key
    // 5000 flow lists under one section: each list's owner is only looked up when needed.
    const many = `model:\n${'  x: [1, 2]\n'.repeat(5000)}  ‸`;
    const started = performance.now();
    expect(labels(many)).toEqual(['width']);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('the value meanings', () => {
  it('cover every member of every enum key', () => {
    for (const f of FIELDS.filter((f) => f.enum)) {
      for (const value of f.enum!) expect(VALUE_MEANINGS[f.path]?.[value], `${f.path}: ${value}`).toBeTruthy();
    }
  });
});

/** Checks the invariants every result must keep, whatever the text. */
function checkInvariants(text: string, offset: number): void {
  const clamped = Number.isFinite(offset) ? Math.min(Math.max(0, Math.trunc(offset)), text.length) : 0;
  for (const e of completionsAt(text, offset)) {
    expect(e.replaceStart <= clamped && clamped <= e.replaceEnd, JSON.stringify({ text, offset, e })).toBe(true);
    expect(e.replaceStart >= 0 && e.replaceEnd <= text.length).toBe(true);
  }
  const h = hoverAt(text, offset);
  if (h !== null) expect(h.start <= clamped && clamped <= h.end && h.start < h.end, JSON.stringify(h)).toBe(true);
  const nested = (symbols: readonly OutlineSymbol[], lo: number, hi: number): void => {
    for (const s of symbols) {
      const ok = lo <= s.start && s.start <= s.selectionStart && s.selectionStart <= s.selectionEnd;
      expect(ok && s.selectionEnd <= s.end && s.end <= hi, JSON.stringify({ text, s })).toBe(true);
      nested(s.children, s.start, s.end);
    }
  };
  nested(outline(text), 0, text.length);
}

describe('fuzz: any text and any offset', () => {
  const PIECES = [
    ...['a', 'data', 'features', 'distribution', 'power', 'model', 'width', 'version', '1', '-1', '8.5'],
    ...[' ', '  ', '\n', '\r\n', '\r', '\t', ':', ': ', '- ', '-', '{', '}', '[', ']', ',', '#', '"', "'"],
    ...['|', '>', '&a', '*a', '!', '?', '%', '@', '`', '---', '...', '\\', '\uFEFF', 'é', '😀', '\ud800'],
  ];

  it('never throws and keeps every range inside the text (random pieces)', () => {
    const rng = new Rng(11);
    const pick = (n: number) => Math.floor(rng.uniform() * n);
    for (let i = 0; i < 1000; i++) {
      let text = '';
      for (let j = pick(40); j > 0; j--) text += PIECES[pick(PIECES.length)];
      for (const offset of [pick(text.length + 1), pick(text.length + 1), text.length, -3, text.length + 7, NaN]) {
        checkInvariants(text, offset);
      }
    }
  });

  it('never throws on a real config with random edits', () => {
    const base =
      'version: 1\nname: demo\ndata:\n  features: 256\n  distribution: [power, linear]\nmodel: {width: [4, 8]}\noptimizer:\n  lr: paper-large\ndescription: |\n  text\n';
    const rng = new Rng(12);
    const pick = (n: number) => Math.floor(rng.uniform() * n);
    for (let i = 0; i < 500; i++) {
      let text = base;
      for (let k = pick(4) + 1; k > 0; k--) {
        const at = pick(text.length + 1);
        text = text.slice(0, at) + (rng.uniform() < 0.5 ? PIECES[pick(PIECES.length)] : '') + text.slice(at + pick(3));
      }
      for (let k = 0; k < 4; k++) checkInvariants(text, pick(text.length + 1));
    }
  });
});
