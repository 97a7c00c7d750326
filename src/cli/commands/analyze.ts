// `superposition-lab analyze <file|index.json> [--tensor NAME] [--transpose] [--json]
//  [--pair-budget N] [--seed S] [--sample-rows R] [--kernel exact|fast]`
// `superposition-lab compare <file...> [--json]`

import { linearFit, type LinearFit } from '../../core/stats/regression';
import { formatInteger } from '../../core/format';
import type { AnalysisReport } from '../../core/analysis/report';
import { analyzeFile, type AnalyzeFileOptions } from '../analyzeFile';
import { progressBar } from '../progress';
import { describeBackend } from '../../core/compute/describeBackend';
import { renderTable } from '../output';
import { CoreError } from '../../core/errors';

const num = (x: number | null | undefined, digits = 4): string =>
  x === null || x === undefined ? '—' : Number(x.toPrecision(digits)).toString();

export function analysisText(r: AnalysisReport, transposeHint: string | null): string {
  const lines: string[] = [];
  lines.push(
    `${r.file} · ${r.tensor} (${r.dtype}, ${formatInteger(r.n)} × ${formatInteger(r.m)}${r.transposed ? ', transposed' : ''}; ${r.tensorChoice})`,
  );
  lines.push('');
  const rn = r.rowNorm;
  lines.push(
    `row norms        ${rn ? `mean ${num(rn.mean)}  std ${num(rn.std)}  min ${num(rn.min)}  max ${num(rn.max)}` : 'no finite rows'}`,
  );
  lines.push(`represented      φ½ = ${num(r.fracRepresented)} (norm > 0.5)   φ₁ = ${num(r.fracStrong)} (norm > 1)`);
  if (r.zeroRows + r.nonFiniteRows > 0) {
    lines.push(`excluded rows    ${r.zeroRows} zero, ${r.nonFiniteRows} non-finite`);
  }
  const how =
    r.overlapMethod === 'exact'
      ? `exact over ${formatInteger(r.pairs)} pairs of ${formatInteger(r.validRows)} rows`
      : r.overlapMethod === 'sampled'
        ? `mean (u·u)² exact over ${formatInteger(r.pairs)} pairs; |u·u| from ${formatInteger(r.sampledPairs!)} pairs of ${formatInteger(r.sampledRows!)} sampled rows (seed ${r.seed})`
        : 'no pairs';
  lines.push(`overlaps         ${how}`);
  lines.push(`  mean (u·u)²    ${num(r.meanSqOverlap)}   (1/m = ${num(r.invM)}; × m = ${num(r.meanSqOverlapTimesM)})`);
  const ci = r.meanAbsOverlapCI95;
  lines.push(`  mean |u·u|     ${num(r.meanAbsOverlap)}${ci ? `   (95% CI ${num(ci[0])} – ${num(ci[1])})` : ''}`);
  lines.push(
    `  max |u·u|      ${num(r.maxAbsOverlap)}${r.overlapMethod === 'sampled' ? '   (largest sampled: a lower bound)' : ''}`,
  );
  lines.push(
    `  Welch κ        ${num(r.welchBound)} (κ² = ${num(r.welchBoundSq)}) for ${formatInteger(r.validRows)} unit vectors in R^${r.m}`,
  );
  lines.push(
    `strong set S     ${formatInteger(r.strong.rows)} rows with ‖W_i‖ > 1: mean (u·u)² ${num(r.strong.meanSqOverlap)}, Welch κ² ${num(r.strong.welchBoundSq)}`,
  );
  // Spec §2 item 5: Var((u·u)²) over that of random unit vectors, 2(m−1)/(m²(m+2)); < 1 is ETF-like.
  const ratio = (v: number | null, ci: readonly [number, number] | null) =>
    `${num(v)}${ci ? ` (95% CI ${num(ci[0])} – ${num(ci[1])}, sampled)` : ''}`;
  lines.push(
    `  var (u·u)² / random   in S ${ratio(r.strong.sqOverlapVarianceRatio, r.strong.sqOverlapVarianceRatioCI95)}; all rows ${ratio(r.sqOverlapVarianceRatio, r.sqOverlapVarianceRatioCI95)}`,
  );
  const line = nearDuplicateLine(r);
  if (line !== null) lines.push(line);
  for (const note of r.notes) lines.push(`note: ${note}`);
  if (transposeHint) lines.push(`note: ${transposeHint}`);
  lines.push(`computed in ${(r.ms / 1000).toFixed(2)} s (kernel: ${r.kernel})`);
  if (r.compute !== undefined) lines.push(`backend          ${describeBackend(r.compute)}`);
  return lines.join('\n');
}

/** The near-duplicate line, when the report has near duplicates (reports cached before: none). */
export function nearDuplicateLine(r: AnalysisReport): string | null {
  const d = r.nearDuplicates;
  if (d === null || d === undefined || d.rows === 0) return null;
  const where = d.method === 'sampled' ? ` among ${formatInteger(d.rowsChecked)} sampled rows` : '';
  const est = d.method === 'sampled' ? ' (estimated from the sample)' : '';
  return (
    `near-duplicates  ${formatInteger(d.rows)} rows in ${formatInteger(d.groups)} group${d.groups === 1 ? '' : 's'}${where} (|u·u| ≥ ${d.threshold}); ` +
    `without them${est}: mean (u·u)² ${num(d.meanSqOverlap)} (× m = ${num(d.meanSqOverlap === null ? null : d.meanSqOverlap * r.m)}), ` +
    `mean |u·u| ${num(d.meanAbsOverlap)}, max |u·u| ${num(d.maxAbsOverlap)} over ${formatInteger(d.keptRows)} rows (one per group)`
  );
}

export interface AnalyzeCommandOptions extends AnalyzeFileOptions {
  readonly json: boolean;
}

export async function runAnalyze(
  file: string,
  options: AnalyzeCommandOptions,
  write: (s: string) => void,
): Promise<void> {
  const bar = progressBar('analysing');
  try {
    const { report, transposeHint } = await analyzeFile(file, { ...options, onProgress: (f) => bar.update(f) });
    bar.done();
    write(options.json ? JSON.stringify(report, null, 2) : analysisText(report, transposeHint));
  } finally {
    bar.done();
  }
}

export interface CompareRow {
  readonly file: string;
  readonly tensor: string;
  readonly n: number;
  readonly m: number;
  readonly invM: number;
  readonly meanSqOverlap: number | null;
  readonly meanSqOverlapTimesM: number | null;
  readonly fracRepresented: number;
  readonly meanRowNorm: number | null;
}

/** Fit of ln(mean squared overlap) on ln(1/m): slope 1 means overlaps scale as 1/m (paper Fig. 6a). */
export function compareFit(rows: readonly CompareRow[]): LinearFit | null {
  const usable = rows.filter((r) => r.meanSqOverlap !== null && r.meanSqOverlap > 0);
  if (new Set(usable.map((r) => r.m)).size < 2) return null;
  return linearFit(
    usable.map((r) => Math.log(r.invM)),
    usable.map((r) => Math.log(r.meanSqOverlap!)),
  );
}

export async function runCompare(
  files: readonly string[],
  options: AnalyzeCommandOptions,
  write: (s: string) => void,
): Promise<void> {
  if (files.length < 2) throw new CoreError('usage', 'compare needs at least two checkpoints.');
  const rows: CompareRow[] = [];
  for (const [i, file] of files.entries()) {
    const bar = progressBar(`${i + 1}/${files.length} ${file}`);
    try {
      const { report: r } = await analyzeFile(file, {
        ...options,
        tensor: undefined,
        onProgress: (f) => bar.update(f),
      });
      rows.push({
        file,
        tensor: r.tensor,
        n: r.n,
        m: r.m,
        invM: r.invM,
        meanSqOverlap: r.meanSqOverlap,
        meanSqOverlapTimesM: r.meanSqOverlapTimesM,
        fracRepresented: r.fracRepresented,
        meanRowNorm: r.rowNorm?.mean ?? null,
      });
    } finally {
      bar.done();
    }
  }
  rows.sort((a, b) => a.m - b.m);
  const fit = compareFit(rows);
  if (options.json) {
    write(JSON.stringify({ rows, fit }, null, 2));
    return;
  }
  const table = renderTable(rows, [
    { title: 'file', value: (r) => r.file },
    { title: 'tensor', value: (r) => r.tensor },
    { title: 'n', value: (r) => formatInteger(r.n), align: 'right' },
    { title: 'm', value: (r) => formatInteger(r.m), align: 'right' },
    { title: '1/m', value: (r) => num(r.invM), align: 'right' },
    { title: 'mean (u·u)²', value: (r) => num(r.meanSqOverlap), align: 'right' },
    { title: '× m', value: (r) => num(r.meanSqOverlapTimesM, 3), align: 'right' },
    { title: 'φ½', value: (r) => num(r.fracRepresented, 3), align: 'right' },
  ]);
  const fitLine =
    fit === null
      ? 'fit: needs checkpoints of at least two different widths'
      : `fit ln(mean (u·u)²) = ${num(fit.slope)}${fit.slopeStderr === null ? '' : ` ± ${num(fit.slopeStderr, 2)}`} · ln(1/m) ${fit.intercept < 0 ? '−' : '+'} ${num(Math.abs(fit.intercept))}${fit.r2 === null ? '' : `   (R² = ${num(fit.r2, 3)}, ${fit.n} checkpoints; slope 1 means overlaps scale as 1/m)`}`;
  write(`${table}\n\n${fitLine}`);
}
