// Benchmark: the viewer's filter and sort (src/webview/viewer/tableModel.ts) over 100,000 tensors,
// i.e. the work done on every keystroke in the filter box or click on a column header.
// Usage: npm run bench:table   (node --import tsx bench/table-query.ts)
import { DEFAULT_QUERY, indexTensors, queryTensors, type TableQuery } from '../src/webview/viewer/tableModel';
import type { ModelTensor } from '../src/core/safetensors/model';

const N = 100_000;
const tensors: ModelTensor[] = Array.from({ length: N }, (_, i) => ({
  name: `model.layers.${i >> 2}.proj.${i & 3}.weight`,
  dtype: i % 3 === 0 ? 'BF16' : 'F32',
  shape: [4, 1 + (i % 7)],
  numel: 4 * (1 + (i % 7)),
  begin: 0,
  end: 16 * (1 + (i % 7)),
  shard: 0,
}));
const t0 = performance.now();
const index = indexTensors(tensors);
const indexMs = performance.now() - t0;
const cases: [string, Partial<TableQuery>][] = [
  ['no filter, sort by name (natural)', {}],
  ['filter "layers.9999"', { text: 'layers.9999' }],
  ['filter "proj.3 bf16"', { text: 'proj.3 bf16' }],
  ['sort by size, descending', { sort: 'bytes', descending: true }],
  ['sort by shape', { sort: 'shape' }],
];
console.log(`table-query benchmark: ${N.toLocaleString('en-US')} tensors, median of 9 (Node ${process.version})\n`);
console.log(
  `${'index (once per model: names, ranks)'.padEnd(36)} ${String(N).padStart(7)} rows  ${indexMs.toFixed(1).padStart(6)} ms`,
);
for (const [label, q] of cases) {
  const times: number[] = [];
  let rows = 0;
  for (let r = 0; r < 9; r++) {
    const t0 = performance.now();
    rows = queryTensors(index, { ...DEFAULT_QUERY, ...q }).length;
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.log(`${label.padEnd(36)} ${String(rows).padStart(7)} rows  ${times[4]!.toFixed(1).padStart(6)} ms`);
}
