// Where and how a result was computed, in words, for the status line and the summary card:
// "wasm in the extension host; skipped webgpu: no GPU adapter". The page computes nothing itself;
// the extension host's compute worker says where it ran (ComputePlace).

import type { AnalysisReport } from '../../core/analysis/report';
import { describeAdapter } from '../../core/compute/describeBackend';
import type { ComputePlace } from '../../shared/analysisProtocol';

const WHERE: Record<ComputePlace['where'], string> = { 'extension-host': 'in the extension host' };

/** "webgpu on nvidia hopper (NVIDIA H200) in the extension host", then any skipped backends. */
export function placeText(place: ComputePlace): string {
  const b = place.backend;
  if (b === null) return WHERE[place.where];
  const adapter = b.adapter === undefined ? '' : ` on ${describeAdapter(b.adapter)}`;
  const skipped =
    b.skipped.length === 0 ? '' : `; skipped ${b.skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`;
  return `${b.name}${adapter} ${WHERE[place.where]}${skipped}`;
}

/** One sentence under the title once a result is there. */
export function computeInfo(r: AnalysisReport, cached: boolean, place: ComputePlace | undefined): string {
  const time = `${cached ? 'From the cache; computed' : 'Computed'} in ${(r.ms / 1000).toFixed(2)} s`;
  const where = place === undefined ? '' : `, ${placeText(place)}`;
  // The exact kernel is plain JavaScript, used for small matrices whatever backend the worker has.
  return r.kernel === 'float64'
    ? `${time} with the exact float64 kernel (small matrix)${where}.`
    : `${time} with ${r.kernel}${where}.`;
}
