// The real checkpoint against its reference statistics (test/fixtures/stories260K.reference.json,
// computed in float64 by a separate program): every number to 1e-6 relative.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeTensor } from '../../../src/core/analysis/analyzeTensor';
import { float64Kernel } from '../../../src/core/analysis/kernel';
import { readSafetensorsHeader } from '../../../src/core/safetensors/reader';
import { openNodeReader } from '../../../src/node/files';

const FILE = path.resolve(__dirname, '../../../examples/checkpoints/stories260K.lm_head.safetensors');
const REFERENCE = path.resolve(__dirname, '../../fixtures/stories260K.reference.json');
const ref = JSON.parse(readFileSync(REFERENCE, 'utf8')).models.stories260K.stats;

const close = (actual: number | null, expected: number) => {
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! / expected - 1), `${actual} vs ${expected}`).toBeLessThan(1e-6);
};

describe('stories260K LM head', () => {
  it('matches the reference statistics to 1e-6 relative', async () => {
    const reader = (await openNodeReader(FILE, 'stories260K'))!;
    const header = await readSafetensorsHeader(reader);
    const { analysis: a } = await analyzeTensor(reader, header, header.tensors[0]!, { kernel: float64Kernel });
    expect(a.n).toBe(ref.n);
    expect(a.m).toBe(ref.m);
    expect(a.zeroRows).toBe(ref.n_zero_rows);
    expect(a.overlapMethod).toBe('exact');
    close(a.rowNorm!.mean, ref.mean_row_norm);
    close(a.rowNorm!.std, ref.std_row_norm);
    close(a.rowNorm!.min, ref.min_row_norm);
    close(a.rowNorm!.max, ref.max_row_norm);
    expect(a.fracRepresented).toBe(ref.frac_rows_norm_gt_0p5);
    expect(a.fracStrong).toBe(ref.frac_rows_norm_gt_1);
    close(a.meanSqOverlap, ref.mean_sq_overlap);
    close(a.meanAbsOverlap, ref.mean_abs_overlap);
    close(a.maxAbsOverlap, ref.max_abs_overlap);
    expect(a.invM).toBe(ref.inv_m);
    close(a.meanSqOverlap! * a.m, ref.mean_sq_overlap_times_m);

    // Issue 10: the unused tokens' near-identical rows drive max |u·u| to 1 and inflate the mean
    // squared overlap; without them it is far lower.
    const d = a.nearDuplicates!;
    console.log(
      `stories260K near duplicates: ${d.rows} rows in ${d.groups} groups; mean (u·u)² ${d.meanSqOverlap} (all rows ${a.meanSqOverlap}, 1/m ${a.invM}), mean |u·u| ${d.meanAbsOverlap} (${a.meanAbsOverlap}), max |u·u| ${d.maxAbsOverlap} (${a.maxAbsOverlap}) over ${d.keptRows} rows`,
    );
    expect(d.method).toBe('exact');
    expect(d.rows).toBeGreaterThan(200);
    expect(d.keptRows).toBe(a.validRows - d.rows + d.groups);
    expect(d.meanSqOverlap!).toBeLessThan(a.meanSqOverlap! / 2);
    expect(d.maxAbsOverlap!).toBeLessThan(a.maxAbsOverlap!);
  });
});
