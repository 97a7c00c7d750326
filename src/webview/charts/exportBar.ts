// Export buttons under a chart: the picture (SVG/PNG) and the plotted data (CSV/JSON). The page
// cannot write files; it sends the content to the host, which asks where to save it.

import { toCsv } from '../../core/charts/analysisSpecs';
import { h } from '../dom';

/** The `export` message of the panels' protocols (analysis and experiment share its shape). */
export interface ExportMessage {
  readonly type: 'export';
  readonly fileName: string;
  readonly format: 'svg' | 'png' | 'csv' | 'json';
  readonly content: string;
}

export interface Exportable {
  /** File name without extension, e.g. "model-lm_head-row-norms". */
  readonly baseName: string;
  readonly svg?: () => Promise<string>;
  /** A data: URL of a PNG. */
  readonly png?: () => Promise<string>;
  /** The plotted data; absent where it would be too large to be useful (heatmaps). */
  readonly rows?: () => readonly Record<string, number | string | null>[];
}

export function exportBar(item: Exportable, post: (m: ExportMessage) => void): HTMLElement {
  const send = (format: 'svg' | 'png' | 'csv' | 'json', content: string) =>
    post({ type: 'export', fileName: `${item.baseName}.${format}`, format, content });
  const button = (label: string, title: string, action: () => Promise<void>) =>
    h('button', {
      text: label,
      class: 'small',
      attrs: { type: 'button', title, 'data-export': label.toLowerCase() },
      on: { click: () => void action() },
    });
  return h(
    'div',
    { class: 'export-bar', attrs: { role: 'group', 'aria-label': 'Export' } },
    h('span', { class: 'muted', text: 'Export' }),
    item.svg ? button('SVG', 'Save the chart as SVG', async () => send('svg', await item.svg!())) : null,
    item.png
      ? button('PNG', 'Save the chart as PNG', async () =>
          send('png', (await item.png!()).replace(/^data:image\/png;base64,/, '')),
        )
      : null,
    item.rows ? button('CSV', 'Save the plotted data as CSV', async () => send('csv', toCsv(item.rows!()))) : null,
    item.rows
      ? button('JSON', 'Save the plotted data as JSON', async () =>
          send('json', `${JSON.stringify(item.rows!(), null, 2)}\n`),
        )
      : null,
  );
}
