// Vega-Lite charts under the webview's strict CSP: specs are compiled to ASTs and evaluated by
// vega-interpreter (`ast: true`), never by `new Function`, so the page needs no 'unsafe-eval'.
// Colours and fonts come from VS Code's theme variables; charts re-render when the theme changes.

import embed, { type Result } from 'vega-embed';

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.body).getPropertyValue(name).trim();
  return v === '' ? fallback : v;
}

const TITLE_FONT_SIZE = 13;
const SUBTITLE_FONT_SIZE = 11;

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
    // Every text in the theme's colours: Vega's defaults (#000 subtitles and text marks) vanish on a dark theme.
    title: {
      color: fg,
      subtitleColor: muted,
      fontSize: TITLE_FONT_SIZE,
      subtitleFontSize: SUBTITLE_FONT_SIZE,
      fontWeight: 'normal',
    },
    text: { color: fg },
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
    // labelLimit 0: legends carry results (α_m = 0.98 ± 0.03); never cut them short.
    legend: { labelColor: muted, titleColor: fg, labelLimit: 0 },
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
  const result = await embed(el, wrapTitle(spec, el.clientWidth) as never, {
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

/**
 * Vega draws a title on one line and clips what does not fit: in a narrow panel a long subtitle
 * would lose its end. Break title and subtitle into lines that fit the chart's width, measured
 * in the font they are drawn in.
 */
export function wrapTitle(spec: Record<string, unknown>, width: number): Record<string, unknown> {
  const title = spec['title'];
  if (width <= 0 || typeof title !== 'object' || title === null || Array.isArray(title)) return spec;
  const t = title as Record<string, unknown>;
  const font = cssVar('--vscode-font-family', 'sans-serif');
  const wrapped: Record<string, unknown> = { ...t };
  if (typeof t['text'] === 'string') wrapped['text'] = wrapText(t['text'], `${TITLE_FONT_SIZE}px ${font}`, width);
  if (typeof t['subtitle'] === 'string') {
    wrapped['subtitle'] = wrapText(t['subtitle'], `${SUBTITLE_FONT_SIZE}px ${font}`, width);
  }
  return { ...spec, title: wrapped };
}

let measure: CanvasRenderingContext2D | null | undefined;

function wrapText(text: string, font: string, width: number): string | string[] {
  measure ??= document.createElement('canvas').getContext('2d');
  if (measure === null) return text;
  measure.font = font;
  // Vega pads the view by a few pixels on each side.
  const room = Math.max(80, width - 12);
  if (measure.measureText(text).width <= room) return text;
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const next = line === '' ? word : `${line} ${word}`;
    if (line !== '' && measure.measureText(next).width > room) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** Calls `fn` whenever VS Code switches theme (it changes the body's class). */
export function onThemeChange(fn: () => void): void {
  new MutationObserver(() => fn()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}
