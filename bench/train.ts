// Benchmark: toy-model training throughput (steps/s) at n = 1024, B = 512, γ = −1, power law
// α = 1.2, E = 1 for TF.js's Node backends (WASM with SIMD, and the plain-JS CPU backend), each
// in the trainer's 'dense' and 'active' modes, against the PyTorch baseline written from the
// paper spec (bench/torch_baseline.py, Debian's python3-torch, 1 and 2 threads), then the
// statistical agreement of the final loss over seeds (ours on WASM against PyTorch).
//
// Every configuration runs in its own process (one TF.js backend, one PyTorch thread setting),
// warmed up, then asked for one timed window of steps in turn, round after round, so that all of
// them see the same machine load; each figure is the median over the rounds. A window of ours is
// what trainRun does per step: draw the batch, step, and read the losses back at the end.
//
// The batched rows train R runs as one model (src/core/toy/batchedTrainer.ts, --batch-runs R,
// default 4) and report ms per run-step (the batch's step time ÷ R): 'batched' with R seeds (R
// samplers), 'batched, shared data' with R values of γ on one seed (one sampler, as the γ values
// of one α in exp-10).
//
// Usage: npm run bench:train [-- --rounds 7] [-- --widths 8,64,128] [-- --skip-cpu] [-- --batch-runs 4]
//        [-- --agreement-steps 3000] [-- --seeds 3] [-- --skip-agreement] [-- --skip-throughput]
//        [-- --json FILE]
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { TfToyModel, initialWeights, stepHyper, trainRun, type TrainSettings } from '../src/core/toy/trainer';
import { BatchedToyModel } from '../src/core/toy/batchedTrainer';
import { BatchSampler } from '../src/core/toy/sampler';
import { Rng, STREAM } from '../src/core/toy/rng';
import { featureFrequencies } from '../src/core/toy/distributions';
import { OPTIMIZER_DEFAULTS } from '../src/core/config/schema';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(name);
  return at >= 0 && args[at + 1] !== undefined ? args[at + 1]! : fallback;
};
const PYTHON = '/usr/bin/python3';
const TORCH_SCRIPT = path.resolve(__dirname, 'torch_baseline.py');
/** Debian's reference BLAS (libblas3), the one `apt-get install python3-torch` alone brings. */
const REFERENCE_BLAS = '/usr/lib/x86_64-linux-gnu/blas';
/** Wall time aimed for per timed window. */
const WINDOW_MS = 500;
/**
 * Untimed steps before each window: a process that sat idle while the others ran starts slow
 * (caches), and a real run never idles between steps.
 */
const REWARM_STEPS = 3;

const N = 1024;
const BATCH = 512;
const BATCH_RUNS = Number(option('--batch-runs', '4'));
const settings = (m: number, steps: number, seed: number): TrainSettings => ({
  n: N,
  m,
  batch: BATCH,
  steps,
  seed,
  weightDecay: -1,
  ...OPTIMIZER_DEFAULTS, // paper-large lr, 5% warmup, loss scale 100, Adam (0.9, 0.999, 1e-8)
});
const frequencies = () => featureFrequencies({ distribution: 'power', n: N, exponent: 1.2, scale: 1, density: 1 }).p;

async function useBackend(backend: string): Promise<void> {
  setWasmPaths(`${path.resolve(__dirname, '../node_modules/@tensorflow/tfjs-backend-wasm/dist')}/`);
  tf.env().set('PROD', true);
  if (!(await tf.setBackend(backend))) throw new Error(`TF.js backend ${backend} did not start`);
}

// ---- worker processes: one configuration each, answering "train k steps" with the time taken ----

/** `--worker BACKEND MODE M`: our trainer, stepping as trainRun does, k steps per stdin line. */
async function oursWorker(backend: string, mode: 'dense' | 'active', m: number): Promise<void> {
  await useBackend(backend);
  const s = settings(m, 6000, 0);
  const { W, b } = initialWeights(N, m, s.seed);
  const model = new TfToyModel(N, m, W, b);
  model.mode = mode;
  const sampler = new BatchSampler(frequencies(), BATCH);
  const rng = new Rng(s.seed, STREAM.data);
  let step = 0;
  console.log(JSON.stringify({ backend: tf.getBackend() }));
  const steps = async (count: number) => {
    if (count === 0) return;
    const losses: tf.Scalar[] = [];
    for (let i = 0; i < count; i++) {
      sampler.next(rng);
      losses.push(model.step(sampler.sparse(), BATCH, stepHyper(s, step++ % s.steps)));
    }
    const stacked = tf.stack(losses);
    await stacked.data();
    stacked.dispose();
    losses.forEach((l) => l.dispose());
  };
  for await (const line of readline.createInterface({ input: process.stdin })) {
    const [untimed, timed] = line.split(' ').map(Number) as [number, number];
    await steps(untimed);
    const t0 = performance.now();
    await steps(timed);
    console.log(JSON.stringify({ ms: (performance.now() - t0) / timed }));
  }
}

/**
 * `--worker BACKEND batched|batched-shared M R`: R runs stepped as one batch, as trainBatch does;
 * answers with ms per run-step.
 */
async function batchedWorker(backend: string, shared: boolean, m: number, runs: number): Promise<void> {
  await useBackend(backend);
  const s = Array.from({ length: runs }, (_, r) =>
    shared ? { ...settings(m, 6000, 0), weightDecay: -1 + r / runs } : settings(m, 6000, r),
  );
  const init = s.map((r) => initialWeights(N, m, r.seed));
  const model = new BatchedToyModel(
    runs,
    N,
    m,
    init.map((i) => i.W),
    init.map((i) => i.b),
  );
  const p = frequencies();
  const samplers = (shared ? [0] : s.map((_, r) => r)).map((seed) => ({
    sampler: new BatchSampler(p, BATCH),
    rng: new Rng(seed, STREAM.data),
  }));
  let step = 0;
  console.log(JSON.stringify({ backend: tf.getBackend() }));
  const steps = async (count: number) => {
    if (count === 0) return;
    const losses: tf.Tensor[] = [];
    for (let i = 0; i < count; i++) {
      const batches = samplers.map(({ sampler, rng }) => {
        sampler.next(rng);
        return sampler.sparse();
      });
      const x = s.map((_, r) => batches[shared ? 0 : r]!);
      losses.push(
        model.step(
          x,
          BATCH,
          s.map((r) => stepHyper(r, step % r.steps)),
        ),
      );
      step++;
    }
    const stacked = tf.stack(losses);
    await stacked.data();
    stacked.dispose();
    losses.forEach((l) => l.dispose());
  };
  for await (const line of readline.createInterface({ input: process.stdin })) {
    const [untimed, timed] = line.split(' ').map(Number) as [number, number];
    await steps(untimed);
    const t0 = performance.now();
    await steps(timed);
    console.log(JSON.stringify({ ms: (performance.now() - t0) / timed / runs }));
  }
}

interface Config {
  readonly label: string;
  readonly key: string;
  readonly command: string;
  readonly argv: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** Untimed steps after start. */
  readonly warm: number;
}

class Worker {
  private child: ChildProcess | undefined;
  private lines: AsyncIterator<string> | undefined;
  info: Record<string, unknown> = {};
  msPerStep = NaN;
  readonly samples: number[] = [];

  constructor(readonly config: Config) {}

  private async reply(): Promise<Record<string, unknown>> {
    const next = await this.lines!.next();
    if (next.done) throw new Error(`${this.config.label}: the worker exited`);
    return JSON.parse(next.value) as Record<string, unknown>;
  }

  /** Starts the process and warms it up. */
  async start(): Promise<void> {
    this.child = spawn(this.config.command, this.config.argv, {
      env: { ...process.env, ...this.config.env },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.lines = readline.createInterface({ input: this.child.stdout! })[Symbol.asyncIterator]();
    this.info = await this.reply();
    this.msPerStep = await this.run(0, this.config.warm);
  }

  async run(untimed: number, timed: number): Promise<number> {
    this.child!.stdin!.write(`${untimed} ${timed}\n`);
    return (await this.reply())['ms'] as number;
  }

  /** One timed window of about WINDOW_MS, after a few untimed steps. */
  async window(): Promise<void> {
    // msPerStep is per run-step for the batched rows: a window of them is R times longer per step.
    const runs = this.config.key.includes('batched') ? BATCH_RUNS : 1;
    const steps = Math.max(1, Math.min(50, Math.round(WINDOW_MS / (this.msPerStep * runs))));
    this.samples.push(await this.run(this.msPerStep < 100 ? REWARM_STEPS : 1, steps));
  }

  close(): void {
    this.child?.stdin!.end();
  }
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

function configs(m: number): Config[] {
  const self = (backend: string, mode: string, label: string, warm: number): Config => ({
    label,
    key: `${backend}-${mode}`,
    command: process.execPath,
    argv: ['--import', 'tsx', __filename, '--worker', backend, mode, String(m)],
    warm,
  });
  const torch = (threads: number, label: string, key: string, env?: NodeJS.ProcessEnv): Config => ({
    label,
    key,
    command: PYTHON,
    argv: [TORCH_SCRIPT, 'serve', '--m', String(m), '--threads', String(threads)],
    env,
    warm: 10,
  });
  const list: Config[] = [
    self('wasm', 'dense', 'TF.js WASM, dense', 10),
    self('wasm', 'active', 'TF.js WASM, active', 10),
    {
      ...self('wasm', 'batched', `TF.js WASM, batched ×${BATCH_RUNS}`, 5),
      argv: ['--import', 'tsx', __filename, '--worker', 'wasm', 'batched', String(m), String(BATCH_RUNS)],
    },
    {
      ...self('wasm', 'batched-shared', `TF.js WASM, batched ×${BATCH_RUNS}, shared data`, 5),
      argv: ['--import', 'tsx', __filename, '--worker', 'wasm', 'batched-shared', String(m), String(BATCH_RUNS)],
    },
  ];
  if (!args.includes('--skip-cpu')) {
    list.push(self('cpu', 'dense', 'TF.js CPU, dense', 2), self('cpu', 'active', 'TF.js CPU, active', 2));
  }
  list.push(torch(1, 'PyTorch, 1 thread', 'torch-1'), torch(2, 'PyTorch, 2 threads', 'torch-2'));
  if (existsSync(path.join(REFERENCE_BLAS, 'libblas.so.3'))) {
    list.push(
      torch(1, 'PyTorch, 1 thread, reference BLAS', 'torch-1-refblas', {
        LD_LIBRARY_PATH: [REFERENCE_BLAS, process.env['LD_LIBRARY_PATH']].filter(Boolean).join(':'),
      }),
    );
  }
  return list;
}

interface Row {
  label: string;
  key: string;
  ms: Record<number, number>;
  spread: Record<number, [number, number]>;
  info: Record<number, Record<string, unknown>>;
}

async function throughput(widths: number[], rounds: number): Promise<Row[]> {
  const rows = new Map<string, Row>();
  for (const m of widths) {
    const workers = configs(m).map((c) => new Worker(c));
    try {
      // Started one at a time, so that no start competes with another's warm-up.
      for (const w of workers) await w.start();
      for (let r = 0; r < rounds; r++) {
        // A different order every round: no configuration always follows the same one.
        for (let i = 0; i < workers.length; i++) await workers[(i + r) % workers.length]!.window();
      }
    } finally {
      workers.forEach((w) => w.close());
    }
    for (const w of workers) {
      const row = rows.get(w.config.key) ?? { label: w.config.label, key: w.config.key, ms: {}, spread: {}, info: {} };
      row.ms[m] = median(w.samples);
      row.spread[m] = [Math.min(...w.samples), Math.max(...w.samples)];
      row.info[m] = w.info;
      rows.set(w.config.key, row);
    }
    console.error(`  m = ${m} done (load average ${os.loadavg()[0]!.toFixed(2)})`);
  }
  return [...rows.values()];
}

function printThroughput(rows: Row[], widths: number[], rounds: number): void {
  const pad = (s: string, k: number) => s.padEnd(k);
  console.log(
    `\ntraining throughput, n = ${N}, B = ${BATCH}, γ = −1, power α = 1.2, E = 1: median ms/step over ${rounds} interleaved windows (steps/s)\n`,
  );
  console.log(pad('configuration', 36) + widths.map((m) => pad(`m = ${m}`, 22)).join(''));
  for (const row of rows) {
    const cells = widths.map((m) => {
      const ms = row.ms[m]!;
      return pad(`${ms.toFixed(ms < 100 ? 1 : 0)} ms (${(1000 / ms).toFixed(ms < 100 ? 1 : 2)}/s)`, 22);
    });
    console.log(pad(row.label, 36) + cells.join(''));
  }
}

// ---- agreement of the final loss ----

interface Agreement {
  steps: number;
  ours: number[];
  torch: number[];
}

async function agreement(m: number, steps: number, seeds: number): Promise<Agreement> {
  // PyTorch's seeds run one after another in the background while ours train here (untimed).
  const torchRuns = (async () => {
    const out: number[] = [];
    for (let seed = 0; seed < seeds; seed++) {
      const child = spawn(
        PYTHON,
        [TORCH_SCRIPT, 'run', '--m', String(m), '--steps', String(steps), '--seed', String(seed)],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      let text = '';
      child.stdout.on('data', (d: Buffer) => (text += d.toString()));
      await new Promise((resolve) => child.on('close', resolve));
      out.push((JSON.parse(text) as { finalLoss: number }).finalLoss);
    }
    return out;
  })();
  await useBackend('wasm');
  const p = frequencies();
  const ours: number[] = [];
  for (let seed = 0; seed < seeds; seed++) {
    const run = await trainRun(settings(m, steps, seed), p, {
      yieldToEvents: () => new Promise((r) => setImmediate(r)),
    });
    const tail = run.mse.subarray(-100);
    ours.push((N * tail.reduce((a, v) => a + v, 0)) / tail.length);
  }
  return { steps, ours, torch: await torchRuns };
}

function printAgreement(a: Agreement, m: number): { relative: number } {
  const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
  const sd = (xs: number[]) => Math.sqrt(xs.reduce((s, v) => s + (v - mean(xs)) ** 2, 0) / (xs.length - 1));
  const relative = mean(a.ours) / mean(a.torch) - 1;
  const fmt = (xs: number[]) => xs.map((v) => v.toFixed(4)).join(', ');
  console.log(
    `\nfinal loss (n × mean of the last 100 MSEs), m = ${m}, ${a.steps} steps, seeds 0–${a.ours.length - 1}, exp-17 settings (paper-large lr, warmup 5%, cosine to 5%, loss ×100):`,
  );
  console.log(`  ours (WASM, auto)  ${fmt(a.ours)}   mean ${mean(a.ours).toFixed(4)} ± ${sd(a.ours).toFixed(4)} (sd)`);
  console.log(
    `  PyTorch            ${fmt(a.torch)}   mean ${mean(a.torch).toFixed(4)} ± ${sd(a.torch).toFixed(4)} (sd)`,
  );
  console.log(`  relative difference of the means ${(100 * relative).toFixed(2)}% (target: within 3%)`);
  return { relative };
}

async function main(): Promise<void> {
  const widths = option('--widths', '8,64,128').split(',').map(Number);
  const rounds = Number(option('--rounds', '7'));
  await useBackend('wasm');
  console.log(
    `training benchmark (Node ${process.version}, ${os.cpus().length} cores, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')})`,
  );
  // Threads: TF.js turns the threaded WASM build off in Node (WASM_HAS_MULTITHREAD_SUPPORT is
  // false there, tfjs issue #3830; forcing it fails, its workers load from blob: URLs).
  console.log(
    `TF.js WASM: SIMD ${tf.env().getBool('WASM_HAS_SIMD_SUPPORT')}, threads ${await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')}`,
  );
  const results: Record<string, unknown> = { widths, rounds };
  if (!args.includes('--skip-throughput')) {
    const rows = await throughput(widths, rounds);
    results['rows'] = rows;
    printThroughput(rows, widths, rounds);
    const torchInfo = rows.find((r) => r.key === 'torch-1')?.info[widths[0]!];
    if (torchInfo) console.log(`\nPyTorch ${torchInfo['torch']}; BLAS ${(torchInfo['blas'] as string[]).join(', ')}`);
    if (widths.includes(64)) {
      const at = (key: string) => rows.find((r) => r.key === key)?.ms[64];
      const torch1 = at('torch-1')!;
      console.log('\nat m = 64, steps/s ours ÷ PyTorch (1 thread):');
      for (const key of ['wasm-active', 'wasm-dense', 'wasm-batched', 'wasm-batched-shared']) {
        console.log(`  TF.js WASM ${key.slice(5)} (per run-step): ${(torch1 / at(key)!).toFixed(2)}×`);
      }
      const ref = at('torch-1-refblas');
      if (ref !== undefined) {
        console.log(`  (against the reference-BLAS PyTorch: ${(ref / at('wasm-active')!).toFixed(1)}× for active)`);
      }
    }
  }
  if (!args.includes('--skip-agreement')) {
    const m = 64;
    const a = await agreement(m, Number(option('--agreement-steps', '3000')), Number(option('--seeds', '3')));
    results['agreement'] = { ...a, ...printAgreement(a, m) };
  }
  const json = option('--json', '');
  if (json) writeFileSync(json, JSON.stringify(results, null, 2));
}

if (args[0] === '--worker' && args[2]?.startsWith('batched')) {
  void batchedWorker(args[1]!, args[2] === 'batched-shared', Number(args[3]), Number(args[4]));
} else if (args[0] === '--worker') {
  void oursWorker(args[1]!, args[2] as 'dense' | 'active', Number(args[3]));
} else {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
