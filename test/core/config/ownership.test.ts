import { describe, expect, it } from 'vitest';
import { configFeatures, schemaReportsToo } from '../../../src/core/config/language/ownership';
import { parseExperimentConfig } from '../../../src/core/config/parse';

const defaults = { completion: 'auto', hover: 'auto', diagnostics: 'auto', codeLens: true } as const;

describe('config features beside a schema-driven YAML extension', () => {
  it('does everything alone, and leaves completion, hover and schema errors to Red Hat YAML when it is there', () => {
    expect(configFeatures(defaults, false)).toEqual({
      completion: true,
      hover: true,
      diagnostics: 'all',
      codeLens: true,
    });
    expect(configFeatures(defaults, true)).toEqual({
      completion: false,
      hover: false,
      diagnostics: 'beyond-schema',
      codeLens: true,
    });
  });

  it('follows explicit settings whatever is installed', () => {
    const explicit = { completion: 'on', hover: 'off', diagnostics: 'all', codeLens: false } as const;
    expect(configFeatures(explicit, true)).toEqual({
      completion: true,
      hover: false,
      diagnostics: 'all',
      codeLens: false,
    });
    expect(configFeatures({ ...explicit, diagnostics: 'off' }, false).diagnostics).toBe('none');
  });

  it('keeps the checks a schema cannot make and drops those it makes too', () => {
    const text =
      'version: 1\ndata: {features: 64, distribution: powr}\nmodel: {width: [4, 8]}\noptimizer: {warmup: 500}\ntrain: {steps: 100}\nbogus: 1\n';
    const problems = parseExperimentConfig(text, { fileName: 'x.experiment.yaml' }).problems;
    const kept = problems.filter((p) => !schemaReportsToo(p.code)).map((p) => p.code);
    const dropped = problems.filter((p) => schemaReportsToo(p.code)).map((p) => p.code);
    expect(dropped).toEqual(expect.arrayContaining(['config/value', 'config/unknown-key']));
    expect(kept).toContain('config/warmup');
    expect(schemaReportsToo('yaml/bad-indent')).toBe(true);
  });
});
