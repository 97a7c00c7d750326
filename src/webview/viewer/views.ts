// Static parts of the viewer page: the summary header, banners, metadata and shard tables, and
// the full-page error. Each returns a fresh element; text goes in through textContent only.

import type { CheckpointModel } from '../../core/safetensors/model';
import type { WireError } from '../../core/errors';
import { modelTotals } from '../../core/safetensors/model';
import { formatBytes, formatCount, formatInteger } from '../../core/format';
import { h } from '../dom';

export function summaryHeader(title: string, model: CheckpointModel): HTMLElement {
  const totals = modelTotals(model.tensors);
  const sharded = model.indexFile !== null;
  return h(
    'header',
    { class: 'summary' },
    h('h1', { text: title }),
    h(
      'p',
      { class: 'totals', attrs: { id: 'totals' } },
      `${formatInteger(totals.tensors)} tensor${totals.tensors === 1 ? '' : 's'} · ${formatCount(totals.parameters)} parameters (${formatInteger(totals.parameters)}) · ${formatBytes(totals.bytes)}`,
      sharded ? ` · ${model.shards.length} shard${model.shards.length === 1 ? '' : 's'}` : '',
    ),
    h(
      'ul',
      { class: 'dtype-totals', attrs: { 'aria-label': 'Bytes by dtype' } },
      ...totals.byDtype.map((d) =>
        h(
          'li',
          { attrs: { title: `${formatInteger(d.tensors)} tensors, ${formatInteger(d.parameters)} parameters` } },
          h('span', { class: 'badge', text: d.dtype }),
          ` ${formatBytes(d.bytes)}`,
        ),
      ),
    ),
  );
}

export function banners(notes: readonly string[], warnings: readonly string[]): HTMLElement {
  return h(
    'div',
    { class: 'banners' },
    ...notes.map((n) => h('p', { class: 'banner info', text: n })),
    ...warnings.map((w) => h('p', { class: 'banner warning', text: w, attrs: { role: 'status' } })),
  );
}

/** Metadata values that are JSON objects or arrays are shown pretty-printed. */
function prettyValue(v: string): string {
  const t = v.trim();
  if ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'))) {
    try {
      return JSON.stringify(JSON.parse(t), null, 2);
    } catch {
      return v;
    }
  }
  return v;
}

export function metadataTable(model: CheckpointModel): HTMLElement {
  const keys = Object.keys(model.metadata).sort();
  if (keys.length === 0) {
    const what = model.indexFile !== null ? 'The index has no "metadata".' : 'This file has no __metadata__.';
    return h('p', { class: 'muted', text: what });
  }
  return h(
    'table',
    { class: 'kv', attrs: { id: 'metadata-table' } },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { text: 'Key', attrs: { scope: 'col' } }),
        h('th', { text: 'Value', attrs: { scope: 'col' } }),
      ),
    ),
    h(
      'tbody',
      {},
      ...keys.map((k) =>
        h(
          'tr',
          {},
          h('th', { text: k, attrs: { scope: 'row' } }),
          h('td', {}, h('pre', { text: prettyValue(model.metadata[k]!) })),
        ),
      ),
    ),
  );
}

export function shardsTable(model: CheckpointModel): HTMLElement {
  return h(
    'table',
    { class: 'kv', attrs: { id: 'shards-table' } },
    h(
      'thead',
      {},
      h('tr', {}, ...['File', 'Size', 'Header', 'Tensors'].map((t) => h('th', { text: t, attrs: { scope: 'col' } }))),
    ),
    h(
      'tbody',
      {},
      ...model.shards.map((s) =>
        h(
          'tr',
          {},
          h('th', { text: s.file, attrs: { scope: 'row' } }),
          h('td', { class: 'right', text: formatBytes(s.size) }),
          h('td', { class: 'right', text: formatBytes(s.headerLength) }),
          h('td', { class: 'right', text: formatInteger(s.tensorCount) }),
        ),
      ),
    ),
  );
}

export function errorView(title: string, error: WireError): HTMLElement {
  return h(
    'div',
    { class: 'error-view', attrs: { role: 'alert', id: 'load-error' } },
    h('h1', { text: `Cannot open ${title}` }),
    h('p', { class: 'error-message', text: error.message }),
    h('p', { class: 'muted', text: `Error code: ${error.code}` }),
    h('p', {
      class: 'muted',
      text: 'Only the file header was read, and nothing was changed. The viewer reloads by itself when the file changes on disk.',
    }),
  );
}
