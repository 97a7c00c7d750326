#!/usr/bin/env node
// `npm test`: every test layer, from a fresh clone, ending with one line `N passed, N failed`.
//
//   bootstrap  npm ci when node_modules is missing; the real-VS-Code test host (apt + npm)
//   static     typecheck (every runtime's program), lint, formatting       1 check each
//   build      esbuild (all targets, import checks) and the .vsix            1 check each
//   unit       vitest: core, node helpers, CLI, protocol, webview (happy-dom)
//   browser    the webviews' charts in Debian Chromium under the webview CSP (node:test)
//   e2e        code-server + Playwright UI tests, and the mocha suite in the real extension host
//   start      `npm start` smoke test: the URL it prints serves VS Code with the extension active
//
// Flags: --skip-e2e (no VS Code host), --only=unit,browser,... (run some layers).
// Only Node builtins here: this runs before anything is installed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
process.chdir(ROOT);
const args = process.argv.slice(2);
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',');
const skipE2e = args.includes('--skip-e2e');
const wants = (layer) => (!only || only.includes(layer)) && !(skipE2e && (layer === 'e2e' || layer === 'start'));
const OUT = path.join(ROOT, 'test-output');
mkdirSync(OUT, { recursive: true });

const results = [];
function record(layer, passed, failed, note = '') {
  results.push({ layer, passed, failed, note });
  console.log(`\n=== ${layer}: ${passed} passed, ${failed} failed${note ? ` (${note})` : ''}\n`);
}

function run(command, commandArgs, options = {}) {
  console.log(`\n$ ${[command, ...commandArgs].join(' ')}`);
  const r = spawnSync(command, commandArgs, { stdio: 'inherit', cwd: ROOT, ...options });
  return r.status === 0;
}

/** A node:test TAP file's leaf counts: `# pass N`, `# fail N`, `# cancelled N` (counted as failed). */
function tapCounts(file) {
  if (!existsSync(file)) return null;
  const text = readFileSync(file, 'utf8');
  const n = (k) => Number(new RegExp(`^# ${k} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  return { passed: n('pass'), failed: n('fail') + n('cancelled') };
}

// --- bootstrap ---------------------------------------------------------------------------------
if (!existsSync(path.join(ROOT, 'node_modules', '.bin', 'vitest'))) {
  if (!run('npm', ['ci', '--no-audit', '--no-fund'])) record('bootstrap: npm ci', 0, 1);
}
const hostReady = !(wants('e2e') || wants('start')) || run('bash', ['scripts/setup-test-host.sh']);
if (!hostReady) record('bootstrap: test host', 0, 1, 'scripts/setup-test-host.sh failed');

// --- static ------------------------------------------------------------------------------------
if (wants('static')) {
  const checks = [
    ['typecheck', ['run', 'typecheck']],
    ['lint', ['run', 'lint']],
    ['format', ['run', 'format:check']],
  ];
  let passed = 0;
  const failed = [];
  for (const [name, npmArgs] of checks) {
    if (run('npm', npmArgs)) passed++;
    else failed.push(name);
  }
  record('static', passed, failed.length, failed.join(', '));
}

// --- build -------------------------------------------------------------------------------------
// The .vsix build (scripts/package.mjs) is the production build of every bundle; the tests run the
// bundles that ship.
let built = true;
if (wants('build') || wants('unit') || wants('browser') || wants('e2e')) {
  // The universal VSIX (the e2e tests install it) and this machine's platform VSIX (its Dawn is tested).
  const bundles = run('npm', ['run', 'package', '--', '--target', 'linux-x64']);
  built = bundles;
  record('build', bundles ? 1 : 0, bundles ? 0 : 1, 'esbuild with import checks + vsce package');
}

// --- unit --------------------------------------------------------------------------------------
if (wants('unit')) {
  const json = path.join(OUT, 'vitest.json');
  run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${json}`]);
  if (existsSync(json)) {
    const r = JSON.parse(readFileSync(json, 'utf8'));
    // Skipped or todo tests count as failures: nothing may be quietly switched off.
    record('unit', r.numPassedTests, r.numFailedTests + r.numPendingTests + r.numTodoTests);
  } else record('unit', 0, 1, 'vitest produced no report');
}

// --- browser -----------------------------------------------------------------------------------
if (wants('browser')) {
  const tap = path.join(OUT, 'browser', 'results.tap');
  mkdirSync(path.dirname(tap), { recursive: true });
  run(
    'node',
    [
      '--import',
      'tsx',
      '--test',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tap}`,
      'test/browser/',
    ],
    {
      env: { ...process.env, SHOTS_DIR: path.join(OUT, 'browser') },
    },
  );
  const c = built ? tapCounts(tap) : null;
  record('browser', c?.passed ?? 0, c ? c.failed : 1, c ? '' : 'no results');
}

// --- e2e ---------------------------------------------------------------------------------------
if (wants('e2e')) {
  if (!hostReady || !built) record('e2e', 0, 1, 'not run: the test host or the build is missing');
  else {
    run('bash', ['test/e2e/run-e2e.sh']);
    const c = tapCounts(path.join(OUT, 'e2e', 'results.tap'));
    const mochaFile = path.join(OUT, 'e2e', 'exthost-results.json');
    const mocha = existsSync(mochaFile) ? JSON.parse(readFileSync(mochaFile, 'utf8')) : null;
    const passed = (c?.passed ?? 0) + (mocha ? mocha.total - mocha.failed : 0);
    const failed = (c ? c.failed : 1) + (mocha ? mocha.failed : 0);
    record(
      'e2e',
      passed,
      failed,
      `node:test ${c ? `${c.passed}/${c.passed + c.failed}` : 'no results'}; mocha in the extension host ${mocha ? `${mocha.total - mocha.failed}/${mocha.total}` : 'no results'}`,
    );
  }
}

// --- start -------------------------------------------------------------------------------------
// The README's first command, run as a newcomer runs it: `npm start` must serve a working VS Code.
if (wants('start')) {
  const tap = path.join(OUT, 'start', 'results.tap');
  mkdirSync(path.dirname(tap), { recursive: true });
  run(
    'node',
    [
      '--test',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tap}`,
      'test/start/start.test.mjs',
    ],
    { env: { ...process.env, SHOTS_DIR: path.join(OUT, 'start') } },
  );
  const c = tapCounts(tap);
  record('start', c?.passed ?? 0, c ? c.failed : 1, c ? 'npm start smoke test' : 'no results');
}

// --- summary -----------------------------------------------------------------------------------
const passed = results.reduce((s, r) => s + r.passed, 0);
const failed = results.reduce((s, r) => s + r.failed, 0);
console.log('Layers:');
for (const r of results) {
  console.log(
    `  ${r.layer.padEnd(24)} ${String(r.passed).padStart(4)} passed ${String(r.failed).padStart(3)} failed${r.note ? `  ${r.note}` : ''}`,
  );
}
const line = `${passed} passed, ${failed} failed`;
writeFileSync(path.join(OUT, 'summary.txt'), `${line}\n`);
console.log(line);
process.exitCode = failed > 0 ? 1 : 0;
