// The experiment panel's runs table: every run of the sweep with its status in words, finished
// runs selectable by keyboard, and status cells updated in place.
import { describe, expect, it } from 'vitest';
import { runsTable, setStatusCell, statusLabel, type RunStatus } from '../../src/webview/experiment/tables';
import type { RunResult } from '../../src/core/toy/results';

const run = (id: string, width: number) => ({ id, series: 's', values: { width, weightDecay: -1 } });
const runs = [run('m8', 8), run('m2', 2), run('m4', 4), run('m16', 16), run('m32', 32)];
const finished = [
  {
    id: 'm2',
    values: { width: 2, weightDecay: -1 },
    finalLoss: 0.5,
    ms: 1500,
    backend: 'wasm',
  } as unknown as RunResult,
];
const statuses: Record<string, RunStatus> = {
  m2: { kind: 'done' },
  m4: { kind: 'running-here', step: 300, steps: 3000, loss: 0.25 },
  m8: { kind: 'running-elsewhere', host: 'node7', pid: 4242 },
  m16: { kind: 'failed', message: 'the GPU device was lost' },
  m32: { kind: 'pending' },
};

describe('runs table', () => {
  it('lists every run by width with its status, and only finished runs as buttons', () => {
    const selected: string[] = [];
    const table = runsTable(
      runs,
      finished,
      (id) => statuses[id]!,
      null,
      (id) => selected.push(id),
    );
    const rows = [...table.querySelectorAll('tbody tr')] as HTMLElement[];
    expect(rows.map((r) => r.dataset['run'])).toEqual(['m2', 'm4', 'm8', 'm16', 'm32']);
    expect(rows.map((r) => r.dataset['status'])).toEqual([
      'done',
      'running-here',
      'running-elsewhere',
      'failed',
      'pending',
    ]);
    expect(rows.map((r) => r.querySelector('td.run-status')!.textContent)).toEqual([
      'done',
      'running here · step 300/3000 · loss 0.25',
      'running elsewhere · node7:4242',
      'failed',
      'pending',
    ]);
    expect((rows[3]!.querySelector('td.run-status') as HTMLElement).title).toBe('the GPU device was lost');
    expect(rows.map((r) => r.querySelector('th button') !== null)).toEqual([true, false, false, false, false]);
    (rows[0]!.querySelector('th button') as HTMLButtonElement).click();
    expect(selected).toEqual(['m2']);
    expect(table.querySelector('caption')!.textContent).toBe('Runs (1 of 5 finished)');
  });

  it('updates a status cell in place', () => {
    const table = runsTable(
      runs,
      finished,
      (id) => statuses[id]!,
      null,
      () => {},
    );
    const row = table.querySelector('tr[data-run="m32"]') as HTMLElement;
    const cell = row.querySelector('td.run-status');
    setStatusCell(row, { kind: 'running-here', step: 50, steps: 3000, loss: null });
    expect(row.querySelector('td.run-status')).toBe(cell);
    expect(cell!.textContent).toBe('running here · step 50/3000');
    expect(row.dataset['status']).toBe('running-here');
    expect(cell!.className).toBe('run-status status-running-here');
  });

  it('says each state in words', () => {
    expect(statusLabel({ kind: 'pending' })).toBe('pending');
    expect(statusLabel({ kind: 'running-elsewhere', host: 'h', pid: 1 })).toBe('running elsewhere · h:1');
  });
});
