// Vega-Lite charts under the webview's strict CSP: specs are compiled to ASTs and evaluated by
// vega-interpreter (`ast: true`), never by `new Function`, so the page needs no 'unsafe-eval'.
// Colours and fonts come from VS Code's theme variables; charts re-render when the theme changes.

import embed, { type Result } from 'vega-embed';

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.body).getPropertyValue(name).trim();
  return v === '' ? fallback : v;
}

/** A Vega config from the current VS Code theme. */
export function themeConfig(): Record<string, unknown> {
  const fg = cssVar('--vscode-editor-foreground', '#333');
  const muted = cssVar('--vscode-descriptionForeground', fg);
  const grid = cssVar('--vscode-editorWidget-border', 'rgba(128,128,128,0.3)');
  const accent = cssVar('--vscode-charts-blue', '#3794ff');
  const font = cssVar('--vscode-font-family', 'sans-serif');
  return {
    background: null,
    font,
    view: { stroke: null },
    title: { color: fg, fontSize: 13, fontWeight: 'normal' },
    axis: {
      labelColor: muted,
      titleColor: fg,
      domainColor: grid,
      tickColor: grid,
      gridColor: grid,
      gridOpacity: 0.5,
      labelFont: font,
      titleFont: font,
    },
    legend: { labelColor: muted, titleColor: fg },
    mark: { color: accent },
    bar: { fill: accent },
    range: {
      category: [
        accent,
        cssVar('--vscode-charts-orange', '#d18616'),
        cssVar('--vscode-charts-green', '#89d185'),
        cssVar('--vscode-charts-red', '#f14c4c'),
        cssVar('--vscode-charts-purple', '#b180d7'),
        cssVar('--vscode-charts-yellow', '#cca700'),
      ],
    },
  };
}

export interface Chart {
  readonly result: Result;
  dispose(): void;
}

export async function renderChart(el: HTMLElement, spec: Record<string, unknown>): Promise<Chart> {
  const result = await embed(el, spec as never, {
    ast: true, // CSP: interpret expressions instead of compiling them with Function
    actions: false,
    defaultStyle: false,
    renderer: 'svg',
    config: themeConfig() as never,
    // No network, ever: a loader that refuses every URL.
    loader: {
      load: () => Promise.reject(new Error('Loading data from URLs is disabled.')),
      sanitize: () => Promise.reject(new Error('disabled')),
      http: () => Promise.reject(new Error('disabled')),
      file: () => Promise.reject(new Error('disabled')),
    } as never,
  });
  return { result, dispose: () => result.finalize() };
}

/** Calls `fn` whenever VS Code switches theme (it changes the body's class). */
export function onThemeChange(fn: () => void): void {
  new MutationObserver(() => fn()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}
