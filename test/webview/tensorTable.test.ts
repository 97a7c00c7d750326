// The virtualised grid under happy-dom: few DOM rows for many tensors, keyboard navigation,
// ARIA attributes and sort events.
import { beforeEach, describe, expect, it, vi, type Mock } from 'vitest';
import { TensorTable, type Column } from '../../src/webview/viewer/tensorTable';
import type { ModelTensor } from '../../src/core/safetensors/model';
import type { SortKey } from '../../src/webview/viewer/tableModel';

const rows: ModelTensor[] = Array.from({ length: 10_000 }, (_, i) => ({
  name: `t.${i}`,
  dtype: 'F32',
  shape: [i],
  numel: i,
  begin: 0,
  end: 4 * i,
  shard: 0,
}));
const columns: Column[] = [
  { key: 'name', title: 'Name', width: '1fr', cell: (t) => t.name },
  { key: 'parameters', title: 'Parameters', width: '8em', align: 'right', cell: (t) => String(t.numel) },
];

describe('TensorTable', () => {
  let events: {
    onSelect: Mock<(t: ModelTensor) => void>;
    onActivate: Mock<(t: ModelTensor) => void>;
    onSort: Mock<(key: SortKey) => void>;
  };
  let table: TensorTable;
  beforeEach(() => {
    document.body.replaceChildren();
    events = { onSelect: vi.fn(), onActivate: vi.fn(), onSort: vi.fn() };
    table = new TensorTable(columns, events);
    document.body.append(table.element);
    table.setRows(rows, null);
  });

  it('renders only a window of rows for 10,000 tensors, with ARIA row counts', () => {
    expect(table.renderedRowCount).toBeGreaterThan(0);
    expect(table.renderedRowCount).toBeLessThan(60);
    expect(table.element.getAttribute('aria-rowcount')).toBe('10001');
    const first = table.element.querySelector('.grid-rows .grid-row')!;
    expect(first.getAttribute('aria-rowindex')).toBe('2');
    expect(first.textContent).toBe('t.00');
  });

  it('moves the selection with the keyboard and activates with Enter', () => {
    const viewport = table.element.querySelector<HTMLElement>('.grid-viewport')!;
    const key = (k: string) => viewport.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true }));
    key('ArrowDown');
    expect(events.onSelect).toHaveBeenLastCalledWith(rows[0]);
    key('ArrowDown');
    key('ArrowDown');
    expect(events.onSelect).toHaveBeenLastCalledWith(rows[2]);
    key('End');
    expect(events.onSelect).toHaveBeenLastCalledWith(rows[9999]);
    expect(viewport.getAttribute('aria-activedescendant')).toBe('row-9999');
    key('Enter');
    expect(events.onActivate).toHaveBeenCalledWith(rows[9999]);
    key('Home');
    expect(events.onSelect).toHaveBeenLastCalledWith(rows[0]);
  });

  it('marks the sorted column and reports header clicks', () => {
    table.setSort('parameters', true);
    const headers = table.element.querySelectorAll('[role="columnheader"]');
    expect(headers[0]!.getAttribute('aria-sort')).toBe('none');
    expect(headers[1]!.getAttribute('aria-sort')).toBe('descending');
    expect(headers[1]!.textContent).toBe('Parameters ▼');
    headers[0]!.querySelector('button')!.click();
    expect(events.onSort).toHaveBeenCalledWith('name');
  });

  it('keeps the selected row across new row sets by name', () => {
    table.setRows(rows.slice(0, 5), 't.3');
    const selected = table.element.querySelector('.grid-row.selected');
    expect(selected?.textContent).toBe('t.33');
    expect(selected?.getAttribute('aria-selected')).toBe('true');
  });
});
