// Mocha entry point loaded by a real VS Code extension host (extensionTestsPath). The same
// module works under @vscode/test-electron on machines that can download VS Code, and under
// code-server here (test/e2e/exthost.test.mjs opens the workbench with a test payload).
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  // SPL_GREP (a regular expression, in the extension host's environment) runs only the matching tests.
  const grep = process.env['SPL_GREP'];
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60_000, reporter: 'spec', ...(grep ? { grep } : {}) });
  for (const file of [
    'viewer.test.js',
    'analysis.test.js',
    'experiment.test.js',
    'configEditing.test.js',
    'runsView.test.js',
    'tasks.test.js',
  ]) {
    mocha.addFile(path.resolve(__dirname, file));
  }
  return new Promise((resolve, reject) => {
    mocha.run((failures) => {
      const stats = mocha.suite.total();
      // Read by test/e2e/exthost.test.mjs to add these tests to the overall count.
      console.log(`[superposition-lab-tests] ${JSON.stringify({ total: stats, failed: failures })}`);
      if (failures > 0) reject(new Error(`${failures} integration test(s) failed.`));
      else resolve();
    });
  });
}
