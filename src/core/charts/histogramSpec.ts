// Vega-Lite spec of a value histogram (equal-width bins from TensorStats). Pure data in, pure
// JSON out; the webview adds the theme. The count axis can be logarithmic (symlog, so empty
// bins stay drawable) because weight histograms are often dominated by a few bins.

import type { Histogram } from '../safetensors/stats';

export interface HistogramBin {
  readonly lo: number;
  readonly hi: number;
  readonly count: number;
}

export function histogramBins(h: Histogram): HistogramBin[] {
  const n = h.counts.length;
  const width = (h.max - h.min) / n;
  return h.counts.map((count, i) => ({
    lo: h.min + i * width,
    hi: i === n - 1 ? h.max : h.min + (i + 1) * width,
    count,
  }));
}

export function histogramSpec(
  h: Histogram,
  options: { readonly title: string; readonly logCounts: boolean },
): Record<string, unknown> {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: options.title,
    title: { text: options.title, anchor: 'start' },
    width: 'container',
    height: 160,
    autosize: { type: 'fit-x', contains: 'padding' },
    data: { name: 'bins', values: histogramBins(h) },
    mark: { type: 'bar', tooltip: true, binSpacing: 0 },
    encoding: {
      x: { field: 'lo', type: 'quantitative', bin: { binned: true }, title: 'value', axis: { format: '~g' } },
      x2: { field: 'hi' },
      y: {
        field: 'count',
        type: 'quantitative',
        title: options.logCounts ? 'count (log)' : 'count',
        scale: options.logCounts ? { type: 'symlog' } : { type: 'linear' },
      },
    },
  };
}
