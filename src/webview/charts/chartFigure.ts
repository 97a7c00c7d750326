// A chart in a figure with its export bar. The rendered Vega views are also kept by chart id on
// window.superpositionLabViews, for the end-to-end tests (they read the plotted data) and devtools.

import type { ChartData } from '../../core/charts/analysisSpecs';
import { h } from '../dom';
import { exportBar, type ExportMessage } from './exportBar';
import { renderChart, type Chart } from './vegaChart';

type ViewRegistry = { superpositionLabViews?: Record<string, unknown> };

/** Draws `data` into a new figure appended to `into`; null (with the reason shown) if it fails. */
export async function chartFigure(
  id: string,
  data: ChartData,
  baseName: string,
  into: HTMLElement,
  post: (m: ExportMessage) => void,
): Promise<Chart | null> {
  const holder = h('div', { class: 'chart', attrs: { id } });
  const figure = h('figure', { class: 'chart-figure' }, holder);
  into.append(figure);
  try {
    const chart = await renderChart(holder, data.spec);
    const registry = window as unknown as ViewRegistry;
    registry.superpositionLabViews ??= {};
    registry.superpositionLabViews[id] = chart.result.view;
    holder.dataset['rendered'] = 'true';
    figure.append(
      exportBar(
        {
          baseName,
          svg: () => chart.result.view.toSVG(),
          png: () => chart.result.view.toImageURL('png', 2),
          rows: () => data.rows,
        },
        post,
      ),
    );
    return chart;
  } catch (e) {
    holder.replaceChildren(
      h('p', { class: 'error', text: `Could not draw this chart: ${e instanceof Error ? e.message : String(e)}` }),
    );
    return null;
  }
}
