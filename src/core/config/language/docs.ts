// The words shown in completions and hovers, all derived from the FIELDS table (schema.ts) so that
// the editor says what the validator checks. Only the meanings of enum-like values are written
// here: the table describes them in one sentence per key, not per value.

import { FIELD_BY_PATH, FIELDS, SECTIONS, type FieldSpec } from '../schema';

/** What each value of an enum-like key means, shown when completing or hovering that value. */
export const VALUE_MEANINGS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  version: { '1': 'the only format version so far' },
  'data.distribution': {
    power: 'p_i ∝ i^−α, a Zipf-like power law (α is data.exponent)',
    exponential: 'p_i ∝ e^−(i−1)/scale (scale is data.scale)',
    linear: 'p_i ∝ n − i + 1',
    empirical: 'p_i from the feature counts in the file data.counts (e.g. token frequencies)',
  },
  'optimizer.lr': {
    'paper-large': 'W 0.02·(8/m)^¼ and b 2/m, as in exp-17',
    'paper-small': '0.01 for both W and b, as in exp-10',
  },
};

export type KeyDoc =
  | { readonly kind: 'section'; readonly name: string }
  | { readonly kind: 'key'; readonly name: string; readonly field: FieldSpec };

export const isSection = (path: string): boolean => (SECTIONS as readonly string[]).includes(path);

/** The keys a mapping may hold, in the table's order: the root's are fields and sections. */
export function keysOf(container: string): KeyDoc[] {
  if (container === '') {
    const scalars = FIELDS.filter((f) => !f.path.includes('.')).map((f) => ({
      kind: 'key' as const,
      name: f.path,
      field: f,
    }));
    return [...scalars, ...SECTIONS.map((name) => ({ kind: 'section' as const, name }))];
  }
  if (!isSection(container)) return [];
  return fieldsOf(container).map((f) => ({ kind: 'key' as const, name: f.path.slice(container.length + 1), field: f }));
}

const fieldsOf = (section: string): FieldSpec[] => FIELDS.filter((f) => f.path.startsWith(`${section}.`));

/** The values worth offering for a key: enum members, the lr presets, version 1. */
export function valuesOf(path: string, inList: boolean): string[] {
  const field = FIELD_BY_PATH.get(path);
  if (field === undefined || (inList && !field.sweepable)) return [];
  if (field.enum) return [...field.enum];
  return Object.keys(VALUE_MEANINGS[path] ?? {});
}

export function formatValue(value: unknown): string {
  if (value === null) return 'none';
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;
  if (value === '') return '""';
  return String(value);
}

function bounds(f: FieldSpec): string {
  if (f.min !== undefined && f.max !== undefined) {
    return f.min === f.max ? ` = ${f.min}` : ` in ${f.exclusiveMin ? '(' : '['}${f.min}, ${f.max}]`;
  }
  if (f.min !== undefined) return ` ${f.exclusiveMin ? '>' : '≥'} ${f.min}`;
  if (f.max !== undefined) return ` ≤ ${f.max}`;
  return '';
}

/** The type with its bounds, e.g. "integer in [2, 100000]" or "power | exponential | …, or a list". */
export function typeText(f: FieldSpec): string {
  const base = {
    integer: `integer${bounds(f)}`,
    number: `number${bounds(f)}`,
    string: 'text',
    path: 'file path',
    enum: (f.enum ?? []).join(' | '),
    lr: 'paper-large | paper-small | number > 0',
    range: '[min, max] of widths',
  }[f.type];
  return f.sweepable ? `${base}, or a list` : base;
}

export const fieldDetail = (f: FieldSpec): string =>
  `${typeText(f)} · default ${formatValue(f.default)}${f.required ? ' · required' : ''}`;

export function fieldMarkdown(f: FieldSpec): string {
  const facts = [`Default: \`${formatValue(f.default)}\`.`];
  if (f.required) facts.push('Required.');
  if (f.sweepable) facts.push('A list sweeps it: one run per value.');
  const parts = [`**${f.path}** · ${typeText(f)}`, f.description, facts.join(' ')];
  // Keys the paper does not set (version, name, …) have the source "—": nothing to cite.
  if (f.source !== '—') parts.push(`Paper: ${f.source}`);
  return parts.join('\n\n');
}

export const sectionDetail = (section: string): string => `section · ${fieldsOf(section).length} keys`;

export function sectionMarkdown(section: string): string {
  const keys = fieldsOf(section).map((f) => `- \`${f.path.slice(section.length + 1)}\`: ${fieldDetail(f)}`);
  return [`**${section}** · section`, ...(keys.length > 0 ? [keys.join('\n')] : [])].join('\n\n');
}

/** A value's own meaning, when it has one (enum members, lr presets). */
export const valueMeaning = (path: string, value: string): string | undefined => VALUE_MEANINGS[path]?.[value];

export function valueMarkdown(f: FieldSpec, value: string): string {
  const meaning = valueMeaning(f.path, value);
  return meaning === undefined ? fieldMarkdown(f) : `\`${value}\`: ${meaning}\n\n${fieldMarkdown(f)}`;
}
