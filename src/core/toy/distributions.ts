// Feature frequencies p_i (paper-spec §1.1), in frequency-rank order (p_1 largest):
//   power        p_i ∝ i^(−α),           i = 1..n
//   exponential  p_i ∝ e^(−(i−1)/scale), i = 1..n   (the paper's `exponential1`: scale 400)
//   linear       p_i ∝ n − i + 1,        i = 1..n
//   empirical    p_i ∝ the i-th largest of the user's feature (token) counts
// normalised to Σ p̃_i = 1 and scaled to the activation density E: p_i = E·p̃_i, capped at 1
// (the number of capped features is reported; capping lowers the effective density).

import { CoreError, jsonSyntaxReason } from '../errors';
import { linearFit } from '../stats/regression';
import type { Distribution } from '../config/schema';

export interface FrequencySpec {
  readonly distribution: Distribution;
  readonly n: number;
  readonly exponent: number;
  readonly scale: number;
  readonly density: number;
  /** For `empirical`: counts sorted in descending order (see parseCounts). */
  readonly counts?: readonly number[];
}

export interface FeatureFrequencies {
  readonly p: Float64Array;
  /** Features whose E·p̃_i exceeded 1. */
  readonly capped: number;
  /** Σ p_i after capping. */
  readonly effectiveDensity: number;
  /** For `empirical`: the Zipf exponent of the counts (see zipfExponent). */
  readonly zipf?: ZipfFit;
  /** For `empirical`: share of the total count held by the n features kept. */
  readonly coverage?: number;
}

function unnormalised(spec: FrequencySpec): Float64Array {
  const { n } = spec;
  switch (spec.distribution) {
    // Plain loops: Float64Array.from with a callback is several times slower at n = 100,000.
    case 'power': {
      const raw = new Float64Array(n);
      for (let k = 0; k < n; k++) raw[k] = (k + 1) ** -spec.exponent;
      return raw;
    }
    case 'exponential': {
      const raw = new Float64Array(n);
      for (let k = 0; k < n; k++) raw[k] = Math.exp(-k / spec.scale);
      return raw;
    }
    case 'linear': {
      const raw = new Float64Array(n);
      for (let k = 0; k < n; k++) raw[k] = n - k;
      return raw;
    }
    case 'empirical': {
      const counts = spec.counts ?? [];
      if (counts.length < n) {
        throw new CoreError(
          'config/counts',
          `The counts file has ${counts.length} non-zero counts; data.features asks for ${n}. Lower data.features to at most ${counts.length}.`,
        );
      }
      return Float64Array.from(counts.slice(0, n));
    }
  }
}

export function featureFrequencies(spec: FrequencySpec): FeatureFrequencies {
  const raw = unnormalised(spec);
  let total = 0;
  for (let k = 0; k < raw.length; k++) total += raw[k]!;
  let capped = 0;
  let effective = 0;
  const p = new Float64Array(raw.length);
  for (let k = 0; k < raw.length; k++) {
    const pi = (spec.density * raw[k]!) / total;
    if (pi > 1) capped++;
    const c = Math.min(1, pi);
    effective += c;
    p[k] = c;
  }
  const out: FeatureFrequencies = { p, capped, effectiveDensity: effective };
  if (spec.distribution === 'empirical' && spec.counts) {
    const all = spec.counts.reduce((a, b) => a + b, 0);
    return { ...out, zipf: zipfExponent(spec.counts), coverage: total / all };
  }
  return out;
}

/** E·p̃_1 > 1: how many features a density forces to be always active (for config warnings). */
export function cappedFeatures(spec: FrequencySpec): number {
  return spec.distribution === 'empirical' ? 0 : featureFrequencies(spec).capped;
}

export interface ZipfFit {
  /** α of frequency ∝ rank^(−α). */
  readonly alpha: number;
  readonly r2: number | null;
  readonly points: number;
}

/**
 * The paper's token-frequency fit (paper-spec §3.4): frequency against rank on log–log axes at up
 * to 1000 ranks spaced uniformly in log10(rank), least squares; α is minus the slope.
 */
export function zipfExponent(sortedCounts: readonly number[]): ZipfFit {
  const counts = sortedCounts.filter((c) => c > 0);
  if (counts.length < 2) throw new CoreError('config/counts', 'A Zipf fit needs at least two non-zero counts.');
  const maxLog = Math.log10(counts.length);
  const ranks = new Set<number>();
  for (let k = 0; k < 1000; k++) ranks.add(Math.round(10 ** ((maxLog * k) / 999)));
  const xs: number[] = [];
  const ys: number[] = [];
  for (const rank of [...ranks].sort((a, b) => a - b)) {
    if (rank < 1 || rank > counts.length) continue;
    xs.push(Math.log10(rank));
    ys.push(Math.log10(counts[rank - 1]!));
  }
  const fit = linearFit(xs, ys);
  return { alpha: -fit.slope, r2: fit.r2, points: xs.length };
}

/**
 * Feature counts from a CSV or JSON file, sorted in descending order, zeros dropped.
 * JSON: an array of numbers, or an object mapping feature (token) → count.
 * CSV: one count per line, or `token,count` (the last column is the count; a header line whose
 * last column is not a number is skipped).
 */
export function parseCounts(text: string, fileName: string): number[] {
  const bad = (why: string) => new CoreError('config/counts', `${fileName}: ${why}`);
  const trimmed = text.trim();
  let values: unknown[];
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch (e) {
      throw bad(`not valid JSON (${jsonSyntaxReason(e)})`);
    }
    values = Array.isArray(json) ? json : typeof json === 'object' && json !== null ? Object.values(json) : [];
  } else {
    values = [];
    trimmed.split(/\r?\n/).forEach((line, i) => {
      if (line.trim() === '') return;
      const last = line.split(',').at(-1)!.trim();
      const v = Number(last);
      if (!Number.isFinite(v)) {
        if (i === 0) return; // header
        throw bad(`line ${i + 1}: "${last}" is not a count`);
      }
      values.push(v);
    });
  }
  const counts: number[] = [];
  values.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw bad(`entry ${i + 1} is ${JSON.stringify(v)}, not a non-negative count`);
    }
    if (v > 0) counts.push(v);
  });
  if (counts.length < 2) throw bad('needs at least two non-zero counts');
  return counts.sort((a, b) => b - a);
}
