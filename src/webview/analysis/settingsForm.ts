// The panel's settings (pair budget, sampled rows, seed) and Run again with them. Bad numbers
// fall back to the current values rather than reaching the host.

import type { AnalysisSettings } from '../../shared/computeJobs';
import { h } from '../dom';

export function settingsForm(s: AnalysisSettings, rerun: (settings: AnalysisSettings) => void): HTMLElement {
  const field = (label: string, name: keyof AnalysisSettings, value: number, help: string) =>
    h(
      'label',
      { class: 'field', attrs: { title: help } },
      `${label} `,
      h('input', { attrs: { type: 'number', name, value: String(value), min: '0', step: 'any' } }),
    );
  const form = h(
    'form',
    { class: 'settings', attrs: { id: 'settings-form' } },
    field(
      'exact pairs up to n²·m =',
      'pairBudget',
      s.pairBudget,
      'Beyond this, mean and max |overlap| are estimated from a sample of rows',
    ),
    field('sample rows', 'sampleRows', s.sampleRows, 'Rows sampled for pair statistics beyond the budget'),
    field('seed', 'seed', s.seed, 'Seed of the row sample'),
    h('button', { text: 'Run again', attrs: { type: 'submit' } }),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const num = (k: string, fallback: number) => {
      const x = Number(data.get(k));
      return Number.isFinite(x) && x >= 0 ? x : fallback;
    };
    rerun({
      ...s,
      pairBudget: num('pairBudget', s.pairBudget),
      sampleRows: Math.max(2, Math.round(num('sampleRows', s.sampleRows))),
      seed: Math.round(num('seed', s.seed)),
    });
  });
  return h('details', { class: 'settings-box' }, h('summary', { text: 'Settings' }), form);
}
