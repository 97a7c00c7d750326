// The first run (issue #16): in a fresh code-server session on an empty folder, the walkthrough
// "Get started with Superposition Lab" is followed step by step through the buttons of its page,
// as a newcomer would; each step's visible result is checked and photographed (30-… onward).
// The Run step also checks what stays live with the experiment panel closed: the status bar item
// and the Runs view keep counting until every run is done.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { launch, runCommand, screenshot, shotOnFailure, webviewFrameWith } from './workbench.mjs';

const ORIGIN = process.env.E2E_FIRSTRUN_ORIGIN ?? '';
const WORKSPACE = process.env.E2E_FIRSTRUN_WORKSPACE ?? '';
const WALKTHROUGH = 'superposition-lab.superposition-lab#superpositionLab.start';

let browser;
let page;

before(async () => {
  assert.ok(ORIGIN && WORKSPACE, 'run-e2e.sh sets E2E_FIRSTRUN_ORIGIN and E2E_FIRSTRUN_WORKSPACE');
  assert.deepEqual(fs.readdirSync(WORKSPACE), [], 'the workspace starts empty');
  browser = await launch();
  page = browser.page;
  await page.goto(`${ORIGIN}/?folder=${encodeURIComponent(WORKSPACE)}`);
  await page.locator('.explorer-folders-view').waitFor({ timeout: 90_000 });
});

after(async () => {
  await browser?.close();
});

let shotNumber = 30;
function step(name, fn) {
  const n = String(shotNumber++);
  test(name, () => shotOnFailure(page, n, fn));
}

const stepRow = (id) => page.locator(`.getting-started-step[data-step-id="${WALKTHROUGH}#${id}"]`);
const stepDone = (id) =>
  page.locator(`.getting-started-step[data-step-id="${WALKTHROUGH}#${id}"][aria-checked="true"]`);

/** Sets the colour theme through its picker, as a user would. */
async function setTheme(name) {
  // Right after the page loads the picker can open before the built-in themes are known: try again.
  for (let attempt = 0; ; attempt++) {
    await runCommand(page, 'Preferences: Color Theme');
    try {
      await page
        .locator('.quick-input-list .monaco-list-row', { hasText: /Modern/ })
        .first()
        .waitFor({ timeout: 3000 });
      break;
    } catch (e) {
      if (attempt === 5) throw e;
      await page.keyboard.press('Escape');
    }
  }
  await page.keyboard.type(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
  await page.keyboard.press('Enter');
}

/**
 * Brings the walkthrough's page to the front: its tab when it is open (the page may come back on
 * its overview, then its card opens the walkthrough again), else "Welcome: Open Walkthrough...".
 */
async function showWalkthrough() {
  const first = stepRow('openSample');
  if (await first.isVisible()) {
    if (await first.isEnabled()) return;
  }
  const tab = page.locator('.tabs-container .tab', { hasText: /^Welcome/ }).first();
  if (await tab.isVisible()) {
    await tab.click();
  } else {
    await runCommand(page, 'Welcome: Open Walkthrough...');
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Get started with Superposition Lab' });
    await row.first().waitFor();
    await page.keyboard.type('Superposition Lab');
    await page.waitForFunction(() => document.querySelectorAll('.quick-input-list .monaco-list-row').length === 1);
    await page.keyboard.press('Enter');
  }
  const card = page.locator(`.getting-started-category[x-dispatch="selectCategory:${WALKTHROUGH}"]`);
  await Promise.race([first.waitFor({ timeout: 15_000 }), card.waitFor({ timeout: 15_000 })]);
  if (!(await first.isVisible())) await card.click();
  await first.waitFor({ timeout: 10_000 });
  // The page's buttons are disabled while it slides between its overview and a walkthrough.
  await page.waitForFunction(
    (sel) => document.querySelector(sel)?.disabled === false,
    `.getting-started-step[data-step-id="${WALKTHROUGH}#openSample"]`,
  );
}

/**
 * Expands a step of the walkthrough and clicks its button. `previous`: the step before, which the
 * page must show as done by now (the page redraws its checkmarks when it is shown again).
 */
async function clickStepButton(id, text, previous) {
  await showWalkthrough();
  if (previous) await stepDone(previous).waitFor({ timeout: 10_000 });
  const row = stepRow(id);
  if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
  await page.locator(`${'.getting-started-step.expanded'}[data-step-id="${WALKTHROUGH}#${id}"]`).waitFor();
  await row.locator('.button-container a.monaco-button', { hasText: text }).click();
}

describe('From install to first plot: the walkthrough in an empty workspace', () => {
  step('the walkthrough opens from the palette, in the light and the dark theme', async () => {
    await setTheme('Light Modern');
    await page.locator('.monaco-workbench.vs').waitFor({ timeout: 10_000 });
    await showWalkthrough();
    const titles = await page.locator('.getting-started-step .step-title').allTextContents();
    assert.deepEqual(titles, [
      'Open a checkpoint',
      'Analyze superposition',
      'Create an experiment',
      'Run it',
      'Preview as you edit',
      'Reproduce the paper (tiny)',
    ]);
    assert.equal(await page.locator('.getting-started-step[aria-checked="true"]').count(), 0, 'nothing done yet');
    await screenshot(page, '30-walkthrough-light');
    await setTheme('Dark Modern');
    await page.locator('.monaco-workbench.vs-dark').waitFor({ timeout: 10_000 });
    await showWalkthrough();
    await screenshot(page, '30b-walkthrough-dark');
  });

  step('1. "Open the sample checkpoint" opens the real LM head in the checkpoint viewer', async () => {
    await clickStepButton('openSample', 'Open the sample checkpoint');
    await page.locator('.tabs-container .tab', { hasText: 'stories260K.lm_head.safetensors' }).first().waitFor();
    const viewer = await webviewFrameWith(page, '.grid-rows .grid-row', 30_000);
    const names = await viewer.$$eval('.grid-rows .grid-row .grid-cell:first-child', (cells) =>
      cells.map((c) => c.textContent),
    );
    assert.deepEqual(names, ['tok_embeddings.weight']);
    assert.match(await viewer.$eval('#totals', (e) => e.textContent), /^1 tensor · .*parameters \(32,768\)/);
    await screenshot(page, '31-walkthrough-sample-viewer');
  });

  step('2. "Analyze the sample" opens the analysis panel with its numbers and plots', async () => {
    await clickStepButton('analyze', 'Analyze the sample', 'openSample');
    const frame = await webviewFrameWith(page, '#chart-row-norms[data-rendered="true"]', 60_000);
    const summary = await frame.$eval('#summary', (e) => e.textContent);
    assert.match(summary, /mean \(u·u\)²0\.3156/);
    assert.match(summary, /exact, all 130,816 pairs/);
    assert.equal(await frame.evaluate(() => window.superpositionLabViews['chart-row-norms'].data('norms').length), 60);
    await screenshot(page, '32-walkthrough-analysis');
  });

  step('3. "Create the quick demo" writes quick-demo.experiment.yaml into the workspace and opens it', async () => {
    await clickStepButton('newExperiment', 'Create the quick demo', 'analyze');
    // The name box, prefilled with the template's name: Enter accepts it. (It stays open while
    // the walkthrough takes the focus back.)
    const input = page.locator('.quick-input-widget input[type="text"]');
    await input.waitFor({ timeout: 10_000 });
    assert.equal(await input.inputValue(), 'quick-demo');
    await screenshot(page, '33-walkthrough-new-experiment-name');
    await input.press('Enter');
    await input.waitFor({ state: 'hidden', timeout: 10_000 });
    const file = path.join(WORKSPACE, 'quick-demo.experiment.yaml');
    await page.locator('.tabs-container .tab', { hasText: 'quick-demo.experiment.yaml' }).first().waitFor();
    const text = fs.readFileSync(file, 'utf8');
    assert.match(text, /^name: quick-demo$/m);
    assert.match(text, /^ {2}width: \[4, 8, 16, 32\]$/m);
    await page
      .locator('.codelens-decoration a', { hasText: 'Run experiment (8 runs, est.' })
      .waitFor({ timeout: 30_000 });
    await screenshot(page, '34-walkthrough-config-written');
  });

  step(
    '4. "Run the open experiment" trains it; the Runs view and the status bar count the runs, and stay live with the panel closed',
    async () => {
      // Every text the status bar item shows from now on, with when: proof that it kept updating.
      await page.evaluate(() => {
        window.__trainingTexts = [];
        const seen = () => {
          const item = [...document.querySelectorAll('.statusbar-item')].find((e) => /Training /.test(e.textContent));
          const text = item ? item.textContent.trim() : '';
          const last = window.__trainingTexts.at(-1);
          if (last?.text !== text) window.__trainingTexts.push({ text, at: Date.now() });
        };
        new MutationObserver(seen).observe(document.querySelector('.part.statusbar'), {
          subtree: true,
          childList: true,
          characterData: true,
          attributes: true,
        });
      });
      await clickStepButton('run', 'Run the open experiment', 'newExperiment');
      const frame = await webviewFrameWith(page, '#experiment-status #stop', 30_000);
      const status = page.locator('.statusbar-item', { hasText: /Training quick-demo [0-8]\/8/ }).first();
      await status.waitFor({ timeout: 30_000 });
      await screenshot(page, '35-walkthrough-training');
      assert.ok(await frame.$('#stop'), 'the panel shows Stop while it trains');

      // Close the experiment panel while it trains.
      const panelTab = page.locator('.tabs-container .tab', { hasText: 'Experiment: quick-demo' });
      // A middle click closes a tab, as in any VS Code.
      await panelTab.first().click({ button: 'middle' });
      await panelTab.first().waitFor({ state: 'detached', timeout: 10_000 });
      const closedAt = await page.evaluate(() => Date.now());
      const runsAtClose = await doneRunsOnDisk();

      // The Runs view, opened from the activity bar.
      await page.locator('.activitybar .action-item a[aria-label^="Superposition Lab"]').first().click();
      const experimentRow = page.locator('.pane-body .monaco-list-row', { hasText: 'quick-demo' }).first();
      await experimentRow.waitFor({ timeout: 15_000 });
      await screenshot(page, '36-runs-view-while-training');
      // Expand by the twisties (a click on the row itself runs its command: Show Experiment).
      await experimentRow.locator('.monaco-tl-twistie').click();
      // The quick demo has two series (γ = −1 and 0.3) of four widths: expand both.
      const seriesRows = page.locator('.pane-body .monaco-list-row[aria-level="2"]');
      await seriesRows.nth(1).waitFor({ timeout: 10_000 });
      for (const row of await seriesRows.all()) {
        if ((await row.getAttribute('aria-expanded')) !== 'true') await row.locator('.monaco-tl-twistie').click();
      }
      await page.locator('.pane-body .monaco-list-row[aria-level="3"]').nth(7).waitFor({ timeout: 10_000 });
      // Until the sweep ends: the view ends with all 8 runs done and the item goes away.
      await page
        .locator('.pane-body .monaco-list-row', { hasText: 'quick-demo' })
        .filter({ hasText: '8/8 runs' })
        .first()
        .waitFor({ timeout: 120_000 });
      await status.waitFor({ state: 'detached', timeout: 30_000 });
      assert.equal(
        await page.locator('.tabs-container .tab', { hasText: 'Experiment: quick-demo' }).count(),
        0,
        'the experiment panel stayed closed',
      );
      const runRows = page.locator('.pane-body .monaco-list-row[aria-level="3"]');
      assert.equal(await runRows.count(), 8);
      for (const row of await runRows.allTextContents()) assert.match(row, /^m = \d+loss [\d.]+ · φ½ [\d.]+$/);
      await screenshot(page, '37-runs-view-done');

      const texts = await page.evaluate(() => window.__trainingTexts);
      console.log(`# status bar while training: ${texts.map((t) => t.text || '(hidden)').join(' → ')}`);
      console.log(`# runs done on disk when the panel closed: ${runsAtClose} of 8`);
      assert.ok(runsAtClose < 8, 'the panel was closed while runs were still training');
      for (const { text } of texts) assert.match(text, /^(|Training quick-demo( [1-8]\/8)?)$/);
      const afterClose = texts.filter((t) => t.at > closedAt);
      assert.ok(
        afterClose.some((t) => /Training quick-demo [1-8]\/8/.test(t.text)) && afterClose.at(-1).text === '',
        'the status bar item went on counting after the panel closed, then went away',
      );
      const results = JSON.parse(
        fs.readFileSync(path.join(WORKSPACE, 'results', 'quick-demo', 'results.json'), 'utf8'),
      );
      assert.equal(results.runs.length, 8);
    },
  );

  step('5. "Preview the open experiment" draws the predictions beside the config', async () => {
    // The config is the one to preview: bring its editor back, then the walkthrough.
    await page.locator('.tabs-container .tab', { hasText: 'quick-demo.experiment.yaml' }).first().click();
    await clickStepButton('preview', 'Preview the open experiment', 'run');
    const frame = await webviewFrameWith(page, '#chart-prediction[data-rendered="true"]', 30_000);
    const weak = await frame.evaluate(() => window.superpositionLabViews['chart-prediction'].data('weak'));
    assert.ok(weak.length > 0, 'the weak-regime prediction is drawn');
    await page.locator('.tabs-container .tab', { hasText: 'Preview: quick-demo' }).first().waitFor();
    await screenshot(page, '38-walkthrough-preview');
  });

  step('6. "Reproduce, tiny" writes the report into the workspace and opens it', async () => {
    await clickStepButton('reproduce', 'Reproduce, tiny', 'preview');
    const report = await webviewFrameWith(page, '#claims', 180_000);
    assert.equal(await report.locator('#claims tbody tr').count(), 20, 'one row per claim H1–H20');
    const out = path.join(WORKSPACE, 'reproduction', 'tiny');
    assert.ok(fs.existsSync(path.join(out, 'report.html')), 'report.html written');
    const claims = JSON.parse(fs.readFileSync(path.join(out, 'claims.json'), 'utf8'));
    assert.equal(claims.complete, true);
    await screenshot(page, '39-walkthrough-reproduce-report');
    await showWalkthrough();
    await stepDone('reproduce').waitFor({ timeout: 10_000 });
    assert.equal(await page.locator('.getting-started-step[aria-checked="true"]').count(), 6, 'every step done');
  });
});

/** Runs whose record is saved in results/quick-demo/runs. */
async function doneRunsOnDisk() {
  const dir = path.join(WORKSPACE, 'results', 'quick-demo', 'runs');
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')).length : 0;
}
