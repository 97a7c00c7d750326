// Time the editor's config check (parse + cross checks + sweep size) on configs written to be
// slow: many exponents × densities at large n, many keys, a sweep of 10^7 runs. Each case runs in
// a child process with a time limit so that a freeze is reported, not waited for.
//   node --import tsx bench/hostile-configs.ts            (all cases)
//   node --import tsx bench/hostile-configs.ts <case>     (one case, in this process)

import { spawnSync } from 'node:child_process';
import { parseExperimentConfig } from '../src/core/config/parse';
import { largeSweepProblem } from '../src/core/config/sweepSize';
import * as editorModule from '../src/core/config/editorCheck';

const { checkConfigForEditor } = editorModule as Partial<typeof editorModule>;

const list = (k: number, f: (i: number) => number) => `[${Array.from({ length: k }, (_, i) => f(i)).join(', ')}]`;

export const CASES: Record<string, () => string> = {
  // about 640 bytes: 40 exponents × 40 densities at n = 100,000
  'small-642B': () =>
    `version: 1\ndata:\n  features: 100000\n  exponent: ${list(40, (i) => 0.5 + i * 0.05)}\n  density: ${list(40, (i) => 1 + i)}\n`,
  // about 1.7 KB: 100 exponents × 100 densities
  'medium-1.7KB': () =>
    `version: 1\ndata:\n  features: 100000\n  exponent: ${list(100, (i) => +(0.3 + i * 0.02).toFixed(2))}\n  density: ${list(100, (i) => 1 + i)}\n`,
  'keys-20k': () => `version: 1\n${Array.from({ length: 20000 }, (_, i) => `k${i}: 1`).join('\n')}\n`,
  'keys-40k': () => `version: 1\n${Array.from({ length: 40000 }, (_, i) => `k${i}: 1`).join('\n')}\n`,
  // 20 exponents × 20 densities × 25 weight decays × 20 widths × 50 seeds = 10^7 runs
  'sweep-1e7': () =>
    `version: 1\ndata:\n  exponent: ${list(20, (i) => 1 + i / 20)}\n  density: ${list(20, (i) => 1 + i)}\noptimizer:\n  weightDecay: ${list(25, (i) => i / 25)}\nmodel:\n  width: ${list(20, (i) => 4 * (i + 1))}\ntrain:\n  seeds: ${list(50, (i) => i)}\n`,
};

/** What the editor runs on its thread (after this issue: size gate, bounded checks); null before it existed. */
function editorCheck(text: string): { ms: number; codes: string[] } | null {
  if (checkConfigForEditor === undefined) return null;
  const t0 = performance.now();
  const checked = checkConfigForEditor(text, 'x.experiment.yaml', 1, () => performance.now());
  return { ms: performance.now() - t0, codes: [...new Set(checked.problems.map((p) => p.code))] };
}

function checkOnce(text: string): { ms: number; problems: number; codes: string[] } {
  const t0 = performance.now();
  const parsed = parseExperimentConfig(text, { fileName: 'x.experiment.yaml' });
  const problems = [...parsed.problems];
  if (parsed.config) {
    const p = largeSweepProblem(parsed.config, 10);
    if (p) problems.push(p);
  }
  return { ms: performance.now() - t0, problems: problems.length, codes: [...new Set(problems.map((p) => p.code))] };
}

const only = process.argv[1]?.endsWith('hostile-configs.ts') ? process.argv[2] : 'none';
if (only === 'none') {
  // imported (by a profile script): nothing to run
} else if (only !== undefined) {
  const text = CASES[only]!();
  // Warm the parser on a small config first: the editor's host is long-lived.
  checkOnce('version: 1\nmodel:\n  width: [8, 16]\n');
  const r = checkOnce(text);
  const editor = editorCheck(text);
  console.log(JSON.stringify({ case: only, bytes: text.length, ...r, editor }));
} else {
  for (const name of Object.keys(CASES)) {
    const t0 = Date.now();
    const child = spawnSync(process.execPath, ['--import', 'tsx', process.argv[1]!, name], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    const out =
      child.stdout.trim() ||
      `${name}: ${child.signal ?? `exit ${child.status}`} after ${Date.now() - t0} ms ${child.stderr.split('\n')[0] ?? ''}`;
    console.log(out);
  }
}
