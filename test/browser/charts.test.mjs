// Browser layer: every chart keeps its words readable — titles, subtitles, α_m in legends, axis
// labels — in VS Code's dark and light themes, in a narrow panel and a wide one. The page draws
// with the panels' own code (test/browser/chartsPage.ts) and lists what a reader could not read.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, screenshot } from '../e2e/workbench.mjs';
import { servePage } from './pageServer.mjs';

let server;
let browser;

before(async () => {
  server = await servePage('chartsPage');
  browser = await launch();
  await browser.page.goto(`${server.origin}/`);
  await browser.page.locator('body[data-ready="true"]').waitFor({ timeout: 30_000 });
});

after(async () => {
  await browser?.close();
  server?.close();
});

for (const theme of ['dark', 'light']) {
  for (const width of [420, 1000, 1600]) {
    test(
      `every chart's text is inside its chart, whole, and at least 4.5:1 contrast (${theme}, ${width} px)`,
      { timeout: 120_000 },
      async () => {
        const r = await browser.page.evaluate(([t, w]) => window.checkCharts(t, w), [theme, width]);
        await screenshot(browser.page, `charts-${theme}-${width}`);
        assert.ok(r.charts >= 13, `${r.charts} charts drawn`);
        assert.ok(r.texts > 100, `${r.texts} texts checked`);
        assert.deepEqual(r.problems, []);
      },
    );
  }
}
