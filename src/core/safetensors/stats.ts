// Per-tensor value statistics, computed in chunks so a tensor of any size needs one chunk of
// memory (plus the tensor itself, when it is small enough to keep for the histogram pass).
//
// Pass 1 counts NaN/±Inf/zeros and finds min, max, mean and std of the finite values; means and
// squared deviations are combined across chunks with Chan et al.'s pairwise update in float64,
// which stays accurate where a running sum of squares would cancel. Pass 2 fills an equal-width
// histogram over [min, max]; it re-reads the tensor unless pass 1 could keep it in memory.

import { CoreError, messages } from '../errors';
import type { SafetensorsHeader, TensorEntry } from './header';
import { readTensorChunks, type ChunkOptions, type RangedReader } from './reader';

export interface Histogram {
  /** Equal-width bins over [min, max]; a single bin when min === max. */
  readonly min: number;
  readonly max: number;
  readonly counts: readonly number[];
}

export interface TensorStats {
  readonly tensor: string;
  readonly numel: number;
  readonly finite: number;
  readonly nan: number;
  readonly posInf: number;
  readonly negInf: number;
  readonly zeros: number;
  /** Over finite values; null when there are none. std is the population std (ddof = 0). */
  readonly min: number | null;
  readonly max: number | null;
  readonly mean: number | null;
  readonly std: number | null;
  readonly histogram: Histogram | null;
}

/** Running moments of finite values plus special-value counts. */
export interface MomentAccumulator {
  count: number;
  mean: number;
  m2: number;
  min: number;
  max: number;
  nan: number;
  posInf: number;
  negInf: number;
  zeros: number;
  total: number;
}

export function newMoments(): MomentAccumulator {
  return { count: 0, mean: 0, m2: 0, min: Infinity, max: -Infinity, nan: 0, posInf: 0, negInf: 0, zeros: 0, total: 0 };
}

/** Adds one chunk of values to `acc`. */
export function addMoments(acc: MomentAccumulator, values: Float32Array): void {
  let n = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (x - x === 0) {
      // Finite (NaN and ±Inf give NaN here).
      n++;
      sum += x;
      if (x < min) min = x;
      if (x > max) max = x;
      if (x === 0) acc.zeros++;
    } else if (x !== x) acc.nan++;
    else if (x > 0) acc.posInf++;
    else acc.negInf++;
  }
  acc.total += values.length;
  if (n === 0) return;
  const chunkMean = sum / n;
  let chunkM2 = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (x - x === 0) chunkM2 += (x - chunkMean) * (x - chunkMean);
  }
  const combined = acc.count + n;
  const delta = chunkMean - acc.mean;
  acc.mean += (delta * n) / combined;
  acc.m2 += chunkM2 + (delta * delta * acc.count * n) / combined;
  acc.count = combined;
  if (min < acc.min) acc.min = min;
  if (max > acc.max) acc.max = max;
}

/** Adds finite values of one chunk to `counts`, equal-width bins over [min, max]. */
export function addToHistogram(counts: number[], min: number, max: number, values: Float32Array): void {
  const bins = counts.length;
  const scale = max > min ? bins / (max - min) : 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (x - x !== 0) continue;
    const b = Math.min(bins - 1, Math.floor((x - min) * scale));
    counts[b]!++;
  }
}

export interface StatsOptions extends ChunkOptions {
  /** Histogram bins (default 64). */
  readonly bins?: number;
  /** Tensors whose float32 copy is at most this size are kept for pass 2 (default 64 MiB). */
  readonly keepInMemoryBytes?: number;
  /** Called after every chunk with the fraction of work done, 0..1. */
  readonly onProgress?: (fraction: number) => void;
}

export async function computeTensorStats(
  reader: RangedReader,
  header: SafetensorsHeader,
  tensor: TensorEntry,
  options: StatsOptions = {},
): Promise<TensorStats> {
  // A different size means the file was rewritten since its header was read: offsets are stale.
  if (reader.size !== header.fileSize) throw new CoreError('safetensors/changed', messages.changed(reader.name));
  const bins = options.bins ?? 64;
  if (!Number.isInteger(bins) || bins < 1) {
    throw new CoreError('usage', `Histogram bins must be a positive integer, got ${bins}.`);
  }
  const keep = tensor.numel * 4 <= (options.keepInMemoryBytes ?? 64 * 1024 * 1024);
  // Progress weights: reading dominates; an in-memory second pass is nearly free.
  const pass1Share = keep ? 0.95 : 0.5;
  const kept: Float32Array[] = [];
  const acc = newMoments();
  for await (const { values, firstElement } of readTensorChunks(reader, header, tensor, options)) {
    addMoments(acc, values);
    if (keep) kept.push(values);
    options.onProgress?.((pass1Share * (firstElement + values.length)) / Math.max(1, tensor.numel));
  }

  let histogram: Histogram | null = null;
  if (acc.count > 0) {
    const counts = new Array<number>(acc.max > acc.min ? bins : 1).fill(0);
    if (keep) {
      for (const values of kept) {
        if (options.isCancelled?.()) throw new CoreError('job/cancelled', messages.cancelled());
        addToHistogram(counts, acc.min, acc.max, values);
      }
    } else {
      for await (const { values, firstElement } of readTensorChunks(reader, header, tensor, options)) {
        addToHistogram(counts, acc.min, acc.max, values);
        options.onProgress?.(pass1Share + ((1 - pass1Share) * (firstElement + values.length)) / tensor.numel);
      }
    }
    histogram = { min: acc.min, max: acc.max, counts };
  }
  options.onProgress?.(1);
  const any = acc.count > 0;
  return {
    tensor: tensor.name,
    numel: tensor.numel,
    finite: acc.count,
    nan: acc.nan,
    posInf: acc.posInf,
    negInf: acc.negInf,
    zeros: acc.zeros,
    min: any ? acc.min : null,
    max: any ? acc.max : null,
    mean: any ? acc.mean : null,
    std: any ? Math.sqrt(acc.m2 / acc.count) : null,
    histogram,
  };
}
