// A virtualised, keyboard-accessible grid of tensors. Only the rows in view (plus a small
// overscan) exist in the DOM, and they are reused as you scroll, so 100,000 tensors cost the
// same as 50. ARIA grid semantics (aria-rowcount/rowindex, aria-sort, aria-activedescendant)
// keep it usable with a screen reader.

import type { ModelTensor } from '../../core/safetensors/model';
import type { SortKey } from './tableModel';
import { h } from '../dom';

export interface Column {
  readonly key: SortKey;
  readonly title: string;
  /** CSS grid track, e.g. "minmax(14em, 1fr)". */
  readonly width: string;
  readonly align?: 'right';
  readonly cell: (t: ModelTensor) => string;
}

export interface TableEvents {
  onSelect(t: ModelTensor): void;
  /** Enter or double-click on a row. */
  onActivate(t: ModelTensor): void;
  onSort(key: SortKey): void;
}

/** Must match `.grid-row { height }` in media/viewer.css. */
export const ROW_HEIGHT = 24;
const OVERSCAN = 8;

export class TensorTable {
  readonly element: HTMLElement;
  private readonly header: HTMLElement;
  private readonly viewport: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly rowsLayer: HTMLElement;
  private readonly pool: HTMLElement[] = [];
  private rows: readonly ModelTensor[] = [];
  private selected = -1;
  private frame = 0;
  private sort: { key: SortKey; descending: boolean } = { key: 'name', descending: false };

  constructor(
    private readonly columns: readonly Column[],
    private readonly events: TableEvents,
  ) {
    this.header = h('div', { class: 'grid-row grid-header', attrs: { role: 'row', 'aria-rowindex': '1' } });
    this.spacer = h('div', { class: 'grid-spacer' });
    this.rowsLayer = h('div', { class: 'grid-rows', attrs: { role: 'rowgroup' } });
    this.viewport = h(
      'div',
      {
        class: 'grid-viewport',
        attrs: { tabindex: '0', 'aria-label': 'Tensors. Arrow keys move, Enter computes statistics.' },
        on: { scroll: () => this.schedule(), keydown: (e) => this.onKey(e) },
      },
      this.spacer,
      this.rowsLayer,
    );
    this.element = h(
      'div',
      { class: 'grid', attrs: { role: 'grid', 'aria-colcount': String(columns.length) } },
      this.header,
      this.viewport,
    );
    this.element.style.setProperty('--grid-columns', columns.map((c) => c.width).join(' '));
    this.renderHeader();
    new ResizeObserver(() => this.schedule()).observe(this.viewport);
  }

  setRows(rows: readonly ModelTensor[], selectedName: string | null): void {
    this.rows = rows;
    this.selected = selectedName === null ? -1 : rows.findIndex((t) => t.name === selectedName);
    this.element.setAttribute('aria-rowcount', String(rows.length + 1));
    this.spacer.style.height = `${rows.length * ROW_HEIGHT}px`;
    this.render();
  }

  setSort(key: SortKey, descending: boolean): void {
    this.sort = { key, descending };
    this.renderHeader();
  }

  focus(): void {
    this.viewport.focus();
  }

  /** Selects the row of `name` if it is shown, and scrolls it into view. */
  reveal(name: string): void {
    const i = this.rows.findIndex((t) => t.name === name);
    if (i >= 0) this.move(i);
  }

  /** Number of row elements in the DOM: stays small whatever the number of tensors. */
  get renderedRowCount(): number {
    return this.rowsLayer.childElementCount;
  }

  private renderHeader(): void {
    this.header.replaceChildren(
      ...this.columns.map((c, i) => {
        const active = this.sort.key === c.key;
        const arrow = active ? (this.sort.descending ? ' ▼' : ' ▲') : '';
        return h(
          'div',
          {
            class: `grid-cell${c.align === 'right' ? ' right' : ''}`,
            attrs: {
              role: 'columnheader',
              'aria-colindex': String(i + 1),
              'aria-sort': active ? (this.sort.descending ? 'descending' : 'ascending') : 'none',
            },
          },
          h('button', {
            class: 'sort',
            text: c.title + arrow,
            attrs: { type: 'button', title: `Sort by ${c.title.toLowerCase()}` },
            on: { click: () => this.events.onSort(c.key) },
          }),
        );
      }),
    );
  }

  private schedule(): void {
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private render(): void {
    const height = this.viewport.clientHeight || ROW_HEIGHT * 20;
    const first = Math.max(0, Math.floor(this.viewport.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(this.rows.length, Math.ceil((this.viewport.scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
    const count = Math.max(0, last - first);
    while (this.pool.length < count) this.pool.push(this.makeRow());
    this.rowsLayer.replaceChildren(...this.pool.slice(0, count));
    this.rowsLayer.style.transform = `translateY(${first * ROW_HEIGHT}px)`;
    for (let k = 0; k < count; k++) this.fillRow(this.pool[k]!, first + k);
    if (this.selected >= 0) this.viewport.setAttribute('aria-activedescendant', `row-${this.selected}`);
    else this.viewport.removeAttribute('aria-activedescendant');
  }

  private makeRow(): HTMLElement {
    const row = h('div', { class: 'grid-row', attrs: { role: 'row' } });
    this.columns.forEach((c, i) =>
      row.append(
        h('div', {
          class: `grid-cell${c.align === 'right' ? ' right' : ''}`,
          attrs: { role: 'gridcell', 'aria-colindex': String(i + 1) },
        }),
      ),
    );
    row.addEventListener('click', () => this.move(Number(row.dataset['index'])));
    row.addEventListener('dblclick', () => {
      const t = this.rows[Number(row.dataset['index'])];
      if (t) this.events.onActivate(t);
    });
    return row;
  }

  private fillRow(row: HTMLElement, index: number): void {
    const t = this.rows[index]!;
    row.dataset['index'] = String(index);
    row.id = `row-${index}`;
    row.setAttribute('aria-rowindex', String(index + 2));
    row.setAttribute('aria-selected', String(index === this.selected));
    row.classList.toggle('selected', index === this.selected);
    this.columns.forEach((c, i) => {
      const cell = row.children[i] as HTMLElement;
      const text = c.cell(t);
      if (cell.textContent !== text) cell.textContent = text;
      if (c.key === 'name') cell.title = text;
    });
  }

  private move(index: number): void {
    if (this.rows.length === 0) return;
    this.selected = Math.max(0, Math.min(this.rows.length - 1, index));
    const top = this.selected * ROW_HEIGHT;
    const view = this.viewport;
    if (top < view.scrollTop) view.scrollTop = top;
    else if (top + ROW_HEIGHT > view.scrollTop + view.clientHeight) {
      view.scrollTop = top + ROW_HEIGHT - view.clientHeight;
    }
    this.render();
    this.events.onSelect(this.rows[this.selected]!);
  }

  private onKey(e: KeyboardEvent): void {
    const page = Math.max(1, Math.floor(this.viewport.clientHeight / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = {
      ArrowDown: this.selected + 1,
      ArrowUp: this.selected - 1,
      PageDown: this.selected + page,
      PageUp: this.selected - page,
      Home: 0,
      End: this.rows.length - 1,
    };
    if (e.key in moves) {
      e.preventDefault();
      this.move(moves[e.key]!);
    } else if (e.key === 'Enter' && this.selected >= 0) {
      e.preventDefault();
      this.events.onActivate(this.rows[this.selected]!);
    }
  }
}
