// Golden tests of the config diagnostics: every test/fixtures/experiments/bad/<name>.experiment.yaml
// is parsed with parseExperimentConfig(text, { fileName }) and its problems must equal
// <name>.problems.json exactly (severity, code, message, line, col, start, end, fix), plus the
// text each problem underlines, so that a reviewer can read the file without counting offsets.
//
// To regenerate the expected files after an intended change of messages or positions:
//
//   UPDATE_GOLDEN=1 npx vitest run test/core/config/golden.test.ts
//
// then read the diff of every .problems.json before committing it: an update blesses whatever the
// parser says. The fixtures live under test/fixtures/experiments/, which Prettier ignores, so their
// offsets never move by reformatting.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseExperimentConfig, type ConfigProblem } from '../../../src/core/config/parse';

const BAD = path.resolve(__dirname, '../../fixtures/experiments/bad');
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';
const SUFFIX = '.experiment.yaml';

const fixtures = readdirSync(BAD)
  .filter((f) => f.endsWith(SUFFIX))
  .sort();

/** A problem as stored: a fixed key order for readable diffs, and the text it underlines. */
function golden(text: string, p: ConfigProblem) {
  return {
    severity: p.severity,
    code: p.code,
    message: p.message,
    line: p.line,
    col: p.col,
    start: p.start,
    end: p.end,
    underlined: text.slice(p.start, p.end),
    ...(p.fix ? { fix: p.fix } : {}),
    ...(p.override !== undefined ? { override: p.override } : {}),
  };
}

/** 1-based line and column of an offset, counted here independently of the parser. */
function lineCol(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  const lastBreak = before.lastIndexOf('\n');
  return { line: before.split('\n').length, col: offset - lastBreak };
}

describe('golden diagnostics of bad configs', () => {
  it('has a fixture for every kind of problem, and an expected file for each (and no orphans)', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(10);
    const expected = readdirSync(BAD).filter((f) => f.endsWith('.problems.json'));
    const orphans = expected.filter((f) => !fixtures.includes(f.replace(/\.problems\.json$/, SUFFIX)));
    expect(orphans).toEqual([]);
  });

  it.each(fixtures)('%s', (file) => {
    const text = readFileSync(path.join(BAD, file), 'utf8');
    const { config, problems } = parseExperimentConfig(text, { fileName: file });
    const actual = problems.map((p) => golden(text, p));
    const expectedPath = path.join(BAD, file.replace(SUFFIX, '.problems.json'));
    if (UPDATE) writeFileSync(expectedPath, `${JSON.stringify(actual, null, 2)}\n`);

    expect(existsSync(expectedPath), `${expectedPath} is missing: run with UPDATE_GOLDEN=1`).toBe(true);
    expect(actual).toEqual(JSON.parse(readFileSync(expectedPath, 'utf8')));

    // What holds for any bad file, whatever the golden file says:
    expect(problems.length, 'a bad fixture must have a problem').toBeGreaterThan(0);
    expect(config === null).toBe(problems.some((p) => p.severity === 'error'));
    for (const p of problems) {
      expect(0 <= p.start && p.start <= p.end && p.end <= text.length, p.message).toBe(true);
      expect({ line: p.line, col: p.col }, p.message).toEqual(lineCol(text, p.start));
      if (p.fix) {
        const { start, end } = p.fix.edit;
        expect(0 <= start && start <= end && end <= text.length, p.fix.title).toBe(true);
        // The fix must remove the problem it is offered for.
        const fixed = text.slice(0, start) + p.fix.edit.text + text.slice(end);
        const after = parseExperimentConfig(fixed, { fileName: file }).problems.filter((q) => q.code === p.code);
        expect(after.length, `${p.fix.title} leaves ${p.code}`).toBeLessThan(
          problems.filter((q) => q.code === p.code).length,
        );
      }
    }
  });
});
