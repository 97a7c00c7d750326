// The pane beside the table: facts about the selected tensor, and its value statistics on
// demand (computed by the host in chunks, with progress and a Cancel button).

import type { ModelTensor } from '../../core/safetensors/model';
import type { TensorStats } from '../../core/safetensors/stats';
import type { WireError } from '../../core/errors';
import { DTYPE_INFO } from '../../core/safetensors/dtype';
import { formatBytes, formatInteger, formatShape, formatValue } from '../../core/format';
import { histogramSpec } from '../../core/charts/histogramSpec';
import { h } from '../dom';
import { renderChart, type Chart } from '../charts/vegaChart';
import { progressLabel } from './progress';

export type StatsState =
  | { readonly kind: 'none' }
  | { readonly kind: 'running'; readonly fraction: number; readonly startedAt: number }
  | { readonly kind: 'done'; readonly stats: TensorStats }
  | { readonly kind: 'failed'; readonly error: WireError };

export interface DetailsEvents {
  onCompute(t: ModelTensor): void;
  onAnalyze(t: ModelTensor): void;
  onCancel(): void;
  onLogCountsChange(log: boolean): void;
}

function factList(rows: readonly (readonly [string, string])[]): HTMLElement {
  return h('dl', { class: 'facts' }, ...rows.flatMap(([k, v]) => [h('dt', { text: k }), h('dd', { text: v })]));
}

export class DetailsPane {
  readonly element = h('section', {
    class: 'details',
    attrs: { 'aria-label': 'Selected tensor', 'aria-live': 'polite' },
  });
  private chart: Chart | undefined;
  private current: { tensor: ModelTensor; state: StatsState } | undefined;

  constructor(
    private readonly events: DetailsEvents,
    private logCounts: boolean,
  ) {
    this.showNothing();
  }

  showNothing(): void {
    this.current = undefined;
    this.disposeChart();
    this.element.replaceChildren(
      h('p', {
        class: 'muted',
        text: 'Select a tensor to see its details. Enter or double-click computes its value statistics.',
      }),
    );
  }

  show(tensor: ModelTensor, shardFile: string, dataStart: number | null, state: StatsState): void {
    this.current = { tensor, state };
    this.disposeChart();
    const why = DTYPE_INFO[tensor.dtype].notDecodableBecause;
    const facts = factList([
      ['dtype', tensor.dtype],
      ['shape', formatShape(tensor.shape)],
      ['parameters', formatInteger(tensor.numel)],
      ['size', `${formatBytes(tensor.end - tensor.begin)} (${formatInteger(tensor.end - tensor.begin)} bytes)`],
      ['file', shardFile],
      [
        'offsets',
        dataStart === null
          ? `[${tensor.begin}, ${tensor.end})`
          : `[${formatInteger(dataStart + tensor.begin)}, ${formatInteger(dataStart + tensor.end)}) in the file`,
      ],
    ]);
    const body: HTMLElement[] = [
      h('h2', { class: 'tensor-name', text: tensor.name, attrs: { title: tensor.name } }),
      facts,
    ];
    if (why === null && tensor.shape.length === 2 && tensor.numel > 0) {
      body.push(
        h('button', {
          text: 'Analyze superposition',
          attrs: {
            type: 'button',
            id: 'analyze-tensor',
            title: 'Row norms, overlaps of normalised rows and the Welch bound of this matrix, in a panel beside',
          },
          on: { click: () => this.events.onAnalyze(tensor) },
        }),
      );
    }
    if (why !== null) {
      body.push(h('p', { class: 'muted', text: `Statistics are not available: ${tensor.dtype} is ${why}.` }));
    } else {
      body.push(this.statsSection(tensor, state));
    }
    this.element.replaceChildren(...body);
    if (state.kind === 'done' && state.stats.histogram) void this.drawHistogram(tensor, state.stats);
  }

  /** Updates the progress bar in place, so keyboard focus on Cancel survives progress ticks. */
  updateProgress(fraction: number): void {
    const state = this.current?.state;
    if (this.current === undefined || state?.kind !== 'running') return;
    this.current = { ...this.current, state: { ...state, fraction } };
    this.element.querySelector('progress')?.setAttribute('value', String(Math.round(fraction * 100)));
    const label = this.element.querySelector('.progress-row span');
    if (label) label.textContent = progressLabel(fraction, performance.now() - state.startedAt);
  }

  /** Re-renders the current tensor (e.g. after a theme change). */
  refresh(shardFile: string, dataStart: number | null): void {
    if (this.current) this.show(this.current.tensor, shardFile, dataStart, this.current.state);
  }

  private statsSection(tensor: ModelTensor, state: StatsState): HTMLElement {
    const section = h('div', { class: 'stats' });
    switch (state.kind) {
      case 'none':
      case 'failed': {
        const button = h('button', {
          class: 'primary',
          text: 'Compute statistics',
          attrs: { type: 'button', id: 'compute-stats' },
          on: { click: () => this.events.onCompute(tensor) },
        });
        section.append(button);
        if (state.kind === 'failed') {
          const cancelled = state.error.code === 'job/cancelled';
          section.append(
            h('p', {
              class: cancelled ? 'muted' : 'error',
              text: cancelled ? 'Cancelled.' : state.error.message,
              attrs: cancelled ? {} : { role: 'alert' },
            }),
          );
        }
        break;
      }
      case 'running': {
        const pct = Math.round(state.fraction * 100);
        section.append(
          h(
            'div',
            { class: 'progress-row' },
            h('progress', { attrs: { max: '100', value: String(pct), 'aria-label': 'Computing statistics' } }),
            h('span', { class: 'muted', text: progressLabel(state.fraction, performance.now() - state.startedAt) }),
            h('button', {
              text: 'Cancel',
              attrs: { type: 'button', id: 'cancel-stats' },
              on: { click: () => this.events.onCancel() },
            }),
          ),
        );
        break;
      }
      case 'done': {
        const s = state.stats;
        const pct = (n: number) => `${formatInteger(n)} (${((100 * n) / Math.max(1, s.numel)).toFixed(2)}%)`;
        section.append(
          h('h3', { text: 'Values' }),
          factList([
            ['min', formatValue(s.min)],
            ['max', formatValue(s.max)],
            ['mean', formatValue(s.mean)],
            ['std', formatValue(s.std)],
            ['zeros', pct(s.zeros)],
            ['NaN', pct(s.nan)],
            ['+Inf / −Inf', `${formatInteger(s.posInf)} / ${formatInteger(s.negInf)}`],
          ]),
        );
        if (s.histogram) {
          const toggle = h('input', {
            attrs: { type: 'checkbox', id: 'log-counts' },
            on: { change: (e) => this.setLog((e.target as HTMLInputElement).checked) },
          });
          toggle.checked = this.logCounts;
          section.append(
            h('div', { class: 'chart-toolbar' }, h('label', {}, toggle, ' log count axis')),
            h('div', {
              class: 'chart',
              attrs: { id: 'histogram', role: 'img', 'aria-label': `Histogram of the values of ${tensor.name}` },
            }),
          );
        }
        break;
      }
    }
    return section;
  }

  private setLog(log: boolean): void {
    this.logCounts = log;
    this.events.onLogCountsChange(log);
    const c = this.current;
    if (c?.state.kind === 'done') void this.drawHistogram(c.tensor, c.state.stats);
  }

  private async drawHistogram(tensor: ModelTensor, stats: TensorStats): Promise<void> {
    const el = this.element.querySelector<HTMLElement>('#histogram');
    if (!el || !stats.histogram) return;
    this.disposeChart();
    try {
      this.chart = await renderChart(
        el,
        histogramSpec(stats.histogram, { title: `Values of ${tensor.name}`, logCounts: this.logCounts }),
      );
      el.dataset['rendered'] = 'true';
    } catch (e) {
      el.replaceChildren(
        h('p', { class: 'error', text: `Could not draw the histogram: ${e instanceof Error ? e.message : String(e)}` }),
      );
    }
  }

  private disposeChart(): void {
    this.chart?.dispose();
    this.chart = undefined;
  }
}
