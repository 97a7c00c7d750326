// Seeded random configs (issue 17): huge lists, deep nesting, aliases, huge numbers, odd strings
// and names, random overrides. Each is parsed, diagnosed (the editor's check) and, when valid,
// previewed; none may throw, each must finish within a time budget, and the heap must not grow
// past a memory budget over the run. Like the checkpoint fuzz test, the seed makes it repeatable.
import { describe, expect, it } from 'vitest';
import { parseExperimentConfig } from '../../../src/core/config/parse';
import { checkConfigForEditor } from '../../../src/core/config/editorCheck';
import { countRuns, expandSweep, MAX_RUNS } from '../../../src/core/config/sweep';
import { previewTheory } from '../../../src/core/toy/theory';
import { Rng } from '../../../src/core/toy/rng';
import { FIELDS } from '../../../src/core/config/schema';

const CONFIGS = Number(process.env['CONFIG_FUZZ_COUNT'] ?? 2000);
/** Per config: parse + diagnose + preview: a hang detector (the old code took 17–100 s on such configs), generous for a shared 2-core machine. */
const PER_CONFIG_MS = 5000;
const HEAP_GROWTH_MB = 400;
/** The editor's check alone (250 ms is the target on a quiet machine; this box is shared). */
const EDITOR_MS = 1000;

class Gen {
  constructor(private readonly rng: Rng) {}
  int(k: number): number {
    return Math.floor(this.rng.uniform() * k);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  chance(p: number): boolean {
    return this.rng.uniform() < p;
  }
  number(): string {
    return this.pick([
      () => String(this.int(10)),
      () => String(1 + this.int(100000)),
      () => (this.rng.uniform() * 3).toFixed(3),
      () => String(-this.rng.uniform() * 5),
      () =>
        this.pick(['1e400', '-1e400', '.inf', '.nan', '99999999999999999999999', '0x1F', '1_000', '-0', '4294967296']),
      () => String(2 ** this.int(14)),
    ])();
  }
  oddString(long = false): string {
    if (long && this.chance(0.3)) return `"${'x'.repeat(this.int(3000))}"`;
    return this.pick([
      '"\\u001b[2J"',
      '"../../etc"',
      '".."',
      '"\\0nul"',
      '"é✓"',
      "''",
      '~',
      'null',
      '!!binary aGVsbG8=',
      '"paper-large"',
      'power',
      'empirical',
      'linear',
    ]);
  }
  list(length: number): string {
    return `[${Array.from({ length }, () => (this.chance(0.9) ? this.number() : this.oddString())).join(', ')}]`;
  }
  value(): string {
    return this.pick([
      () => this.number(),
      () => this.oddString(),
      () => this.list(1 + this.int(8)),
      () => this.list(this.int(20) === 0 ? 1 + this.int(2000) : 1 + this.int(60)),
      () => `${'['.repeat(this.int(200))}1${']'.repeat(this.int(200))}`,
      () => `{a: ${this.number()}}`,
      () => '*anchor',
    ])();
  }
  /** Valid values for the sweepable keys, lists that may multiply past the run cap. */
  sweep(): string {
    const values = (k: number, f: (i: number) => number) => `[${Array.from({ length: k }, (_, i) => f(i)).join(', ')}]`;
    const n = this.pick([100, 1000, 10000]);
    return [
      'version: 1',
      `data:\n  features: ${n}\n  exponent: ${values(1 + this.int(30), (i) => 0.5 + i / 10)}\n  density: ${values(1 + this.int(30), (i) => 1 + i * 7)}`,
      `model:\n  width: ${values(1 + this.int(20), (i) => 2 + i * 3)}`,
      `train:\n  steps: 100\n  seeds: ${values(1 + this.int(30), (i) => i)}`,
      '',
    ].join('\n');
  }
  config(): string {
    if (this.chance(0.1)) return this.sweep();
    const lines: string[] = [];
    if (this.chance(0.9)) lines.push('version: 1');
    if (this.chance(0.2)) lines.push(`name: ${this.oddString(true)}`);
    const anchor = this.chance(0.3);
    if (anchor) lines.push(`base: &anchor ${this.list(1 + this.int(40))}`);
    const fields = FIELDS.filter((f) => f.path.includes('.'));
    const bySection = new Map<string, string[]>();
    const keys = this.int(12);
    for (let k = 0; k < keys; k++) {
      const field = this.pick(fields);
      const [section, key] = field.path.split('.') as [string, string];
      const name = this.chance(0.1) ? `${key}x` : key;
      const v = this.value();
      const entry = `  ${name}: ${anchor || !v.startsWith('*') ? v : '1'}`;
      bySection.set(section, [...(bySection.get(section) ?? []), entry]);
    }
    for (const [section, entries] of bySection) lines.push(`${section}:`, ...entries);
    if (this.chance(0.02)) {
      lines.push(
        ...Array.from({ length: this.int(1500) }, (_, i) => `extra${i % (this.chance(0.5) ? 50 : 100000)}: 1`),
      );
    }
    if (this.chance(0.02)) lines.push(Array.from({ length: this.int(300) }, (_, i) => `${' '.repeat(i)}a:`).join('\n'));
    return `${lines.join('\n')}\n`;
  }
  overrides(): string[] {
    if (!this.chance(0.2)) return [];
    return Array.from({ length: 1 + this.int(3) }, () => `${this.pick(FIELDS).path}=${this.value()}`);
  }
}

describe('config fuzz', () => {
  it(`${CONFIGS} seeded random configs are parsed, diagnosed and previewed without throwing, in budget`, () => {
    const gen = new Gen(new Rng(1717));
    const heapBefore = process.memoryUsage().heapUsed;
    let valid = 0;
    let previewed = 0;
    let slowest = 0;
    let slowestEditor = 0;
    const phases = { parse: 0, editor: 0, preview: 0 };
    const codes = new Set<string>();
    for (let k = 0; k < CONFIGS; k++) {
      const text = gen.config();
      const overrides = gen.overrides();
      const t0 = performance.now();
      const checked = checkConfigForEditor(text, `fuzz-${k}.experiment.yaml`, 1);
      const e1 = performance.now();
      slowestEditor = Math.max(slowestEditor, e1 - t0);
      phases.editor += e1 - t0;
      // The editor's parse is the file's parse; a separate one only for overrides or a large file.
      const parsed =
        overrides.length === 0 && checked.parsed !== null
          ? checked.parsed
          : parseExperimentConfig(text, { fileName: `fuzz-${k}.experiment.yaml`, overrides });
      const p0 = performance.now();
      phases.parse += p0 - e1;
      for (const p of [...parsed.problems, ...checked.problems]) {
        codes.add(p.code);
        expect(p.start).toBeGreaterThanOrEqual(0);
        // A YAML error at the end of the text may span the one character past it (as the parse
        // tests' golden expects); the editor widens empty ranges the same way.
        expect(p.end, `${p.code} ${JSON.stringify(text.slice(-40))}`).toBeLessThanOrEqual(text.length + 1);
      }
      if (parsed.config !== null) {
        valid++;
        expect(countRuns(parsed.config)).toBeLessThanOrEqual(MAX_RUNS);
        expect(expandSweep(parsed.config)).toHaveLength(countRuns(parsed.config));
        const theory = previewTheory(parsed.config);
        expect(theory.totalRuns).toBe(countRuns(parsed.config));
        previewed++;
      }
      phases.preview += performance.now() - p0;
      const ms = performance.now() - t0;
      slowest = Math.max(slowest, ms);
      expect(ms, `config ${k} took ${Math.round(ms)} ms:\n${text.slice(0, 400)}`).toBeLessThan(PER_CONFIG_MS);
    }
    expect(slowestEditor).toBeLessThan(EDITOR_MS);
    const growthMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
    expect(growthMb).toBeLessThan(HEAP_GROWTH_MB);
    // The generator reaches the interesting cases, not only syntax errors.
    expect(valid).toBeGreaterThan(CONFIGS / 20);
    expect(previewed).toBe(valid);
    for (const code of ['config/value', 'config/unknown-key', 'config/too-many-runs', 'yaml/duplicate-key']) {
      expect(codes, [...codes].join(' ')).toContain(code);
    }
    console.log(
      `config fuzz: ${CONFIGS} configs, ${valid} valid and previewed, slowest ${Math.round(slowest)} ms (editor check ${Math.round(slowestEditor)} ms), heap growth ${Math.round(growthMb)} MB, ${codes.size} problem codes; total ms ${JSON.stringify(phases, (_, v: unknown) => (typeof v === 'number' ? Math.round(v) : v))}`,
    );
  }, 600_000);
});
