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
    autosize: { type: 'fit-x', contains: 'padding', resize: true },
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
        // Vega's ticks on a symlog scale are linear (0, 2000, 4000, …) and crowd the top: use decades.
        ...(options.logCounts ? { axis: { values: decades(h.counts.reduce((a, c) => Math.max(a, c), 0)) } } : {}),
      },
    },
  };
}

/** 0, 1, 10, 100, … up to the first power of ten at or above `max`. */
export function decades(max: number): number[] {
  const values = [0, 1];
  while (values[values.length - 1]! < max) values.push(values[values.length - 1]! * 10);
  return values;
}
