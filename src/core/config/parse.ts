// Experiment YAML → ExperimentConfig, with every problem located exactly (offsets, 1-based line
// and column) so the CLI can print `file:line:col: message` and the editor can underline it.
//
// Unknown keys are warnings (with "did you mean"), wrong types and out-of-range values errors,
// YAML syntax errors errors. `--set key=value` overrides go through the same validation; their
// problems name the override instead of a position. Bad input never throws.

import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parse as parseYaml,
  parseDocument,
  type Document,
  type Node,
  type Pair,
  type YAMLMap,
} from 'yaml';
import { FIELD_BY_PATH, FIELDS, SECTIONS, type ExperimentConfig, type FieldSpec } from './schema';
import { suggest } from '../suggest';
import { checkDensities, type DensityShape } from './densityCheck';
import { MAX_RUNS, SWEEP_KEYS } from './sweep';

/** Capped-density warnings listed one by one; the rest are counted in one more warning. */
const MAX_CAPPED_WARNINGS = 20;
/** Unknown keys warned about one by one (each with a "did you mean"); the rest are counted. */
const MAX_UNKNOWN_KEY_WARNINGS = 100;

export type Severity = 'error' | 'warning';

export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** Stable identifiers of config problems (for quick fixes, tests and the CLI's output). */
export type ConfigProblemCode =
  | 'config/empty'
  | 'config/no-version'
  | 'config/not-a-mapping'
  | 'config/not-a-list'
  | 'config/empty-list'
  | 'config/unknown-key'
  | 'config/duplicate-value'
  | 'config/value'
  | 'config/unused'
  | 'config/override'
  | 'config/counts'
  | 'config/no-counts'
  | 'config/density-capped'
  | 'config/warmup'
  | 'config/fit-range'
  | 'config/large-sweep'
  | 'config/too-many-runs'
  | 'config/too-large-to-check'
  | 'config/slow-check'
  | 'config/check-limited'
  /** The live preview could not draw the theory for this config. */
  | 'preview/theory'
  /** The editor could not check the text at all (a bug; the message says so). */
  | 'internal'
  /** The YAML parser's own codes, e.g. yaml/duplicate-key, yaml/BAD_INDENT. */
  | `yaml/${string}`;

export interface ConfigProblem {
  readonly severity: Severity;
  readonly code: ConfigProblemCode;
  readonly message: string;
  /** Offsets into the text (0-based, end exclusive); 0..0 for problems of an override. */
  readonly start: number;
  readonly end: number;
  /** 1-based, for `file:line:col`. */
  readonly line: number;
  readonly col: number;
  /** Set for problems of a `--set` override. */
  readonly override?: string;
  /** An obvious fix (rename an unknown key, add `version: 1`). */
  readonly fix?: { readonly title: string; readonly edit: TextEdit };
}

export interface ParsedConfig {
  /** Null when there is any error. */
  readonly config: ExperimentConfig | null;
  readonly problems: readonly ConfigProblem[];
}

export interface ParseOptions {
  /** Used for the default `name`. */
  readonly fileName?: string;
  /** `key=value` strings (value in YAML syntax), applied over the file. */
  readonly overrides?: readonly string[];
}

class Problems {
  readonly list: ConfigProblem[] = [];
  constructor(
    private readonly lines: LineCounter,
    private readonly overrides: ReadonlyMap<string, string>,
  ) {}

  add(
    severity: Severity,
    code: ConfigProblemCode,
    message: string,
    range: readonly number[] | null | undefined,
    path?: string,
    fix?: ConfigProblem['fix'],
  ): void {
    const override = path === undefined ? undefined : this.overrides.get(path);
    if (override !== undefined) {
      this.list.push({
        severity,
        code,
        message: `--set ${override}: ${message}`,
        start: 0,
        end: 0,
        line: 0,
        col: 0,
        override,
      });
      return;
    }
    const start = range?.[0] ?? 0;
    const end = Math.max(start, range?.[1] ?? start);
    const pos = this.lines.linePos(start);
    this.list.push({ severity, code, message, start, end, line: pos.line, col: pos.col, ...(fix ? { fix } : {}) });
  }

  get hasErrors(): boolean {
    return this.list.some((p) => p.severity === 'error');
  }
}

// String(), not JSON.stringify, for numbers: JSON writes Infinity and NaN (`.inf`, 1e400) as null.
const describe = (v: unknown): string =>
  v === null
    ? 'null'
    : typeof v === 'number'
      ? String(v)
      : Array.isArray(v)
        ? 'a list'
        : typeof v === 'object'
          ? 'a mapping'
          : JSON.stringify(v);

/** An alias is checked as the node it names (its toJSON() alone would be `{ source }`). */
const deref = (doc: Document, node: Node | null): Node | null => (isAlias(node) ? (node.resolve(doc) ?? null) : node);

/** Checks one scalar value against a field; returns a message, or null when it is fine. */
function scalarProblem(field: FieldSpec, v: unknown): string | null {
  const bounds = (x: number): string | null => {
    if (field.min !== undefined && (field.exclusiveMin ? x <= field.min : x < field.min)) {
      return `${field.path} must be ${field.exclusiveMin ? 'greater than' : 'at least'} ${field.min}, got ${x}`;
    }
    if (field.max !== undefined && x > field.max) return `${field.path} must be at most ${field.max}, got ${x}`;
    return null;
  };
  switch (field.type) {
    case 'integer':
      if (typeof v !== 'number' || !Number.isInteger(v)) return `${field.path} must be an integer, got ${describe(v)}`;
      return bounds(v);
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v)) return `${field.path} must be a number, got ${describe(v)}`;
      return bounds(v);
    case 'string':
      if (typeof v !== 'string') return `${field.path} must be text, got ${describe(v)}`;
      return field.path === 'name' ? nameProblem(v) : null;
    case 'path':
      return typeof v === 'string' || v === null ? null : `${field.path} must be a file path, got ${describe(v)}`;
    case 'enum':
      if (typeof v === 'string' && field.enum!.includes(v)) return null;
      {
        const hint = typeof v === 'string' ? suggest(v, field.enum!) : undefined;
        return `${field.path} must be one of ${field.enum!.join(', ')}, got ${describe(v)}${hint ? ` (did you mean ${hint}?)` : ''}`;
      }
    case 'lr':
      if (v === 'paper-large' || v === 'paper-small') return null;
      if (typeof v === 'number' && Number.isFinite(v) && v > 0) return null;
      return `optimizer.lr must be paper-large, paper-small or a positive number, got ${describe(v)}`;
    case 'range':
      if (v === null) return null; // the default: every width
      if (!Array.isArray(v) || v.length !== 2 || !v.every((x) => typeof x === 'number' && x > 0)) {
        return `${field.path} must be [min, max] with positive numbers, got ${describe(v)}`;
      }
      return (v[0] as number) <= (v[1] as number) ? null : `${field.path}: min ${v[0]} is above max ${v[1]}`;
  }
}

/** The experiment name becomes a folder name: a slug, so that it cannot leave results/. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function nameProblem(v: string): string | null {
  if (v === '' || NAME_PATTERN.test(v)) return null; // '' means the file's name
  const rule =
    'name must be 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit (it names the results folder)';
  if (v.length > 64) return `${rule}; got ${v.length} characters`;
  const at = [...v].findIndex((c, i) => !/[A-Za-z0-9._-]/.test(c) || (i === 0 && !/[A-Za-z0-9]/.test(c)));
  const bad = [...v][at]!;
  const shown = /^[\x21-\x7e]$/.test(bad)
    ? `"${bad}"`
    : `U+${bad.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  return `${rule}; character ${at + 1} (${shown}) is not allowed`;
}

interface Walk {
  readonly doc: Document;
  readonly problems: Problems;
  readonly values: Map<string, unknown>;
  /** Paths written in the file or by an override (not defaulted). */
  readonly given: Set<string>;
  unknownKeys: number;
}

function checkField(w: Walk, field: FieldSpec, written: Node | null, keyRange: readonly number[] | undefined): void {
  const node = deref(w.doc, written);
  const value = node === null ? null : (node as { toJSON(): unknown }).toJSON();
  const range = written?.range ?? keyRange;
  if (field.sweepable && isSeq(node)) {
    if (node.items.length === 0) {
      w.problems.add(
        'error',
        'config/empty-list',
        `${field.path} is an empty list: give at least one value`,
        range,
        field.path,
      );
      return;
    }
    const seen = new Set<string>();
    let ok = true;
    for (const written of node.items) {
      const v = (deref(w.doc, written as Node) ?? (written as Node)).toJSON();
      const problem = scalarProblem(field, v);
      if (problem !== null) {
        const at = (written as Node).range;
        w.problems.add('error', 'config/value', problem, at, field.path, enumFix(field, v, at));
        ok = false;
      } else if (seen.has(JSON.stringify(v))) {
        w.problems.add(
          'warning',
          'config/duplicate-value',
          `${field.path} lists ${describe(v)} twice; it runs once`,
          (written as Node).range,
          field.path,
        );
      }
      seen.add(JSON.stringify(v));
    }
    if (ok) w.values.set(field.path, [...new Map((value as unknown[]).map((v) => [JSON.stringify(v), v])).values()]);
    return;
  }
  if (isSeq(node) && field.type !== 'range') {
    w.problems.add(
      'error',
      'config/not-a-list',
      `${field.path} cannot be a list (only ${FIELDS.filter((f) => f.sweepable)
        .map((f) => f.path)
        .join(', ')} can)`,
      range,
      field.path,
    );
    return;
  }
  const problem = scalarProblem(field, value);
  if (problem !== null) {
    w.problems.add('error', 'config/value', problem, range, field.path, enumFix(field, value, range));
  } else w.values.set(field.path, value);
}

/** "did you mean power?" comes with its quick fix: replace the misspelt value by the suggestion. */
function enumFix(field: FieldSpec, value: unknown, range: readonly number[] | null | undefined): ConfigProblem['fix'] {
  if (field.type !== 'enum' || typeof value !== 'string' || !range) return undefined;
  const hint = suggest(value, field.enum!);
  if (hint === undefined) return undefined;
  return { title: `Change to ${hint}`, edit: { start: range[0]!, end: range[1]!, text: hint } };
}

function checkMap(w: Walk, node: Node, prefix: string): void {
  if (!isMap(node)) {
    w.problems.add(
      'error',
      'config/not-a-mapping',
      `${prefix || 'the file'} must be a mapping of keys to values, got ${describe((node as { toJSON(): unknown }).toJSON())}`,
      node.range,
      prefix || undefined,
    );
    return;
  }
  const knownHere =
    prefix === ''
      ? ['version', 'name', 'description', ...SECTIONS]
      : FIELDS.filter((f) => f.path.startsWith(`${prefix}.`)).map((f) => f.path.slice(prefix.length + 1));
  const seenKeys = new Set<string>();
  for (const pair of node.items as Pair<Node, Node | null>[]) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const path = prefix === '' ? key : `${prefix}.${key}`;
    const keyRange = pair.key?.range;
    if (isScalar(pair.key)) {
      if (seenKeys.has(key)) {
        const at = keyRange?.[0] ?? 0;
        w.problems.add('error', 'yaml/duplicate-key', 'Map keys must be unique', [at, at + 1]);
        continue;
      }
      seenKeys.add(key);
    }
    if ((SECTIONS as readonly string[]).includes(path)) {
      w.given.add(path);
      const section = deref(w.doc, pair.value);
      if (section === null || (isScalar(section) && section.value === null)) continue; // an empty section
      checkMap(w, section, path);
      continue;
    }
    const field = FIELD_BY_PATH.get(path);
    if (field === undefined) {
      // Thousands of unknown keys (a generated file) are counted, not each spelled out.
      if (++w.unknownKeys > MAX_UNKNOWN_KEY_WARNINGS) continue;
      const hint = suggest(key, knownHere);
      const fix =
        hint && keyRange
          ? { title: `Rename to ${hint}`, edit: { start: keyRange[0]!, end: keyRange[1]!, text: hint } }
          : undefined;
      w.problems.add(
        'warning',
        'config/unknown-key',
        `unknown key ${prefix === '' ? '' : `${prefix}.`}${key}${hint ? ` (did you mean ${hint}?)` : ''}; it is ignored`,
        keyRange,
        undefined,
        fix,
      );
      continue;
    }
    w.given.add(path);
    checkField(w, field, pair.value ?? null, keyRange ?? undefined);
  }
}

/** Applies `key=value` overrides to the document; returns path → original text for messages. */
function applyOverrides(doc: Document, overrides: readonly string[], problems: ConfigProblem[]): Map<string, string> {
  const applied = new Map<string, string>();
  for (const o of overrides) {
    const eq = o.indexOf('=');
    const path = eq < 0 ? o : o.slice(0, eq);
    const fail = (message: string) =>
      problems.push({
        severity: 'error',
        code: 'config/override',
        message: `--set ${o}: ${message}`,
        start: 0,
        end: 0,
        line: 0,
        col: 0,
        override: o,
      });
    if (eq < 0) {
      fail('expected key=value');
      continue;
    }
    if (!FIELD_BY_PATH.has(path)) {
      const hint = suggest(
        path,
        FIELDS.map((f) => f.path),
      );
      fail(`unknown key${hint ? ` (did you mean ${hint}?)` : ''}`);
      continue;
    }
    let value: unknown;
    try {
      value = parseYaml(o.slice(eq + 1));
    } catch (e) {
      fail(`the value is not valid YAML (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
      continue;
    }
    if (!isMap(doc.contents)) doc.contents = doc.createNode({}) as never;
    // Not doc.setIn: it adds plain-string keys (which checkMap cannot read, so the override was
    // dropped) and throws when the section is empty or a scalar (`model:` then model.width=8).
    const [head, key] = path.split('.') as [string, string | undefined];
    let target = doc.contents as unknown as YAMLMap;
    if (key !== undefined) {
      if (!isMap(target.get(head, true))) target.set(doc.createNode(head), doc.createNode({}));
      target = target.get(head, true) as unknown as YAMLMap;
    }
    target.set(doc.createNode(key ?? head), doc.createNode(value));
    applied.set(path, o);
  }
  return applied;
}

/** The file's name without its extension, made a valid name (unsafe characters become "-"). */
function defaultName(fileName: string | undefined): string {
  const base = (fileName ?? 'experiment').split(/[\\/]/).pop()!;
  const slug = base
    .replace(/\.experiment\.ya?ml$|\.ya?ml$/, '')
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 64);
  return slug === '' ? 'experiment' : slug;
}

/**
 * Builds the config from checked values and defaults (nested as the type expects). The cast is
 * sound: FIELDS has a row for every key of ExperimentConfig with a default of its type, which
 * schema.ts makes the compiler check, and every value was validated against its row.
 */
function assemble(values: Map<string, unknown>, fileName: string | undefined): ExperimentConfig {
  const get = (path: string) => (values.has(path) ? values.get(path) : FIELD_BY_PATH.get(path)!.default);
  const out: Record<string, Record<string, unknown> | unknown> = {};
  for (const f of FIELDS) {
    const parts = f.path.split('.');
    if (parts.length === 1) out[f.path] = get(f.path);
    else ((out[parts[0]!] ??= {}) as Record<string, unknown>)[parts[1]!] = get(f.path);
  }
  if (out['name'] === '') out['name'] = defaultName(fileName);
  return out as unknown as ExperimentConfig;
}

export function parseExperimentConfig(text: string, options: ParseOptions = {}): ParsedConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter: lines,
    keepSourceTokens: true,
    prettyErrors: false,
    // The yaml package checks unique keys pairwise (40,000 keys took 44 s); checkMap uses a Set.
    uniqueKeys: false,
  });
  const overrideProblems: ConfigProblem[] = [];
  const syntax: ConfigProblem[] = [...doc.errors, ...doc.warnings].map((e) => {
    const start = e.pos[0];
    const pos = lines.linePos(start);
    const severity: Severity = doc.errors.includes(e as never) ? 'error' : 'warning';
    return {
      severity,
      code: `yaml/${e.code.toLowerCase().replace(/_/g, '-')}`,
      message: e.message.split('\n')[0]!,
      start,
      end: Math.max(start, e.pos[1]),
      line: pos.line,
      col: pos.col,
    };
  });
  if (syntax.some((p) => p.severity === 'error')) return { config: null, problems: syntax };
  const applied = applyOverrides(doc, options.overrides ?? [], overrideProblems);
  const problems = new Problems(lines, applied);
  problems.list.push(...syntax, ...overrideProblems);
  const w: Walk = { doc, problems, values: new Map(), given: new Set(), unknownKeys: 0 };

  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    problems.add('error', 'config/empty', 'the file is empty: start with `version: 1`', [0, 0], undefined, {
      title: 'Add version: 1',
      edit: { start: 0, end: 0, text: 'version: 1\n' },
    });
    return { config: null, problems: problems.list };
  }
  checkMap(w, doc.contents as Node, '');
  if (w.unknownKeys > MAX_UNKNOWN_KEY_WARNINGS) {
    problems.add(
      'warning',
      'config/unknown-key',
      `${(w.unknownKeys - MAX_UNKNOWN_KEY_WARNINGS).toLocaleString('en-US')} more unknown keys are ignored (not listed one by one)`,
      [0, 0],
    );
  }
  if (!w.given.has('version')) {
    problems.add(
      'error',
      'config/no-version',
      'missing `version: 1` (the format version of this file)',
      [0, 0],
      undefined,
      { title: 'Add version: 1', edit: { start: 0, end: 0, text: 'version: 1\n' } },
    );
  }
  crossChecks(w);
  const config = problems.hasErrors ? null : assemble(w.values, options.fileName);
  return { config, problems: problems.list };
}

/** Settings that are each valid but do not make sense together. */
function crossChecks(w: Walk): void {
  const doc = w.doc;
  const where = (path: string) => (doc.getIn(path.split('.'), true) as Node | undefined)?.range;
  const value = (path: string) => (w.values.has(path) ? w.values.get(path) : FIELD_BY_PATH.get(path)!.default);
  const list = (v: unknown) => (Array.isArray(v) ? v : [v]);
  const dists = list(value('data.distribution')) as string[];
  if (dists.includes('empirical') && value('data.counts') === null) {
    w.problems.add(
      'error',
      'config/no-counts',
      'distribution: empirical needs data.counts, a CSV or JSON file of feature counts',
      where('data.distribution'),
      'data.distribution',
    );
  }
  if (w.given.has('data.counts') && !dists.includes('empirical')) {
    w.problems.add(
      'warning',
      'config/unused',
      'data.counts is only used by distribution: empirical',
      where('data.counts'),
      'data.counts',
    );
  }
  if (w.given.has('data.exponent') && !dists.includes('power')) {
    w.problems.add(
      'warning',
      'config/unused',
      `data.exponent is only used by distribution: power (this file uses ${dists.join(', ')})`,
      where('data.exponent'),
      'data.exponent',
    );
  }
  if (w.given.has('data.scale') && !dists.includes('exponential')) {
    w.problems.add(
      'warning',
      'config/unused',
      'data.scale is only used by distribution: exponential',
      where('data.scale'),
      'data.scale',
    );
  }
  // A density whose E·p̃_1 exceeds 1 cannot be reached: those features are always on (capped).
  const features = value('data.features') as number;
  const densities = list(value('data.density')) as number[];
  const shapes: DensityShape[] = [];
  for (const distribution of dists) {
    if (distribution === 'empirical') continue;
    if (distribution !== 'power') {
      shapes.push({ distribution: distribution as DensityShape['distribution'], exponent: 0 });
    } else for (const exponent of list(value('data.exponent')) as number[]) shapes.push({ distribution, exponent });
  }
  const check = checkDensities(shapes, densities, features, value('data.scale') as number);
  for (const c of check.capped.slice(0, MAX_CAPPED_WARNINGS)) {
    const family = c.shape.distribution === 'power' ? `power α=${c.shape.exponent}` : c.shape.distribution;
    w.problems.add(
      'warning',
      'config/density-capped',
      `data.density ${c.density} forces p_i > 1 for the ${c.capped} most frequent feature${c.capped === 1 ? '' : 's'} (${family}, n=${features}): they are capped at 1, so the density is ${c.effectiveDensity.toPrecision(4)}`,
      where('data.density'),
      'data.density',
    );
  }
  if (check.capped.length > MAX_CAPPED_WARNINGS) {
    w.problems.add(
      'warning',
      'config/density-capped',
      `${check.capped.length - MAX_CAPPED_WARNINGS} more (exponent, density) pairs force p_i > 1 (not listed one by one)`,
      where('data.density'),
      'data.density',
    );
  }
  if (check.shapesChecked < shapes.length) {
    w.problems.add(
      'warning',
      'config/check-limited',
      `data.density was checked for capped frequencies against ${check.shapesChecked} of ${shapes.length} distributions and exponents (n=${features}); the rest is not checked here, to keep the editor responsive`,
      where('data.exponent') ?? where('data.density'),
      'data.density',
    );
  }
  runCap(w, value, where);
  const steps = value('train.steps') as number;
  const warmup = value('optimizer.warmup') as number;
  if (warmup >= 1 && warmup >= steps) {
    w.problems.add(
      'warning',
      'config/warmup',
      `optimizer.warmup (${warmup} steps) is not below train.steps (${steps}): the learning rate never reaches its peak`,
      where('optimizer.warmup'),
      'optimizer.warmup',
    );
  }
  const fit = value('fit.widths') as [number, number] | null;
  if (fit !== null) {
    const widths = list(value('model.width')) as number[];
    const inside = widths.filter((m) => m >= fit[0] && m <= fit[1]);
    if (inside.length < 2) {
      w.problems.add(
        'warning',
        'config/fit-range',
        `fit.widths [${fit[0]}, ${fit[1]}] keeps ${inside.length} of the widths ${widths.join(', ')}: a fit needs two`,
        where('fit.widths'),
        'fit.widths',
      );
    }
  }
}

/**
 * Too many runs is an error located at the longest list, so nothing downstream expands the
 * sweep (a 1 KB config can multiply to 10^10 runs). Counted from the list lengths alone.
 */
function runCap(
  w: Walk,
  value: (path: string) => unknown,
  where: (path: string) => readonly number[] | null | undefined,
): void {
  const length = (path: string) => (Array.isArray(value(path)) ? (value(path) as unknown[]).length : 1);
  const dists = value('data.distribution');
  const distributions = (Array.isArray(dists) ? dists : [dists]) as string[];
  const powers = distributions.filter((d) => d === 'power').length;
  const factors = SWEEP_KEYS.map((key) => ({ key, count: length(key) }));
  const shapes = powers * length('data.exponent') + distributions.length - powers;
  let runs = shapes;
  for (const f of factors) if (f.key !== 'data.distribution' && f.key !== 'data.exponent') runs *= f.count;
  if (runs <= MAX_RUNS) return;
  const longest = factors.reduce((a, b) => (b.count > a.count ? b : a));
  const product = factors
    .filter((f) => f.count > 1)
    .map((f) => `${f.count} ${f.key}`)
    .join(' × ');
  w.problems.add(
    'error',
    'config/too-many-runs',
    `this sweep is ${runs.toLocaleString('en-US')} runs (${product}), over the limit of ${MAX_RUNS.toLocaleString('en-US')}; the longest list is ${longest.key} (${longest.count} values): shorten it or split the sweep`,
    where(longest.key),
    longest.key,
  );
}
