// Benchmark: `superposition-lab analyze --json` on generated LM heads of real sizes (bench/heads.ts),
// wall time and peak RSS of the whole CLI process, against the naive blocked all-pairs method
// (every u_i·u_j computed, as the paper's LLMs/overlap-0.py does) on the same WASM matrix kernel.
// The all-pairs run is timed over a fraction of its row blocks and extrapolated (its cost per
// block is the same for every block), unless --full-naive is given.
// Usage: npm run bench:analyze [-- --full-naive] [-- --skip-qwen]
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { ensureHead, GPT2, QWEN, type HeadSpec } from './heads';
import { tfKernel } from '../src/core/compute/tfKernel';
import { openNodeReader } from '../src/node/files';
import { readSafetensorsHeader, readTensorFloat32 } from '../src/core/safetensors/reader';

const CLI = path.resolve(__dirname, '../dist/cli.js');
const args = process.argv.slice(2);

function runCli(file: string): {
  wall: number;
  rssMiB: number;
  report: { meanSqOverlap: number; overlapMethod: string; kernel: string };
} {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CLI, 'analyze', file, '--json'], {
    encoding: 'utf8',
    env: { ...process.env, SUPERPOSITION_LAB_RUSAGE: '1' },
    maxBuffer: 1 << 26,
  });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`analyze failed: ${r.stderr}`);
  const rss = Number(/maxRSS (\d+) MiB/.exec(r.stderr)?.[1]);
  return { wall, rssMiB: rss, report: JSON.parse(r.stdout) };
}

/** The naive method: all rows normalised in memory, then U_I·U_Jᵀ for every block pair I ≤ J. */
async function naiveAllPairs(
  file: string,
  spec: HeadSpec,
  fraction: number,
): Promise<{ seconds: number; extrapolated: boolean; meanSq: number }> {
  setWasmPaths(`${path.resolve(__dirname, '../node_modules/@tensorflow/tfjs-backend-wasm/dist')}/`);
  tf.env().set('PROD', true);
  await tf.setBackend('wasm');
  const reader = (await openNodeReader(file, file))!;
  const header = await readSafetensorsHeader(reader);
  const t0 = performance.now();
  const w = await readTensorFloat32(reader, header, header.tensors[0]!);
  const { n, m } = spec;
  for (let i = 0; i < n; i++) {
    let ss = 0;
    for (let k = 0; k < m; k++) ss += w[i * m + k]! ** 2;
    const inv = 1 / Math.sqrt(ss);
    for (let k = 0; k < m; k++) w[i * m + k]! *= inv;
  }
  const kernel = tfKernel();
  const B = 2048;
  const blocks = Math.ceil(n / B);
  // Block I pairs with rows I·B.. n-1: work per block falls linearly; count pairs done to extrapolate.
  const totalPairs = (n * (n - 1)) / 2;
  let pairsDone = 0;
  let sumSq = 0;
  for (let b = 0; b < blocks && pairsDone < fraction * totalPairs; b++) {
    const i0 = b * B;
    const bi = Math.min(B, n - i0);
    const c = await kernel.crossProducts(w.subarray(i0 * m, (i0 + bi) * m), bi, w.subarray(i0 * m), n - i0, m);
    for (let a = 0; a < bi; a++) for (let j = a + 1; j < n - i0; j++) sumSq += c[a * (n - i0) + j]! ** 2;
    pairsDone += bi * (n - i0) - (bi * (bi + 1)) / 2;
  }
  const seconds = (performance.now() - t0) / 1000;
  const done = pairsDone / totalPairs;
  return { seconds: seconds / done, extrapolated: done < 0.999, meanSq: sumSq / pairsDone };
}

async function main(): Promise<void> {
  console.log(`analyze benchmark (Node ${process.version}, ${os.cpus().length} cores)\n`);
  const specs = args.includes('--skip-qwen') ? [GPT2] : [GPT2, QWEN];
  for (const spec of specs) {
    const file = ensureHead(spec);
    const runs = [runCli(file), ...(spec === GPT2 ? [runCli(file), runCli(file)] : [])].sort((a, b) => a.wall - b.wall);
    const median = runs[Math.floor(runs.length / 2)]!;
    console.log(`${spec.file}: ${spec.n} × ${spec.m} ${spec.dtype}`);
    console.log(
      `  analyze --json   wall ${runs.map((r) => r.wall.toFixed(2)).join(' / ')} s (median ${median.wall.toFixed(2)} s), peak RSS ${median.rssMiB} MiB, meanSqOverlap ${median.report.meanSqOverlap.toPrecision(6)} (${median.report.overlapMethod} pairs; ${median.report.kernel})`,
    );
    const fraction = args.includes('--full-naive') ? 1 : spec === GPT2 ? 0.25 : 0.03;
    const naive = await naiveAllPairs(file, spec, fraction);
    console.log(
      `  naive all-pairs  ${naive.seconds.toFixed(0)} s${naive.extrapolated ? ` (extrapolated from ${(fraction * 100).toFixed(0)}% of the pairs)` : ''}, meanSqOverlap of the pairs done ${naive.meanSq.toPrecision(6)}; speed-up ${(naive.seconds / median.wall).toFixed(0)}×\n`,
    );
  }
}

void main();
