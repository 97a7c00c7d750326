// The claim table is one source for each claim's text, tolerance and check: every tolerance number
// is printed in its text, every check is named, every wider-than-the-paper tolerance says why.
import { describe, expect, it } from 'vitest';
import { CHECKS, CLAIM_TABLE, formatLimit } from '../../../src/core/reproduce/claimTable';
import { checkClaims, compareWithSmaller, samplesText, type ClaimCheck } from '../../../src/core/reproduce/claims';
import type { ExperimentResults } from '../../../src/core/toy/results';

describe('the claim table', () => {
  it('lists H1–H20 once each, in order', () => {
    expect(CLAIM_TABLE.map((r) => r.id)).toEqual(Array.from({ length: 20 }, (_, i) => `H${i + 1}`));
  });

  it('prints every tolerance number in its tolerance text (no text/number mismatch)', () => {
    for (const row of CLAIM_TABLE) {
      if (row.tolerance === null) continue;
      const text = row.tolerance.text(row.tolerance.limits);
      for (const [key, value] of Object.entries(row.tolerance.limits)) {
        expect(text, `${row.id}: ${key} = ${value}`).toContain(formatLimit(value));
      }
    }
  });

  it('generates the text from the numbers: a changed number changes the text', () => {
    for (const row of CLAIM_TABLE) {
      if (row.tolerance === null) continue;
      for (const key of Object.keys(row.tolerance.limits)) {
        const changed = { ...row.tolerance.limits, [key]: 123.25 };
        expect(row.tolerance.text(changed), `${row.id}: ${key}`).toContain('123.25');
      }
    }
  });

  it('the γ thresholds in the claims are the grid’s own values (H7’s −0.5556, not −0.55 or −0.56)', () => {
    const h7 = CLAIM_TABLE.find((r) => r.id === 'H7')!;
    expect(h7.tolerance!.limits['strongGamma']).toBe(-0.5556);
    expect(h7.paper).toContain('γ ≤ −0.5556');
    expect(h7.tolerance!.text(h7.tolerance!.limits)).toContain('γ ≤ −0.5556');
  });

  it('names each check (no h1h2-style names) and every named check exists', () => {
    for (const row of CLAIM_TABLE) {
      if (row.check === null) {
        expect(row.notChecked, row.id).toMatch(/needs/);
        continue;
      }
      expect(row.check, row.id).not.toMatch(/^h\d/i);
      expect(typeof CHECKS[row.check], row.id).toBe('function');
    }
  });

  it('every wider-than-the-paper tolerance gives a reason, and none is a placeholder', () => {
    for (const row of CLAIM_TABLE) {
      if (row.wider === undefined) continue;
      expect(row.wider.length, row.id).toBeGreaterThan(30);
      expect(row.wider, row.id).not.toMatch(/PENDING|TODO|TBD/);
    }
  });

  it('the paper text is the same with and without results (one source)', () => {
    const none = checkClaims({});
    for (const [i, row] of CLAIM_TABLE.entries()) expect(none[i]!.paper).toBe(row.paper);
  });
});

describe('samples against the paper', () => {
  it('states steps × batch and n against the paper’s setting', () => {
    const res = { config: { train: { steps: 2000, batch: 256 }, data: { features: 512 } } } as ExperimentResults;
    expect(samplesText('A', res)).toBe(
      'A: 2000 × 256 = 5.1e5 samples per run, 1.3 % of the paper’s 20000 × 2048 = 4.1e7; n = 512 (paper 10240)',
    );
  });
});

describe('compareWithSmaller', () => {
  const claim = (id: string, status: ClaimCheck['status'], distance: number | null): ClaimCheck => ({
    id,
    claim: '',
    paper: '',
    ours: '',
    tolerance: '',
    status,
    distance,
  });

  it('says whether the bigger run of a failing claim is closer to the paper', () => {
    const now = [claim('H1', 'fail', 0.25), claim('H2', 'fail', 0.4), claim('H3', 'pass', 0.1), claim('H4', 'fail', 1)];
    const quick = [
      claim('H1', 'fail', 0.5),
      claim('H2', 'pass', 0.1),
      claim('H3', 'fail', 0.9),
      claim('H4', 'fail', 1),
    ];
    const out = compareWithSmaller(now, quick, 'quick');
    expect(out[0]!.comparison).toEqual({ mode: 'quick', status: 'fail', distance: 0.5, moreSamples: 'towards' });
    expect(out[1]!.comparison!.moreSamples).toBe('away');
    expect(out[2]!.comparison).toBeUndefined(); // passing rows are left alone
    expect(out[3]!.comparison!.moreSamples).toBe('same');
    expect(compareWithSmaller([claim('H1', 'fail', null)], quick, 'quick')[0]!.comparison!.moreSamples).toBeNull();
  });
});
