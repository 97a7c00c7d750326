// The analysis panel's summary card: a visible note when near-duplicate rows exist, none without
// them or for reports cached before the field existed.
import { describe, expect, it } from 'vitest';
import { summaryCard } from '../../src/webview/analysis/summary';
import type { AnalysisReport } from '../../src/core/analysis/report';

const base = {
  file: 'f',
  tensor: 't',
  dtype: 'F32',
  n: 512,
  m: 64,
  pairs: 130816,
  validRows: 512,
  zeroRows: 0,
  nonFiniteRows: 0,
  rowNorm: null,
  fracRepresented: 1,
  fracStrong: 1,
  meanSqOverlap: 0.3156,
  meanSqOverlapTimesM: 20.2,
  invM: 1 / 64,
  meanAbsOverlap: 0.4,
  meanAbsOverlapCI95: null,
  maxAbsOverlap: 1,
  overlapMethod: 'exact',
  sampledPairs: null,
  sampledRows: null,
  seed: 0,
  welchBound: 0.1,
  welchBoundSq: 0.01,
  strong: { rows: 512, meanSqOverlap: 0.3, meanAbsOverlap: 0.4, welchBoundSq: 0.01 },
  notes: [],
} as unknown as AnalysisReport;

describe('summaryCard near duplicates', () => {
  it('shows how many rows and the statistics without them', () => {
    const card = summaryCard({
      ...base,
      nearDuplicates: {
        threshold: 0.999,
        method: 'exact',
        rowsChecked: 512,
        rows: 252,
        groups: 1,
        keptRows: 261,
        meanSqOverlap: 0.0415,
        meanAbsOverlap: 0.1467,
        maxAbsOverlap: 0.9986,
      },
    });
    const note = card.querySelector('#near-duplicates');
    expect(note).not.toBeNull();
    expect(note!.textContent).toContain('252 rows in 1 group have |u·u| ≥ 0.999');
    expect(note!.textContent).toContain('0.0415');
  });

  it('shows nothing without duplicates or for older cached reports', () => {
    expect(summaryCard(base).querySelector('#near-duplicates')).toBeNull();
    const none = summaryCard({
      ...base,
      nearDuplicates: {
        ...{ threshold: 0.999, method: 'exact', rowsChecked: 512, keptRows: 512 },
        rows: 0,
        groups: 0,
        meanSqOverlap: 0.3,
        meanAbsOverlap: 0.4,
        maxAbsOverlap: 0.5,
      },
    });
    expect(none.querySelector('#near-duplicates')).toBeNull();
  });
});
