// Checks the state a restored analysis panel brings back (the page's `setState`, stored by VS
// Code across window reloads): it is data from disk, possibly from an older version, so anything
// that is not exactly an AnalysisPanelState is refused rather than trusted.

import type { AnalysisPanelState } from '../../shared/analysisProtocol';

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;

/** The state, or null when it is missing or malformed (the panel then closes). */
export function parsePanelState(x: unknown): AnalysisPanelState | null {
  if (!isObject(x) || (x['mode'] !== 'single' && x['mode'] !== 'compare') || !Array.isArray(x['requests'])) return null;
  const requests: AnalysisPanelState['requests'][number][] = [];
  for (const r of x['requests'] as unknown[]) {
    if (!isObject(r) || typeof r['uri'] !== 'string' || typeof r['transpose'] !== 'boolean') return null;
    if (typeof r['tensor'] !== 'string' && r['tensor'] !== null) return null;
    requests.push({ uri: r['uri'], tensor: r['tensor'], transpose: r['transpose'] });
  }
  const wanted = x['mode'] === 'single' ? requests.length === 1 : requests.length >= 2;
  return wanted ? { mode: x['mode'], requests } : null;
}
