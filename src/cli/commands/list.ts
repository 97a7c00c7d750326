// `superposition-lab list <file|index.json> [--json] [--no-index]`: the tensor table of a checkpoint.

import { openCheckpoint, type OpenedCheckpoint } from '../../core/safetensors/open';
import { modelTotals } from '../../core/safetensors/model';
import { formatBytes, formatCount, formatInteger, formatShape, naturalCompare } from '../../core/format';
import { nodeCheckpointFiles } from '../../node/files';
import { escapeControl, renderTable } from '../output';

export interface ListOptions {
  readonly json: boolean;
  readonly discoverIndex: boolean;
}

/** The machine-readable listing: stable field names, tensors sorted by name. */
export function listingJson(opened: OpenedCheckpoint): unknown {
  const { model } = opened;
  const tensors = [...model.tensors].sort((a, b) => naturalCompare(a.name, b.name));
  return {
    source: model.source,
    indexFile: model.indexFile,
    tensors: tensors.map((t) => ({
      name: t.name,
      dtype: t.dtype,
      shape: t.shape,
      parameters: t.numel,
      bytes: t.end - t.begin,
      shard: model.shards[t.shard]!.file,
    })),
    metadata: model.metadata,
    shards: model.shards.map((s) => ({
      file: s.file,
      bytes: s.size,
      headerBytes: s.headerLength,
      tensors: s.tensorCount,
    })),
    totals: modelTotals(model.tensors),
    warnings: model.warnings,
    notes: opened.notes,
  };
}

export function listingText(opened: OpenedCheckpoint): string {
  const { model } = opened;
  const sharded = model.shards.length > 1 || model.indexFile !== null;
  const tensors = [...model.tensors].sort((a, b) => naturalCompare(a.name, b.name));
  const table = renderTable(tensors, [
    // Names and metadata are escaped whole (newlines too), so each stays on its line.
    { title: 'name', value: (t) => escapeControl(t.name) },
    { title: 'dtype', value: (t) => t.dtype },
    { title: 'shape', value: (t) => formatShape(t.shape) },
    { title: 'parameters', value: (t) => formatInteger(t.numel), align: 'right' },
    { title: 'bytes', value: (t) => formatBytes(t.end - t.begin), align: 'right' },
    ...(sharded ? [{ title: 'shard', value: (t: (typeof tensors)[number]) => model.shards[t.shard]!.file }] : []),
  ]);
  const totals = modelTotals(model.tensors);
  const byDtype = totals.byDtype.map((d) => `${d.dtype} ${formatBytes(d.bytes)}`).join(', ');
  const lines = [
    ...opened.notes.map((n) => `note: ${n}`),
    ...model.warnings.map((w) => `warning: ${w}`),
    table,
    '',
    `${formatInteger(totals.tensors)} tensor${totals.tensors === 1 ? '' : 's'}, ${formatCount(totals.parameters)} parameters (${formatInteger(totals.parameters)}), ${formatBytes(totals.bytes)}${byDtype ? ` (${byDtype})` : ''}${sharded ? ` in ${model.shards.length} shard${model.shards.length === 1 ? '' : 's'}` : ''}`,
  ];
  const metaKeys = Object.keys(model.metadata);
  if (metaKeys.length > 0) {
    lines.push('', 'metadata:');
    for (const k of metaKeys.sort()) lines.push(`  ${escapeControl(k)}: ${escapeControl(model.metadata[k] ?? '')}`);
  }
  return lines.join('\n');
}

export async function runList(file: string, options: ListOptions, write: (s: string) => void): Promise<void> {
  const opened = await openCheckpoint(nodeCheckpointFiles(), file, { discoverIndex: options.discoverIndex });
  write(options.json ? JSON.stringify(listingJson(opened), null, 2) : listingText(opened));
}
