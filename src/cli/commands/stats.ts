// `superposition-lab stats <file|index.json> <tensor> [--json] [--bins N]`: value statistics of one
// tensor, read in chunks (the same code the checkpoint viewer runs).

import { openCheckpoint } from '../../core/safetensors/open';
import { computeTensorStats, type TensorStats } from '../../core/safetensors/stats';
import { CoreError, messages } from '../../core/errors';
import { formatInteger, formatValue } from '../../core/format';
import { nodeCheckpointFiles, openNodeReader } from '../../node/files';

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
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}

export async function runStats(
  file: string,
  tensorName: string,
  options: StatsOptions,
  write: (s: string) => void,
): Promise<void> {
  const files = nodeCheckpointFiles();
  const opened = await openCheckpoint(files, file);
  const tensor = opened.model.tensors.find((t) => t.name === tensorName);
  if (tensor === undefined) {
    throw new CoreError('safetensors/tensor-not-found', messages.tensorNotFound(opened.model.source, tensorName));
  }
  const shardPath = opened.shardPaths[tensor.shard]!;
  const reader = await openNodeReader(shardPath, files.displayName(shardPath));
  if (reader === null) throw new CoreError('file/not-found', messages.notFound(shardPath));
  const stats = await computeTensorStats(reader, opened.headers[tensor.shard]!, tensor, {
    bins: options.bins,
    isCancelled: options.isCancelled,
  });
  write(options.json ? JSON.stringify(stats, null, 2) : statsText(stats));
}
