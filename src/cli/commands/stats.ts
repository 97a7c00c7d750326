// `superposition-lab stats <file|index.json> <tensor> [--json] [--bins N]`: value statistics of one
// tensor, read in chunks (the same code the checkpoint viewer runs).

import { openCheckpoint } from '../../core/safetensors/open';
import { computeTensorStats, type Histogram, type TensorStats } from '../../core/safetensors/stats';
import { CoreError, messages } from '../../core/errors';
import { formatInteger, formatValue } from '../../core/format';
import { nodeCheckpointFiles, openNodeReader } from '../../node/files';
import { findTensor } from '../../core/safetensors/findTensor';

export interface StatsOptions {
  readonly json: boolean;
  readonly bins: number;
  readonly isCancelled: () => boolean;
}

export function statsText(s: TensorStats): string {
  const rows: [string, string][] = [
    ['tensor', s.tensor],
    ['elements', formatInteger(s.numel)],
    ['min', formatValue(s.min)],
    ['max', formatValue(s.max)],
    ['mean', formatValue(s.mean)],
    ['std', formatValue(s.std)],
    ['zeros', `${formatInteger(s.zeros)} (${((100 * s.zeros) / Math.max(1, s.numel)).toFixed(2)}%)`],
    ['NaN', formatInteger(s.nan)],
    ['+Inf / -Inf', `${formatInteger(s.posInf)} / ${formatInteger(s.negInf)}`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const table = rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
  return s.histogram === null ? table : `${table}\n\n${histogramText(s.histogram)}`;
}

/** Rows a terminal histogram shows at most; adjacent bins are merged to fit (--json has them all). */
const HISTOGRAM_ROWS = 16;
const BAR_WIDTH = 40;

/** The value histogram as text: one row per (merged) bin with its range, count and a bar. */
export function histogramText(h: Histogram): string {
  const group = Math.ceil(h.counts.length / HISTOGRAM_ROWS);
  const binWidth = (h.max - h.min) / h.counts.length;
  const rows: { lo: number; hi: number; count: number }[] = [];
  for (let i = 0; i < h.counts.length; i += group) {
    const counts = h.counts.slice(i, i + group);
    const end = Math.min(h.counts.length, i + group);
    rows.push({
      lo: h.min + i * binWidth,
      hi: end === h.counts.length ? h.max : h.min + end * binWidth,
      count: counts.reduce((a, b) => a + b, 0),
    });
  }
  const most = rows.reduce((a, r) => Math.max(a, r.count), 0);
  const ranges = rows.map((r) => `[${formatValue(r.lo)}, ${formatValue(r.hi)}]`);
  const counts = rows.map((r) => formatInteger(r.count));
  const rangeWidth = ranges.reduce((a, r) => Math.max(a, r.length), 0);
  const countWidth = counts.reduce((a, c) => Math.max(a, c.length), 0);
  const merged = group > 1 ? ` shown as ${rows.length} rows; --json lists all` : '';
  const lines = rows.map((r, i) => {
    const bar = most === 0 ? '' : '█'.repeat(Math.round((BAR_WIDTH * r.count) / most));
    return `${ranges[i]!.padEnd(rangeWidth)}  ${counts[i]!.padStart(countWidth)}  ${bar}`.trimEnd();
  });
  return [`histogram of finite values (${h.counts.length} bins${merged})`, ...lines].join('\n');
}

export async function runStats(
  file: string,
  tensorName: string,
  options: StatsOptions,
  write: (s: string) => void,
): Promise<void> {
  const files = nodeCheckpointFiles();
  const opened = await openCheckpoint(files, file);
  const tensor = findTensor(opened.model, tensorName);
  const shardPath = opened.shardPaths[tensor.shard]!;
  const reader = await openNodeReader(shardPath, files.displayName(shardPath));
  if (reader === null) throw new CoreError('file/not-found', messages.notFound(shardPath));
  const stats = await computeTensorStats(reader, opened.headers[tensor.shard]!, tensor, {
    bins: options.bins,
    isCancelled: options.isCancelled,
  });
  write(options.json ? JSON.stringify(stats, null, 2) : statsText(stats));
}
