// The README's key reference documents every config key with its current default: a key added to
// the FIELDS table (or a default changed) without updating the README fails here.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIELDS } from '../../../src/core/config/schema';

const readme = readFileSync(path.resolve(__dirname, '../../../README.md'), 'utf8');

describe('README key reference', () => {
  it.each(FIELDS.map((f) => [f.path, f] as const))('documents %s with its default', (p, f) => {
    const row = readme.split('\n').find((line) => line.startsWith(`| \`${p}\``));
    expect(row, `no README row for ${p}`).toBeDefined();
    expect(row).toContain(`\`${JSON.stringify(f.default)}\``);
  });
});
