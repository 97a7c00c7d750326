// Static SVG from a Vega-Lite spec, for report.html: Vega's headless View renders SVG strings in
// Node with no DOM and no canvas (text widths are estimated; the CLI bundle aliases vega-canvas
// to its browser build, which finds no canvas and returns null). Data never comes from a URL.

import * as vega from 'vega';
import { compile } from 'vega-lite';
import type { ChartTheme } from '../core/reproduce/report';

const PALETTE = ['#3794ff', '#d18616', '#2ea043', '#f14c4c', '#b180d7', '#cca700'];

function themeConfig(theme: ChartTheme): Record<string, unknown> {
  const fg = theme === 'dark' ? '#e0e0e0' : '#1f1f1f';
  const muted = theme === 'dark' ? '#a0a0a0' : '#616161';
  const grid = theme === 'dark' ? 'rgba(200,200,200,0.25)' : 'rgba(0,0,0,0.15)';
  return {
    background: theme === 'dark' ? '#1e1e1e' : '#ffffff',
    font: 'system-ui, sans-serif',
    view: { stroke: null },
    title: { color: fg, subtitleColor: muted, fontSize: 13, fontWeight: 'normal' },
    axis: { labelColor: muted, titleColor: fg, domainColor: grid, tickColor: grid, gridColor: grid },
    legend: { labelColor: muted, titleColor: fg, labelLimit: 0 },
    text: { color: fg },
    mark: { color: PALETTE[0] },
    range: { category: PALETTE },
  };
}

const refuse = () => Promise.reject(new Error('Loading data from URLs is disabled.'));

export async function renderSvg(spec: Record<string, unknown>, theme: ChartTheme): Promise<string> {
  const compiled = compile(spec as never, { config: themeConfig(theme) as never }).spec;
  const view = new vega.View(vega.parse(compiled), {
    renderer: 'none',
    loader: { load: refuse, sanitize: refuse, http: refuse, file: refuse } as never,
  });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
