// `superposition-lab reproduce` through the real CLI bundle: the tiny preset trained for real,
// its report and claims checked, then resumed without training, and bad flags refused.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../fixtures/files';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const tmp = tempDir('spl-reproduce-');
afterAll(tmp.cleanup);

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000, cwd: tmp.dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const out = path.join(tmp.dir, 'out');

describe('superposition-lab reproduce', () => {
  it('--tiny trains experiments A and C and writes claims.json and a self-contained report.html', () => {
    const r = cli('reproduce', '--tiny', '--only', 'A,C', '--out', out, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/reproduce \(tiny\): 13 of 13 runs to train on /);
    expect(r.stderr).toMatch(/^\[13\/13\] C-phi-vs-gamma /m); // one line per run when not on a terminal
    const claims = JSON.parse(r.stdout);
    expect(claims).toMatchObject({ format: 'superposition-lab/claims', version: 1, mode: 'tiny', complete: true });
    expect(claims.runs).toEqual({ A: { done: 9, total: 9 }, C: { done: 4, total: 4 } });
    expect(claims.claims.map((c: { id: string }) => c.id)).toEqual(Array.from({ length: 20 }, (_, i) => `H${i + 1}`));
    const byId = Object.fromEntries(claims.claims.map((c: { id: string }) => [c.id, c]));
    // Only A and C ran: claims that need B, D or E say so rather than guessing.
    expect(byId.H3).toMatchObject({
      status: 'not-checked',
      note: expect.stringMatching(/experiment B has no results/),
    });
    expect(byId.H16.status).toBe('not-checked');
    expect(['pass', 'fail']).toContain(byId.H1.status);
    expect(['pass', 'fail']).toContain(byId.H7.status);
    expect(byId.H20.status).toBe('pass'); // public parameter counts, no training needed
    expect(JSON.parse(readFileSync(path.join(out, 'claims.json'), 'utf8'))).toEqual(claims);

    const html = readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(html).toMatch(
      /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">/,
    );
    // No executable script and nothing fetched: only inline SVG and JSON data blocks.
    expect(html.match(/<script(?![^>]*type="application\/json")/g)).toBeNull();
    expect(html).not.toMatch(/\b(src|href)="(https?:|\/\/)/);
    const svgs = html.match(/<svg /g)?.length ?? 0;
    expect(svgs).toBeGreaterThanOrEqual(2 * 5); // figures 1 (A), 3 (C) and the three LLM-side charts… in light and dark
    expect(html.match(/class="chart light"/g)?.length).toBe(html.match(/class="chart dark"/g)?.length);
    expect(html).toContain('<table id="claims">');
    expect(html).toMatch(/Figure 3: Fraction of represented features/);
    // The configs that ran are written beside the results, ready to open in VS Code.
    expect(existsSync(path.join(out, 'experiments', 'A-strong.experiment.yaml'))).toBe(true);
    expect(existsSync(path.join(out, 'experiments', 'results', 'C-phi-vs-gamma', 'results.json'))).toBe(true);
  });

  it('resumes: a second run trains nothing and writes the same verdicts', () => {
    const before = JSON.parse(readFileSync(path.join(out, 'claims.json'), 'utf8'));
    const r = cli('reproduce', '--tiny', '--only', 'A,C', '--out', out, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/0 of 13 runs to train/);
    const after = JSON.parse(r.stdout);
    expect(after.claims).toEqual(before.claims);
  });

  it('refuses conflicting sizes and unknown experiments', () => {
    const both = cli('reproduce', '--quick', '--full', '--out', out);
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/choose one of --tiny, --quick, --full/);
    const bad = cli('reproduce', '--tiny', '--only', 'A,Z', '--out', out);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--only takes letters A to E, got A,Z/);
  });
});
