// The JSON Schema (draft-07, what the Red Hat YAML extension reads) of `*.experiment.yaml`,
// generated from the FIELDS table so that it cannot drift from the validator. The generated file
// is checked in as schemas/experiment.schema.json (`npm run schema` rewrites it; a test checks
// that it is current) and contributed through `yamlValidation`.
//
// Unknown keys are allowed here (`additionalProperties` is left open) because the extension's own
// validator reports them as warnings with a suggestion; a schema error would be louder than that.

import { FIELDS, SECTIONS, type FieldSpec } from './schema';

type JsonSchema = Record<string, unknown>;

function scalarSchema(f: FieldSpec): JsonSchema {
  const bounds: JsonSchema = {};
  if (f.min !== undefined) bounds[f.exclusiveMin ? 'exclusiveMinimum' : 'minimum'] = f.min;
  if (f.max !== undefined) bounds['maximum'] = f.max;
  switch (f.type) {
    case 'integer':
      return { type: 'integer', ...bounds };
    case 'number':
      return { type: 'number', ...bounds };
    case 'string':
      return { type: 'string' };
    case 'path':
      return { type: ['string', 'null'] };
    case 'enum':
      return { type: 'string', enum: [...f.enum!] };
    case 'lr':
      return {
        anyOf: [
          { type: 'string', enum: ['paper-large', 'paper-small'] },
          { type: 'number', exclusiveMinimum: 0 },
        ],
      };
    case 'range':
      return {
        anyOf: [
          { type: 'null' },
          { type: 'array', items: { type: 'number', exclusiveMinimum: 0 }, minItems: 2, maxItems: 2 },
        ],
      };
  }
}

function fieldSchema(f: FieldSpec): JsonSchema {
  const base = scalarSchema(f);
  const value = f.sweepable ? { anyOf: [base, { type: 'array', items: base, minItems: 1 }] } : base;
  const sweep = f.sweepable ? ' A list sweeps it: one run per value.' : '';
  return {
    ...value,
    description: `${f.description}${sweep}`,
    markdownDescription: `${f.description}${sweep}\n\n${f.source === '—' ? '' : `Paper: ${f.source}. `}Default: \`${JSON.stringify(f.default)}\`.`,
    default: f.default,
  };
}

export function experimentJsonSchema(): JsonSchema {
  const top: Record<string, JsonSchema> = {};
  const sections: Record<string, Record<string, JsonSchema>> = {};
  for (const f of FIELDS) {
    const [head, key] = f.path.split('.') as [string, string | undefined];
    if (key === undefined) top[head] = fieldSchema(f);
    else (sections[head] ??= {})[key] = fieldSchema(f);
  }
  for (const s of SECTIONS) top[s] = { type: ['object', 'null'], properties: sections[s] ?? {} };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Superposition Lab experiment',
    description:
      'A toy-model experiment (paper: Superposition Yields Robust Neural Scaling, arXiv 2505.10465). Generated from src/core/config/schema.ts.',
    type: 'object',
    required: FIELDS.filter((f) => f.required).map((f) => f.path),
    properties: top,
  };
}
