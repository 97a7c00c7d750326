// Next to Red Hat YAML (here a stub with its id, test/e2e/stub-yaml, installed in this session
// only), the `auto` settings leave completion to it: one row per key in the suggest widget, not
// two. Then `superpositionLab.config.completion: "on"` brings ours back beside it, which shows the
// count would catch a doubled list.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { explorerRow, launch, openFromExplorer, screenshot, shotOnFailure } from './workbench.mjs';

const ORIGIN = process.env.E2E_YAML_ORIGIN ?? '';
const WORKSPACE = process.env.E2E_YAML_WORKSPACE ?? '';
const CONFIG = 'coexist.experiment.yaml';

let browser;
let page;

before(async () => {
  assert.ok(ORIGIN && WORKSPACE, 'run-e2e.sh sets E2E_YAML_ORIGIN and E2E_YAML_WORKSPACE');
  fs.writeFileSync(
    path.join(WORKSPACE, CONFIG),
    'version: 1\nname: coexist\ndata:\n  features: 64\nmodel:\n  width: [4, 8]\n',
  );
  browser = await launch();
  page = browser.page;
  await page.goto(`${ORIGIN}/?folder=${encodeURIComponent(WORKSPACE)}`);
  await explorerRow(page, CONFIG).waitFor({ timeout: 90_000 });
});

after(async () => {
  await browser?.close();
});

/** Types `opt` on a new last line, asks for suggestions and returns the labels of the rows for `optimizer`. */
async function optimizerRows() {
  const editor = page.locator('.monaco-editor .view-lines').first();
  await editor.click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('opt');
  await page.keyboard.press('Control+Space');
  const rows = page.locator('.editor-widget.suggest-widget.visible .monaco-list-row');
  await rows.first().waitFor({ timeout: 15_000 });
  // Providers answer at different times: wait until the list stops changing.
  let last = -1;
  for (let stable = 0; stable < 3;) {
    await page.waitForTimeout(300);
    const n = await rows.count();
    stable = n === last ? stable + 1 : 0;
    last = n;
  }
  const labels = await rows.locator('.label-name').allTextContents();
  return labels.filter((l) => l === 'optimizer');
}

async function clearLine() {
  await page.keyboard.press('Escape');
  await page.keyboard.press('Shift+Home');
  await page.keyboard.press('Backspace');
}

describe('Next to a second YAML extension (a stub of redhat.vscode-yaml)', () => {
  test('completion is offered once: ours yields under `auto`', () =>
    shotOnFailure(page, '40', async () => {
      await openFromExplorer(page, CONFIG);
      // Our extension is active in this file: its CodeLens is there.
      await page.locator('.codelens-decoration a', { hasText: 'Run experiment' }).first().waitFor({ timeout: 30_000 });
      const rows = await optimizerRows();
      await screenshot(page, '40-yaml-coexist-completion-once');
      assert.equal(rows.length, 1, `rows for "optimizer": ${rows.length}`);
      // The one row is the stub's: its detail says so (the focused row shows it).
      assert.match(
        await page
          .locator('.editor-widget.suggest-widget.visible .monaco-list-row', { hasText: 'optimizer' })
          .textContent(),
        /stub-yaml/,
      );
      await clearLine();
    }));

  test('with completion "on" both providers answer, and the widget shows the key twice', () =>
    shotOnFailure(page, '41', async () => {
      fs.mkdirSync(path.join(WORKSPACE, '.vscode'), { recursive: true });
      fs.writeFileSync(
        path.join(WORKSPACE, '.vscode', 'settings.json'),
        JSON.stringify({ 'superpositionLab.config.completion': 'on' }),
      );
      // The setting is read on each request; wait until the workbench has picked the file up.
      let rows = [];
      for (let i = 0; i < 10 && rows.length < 2; i++) {
        rows = await optimizerRows();
        if (rows.length < 2) await clearLine();
      }
      await screenshot(page, '41-yaml-coexist-completion-on-twice');
      assert.equal(rows.length, 2, `rows for "optimizer": ${rows.length}`);
      await clearLine();
    }));
});
