// Golden tests of the experiment-config validator: the values it produces, and every kind of
// problem with its exact code, offsets (start/end) and 1-based line/column, because the CLI prints
// `file:line:col` and the editor underlines start..end.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  parseExperimentConfig,
  type ConfigProblem,
  type ParseOptions,
  type TextEdit,
} from '../../../src/core/config/parse';
import { FIELDS } from '../../../src/core/config/schema';
import { Rng } from '../../../src/core/toy/rng';

const FIXTURES = path.resolve(__dirname, '../../fixtures/experiments');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');

const parse = (text: string, options: ParseOptions = {}) => parseExperimentConfig(text, options);

/** The problems without their (separately checked) fix, for golden comparisons. */
const located = (problems: readonly ConfigProblem[]) =>
  problems.map(({ severity, code, start, end, line, col }) => ({ severity, code, start, end, line, col }));

/** The single problem of `text` (fails if there is not exactly one). */
function onlyProblem(text: string, options: ParseOptions = {}): ConfigProblem {
  const { problems } = parse(text, options);
  expect(problems, JSON.stringify(problems)).toHaveLength(1);
  return problems[0]!;
}

const applyEdit = (text: string, edit: TextEdit) => text.slice(0, edit.start) + edit.text + text.slice(edit.end);

/** The value of a dotted path in a parsed config. */
const at = (config: object, dotted: string): unknown =>
  dotted.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], config);

describe('valid configs', () => {
  it('a minimal config gets every default of the FIELDS table, and its name from the file name', () => {
    const { config, problems } = parse('version: 1\n', { fileName: 'some/dir/my-study.experiment.yaml' });
    expect(problems).toEqual([]);
    expect(config).not.toBeNull();
    for (const f of FIELDS) {
      if (f.path === 'name') continue;
      expect(at(config!, f.path), f.path).toEqual(f.default);
    }
    expect(config!.name).toBe('my-study');
    // The defaults themselves: the paper's large model at CPU scale (paper-spec §5 A).
    expect(config).toMatchObject({
      version: 1,
      description: '',
      data: { features: 1024, distribution: 'power', exponent: 1.2, scale: 400, density: 1, counts: null },
      model: { width: [8, 16, 32, 64, 128] },
      optimizer: {
        weightDecay: -1,
        lr: 'paper-large',
        warmup: 0.05,
        minLrRatio: 0.05,
        lossScale: 100,
        beta1: 0.9,
        beta2: 0.999,
        eps: 1e-8,
      },
      train: { steps: 6000, batch: 512, seeds: 0, finalWindow: 100, curvePoints: 200 },
      fit: { widths: null },
    });
  });

  it('names an unnamed config "experiment" without a file name, and strips .yml / .yaml too', () => {
    expect(parse('version: 1\n').config!.name).toBe('experiment');
    expect(parse('version: 1\n', { fileName: 'C:\\work\\a.yml' }).config!.name).toBe('a');
    expect(parse('version: 1\nname: given\n', { fileName: 'x.experiment.yaml' }).config!.name).toBe('given');
  });

  it("parses the issue's example with the right values; scale is reported unused (power only)", () => {
    const text = fixture('strong-vs-weak.experiment.yaml');
    const { config, problems } = parse(text, { fileName: 'strong-vs-weak.experiment.yaml' });
    expect(config).toEqual({
      version: 1,
      name: 'strong-vs-weak',
      description: '',
      data: { features: 1024, distribution: 'power', exponent: 1.2, scale: 400, density: 1, counts: null },
      model: { width: [8, 16, 32, 64, 128] },
      optimizer: {
        weightDecay: [-1, 0.1],
        lr: 'paper-large',
        warmup: 0.05,
        minLrRatio: 0.05,
        lossScale: 100,
        beta1: 0.9,
        beta2: 0.999,
        eps: 1e-8,
      },
      train: { steps: 6000, batch: 512, seeds: 0, finalWindow: 100, curvePoints: 200 },
      fit: { widths: null },
    });
    // `400` in the flow mapping on line 3: `data: {features: 1024, distribution: power, exponent: 1.2, scale: 400, ...`
    expect(problems).toEqual([
      {
        severity: 'warning',
        code: 'config/unused',
        message: 'data.scale is only used by distribution: exponential',
        start: 98,
        end: 101,
        line: 3,
        col: 67,
      },
    ]);
    expect(text.slice(98, 101)).toBe('400');
  });

  it('reads block style, flow style, comments, CRLF line ends and a %YAML directive alike', () => {
    const block = 'version: 1\nmodel:\n  width: [4, 8] # two widths\ntrain:\n  steps: 10\n';
    const crlf = block.replace(/\n/g, '\r\n');
    const flow = '%YAML 1.2\n---\n{version: 1, model: {width: [4, 8]}, train: {steps: 10}}\n';
    for (const text of [block, crlf, flow]) {
      const { config, problems } = parse(text);
      expect(problems, JSON.stringify(text)).toEqual([]);
      expect(config!.model.width).toEqual([4, 8]);
      expect(config!.train.steps).toBe(10);
    }
  });

  it('accepts an empty section (`model:`) as all defaults', () => {
    const { config, problems } = parse('version: 1\nmodel:\nfit:\n');
    expect(problems).toEqual([]);
    expect(config!.model.width).toEqual([8, 16, 32, 64, 128]);
  });

  it('resolves anchors and aliases to the values they name', () => {
    const { config, problems } = parse('version: 1\nmodel:\n  width: &w 16\ntrain:\n  batch: *w\n  seeds: [&s 3, 4]\n');
    expect(problems).toEqual([]);
    expect(config!.train.batch).toBe(16);
    expect(config!.train.seeds).toEqual([3, 4]);
  });
});

describe('problems, located exactly', () => {
  it('a YAML syntax error is an error at the offending character, and nothing else is checked', () => {
    const text = 'version: 1\nname: "unclosed\n';
    const { config, problems } = parse(text);
    expect(config).toBeNull();
    expect(problems).toEqual([
      {
        severity: 'error',
        code: 'yaml/missing-char',
        message: 'Missing closing "quote',
        start: 27,
        end: 28,
        line: 3,
        col: 1,
      },
    ]);
    expect(located(parse('version: 1\n\tdata: 1\n').problems)).toEqual([
      { severity: 'error', code: 'yaml/tab-as-indent', start: 11, end: 12, line: 2, col: 1 },
    ]);
  });

  it('a misspelt value comes with a quick fix to the suggestion, in a list too', () => {
    for (const text of [
      'version: 1\ndata:\n  distribution: powr\n',
      'version: 1\ndata:\n  distribution: [linear, powr]\n',
    ]) {
      const { problems } = parse(text);
      const problem = problems.find((p) => p.code === 'config/value')!;
      expect(problem.message).toContain('(did you mean power?)');
      expect(problem.fix?.title).toBe('Change to power');
      const again = parse(applyEdit(text, problem.fix!.edit));
      expect(again.problems.filter((p) => p.severity === 'error')).toEqual([]);
    }
    // Nothing close: no guess.
    expect(parse('version: 1\ndata:\n  distribution: zzzzzzzz\n').problems[0]!.fix).toBeUndefined();
  });

  it('an unknown key is a warning with "did you mean" and a rename fix that makes it go away', () => {
    const text = 'version: 1\ndata:\n  featurs: 64\n';
    const { config, problems } = parse(text);
    expect(problems).toEqual([
      {
        severity: 'warning',
        code: 'config/unknown-key',
        message: 'unknown key data.featurs (did you mean features?); it is ignored',
        start: 19,
        end: 26,
        line: 3,
        col: 3,
        fix: { title: 'Rename to features', edit: { start: 19, end: 26, text: 'features' } },
      },
    ]);
    // A warning only: the config is still built, with the misspelt key ignored.
    expect(config!.data.features).toBe(1024);

    const fixed = applyEdit(text, problems[0]!.fix!.edit);
    expect(fixed).toBe('version: 1\ndata:\n  features: 64\n');
    const again = parse(fixed);
    expect(again.problems).toEqual([]);
    expect(again.config!.data.features).toBe(64);
  });

  it('suggests top-level keys and sections too, case-insensitively, and nothing for a far-off name', () => {
    const section = onlyProblem('version: 1\nmodl:\n  width: 16\n');
    expect(section).toMatchObject({ code: 'config/unknown-key', start: 11, end: 15, line: 2, col: 1 });
    expect(section.message).toBe('unknown key modl (did you mean model?); it is ignored');
    expect(section.fix!.edit).toEqual({ start: 11, end: 15, text: 'model' });

    const cased = onlyProblem('version: 1\nmodel:\n  Width: 16\n');
    expect(cased.message).toContain('(did you mean width?)');

    const far = onlyProblem('version: 1\nzzzzzz: 16\n');
    expect(far).toMatchObject({
      severity: 'warning',
      code: 'config/unknown-key',
      message: 'unknown key zzzzzz; it is ignored',
      start: 11,
      end: 17,
      line: 2,
      col: 1,
    });
    expect(far.fix).toBeUndefined();
  });

  it('a missing version is an error whose fix inserts `version: 1` at the top', () => {
    const text = 'data:\n  features: 64\n';
    const p = onlyProblem(text);
    expect(p).toMatchObject({ severity: 'error', code: 'config/no-version', start: 0, end: 0, line: 1, col: 1 });
    expect(p.fix).toEqual({ title: 'Add version: 1', edit: { start: 0, end: 0, text: 'version: 1\n' } });
    expect(parse(text).config).toBeNull();
    const fixed = parse(applyEdit(text, p.fix!.edit));
    expect(fixed.problems).toEqual([]);
    expect(fixed.config!.data.features).toBe(64);
  });

  it('an empty file (or only comments) is one error with the same fix', () => {
    for (const text of ['', '   \n# only a comment\n']) {
      const p = onlyProblem(text);
      expect(p).toMatchObject({ severity: 'error', code: 'config/empty', start: 0, end: 0, line: 1, col: 1 });
      expect(p.fix!.edit.text).toBe('version: 1\n');
      expect(parse(applyEdit(text, p.fix!.edit)).problems).toEqual([]);
    }
  });

  it('the name is a safe slug (it names the results folder): a traversal, a NUL or 65 characters are errors at the value', () => {
    const rule =
      'name must be 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit (it names the results folder)';
    expect(onlyProblem('version: 1\nname: ../../somewhere\n')).toMatchObject({
      severity: 'error',
      code: 'config/value',
      message: `${rule}; character 1 (".") is not allowed`,
      line: 2,
      col: 7,
    });
    expect(onlyProblem('version: 1\nname: ..\n').message).toBe(`${rule}; character 1 (".") is not allowed`);
    expect(onlyProblem('version: 1\nname: a/b\n').message).toBe(`${rule}; character 2 ("/") is not allowed`);
    expect(onlyProblem('version: 1\nname: "ok\\0"\n').message).toBe(`${rule}; character 3 (U+0000) is not allowed`);
    expect(onlyProblem(`version: 1\nname: ${'a'.repeat(65)}\n`).message).toBe(`${rule}; got 65 characters`);
    expect(onlyProblem('version: 1\n', { overrides: ['name=../x'] }).message).toBe(
      `--set name=../x: ${rule}; character 1 (".") is not allowed`,
    );
    for (const ok of ['a', 'strong-vs-weak', 'run_2.v1', 'A'.repeat(64)]) {
      expect(parse(`version: 1\nname: ${ok}\n`).config!.name).toBe(ok);
    }
    // The default from the file name is made a valid name.
    expect(parse('version: 1\n', { fileName: '/w/my study (2).experiment.yaml' }).config!.name).toBe('my-study--2-');
    expect(parse('version: 1\n', { fileName: '/w/..experiment.yaml' }).config!.name).toBe('experiment');
  });

  it('a wrong type is an error on the value', () => {
    expect(onlyProblem('version: 1\ndata:\n  features: abc\n')).toEqual({
      severity: 'error',
      code: 'config/value',
      message: 'data.features must be an integer, got "abc"',
      start: 29,
      end: 32,
      line: 3,
      col: 13,
    });
    expect(onlyProblem('version: 1\ntrain:\n  batch: 2.5\n').message).toBe('train.batch must be an integer, got 2.5');
    expect(onlyProblem('version: 1\nname: 5\n')).toMatchObject({
      message: 'name must be text, got 5',
      start: 17,
      end: 18,
      line: 2,
      col: 7,
    });
    expect(onlyProblem('version: 1\ndata: 5\n')).toMatchObject({
      severity: 'error',
      code: 'config/not-a-mapping',
      message: 'data must be a mapping of keys to values, got 5',
      line: 2,
      col: 7,
    });
    // Non-finite numbers are named as such (not as JSON's null).
    expect(onlyProblem('version: 1\ndata:\n  density: .inf\n').message).toBe(
      'data.density must be a number, got Infinity',
    );
    expect(onlyProblem('version: 1\ndata:\n  density: .nan\n').message).toBe('data.density must be a number, got NaN');
  });

  it('out-of-range values are errors, with inclusive and exclusive lower bounds worded apart', () => {
    expect(onlyProblem('version: 1\ndata:\n  features: 1\n')).toEqual({
      severity: 'error',
      code: 'config/value',
      message: 'data.features must be at least 2, got 1',
      start: 29,
      end: 30,
      line: 3,
      col: 13,
    });
    expect(onlyProblem('version: 1\ndata:\n  density: 0\n')).toEqual({
      severity: 'error',
      code: 'config/value',
      message: 'data.density must be greater than 0, got 0',
      start: 28,
      end: 29,
      line: 3,
      col: 12,
    });
    expect(onlyProblem('version: 1\noptimizer:\n  lossScale: 0\n')).toMatchObject({
      message: 'optimizer.lossScale must be greater than 0, got 0',
      line: 3,
      col: 14,
    });
    expect(onlyProblem('version: 2\n')).toMatchObject({
      message: 'version must be at most 1, got 2',
      start: 9,
      end: 10,
      line: 1,
      col: 10,
    });
    expect(onlyProblem('version: 1\noptimizer:\n  minLrRatio: 1.5\n').message).toBe(
      'optimizer.minLrRatio must be at most 1, got 1.5',
    );
    // The bounds are exactly the table's: the boundary values themselves are accepted.
    expect(parse('version: 1\ndata:\n  features: 2\n  density: 0.001\noptimizer:\n  minLrRatio: 1\n').problems).toEqual(
      [],
    );
  });

  it('a list for a key that cannot sweep is an error naming the keys that can', () => {
    const p = onlyProblem('version: 1\ntrain:\n  steps: [1, 2]\n');
    expect(p).toMatchObject({ severity: 'error', code: 'config/not-a-list', start: 27, end: 33, line: 3, col: 10 });
    expect(p.message).toBe(
      'train.steps cannot be a list (only data.distribution, data.exponent, data.density, model.width, optimizer.weightDecay, train.seeds can)',
    );
  });

  it('an empty list is an error; a repeated value is a warning on the repeat, and runs once', () => {
    expect(onlyProblem('version: 1\nmodel:\n  width: []\n')).toEqual({
      severity: 'error',
      code: 'config/empty-list',
      message: 'model.width is an empty list: give at least one value',
      start: 27,
      end: 29,
      line: 3,
      col: 10,
    });
    const text = 'version: 1\nmodel:\n  width: [8, 16, 8]\n';
    const { config, problems } = parse(text);
    expect(problems).toEqual([
      {
        severity: 'warning',
        code: 'config/duplicate-value',
        message: 'model.width lists 8 twice; it runs once',
        start: 35,
        end: 36,
        line: 3,
        col: 18,
      },
    ]);
    expect(config!.model.width).toEqual([8, 16]);
  });

  it('a bad list element is an error on that element only', () => {
    const { config, problems } = parse('version: 1\nmodel:\n  width: [8, 0, x]\n');
    expect(config).toBeNull();
    expect(located(problems)).toEqual([
      { severity: 'error', code: 'config/value', start: 31, end: 32, line: 3, col: 14 },
      { severity: 'error', code: 'config/value', start: 34, end: 35, line: 3, col: 17 },
    ]);
    expect(problems.map((p) => p.message)).toEqual([
      'model.width must be at least 1, got 0',
      'model.width must be an integer, got "x"',
    ]);
  });

  it('an unknown enum value is an error with a suggestion, in a list as well', () => {
    expect(onlyProblem('version: 1\ndata:\n  distribution: powr\n')).toEqual({
      severity: 'error',
      code: 'config/value',
      message:
        'data.distribution must be one of power, exponential, linear, empirical, got "powr" (did you mean power?)',
      start: 33,
      end: 37,
      line: 3,
      col: 17,
      fix: { title: 'Change to power', edit: { start: 33, end: 37, text: 'power' } },
    });
    expect(onlyProblem('version: 1\ndata:\n  distribution: [power, expnential]\n')).toMatchObject({
      message:
        'data.distribution must be one of power, exponential, linear, empirical, got "expnential" (did you mean exponential?)',
      start: 41,
      end: 51,
      line: 3,
      col: 25,
    });
  });

  it('optimizer.lr is paper-large, paper-small or a positive number', () => {
    const lr = (v: string) => parse(`version: 1\noptimizer:\n  lr: ${v}\n`);
    expect(lr('paper-large').config!.optimizer.lr).toBe('paper-large');
    expect(lr('paper-small').config!.optimizer.lr).toBe('paper-small');
    expect(lr('0.003').config!.optimizer.lr).toBe(0.003);
    expect(onlyProblem('version: 1\noptimizer:\n  lr: fast\n')).toEqual({
      severity: 'error',
      code: 'config/value',
      message: 'optimizer.lr must be paper-large, paper-small or a positive number, got "fast"',
      start: 28,
      end: 32,
      line: 3,
      col: 7,
    });
    for (const bad of ['0', '-1', '[0.01, 0.02]', '.inf']) expect(lr(bad).config, bad).toBeNull();
  });

  it('a warmup (in steps) not below train.steps is a warning on the warmup; a fraction never is', () => {
    expect(onlyProblem('version: 1\noptimizer:\n  warmup: 100\ntrain:\n  steps: 100\n')).toEqual({
      severity: 'warning',
      code: 'config/warmup',
      message: 'optimizer.warmup (100 steps) is not below train.steps (100): the learning rate never reaches its peak',
      start: 32,
      end: 35,
      line: 3,
      col: 11,
    });
    expect(parse('version: 1\noptimizer:\n  warmup: 99\ntrain:\n  steps: 100\n').problems).toEqual([]);
    expect(parse('version: 1\noptimizer:\n  warmup: 0.99\ntrain:\n  steps: 100\n').problems).toEqual([]);
  });

  it('fit.widths keeping fewer than two widths is a warning; a reversed or malformed range an error', () => {
    expect(onlyProblem('version: 1\nmodel:\n  width: [8, 16, 32]\nfit:\n  widths: [20, 30]\n')).toEqual({
      severity: 'warning',
      code: 'config/fit-range',
      message: 'fit.widths [20, 30] keeps 0 of the widths 8, 16, 32: a fit needs two',
      start: 54,
      end: 62,
      line: 5,
      col: 11,
    });
    expect(onlyProblem('version: 1\nmodel:\n  width: 16\nfit:\n  widths: [8, 32]\n').message).toBe(
      'fit.widths [8, 32] keeps 1 of the widths 16: a fit needs two',
    );
    const ok = parse('version: 1\nmodel:\n  width: [8, 16, 32]\nfit:\n  widths: [16, 100]\n');
    expect(ok.problems).toEqual([]);
    expect(ok.config!.fit.widths).toEqual([16, 100]);
    expect(onlyProblem('version: 1\nfit:\n  widths: [30, 20]\n')).toMatchObject({
      severity: 'error',
      code: 'config/value',
      message: 'fit.widths: min 30 is above max 20',
    });
    expect(onlyProblem('version: 1\nfit:\n  widths: [1, 2, 3]\n').message).toBe(
      'fit.widths must be [min, max] with positive numbers, got a list',
    );
  });

  it('an exponent (or counts, or scale) that the distributions do not use is a warning', () => {
    expect(onlyProblem('version: 1\ndata:\n  distribution: linear\n  exponent: 1.5\n')).toEqual({
      severity: 'warning',
      code: 'config/unused',
      message: 'data.exponent is only used by distribution: power (this file uses linear)',
      start: 52,
      end: 55,
      line: 4,
      col: 13,
    });
    expect(onlyProblem('version: 1\ndata:\n  counts: freq.csv\n')).toMatchObject({
      severity: 'warning',
      code: 'config/unused',
      message: 'data.counts is only used by distribution: empirical',
      line: 3,
      col: 11,
    });
    // Listed together with a family that uses them, they are not unused.
    expect(
      parse('version: 1\ndata:\n  distribution: [power, exponential]\n  exponent: 1.5\n  scale: 100\n').problems,
    ).toEqual([]);
  });

  it('distribution: empirical without data.counts is an error on the distribution', () => {
    const text = 'version: 1\ndata:\n  distribution: empirical\n';
    expect(onlyProblem(text)).toEqual({
      severity: 'error',
      code: 'config/no-counts',
      message: 'distribution: empirical needs data.counts, a CSV or JSON file of feature counts',
      start: 33,
      end: 42,
      line: 3,
      col: 17,
    });
    const withCounts = parse('version: 1\ndata:\n  distribution: empirical\n  counts: tokens.csv\n');
    expect(withCounts.problems).toEqual([]);
    expect(withCounts.config!.data.counts).toBe('tokens.csv');
  });

  it('a density that forces p_i > 1 is a warning per density naming how many features are capped', () => {
    // α = 1, n = 1000: p̃_1 = 1/H_1000 = 0.13359, so E = 8 caps one feature (8·p̃_1 = 1.069) and
    // leaves Σ min(1, 8 p̃_i) = 8 − 0.0687 = 7.931; E = 20 caps two (20·p̃_2 = 1.336).
    const { config, problems } = parse('version: 1\ndata:\n  features: 1000\n  exponent: 1\n  density: [1, 8, 20]\n');
    expect(config).not.toBeNull();
    expect(problems).toEqual([
      {
        severity: 'warning',
        code: 'config/density-capped',
        message:
          'data.density 8 forces p_i > 1 for the 1 most frequent feature (power α=1, n=1000): they are capped at 1, so the density is 7.931',
        start: 59,
        end: 69,
        line: 5,
        col: 12,
      },
      {
        severity: 'warning',
        code: 'config/density-capped',
        message:
          'data.density 20 forces p_i > 1 for the 2 most frequent features (power α=1, n=1000): they are capped at 1, so the density is 17.99',
        start: 59,
        end: 69,
        line: 5,
        col: 12,
      },
    ]);
    // exp-15's largest density, E = H_1000 rounded down (7.485), puts p_1 just below 1: no warning.
    expect(parse('version: 1\ndata:\n  features: 1000\n  exponent: 1\n  density: 7.485\n').problems).toEqual([]);
  });

  it('reports every problem of a file at once, in document order', () => {
    const text = fixture('typos.experiment.yaml');
    const { config, problems } = parse(text);
    expect(config).toBeNull();
    expect(located(problems)).toEqual([
      { severity: 'warning', code: 'config/unknown-key', start: 31, end: 38, line: 4, col: 3 },
      { severity: 'error', code: 'config/value', start: 99, end: 103, line: 9, col: 10 },
    ]);
    expect(text.slice(99, 103)).toBe('many');
  });
});

describe('--set overrides', () => {
  const base = 'version: 1\nmodel:\n  width: 4\ntrain:\n  steps: 10\n';

  it('replace values of the file, parsed as YAML (a list sweeps)', () => {
    const { config, problems } = parse(base, {
      overrides: ['model.width=[8,16]', 'train.steps=20', 'optimizer.lr=paper-small'],
    });
    expect(problems).toEqual([]);
    expect(config!.model.width).toEqual([8, 16]);
    expect(config!.train.steps).toBe(20);
    expect(config!.optimizer.lr).toBe('paper-small');
  });

  it('set keys and sections the file does not have, or has empty', () => {
    // (The file has no fit section and no name: these were silently dropped before parse.ts stopped using doc.setIn.)
    const added = parse(base, {
      overrides: ['model.width=[4,8,16]', 'fit.widths=[8,16]', 'name=renamed', 'data.features=64'],
    });
    expect(added.problems).toEqual([]);
    expect(added.config!.fit.widths).toEqual([8, 16]);
    expect(added.config!.name).toBe('renamed');
    expect(added.config!.data.features).toBe(64);
    const empty = parse('version: 1\nmodel:\n', { overrides: ['model.width=8'] });
    expect(empty.problems).toEqual([]);
    expect(empty.config!.model.width).toBe(8);
  });

  it('an invalid value is an error that names the override instead of a position', () => {
    const { config, problems } = parse(base, { overrides: ['train.steps=abc'] });
    expect(config).toBeNull();
    expect(problems).toEqual([
      {
        severity: 'error',
        code: 'config/value',
        message: '--set train.steps=abc: train.steps must be an integer, got "abc"',
        start: 0,
        end: 0,
        line: 0,
        col: 0,
        override: 'train.steps=abc',
      },
    ]);
    const listed = onlyProblem(base, { overrides: ['model.width=[8,0]'] });
    expect(listed).toMatchObject({
      code: 'config/value',
      override: 'model.width=[8,0]',
      message: '--set model.width=[8,0]: model.width must be at least 1, got 0',
    });
    // Cross-checks caused by an override point at it too.
    const warmup = onlyProblem(base, { overrides: ['optimizer.warmup=50'] });
    expect(warmup).toMatchObject({ severity: 'warning', code: 'config/warmup', override: 'optimizer.warmup=50' });
    expect(warmup.message.startsWith('--set optimizer.warmup=50: optimizer.warmup (50 steps)')).toBe(true);
  });

  it('an unknown key is an error with a suggestion; a missing "=" or bad YAML is an error', () => {
    const unknown = onlyProblem(base, { overrides: ['train.step=5'] });
    expect(unknown).toEqual({
      severity: 'error',
      code: 'config/override',
      message: '--set train.step=5: unknown key (did you mean train.steps?)',
      start: 0,
      end: 0,
      line: 0,
      col: 0,
      override: 'train.step=5',
    });
    expect(onlyProblem(base, { overrides: ['nokey'] }).message).toBe('--set nokey: expected key=value');
    const yaml = onlyProblem(base, { overrides: ['train.steps=[1'] });
    expect(yaml.code).toBe('config/override');
    expect(yaml.message).toMatch(/^--set train\.steps=\[1: the value is not valid YAML \(/);
    expect(parse(base, { overrides: ['train.step=5'] }).config).toBeNull();
  });
});

describe('garbage never throws', () => {
  /** Parses and checks the result is well formed: an error means no config, positions in range. */
  function survive(text: string, options: ParseOptions = {}) {
    let result: ReturnType<typeof parse> | undefined;
    expect(() => (result = parse(text, options)), JSON.stringify(text.slice(0, 80))).not.toThrow();
    const { config, problems } = result!;
    if (problems.some((p) => p.severity === 'error')) expect(config).toBeNull();
    for (const p of problems) {
      expect(p.start).toBeGreaterThanOrEqual(0);
      expect(p.end).toBeGreaterThanOrEqual(p.start);
      // The yaml library places errors about the end of input one character past it.
      expect(p.end).toBeLessThanOrEqual(text.length + 1);
      if (p.override === undefined) expect(p.line).toBeGreaterThanOrEqual(1);
      expect(typeof p.message).toBe('string');
    }
    return result!;
  }

  it('random bytes and random YAML-ish text, with and without overrides', () => {
    const rng = new Rng(7);
    const alphabet = 'version: 1\n data{}[],-&*!|>"\'#%@`?:0123456789abc\t\r';
    for (let k = 0; k < 400; k++) {
      const length = Math.floor(rng.uniform() * 160);
      let text = '';
      for (let i = 0; i < length; i++) {
        text +=
          rng.uniform() < 0.85
            ? alphabet[Math.floor(rng.uniform() * alphabet.length)]
            : String.fromCharCode(Math.floor(rng.uniform() * 0xffff));
      }
      survive(text, k % 3 === 0 ? { overrides: ['model.width=[8]', 'data.features=5', 'x'] } : {});
    }
    const bytes = Uint8Array.from({ length: 2000 }, () => Math.floor(rng.uniform() * 256));
    survive(new TextDecoder().decode(bytes));
    expect(survive('\u0000\u0001\uffff').config).toBeNull();
  });

  it('deeply nested YAML is a resource-exhaustion error, not a stack overflow', () => {
    const flow = survive(`${'['.repeat(5000)}${']'.repeat(5000)}`);
    expect(flow.config).toBeNull();
    expect(flow.problems.map((p) => p.code)).toContain('yaml/resource-exhaustion');
    const block = survive(`version: 1\n${Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n')}\n`);
    expect(block.config).toBeNull();
  });

  it('huge numbers are range or type errors', () => {
    expect(survive('version: 1\ndata:\n  features: 99999999999999999999999999\n').problems[0]!.message).toBe(
      'data.features must be at most 100000, got 1e+26',
    );
    expect(survive('version: 1\ndata:\n  features: 1e400\n').problems[0]!.message).toBe(
      'data.features must be an integer, got Infinity',
    );
    expect(survive('version: 1\ntrain:\n  seeds: 4294967296\n').problems[0]!.message).toBe(
      'train.seeds must be at most 4294967295, got 4294967296',
    );
  });

  it('alias bombs stay cheap: aliases are checked as the node they name, never expanded', () => {
    const rows = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (const [name, prev] of [
      ['b', 'a'],
      ['c', 'b'],
      ['d', 'c'],
      ['e', 'd'],
      ['f', 'e'],
      ['g', 'f'],
    ] as const) {
      rows.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    }
    const started = Date.now();
    const result = survive(`${rows.join('\n')}\nversion: 1\nmodel:\n  width: *g\n`);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(result.config).toBeNull();
    expect(result.problems.filter((p) => p.code === 'config/value')).toHaveLength(9);
    // A self-referencing anchor and an undefined alias.
    survive('version: 1\na: &a [*a]\n');
    expect(survive('version: 1\nmodel:\n  width: *nowhere\n').config).toBeNull();
  });

  it('duplicate keys are a YAML error on the second key', () => {
    expect(located(survive('version: 1\nversion: 1\n').problems)).toEqual([
      { severity: 'error', code: 'yaml/duplicate-key', start: 11, end: 12, line: 2, col: 1 },
    ]);
    expect(survive('version: 1\nmodel:\n  width: 8\n  width: 16\n').config).toBeNull();
  });

  it('odd documents: several documents, a list, a scalar, non-string keys, unknown tags', () => {
    expect(survive('version: 1\n---\nversion: 1\n').problems[0]!.code).toBe('yaml/multiple-docs');
    expect(survive('- a\n- b\n').problems.map((p) => p.code)).toEqual(['config/not-a-mapping', 'config/no-version']);
    expect(survive('just text').config).toBeNull();
    expect(survive('version: 1\n? [a, b]\n: 3\n1: 2\n').problems.every((p) => p.code === 'config/unknown-key')).toBe(
      true,
    );
    survive('version: 1\nmodel: !custom {width: 8}\n');
    survive('!!binary aGVsbG8=\n');
    // Overrides on a document that is not a mapping replace it rather than throw.
    expect(survive('- a\n', { overrides: ['version=1', 'model.width=8'] }).config!.model.width).toBe(8);
    expect(survive('version: 1\nmodel: 5\n', { overrides: ['model.width=8'] }).config!.model.width).toBe(8);
  });
});
