// Entry point of the checkpoint viewer page. It receives plain data from the host (the model,
// statistics) and renders it; it keeps UI state (filter, sort, selection, tab) in the webview
// state so a reloaded panel comes back as it was.

import type { CheckpointModel, ModelTensor } from '../../core/safetensors/model';
import type { TensorStats } from '../../core/safetensors/stats';
import type { WireError } from '../../core/errors';
import { formatBytes, formatInteger, formatShape } from '../../core/format';
import { listen, type Handlers } from '../../shared/channel';
import {
  TO_VIEWER_TYPES,
  VIEWER_PROTOCOL_VERSION,
  type DocRef,
  type FromViewer,
  type ToViewer,
} from '../../shared/viewerProtocol';
import { readInit, vscodeApi } from '../vscodeApi';
import { h, showPageError } from '../dom';
import { onThemeChange } from '../charts/vegaChart';
import {
  DEFAULT_QUERY,
  indexTensors,
  queryTensors,
  type IndexedTensor,
  type SortKey,
  type TableQuery,
} from './tableModel';
import { TensorTable, type Column } from './tensorTable';
import { DetailsPane, type StatsState } from './detailsPane';
import { banners, errorView, metadataTable, shardsTable, summaryHeader } from './views';

type Tab = 'tensors' | 'metadata' | 'shards';

/** Persisted webview state; `v` lets a future version migrate it. */
interface SavedState {
  readonly v: 1;
  readonly query: TableQuery;
  readonly selected: string | null;
  readonly tab: Tab;
  readonly logCounts: boolean;
}

const init = readInit<{ protocolVersion: number; source: string }>();
const api = vscodeApi<SavedState>();
const post = (m: FromViewer) => api.postMessage(m);
const saved = api.getState();

const ui = {
  query: saved?.v === 1 ? saved.query : DEFAULT_QUERY,
  selected: saved?.v === 1 ? saved.selected : null,
  tab: saved?.v === 1 ? saved.tab : ('tensors' as Tab),
  logCounts: saved?.v === 1 ? saved.logCounts : true,
};

let doc: DocRef | undefined;
let model: CheckpointModel | undefined;
let indexed: IndexedTensor[] = [];
let dataStarts: (number | null)[] = [];
const stats = new Map<string, TensorStats>();
const failures = new Map<string, WireError>();
let pending: { requestId: string; tensor: string; fraction: number; startedAt: number } | undefined;
let renderedOnce = false;

const app = document.getElementById('app')!;
let table: TensorTable | undefined;
let details: DetailsPane | undefined;
let countLabel: HTMLElement | undefined;

function save(): void {
  api.setState({ v: 1, query: ui.query, selected: ui.selected, tab: ui.tab, logCounts: ui.logCounts });
}

function columnsFor(m: CheckpointModel): Column[] {
  const cols: Column[] = [
    { key: 'name', title: 'Name', width: 'minmax(14em, 4fr)', cell: (t) => t.name },
    { key: 'dtype', title: 'DType', width: '5.5em', cell: (t) => t.dtype },
    { key: 'shape', title: 'Shape', width: 'minmax(6em, 1fr)', cell: (t) => formatShape(t.shape) },
    { key: 'parameters', title: 'Parameters', width: '7.5em', align: 'right', cell: (t) => formatInteger(t.numel) },
    { key: 'bytes', title: 'Size', width: '6em', align: 'right', cell: (t) => formatBytes(t.end - t.begin) },
  ];
  if (m.indexFile !== null) {
    cols.push({ key: 'shard', title: 'Shard', width: 'minmax(8em, 1.5fr)', cell: (t) => m.shards[t.shard]!.file });
  }
  return cols;
}

function statsStateOf(name: string): StatsState {
  if (pending?.tensor === name) return { kind: 'running', fraction: pending.fraction, startedAt: pending.startedAt };
  const s = stats.get(name);
  if (s) return { kind: 'done', stats: s };
  const f = failures.get(name);
  return f ? { kind: 'failed', error: f } : { kind: 'none' };
}

function selectedTensor(): ModelTensor | undefined {
  return ui.selected === null ? undefined : model?.tensors.find((t) => t.name === ui.selected);
}

function showDetails(): void {
  const t = selectedTensor();
  if (!details || !model) return;
  if (!t) details.showNothing();
  else details.show(t, model.shards[t.shard]!.file, dataStarts[t.shard] ?? null, statsStateOf(t.name));
}

function applyQuery(): void {
  if (!table || !model) return;
  const rows = queryTensors(indexed, ui.query);
  table.setRows(rows, ui.selected);
  table.setSort(ui.query.sort, ui.query.descending);
  if (countLabel) {
    countLabel.textContent = `Showing ${formatInteger(rows.length)} of ${formatInteger(model.tensors.length)}`;
  }
  save();
}

function setQuery(patch: Partial<TableQuery>): void {
  ui.query = { ...ui.query, ...patch };
  applyQuery();
}

function computeStats(t: ModelTensor): void {
  if (!doc || pending) return;
  const requestId = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  pending = { requestId, tensor: t.name, fraction: 0, startedAt: performance.now() };
  failures.delete(t.name);
  post({ type: 'computeStats', requestId, doc, tensor: t.name });
  showDetails();
}

function toolbar(m: CheckpointModel): HTMLElement {
  const filter = h('input', {
    attrs: {
      type: 'search',
      id: 'filter',
      placeholder: 'Filter by name; a dtype word (bf16) filters by dtype',
      'aria-label': 'Filter tensors',
      spellcheck: 'false',
    },
    on: { input: (e) => setQuery({ text: (e.target as HTMLInputElement).value }) },
  });
  filter.value = ui.query.text;
  const dtypes = [...new Set(m.tensors.map((t) => t.dtype))].sort();
  const dtypeSelect = h(
    'select',
    {
      attrs: { id: 'dtype-filter', 'aria-label': 'Only this dtype' },
      on: { change: (e) => setQuery({ dtype: (e.target as HTMLSelectElement).value || null }) },
    },
    h('option', { text: 'All dtypes', attrs: { value: '' } }),
    ...dtypes.map((d) =>
      h('option', {
        text: `${d} (${formatInteger(m.tensors.filter((t) => t.dtype === d).length)})`,
        attrs: { value: d },
      }),
    ),
  );
  dtypeSelect.value = ui.query.dtype ?? '';
  const parts: HTMLElement[] = [filter, dtypeSelect];
  if (m.indexFile !== null) {
    const shardSelect = h(
      'select',
      {
        attrs: { id: 'shard-filter', 'aria-label': 'Only this shard' },
        on: {
          change: (e) => {
            const v = (e.target as HTMLSelectElement).value;
            setQuery({ shard: v === '' ? null : Number(v) });
          },
        },
      },
      h('option', { text: 'All shards', attrs: { value: '' } }),
      ...m.shards.map((s, i) => h('option', { text: s.file, attrs: { value: String(i) } })),
    );
    shardSelect.value = ui.query.shard === null ? '' : String(ui.query.shard);
    parts.push(shardSelect);
  }
  countLabel = h('span', { class: 'muted count', attrs: { id: 'row-count', 'aria-live': 'polite' } });
  parts.push(countLabel);
  return h('div', { class: 'toolbar' }, ...parts);
}

function tabs(m: CheckpointModel, panels: Record<Tab, HTMLElement>): HTMLElement {
  const entries: [Tab, string][] = [
    ['tensors', `Tensors (${formatInteger(m.tensors.length)})`],
    ['metadata', `Metadata (${Object.keys(m.metadata).length})`],
  ];
  if (m.indexFile !== null) entries.push(['shards', `Shards (${m.shards.length})`]);
  if (!entries.some(([t]) => t === ui.tab)) ui.tab = 'tensors';
  const buttons = entries.map(([tab, label]) =>
    h('button', {
      text: label,
      attrs: { role: 'tab', id: `tab-${tab}`, type: 'button', 'aria-controls': `panel-${tab}` },
      on: { click: () => select(tab) },
    }),
  );
  function select(tab: Tab): void {
    ui.tab = tab;
    entries.forEach(([t], i) => {
      const active = t === tab;
      buttons[i]!.setAttribute('aria-selected', String(active));
      buttons[i]!.tabIndex = active ? 0 : -1;
      panels[t].hidden = !active;
    });
    save();
  }
  const list = h('div', { class: 'tabs', attrs: { role: 'tablist', 'aria-label': 'Views' } }, ...buttons);
  list.addEventListener('keydown', (e) => {
    const i = entries.findIndex(([t]) => t === ui.tab);
    const next = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : -2;
    if (next === -2) return;
    const j = (next + entries.length) % entries.length;
    select(entries[j]![0]);
    buttons[j]!.focus();
  });
  select(ui.tab);
  return list;
}

function renderModel(m: CheckpointModel, notes: readonly string[]): void {
  model = m;
  indexed = indexTensors(m.tensors);
  if (ui.selected !== null && !m.tensors.some((t) => t.name === ui.selected)) ui.selected = null;
  table = new TensorTable(columnsFor(m), {
    onSelect: (t) => {
      ui.selected = t.name;
      save();
      showDetails();
    },
    onActivate: (t) => {
      ui.selected = t.name;
      computeStats(t);
    },
    onSort: (key: SortKey) =>
      setQuery({
        sort: key,
        descending: ui.query.sort === key ? !ui.query.descending : key === 'parameters' || key === 'bytes',
      }),
  });
  details = new DetailsPane(
    {
      onCompute: computeStats,
      onAnalyze: (t) => post({ type: 'analyzeTensor', tensor: t.name }),
      onCancel: () => pending && post({ type: 'cancelStats', requestId: pending.requestId }),
      onLogCountsChange: (log) => {
        ui.logCounts = log;
        save();
      },
    },
    ui.logCounts,
  );
  const panels: Record<Tab, HTMLElement> = {
    tensors: h(
      'div',
      {
        class: 'tab-panel tensors-panel',
        attrs: { role: 'tabpanel', id: 'panel-tensors', 'aria-labelledby': 'tab-tensors' },
      },
      toolbar(m),
      h('div', { class: 'split' }, table.element, details.element),
    ),
    metadata: h(
      'div',
      {
        class: 'tab-panel scroll',
        attrs: { role: 'tabpanel', id: 'panel-metadata', 'aria-labelledby': 'tab-metadata' },
      },
      metadataTable(m),
    ),
    shards: h(
      'div',
      { class: 'tab-panel scroll', attrs: { role: 'tabpanel', id: 'panel-shards', 'aria-labelledby': 'tab-shards' } },
      shardsTable(m),
    ),
  };
  app.replaceChildren(
    summaryHeader(init.source, m),
    banners(notes, m.warnings),
    tabs(m, panels),
    panels.tensors,
    panels.metadata,
    ...(m.indexFile !== null ? [panels.shards] : []),
  );
  app.removeAttribute('aria-busy');
  applyQuery();
  showDetails();
}

const handlers: Handlers<ToViewer> = {
  model: (m) => {
    if (doc && m.doc.version < doc.version) return; // stale
    const reloaded = doc !== undefined && m.doc.version !== doc.version;
    doc = m.doc;
    if (reloaded) {
      stats.clear();
      failures.clear();
      pending = undefined;
    }
    dataStarts = m.model.shards.map((s) => 8 + s.headerLength);
    renderModel(m.model, m.notes);
    if (!renderedOnce) {
      renderedOnce = true;
      // Wait for layout and paint, then report how long the page took to show the table.
      requestAnimationFrame(() =>
        setTimeout(() => post({ type: 'rendered', doc: m.doc, rows: m.model.tensors.length, ms: performance.now() })),
      );
    }
  },
  loadFailed: (m) => {
    if (doc && m.doc.version < doc.version) return;
    doc = m.doc;
    model = undefined;
    table = undefined;
    details = undefined;
    app.replaceChildren(errorView(init.source, m.error));
    app.removeAttribute('aria-busy');
  },
  statsProgress: (m) => {
    if (pending?.requestId !== m.requestId) return;
    pending = { ...pending, fraction: m.fraction };
    if (ui.selected === pending.tensor) details?.updateProgress(m.fraction);
  },
  statsDone: (m) => {
    if (!doc || m.doc.version !== doc.version) return; // computed for an older version of the file
    stats.set(m.stats.tensor, m.stats);
    if (pending?.requestId === m.requestId) pending = undefined;
    if (ui.selected === m.stats.tensor) showDetails();
  },
  statsFailed: (m) => {
    if (pending?.requestId !== m.requestId) return;
    failures.set(pending.tensor, m.error);
    const tensor = pending.tensor;
    pending = undefined;
    if (ui.selected === tensor) showDetails();
  },
};

const receive = listen(TO_VIEWER_TYPES, handlers, showPageError);
window.addEventListener('message', (e: MessageEvent) => {
  receive(e.data);
});
document.addEventListener('securitypolicyviolation', (e) =>
  post({ type: 'cspViolation', directive: e.violatedDirective, blockedURI: e.blockedURI }),
);
document.addEventListener('keydown', (e) => {
  const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement;
  if (e.key === '/' && !typing) {
    e.preventDefault();
    document.getElementById('filter')?.focus();
  } else if (e.key === 'Escape' && e.target instanceof HTMLInputElement && e.target.id === 'filter') {
    table?.focus();
  }
});
onThemeChange(() => {
  const t = selectedTensor();
  if (t && model && details) details.refresh(model.shards[t.shard]!.file, dataStarts[t.shard] ?? null);
});

post({ type: 'ready', protocolVersion: VIEWER_PROTOCOL_VERSION });
