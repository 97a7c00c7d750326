// The JSON Schema is generated from the FIELDS table; the checked-in copy must be current, and the
// example configs that ship must be clean.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { experimentJsonSchema } from '../../../src/core/config/jsonSchema';
import { parseExperimentConfig } from '../../../src/core/config/parse';
import { FIELDS, SECTIONS } from '../../../src/core/config/schema';
import { expandSweep } from '../../../src/core/config/sweep';

const ROOT = path.resolve(__dirname, '../../..');
const schema = experimentJsonSchema();

type Schema = Record<string, unknown> & { properties?: Record<string, Schema>; anyOf?: Schema[] };

/** The schema of a dotted path, e.g. "data.features". */
function fieldSchema(dotted: string): Schema | undefined {
  const [head, key] = dotted.split('.') as [string, string | undefined];
  const top = (schema['properties'] as Record<string, Schema>)[head];
  return key === undefined ? top : top?.properties?.[key];
}

/** Every `*.experiment.yaml` under a folder. */
function experimentFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return experimentFiles(full);
    return name.endsWith('.experiment.yaml') ? [full] : [];
  });
}

describe('experimentJsonSchema', () => {
  it('equals the checked-in schemas/experiment.schema.json', () => {
    const file = path.join(ROOT, 'schemas/experiment.schema.json');
    const checkedIn: unknown = JSON.parse(readFileSync(file, 'utf8'));
    expect(checkedIn, 'schemas/experiment.schema.json is out of date: run `npx tsx scripts/gen-schema.ts`').toEqual(
      schema,
    );
  });

  it('is a draft-07 object schema that requires version', () => {
    expect(schema['$schema']).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema['type']).toBe('object');
    expect(schema['required']).toEqual(['version']);
  });

  it('has every FIELDS path, with its description and default', () => {
    for (const f of FIELDS) {
      const s = fieldSchema(f.path);
      expect(s, f.path).toBeDefined();
      expect(s!['default'], f.path).toEqual(f.default);
      expect(String(s!['description']), f.path).toContain(f.description);
      expect(String(s!['markdownDescription']), f.path).toContain(`Default: \`${JSON.stringify(f.default)}\``);
    }
    // ... and nothing else: sections hold exactly their fields.
    const top = Object.keys(schema['properties'] as object).sort();
    expect(top).toEqual([...FIELDS.filter((f) => !f.path.includes('.')).map((f) => f.path), ...SECTIONS].sort());
    for (const section of SECTIONS) {
      const keys = Object.keys(fieldSchema(section)!.properties!).sort();
      expect(keys, section).toEqual(
        FIELDS.filter((f) => f.path.startsWith(`${section}.`))
          .map((f) => f.path.slice(section.length + 1))
          .sort(),
      );
      expect(fieldSchema(section)!['type']).toEqual(['object', 'null']);
    }
  });

  it('a sweepable key is anyOf [the scalar, a non-empty array of it]', () => {
    for (const f of FIELDS.filter((x) => x.sweepable)) {
      const s = fieldSchema(f.path)!;
      expect(s.anyOf, f.path).toHaveLength(2);
      const [scalar, array] = s.anyOf!;
      expect(array, f.path).toEqual({ type: 'array', items: scalar, minItems: 1 });
      expect(String(s['description'])).toContain('A list sweeps it');
    }
    expect(fieldSchema('model.width')!.anyOf![0]).toEqual({ type: 'integer', minimum: 1, maximum: 8192 });
    expect(fieldSchema('data.distribution')!.anyOf![0]).toEqual({
      type: 'string',
      enum: ['power', 'exponential', 'linear', 'empirical'],
    });
  });

  it('a non-sweepable key has no array form (except the [min, max] range)', () => {
    for (const f of FIELDS.filter((x) => !x.sweepable && x.type !== 'range')) {
      expect(JSON.stringify(fieldSchema(f.path)), f.path).not.toContain('"array"');
    }
    expect(fieldSchema('fit.widths')!.anyOf).toEqual([
      { type: 'null' },
      { type: 'array', items: { type: 'number', exclusiveMinimum: 0 }, minItems: 2, maxItems: 2 },
    ]);
  });

  it('carries the bounds, exclusive ones as exclusiveMinimum', () => {
    expect(fieldSchema('data.features')).toMatchObject({ type: 'integer', minimum: 2, maximum: 100000 });
    expect(fieldSchema('version')).toMatchObject({ type: 'integer', minimum: 1, maximum: 1 });
    expect(fieldSchema('data.scale')).toMatchObject({ type: 'number', exclusiveMinimum: 0 });
    expect(fieldSchema('data.scale')!['minimum']).toBeUndefined();
    expect(fieldSchema('data.density')!.anyOf![0]).toEqual({ type: 'number', exclusiveMinimum: 0 });
    expect(fieldSchema('optimizer.minLrRatio')).toMatchObject({ type: 'number', minimum: 0, maximum: 1 });
    expect(fieldSchema('optimizer.lr')!.anyOf).toEqual([
      { type: 'string', enum: ['paper-large', 'paper-small'] },
      { type: 'number', exclusiveMinimum: 0 },
    ]);
    expect(fieldSchema('data.counts')!['type']).toEqual(['string', 'null']);
    for (const f of FIELDS) {
      const s = JSON.stringify(fieldSchema(f.path));
      if (f.min !== undefined) {
        expect(s, f.path).toContain(`"${f.exclusiveMin ? 'exclusiveMinimum' : 'minimum'}":${f.min}`);
      }
      if (f.max !== undefined) expect(s, f.path).toContain(`"maximum":${f.max}`);
    }
  });
});

describe('the example configs', () => {
  const files = experimentFiles(path.join(ROOT, 'examples'));

  it('exist', () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
  });

  it.each(files.map((f) => [path.relative(ROOT, f), f]))('%s parses with no errors and no warnings', (_name, file) => {
    const { config, problems } = parseExperimentConfig(readFileSync(file, 'utf8'), { fileName: file });
    expect(problems).toEqual([]);
    expect(config).not.toBeNull();
    expect(expandSweep(config!).length).toBeGreaterThan(0);
  });
});
