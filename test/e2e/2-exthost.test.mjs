// Runs the extension's mocha suite (test/integration, built to out/integration) inside the real
// extension host of code-server, through the workbench's test payload (see vscode-host.md §4).
// The suite's own pass/fail counts are written to test-output/e2e/exthost-results.json so the
// overall test summary counts each mocha test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as util from 'node:util';
import { ORIGIN, SHOTS, WORKSPACE, launch, workbenchUrl } from './workbench.mjs';

const extensionPath = path.resolve(process.env.E2E_EXTENSION_PATH ?? '.');
const remote = (p) => `vscode-remote://${new URL(ORIGIN).host}${p}`;
const NOISE = /ENOTFOUND|AccountPolicyGate|AgentHost|ChatModelSelection|getaddrinfo/;

test('the mocha integration suite passes inside the real extension host', { timeout: 300_000 }, async () => {
  const browser = await launch();
  const lines = [];
  try {
    let exit;
    const exited = new Promise((resolve) => (exit = resolve));
    await browser.page.exposeFunction('codeAutomationLog', (_type, args) => {
      const line = util.format(...(Array.isArray(args) ? args : [args]));
      lines.push(line);
      if (!NOISE.test(line)) console.log(`# exthost: ${line.replace(/\n/g, '\n# exthost: ')}`);
    });
    await browser.page.exposeFunction('codeAutomationExit', (code) => exit(code));
    await browser.page.goto(
      workbenchUrl(WORKSPACE, [
        ['extensionDevelopmentPath', remote(extensionPath)],
        ['extensionTestsPath', remote(path.join(extensionPath, 'out/integration/index'))],
      ]),
    );
    let timer;
    const code = await Promise.race([
      exited,
      new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), 240_000))),
    ]);
    clearTimeout(timer);
    await browser.page.screenshot({ path: path.join(SHOTS, '20-exthost-suite.png') }).catch(() => {});
    const summary = lines.map((l) => /\[superposition-lab-tests\] (\{.*\})/.exec(l)?.[1]).find(Boolean);
    if (summary) fs.writeFileSync(path.join(SHOTS, 'exthost-results.json'), summary);
    assert.ok(summary, 'the suite reported its counts');
    assert.equal(code, 0, 'extension test runner exit code');
  } finally {
    await browser.close();
  }
});
