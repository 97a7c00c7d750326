// Driving the real VS Code workbench (code-server) with Playwright and Debian's Chromium.
// Selectors and timing lessons: ../shared/docs/vscode-host.md §3.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium } from 'playwright-core';

export const ORIGIN = process.env.CS_ORIGIN ?? 'http://127.0.0.1:8931';
export const WORKSPACE = process.env.E2E_WORKSPACE ?? '';
export const SHOTS = path.resolve(process.env.SHOTS_DIR ?? 'test-output/e2e');

// --enable-unsafe-webgpu gives the SwiftShader WebGPU adapter (the software fallback) headless.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-webgpu',
];

export async function launch() {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'spl-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: CHROMIUM_ARGS,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const consoleLines = [];
  page.on('console', (m) => consoleLines.push(m.text()));
  return {
    page,
    consoleLines,
    async close() {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export function workbenchUrl(folder = WORKSPACE, payload) {
  let url = `${ORIGIN}/?folder=${encodeURIComponent(folder)}`;
  if (payload) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return url;
}

export async function openWorkbench(page) {
  await page.goto(workbenchUrl());
  await explorerRow(page, 'model.safetensors').waitFor({ timeout: 90_000 });
}

/** Double-clicks a file in the explorer until its editor tab is open (a click can be swallowed while focus moves). */
export async function openFromExplorer(page, name) {
  const tab = page.locator('.tabs-container .tab', { hasText: name });
  for (let i = 0; i < 3; i++) {
    await explorerRow(page, name).dblclick();
    try {
      await tab.first().waitFor({ timeout: 5000 });
      return;
    } catch {
      // try again
    }
  }
  throw new Error(`could not open ${name} from the explorer`);
}

export function explorerRow(page, name) {
  return page.locator(`.explorer-folders-view .monaco-list-row[aria-label=${JSON.stringify(name)}]`).first();
}

/** Expands a folder in the explorer unless it is already expanded. */
export async function expandFolder(page, name) {
  const row = explorerRow(page, name);
  const expanded = page.locator(
    `.explorer-folders-view .monaco-list-row[aria-label=${JSON.stringify(name)}][aria-expanded="true"]`,
  );
  // A click can be swallowed while focus moves between parts of the workbench: retry.
  for (let attempt = 0; attempt < 5; attempt++) {
    if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
    try {
      await expanded.waitFor({ timeout: 3000 });
      return;
    } catch {
      // try again
    }
  }
  throw new Error(`could not expand ${name} in the explorer`);
}

/**
 * Selects the explorer rows from `first` to `last` (shift-click), retrying until `count` are
 * selected. With `folder`, the folder is expanded again first on each try: a late click on a
 * folder row toggles it shut again (seen once in CI: the rows were gone for 30 s).
 */
export async function selectRange(page, first, last, count, folder) {
  const selected = page.locator('.explorer-folders-view .monaco-list-row[aria-selected="true"]');
  for (let attempt = 0; attempt < 5; attempt++) {
    if (folder !== undefined) await expandFolder(page, folder);
    try {
      await explorerRow(page, first).click({ timeout: 5000 });
      await explorerRow(page, last).click({ modifiers: ['Shift'], timeout: 5000 });
    } catch {
      continue; // the rows were not there (folder collapsed, list re-rendering): try again
    }
    if ((await selected.count()) === count) return;
    await page.waitForTimeout(300);
  }
  throw new Error(`could not select ${count} rows from ${first} to ${last}`);
}

/**
 * Runs an explorer context-menu entry. VS Code's menus ignore a click that comes too soon after
 * they open (so the right-click's own mouseup cannot pick an item): hover first, pause, click,
 * and click again if the menu is still open.
 */
export async function contextMenuCommand(page, rowName, itemText) {
  const item = page.locator('.monaco-menu .action-item', { hasText: itemText }).first();
  // A menu opened while focus is still moving (e.g. an editor opening) can close at once: retry.
  for (let attempt = 0; ; attempt++) {
    await explorerRow(page, rowName).click({ button: 'right' });
    try {
      await item.waitFor({ timeout: 5000 });
      // The menu can also close between appearing and the hover: that is a retry too.
      await item.hover({ timeout: 5000 });
      break;
    } catch (e) {
      if (attempt === 3) throw e;
      await page.keyboard.press('Escape');
    }
  }
  await page.waitForTimeout(300);
  for (let i = 0; i < 3 && (await item.isVisible()); i++) {
    await item.click().catch(() => {});
    await page.waitForTimeout(500);
  }
}

/** Runs `fn`; on failure saves a screenshot named FAILED-<name> before rethrowing. */
export async function shotOnFailure(page, name, fn) {
  try {
    return await fn();
  } catch (e) {
    await screenshot(page, `FAILED-${name}`).catch(() => {});
    throw e;
  }
}

/**
 * Runs a command from the palette. Retries: quick-pick results only include commands registered
 * by the time of typing. Enter runs the highlighted first row, which is steadier than a click on a
 * list that may re-render under the mouse.
 */
export async function runCommand(page, title) {
  const input = page.locator('.quick-input-widget input[type="text"]');
  const rows = page.locator('.quick-input-list .monaco-list-row');
  for (let i = 0; i < 30; i++) {
    try {
      // Another quick input (a save dialog closing, a picker) may still be up: start clean.
      if (await input.isVisible()) {
        await page.keyboard.press('Escape');
        await input.waitFor({ state: 'hidden', timeout: 2000 });
      }
      await page.keyboard.press('F1');
      await input.waitFor({ timeout: 5000 });
      await input.fill(`>${title}`, { timeout: 2000 });
      const match = rows
        .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(title)}$`) }) })
        .first();
      await match.waitFor({ timeout: 1000 });
      // Walk the highlight down to the match, then Enter.
      const labels = await rows.locator('.label-name').allTextContents();
      const index = labels.indexOf(title);
      for (let k = 0; k < index; k++) await input.press('ArrowDown');
      await input.press('Enter');
      // Let the palette close before anything else is clicked (commands that open another
      // quick pick, like the colour-theme picker, keep it open: that is fine too).
      await input.waitFor({ state: 'hidden', timeout: 3000 }).catch(() => {});
      return;
    } catch {
      await page.waitForTimeout(300);
      // F1 does nothing while a menu or a webview holds the keyboard: every few tries, close
      // what may be open and click the title bar to give the workbench its focus back.
      if (i % 5 === 4) {
        await page.keyboard.press('Escape');
        await page.keyboard.press('Escape');
        await page
          .locator('.part.titlebar')
          .click({ position: { x: 200, y: 10 }, timeout: 2000 })
          .catch(() => {});
      }
    }
  }
  throw new Error(`command not found in the palette: ${title}`);
}

function escapeRegExp(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export async function closeAllEditors(page) {
  // A menu or quick pick left open by a failed step would make the palette inert.
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');
  await runCommand(page, 'View: Close All Editors');
  await page
    .locator('.editor-group-container .tab')
    .first()
    .waitFor({ state: 'detached', timeout: 10_000 })
    .catch(() => {});
}

/**
 * The content frame of the visible webview: webviews are two nested iframes, and hidden ones
 * stay in the DOM, so take the frame whose outer iframe is visible.
 */
export function webview(page) {
  return page.frameLocator('iframe.webview.ready:visible').first().frameLocator('#active-frame');
}

/**
 * The content frame of the webview that holds `selector` (several webviews can be visible at once,
 * e.g. a viewer and the analysis panel beside it). Waits up to `timeout` ms.
 */
export async function webviewFrameWith(page, selector, timeout = 30_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    for (const frame of page.frames()) {
      if (!frame.url().includes('fake.html')) continue;
      try {
        if (await frame.$(selector)) return frame;
      } catch {
        // The frame navigated or went away while we looked: try the others.
      }
    }
    if (Date.now() > deadline) throw new Error(`no webview shows ${selector}`);
    await page.waitForTimeout(200);
  }
}

export async function screenshot(page, name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  const file = path.join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Console lines that report a Content-Security-Policy violation. */
export function cspViolations(lines) {
  return lines.filter(
    (l) => /Content Security Policy/i.test(l) && !/vscode-webview:\/\/.*\/index\.html|pre\/index\.html/.test(l),
  );
}

/**
 * Texts of the charts in a webview frame that a reader could not read: outside their chart,
 * cut short by Vega ("…"), or below 4.5:1 contrast against the theme's editor background.
 * (The browser layer checks every chart at several widths in both themes; this checks the real
 * panel in the real theme.)
 */
export async function unreadableChartTexts(frame) {
  return frame.evaluate(() => {
    const rgb = (c) => (/rgba?\(([^)]+)\)/.exec(c)?.[1] ?? '0,0,0').split(',').map((p) => Number(p.trim()));
    const hex = (h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
    const lum = (c) =>
      c
        .slice(0, 3)
        .map((v) => v / 255)
        .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
        .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
    const bgText = getComputedStyle(document.documentElement).getPropertyValue('--vscode-editor-background').trim();
    const bg = bgText.startsWith('#') ? hex(bgText) : rgb(bgText);
    const problems = [];
    for (const svg of document.querySelectorAll('.chart svg')) {
      const area = svg.getBoundingClientRect();
      for (const el of svg.querySelectorAll('text')) {
        const text = el.textContent.trim();
        const style = getComputedStyle(el);
        const alpha = Number(style.fillOpacity || 1) * Number(style.opacity || 1) * (rgb(style.fill)[3] ?? 1);
        if (text === '' || alpha === 0) continue;
        const box = el.getBoundingClientRect();
        if (box.left < area.left - 1 || box.right > area.right + 1 || box.top < area.top - 1) {
          problems.push(`${text}: outside its chart`);
        }
        if (text.endsWith('…')) problems.push(`${text}: cut short`);
        const fg = rgb(style.fill)
          .slice(0, 3)
          .map((v, i) => v * alpha + bg[i] * (1 - alpha));
        const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
        const ratio = (hi + 0.05) / (lo + 0.05);
        if (ratio < 4.5) problems.push(`${text}: contrast ${ratio.toFixed(2)}:1`);
      }
    }
    return problems;
  });
}

/**
 * Saves `name` in the current theme (Dark Modern, since the viewer's theme test), then
 * `name-light` in Light Modern, and switches back: the README shows each feature in both themes.
 * `frame` is the webview on screen, whose body class follows the theme; charts redraw on the change.
 */
export async function screenshotInBothThemes(page, frame, name) {
  await screenshot(page, name);
  for (const [kind, file] of [
    ['light', `${name}-light`],
    ['dark', undefined],
  ]) {
    await runCommand(page, 'Preferences: Toggle between Light/Dark Themes');
    await frame.waitForSelector(`body.vscode-${kind}`, { timeout: 10_000 });
    // Charts redraw on the class change (a MutationObserver in each page): let them finish.
    await page.waitForTimeout(1500);
    if (file) await screenshot(page, file);
  }
}
