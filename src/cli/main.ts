// The `superposition-lab` command line: the core on Node, for headless use and CI.
// Exit statuses: 0 ok, 1 usage, 2 invalid input (message on stderr, one line), 3 internal error.

import { parseArgs } from 'node:util';
import { EXIT, UsageError, errorLine, escapeControlKeepLines, escapeJsonC1, exitStatusFor } from './output';
import { runList } from './commands/list';
import { runStats } from './commands/stats';
import { runAnalyze, runCompare } from './commands/analyze';
import { runExperiment } from './commands/run';
import { runSlurm } from './commands/slurm';
import { parseShard } from '../core/config/shard';
import { runReproduce } from './commands/reproduce';
import { REPRODUCE_MODES, type PresetId, type ReproduceMode } from '../core/reproduce/presets';
import { toWireError } from '../core/errors';
import type { BackendPreference } from '../core/compute/backend';
import { BACKEND_CHOICES, closeCompute, type ComputeOptions } from './compute';

declare const SUPERPOSITION_LAB_VERSION: string; // injected by esbuild from package.json

const HELP = `superposition-lab — inspect safetensors checkpoints and study superposition

Usage:
  superposition-lab list <file.safetensors | model.safetensors.index.json> [--json] [--no-index]
  superposition-lab stats <file | index.json> <tensor name> [--json] [--bins N]
  superposition-lab analyze <file | index.json> [--tensor NAME] [--transpose] [--json]
                    [--pair-budget N] [--seed S] [--sample-rows R] [--kernel exact|fast] [--backend B]
  superposition-lab compare <file> <file> ... [--json] [--backend B]
  superposition-lab run <name.experiment.yaml> [--out DIR] [--json] [--set key=value ...]
                    [--backend B] [--jobs N] [--shard K/N] [--retrain | --retrain-run ID ...]
                    [--accept-new-settings]
  superposition-lab slurm <name.experiment.yaml> [--array N] [--gpus-per-task G] [--cpus-per-task C]
                    [--time T] [--partition P] [--backend B] [--jobs N] [--out DIR] [--script FILE]
                    [--submit]
  superposition-lab reproduce [--tiny | --quick | --full] [--out DIR] [--only A,B,...] [--json]
                    [--backend B] [--jobs N] [--slurm [--array N ...] [--submit]]
  superposition-lab --help | --version

Commands:
  list    The tensor table: name, dtype, shape, parameters, bytes, shard; totals and metadata.
          A shard next to a *.safetensors.index.json opens the whole model (--no-index: this file only).
  stats   min, max, mean, std, zeros, NaN/Inf counts and a value histogram of one tensor,
          read in chunks.
  analyze Superposition geometry of the LM head (or --tensor): row norms, fraction of
          represented rows (norm > 0.5, > 1), mean squared overlap of normalised rows over all
          pairs (exact), mean and max |overlap| (exact when n²·m <= --pair-budget, else from a
          seeded sample with a 95% interval), the Welch bound and 1/m. Rows are streamed in blocks.
  compare Mean squared overlap against 1/m for several checkpoints, and the log-log slope ± SE.
  run     Train every run of an experiment config (the paper's toy model; a sweep is the
          cartesian product of the listed values) and fit α_m per series. Writes
          each run's record and weights (DIR/runs/) as it finishes and DIR/results.json; the same
          command resumes an interrupted sweep, and keeps finished runs when the sweep grows.
          Ctrl-C stops after saving finished runs.
  slurm   Write a commented sbatch script (DIR/slurm/<name>.sbatch) for an array job whose tasks
          each run one shard; --submit also runs sbatch and prints the job id.
  reproduce  Run the paper's experiments (spec §5: A–E), check its headline claims (H1–H20)
          and write DIR/report.html (self-contained, light and dark) and DIR/claims.json.
          Resumable like run; Ctrl-C keeps finished runs and writes a partial report.
          --slurm: write (--submit: submit) one array job per experiment instead of training;
          reproduce without --slurm then writes the report from what landed.

Options:
  --json        Machine-readable output on stdout.
  --no-index    Do not look for a sharded-model index next to a .safetensors file.
  --bins N      Histogram bins for stats (default 64).
  --tensor NAME The matrix to analyse (default: the LM head, found by name, then by shape).
  --transpose   The matrix is stored as [width, vocabulary]: analyse its transpose.
  --pair-budget N  Exact pair statistics while n²·m <= N (default 2e9).
  --sample-rows R  Rows sampled for pair statistics beyond the budget (default 2048).
  --seed S      Seed of that sample (default 0).
  --kernel K    exact (float64, slow) or fast (float32 blocks on WASM, float64 sums); default
                exact for small matrices (n·m² <= 4e8), fast otherwise.
  --out DIR     Where run writes its results (default: results/<name> beside the config);
                for reproduce, the folder of the report (default: reproduction/<mode>).
  --tiny, --quick, --full  reproduce's size: seconds (a first look), under 10 minutes on 2 CPU
                cores, or the paper's exact settings (for a GPU); default: the CPU-scale plan
                of the spec (about 15 minutes on 2 cores).
  --only IDS    reproduce only these experiments (A strong, B weak, C φ½ vs γ, D α grid, E density).
  --backend B   Where compute runs: auto (default: a hardware GPU through WebGPU/Dawn, else
                WASM, else a software GPU, else plain JS), webgpu (falls back to WASM, saying why),
                wasm or cpu. Every command's output names the backend, the GPU adapter and why
                faster backends were skipped.
  --jobs N      Runs of a sweep trained at once, each in its own worker (default: the cores on
                WASM or CPU, 1 on a GPU); progress per job on stderr.
  --shard K/N   Train only shard K (0-based) of N; shards of one folder may run at once.
  --retrain     Train every run again (their records are replaced as each finishes).
  --retrain-run ID  Train this run again; repeatable.
  --accept-new-settings  Train anew the runs whose settings (e.g. train.steps) changed; the
                old results stay in DIR and come back when the settings do.
  --array N     slurm: the number of array tasks (default 4); --gpus-per-task, --cpus-per-task
                (default 1), --time (default 1:00:00), --partition: sbatch's options.
                Each task runs with --backend B and --jobs N (default: one run per GPU asked
                for, else one per CPU asked for).
  --submit      slurm: submit the script with sbatch and print the job id.
  --set K=V     Override a config key for this run, e.g. --set train.steps=500 or
                --set model.width=[8,16]; repeatable. Values are YAML.

Exit status: 0 ok, 1 usage error, 2 invalid input (an invalid config prints each problem as
file:line:col: severity: message), 3 internal error, 130 stopped by Ctrl-C.`;

/** A numeric option within [min, max], or undefined when absent. */
function optionalNumber(flag: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max || (flag !== '--pair-budget' && !Number.isInteger(n))) {
    throw new UsageError(`${flag} must be a number from ${min} to ${max}, got ${value}`);
  }
  return n;
}

function backendOption(value: string | undefined): BackendPreference {
  if (value === undefined) return 'auto';
  if ((BACKEND_CHOICES as readonly string[]).includes(value)) return value as BackendPreference;
  throw new UsageError(`--backend must be one of ${BACKEND_CHOICES.join(', ')}, got ${value}`);
}

function kernelOption(value: string | undefined): 'exact' | 'fast' | undefined {
  if (value === undefined || value === 'exact' || value === 'fast') return value;
  throw new UsageError(`--kernel must be exact or fast, got ${value}`);
}

/** --shard K/N; a malformed spec is a usage error (exit 1) with the parser's sentence. */
function shardOption(value: string | undefined) {
  if (value === undefined) return undefined;
  try {
    return parseShard(value);
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\.$/, ''));
  }
}

/** Slurm's time formats: minutes, M:S, H:M:S, D-H, D-H:M, D-H:M:S. */
function slurmTimeOption(value: string | undefined): string {
  if (value === undefined) return '1:00:00';
  if (/^(\d+-)?\d+(:\d{1,2}){0,2}$/.test(value)) return value;
  throw new UsageError(`--time must be a Slurm time such as 30, 1:00:00 or 2-00:00:00, got ${value}`);
}

function partitionOption(value: string | undefined): string | undefined {
  if (value === undefined || /^[A-Za-z0-9_.,-]+$/.test(value)) return value;
  throw new UsageError(`--partition must be a partition name (letters, digits, _ . , -), got ${value}`);
}

/** The sbatch settings shared by `slurm` and `reproduce --slurm`. */
function slurmOptions(
  compute: ComputeOptions,
  values: {
    set?: string[];
    array?: string;
    'gpus-per-task'?: string;
    'cpus-per-task'?: string;
    time?: string;
    partition?: string;
    submit?: boolean;
  },
) {
  return {
    backend: compute.backend,
    ...(compute.jobs === undefined ? {} : { jobs: compute.jobs }),
    overrides: values.set ?? [],
    array: optionalNumber('--array', values.array, 1, 100_000) ?? 4,
    gpusPerTask: optionalNumber('--gpus-per-task', values['gpus-per-task'], 0, 64),
    cpusPerTask: optionalNumber('--cpus-per-task', values['cpus-per-task'], 1, 1024) ?? 1,
    time: slurmTimeOption(values.time),
    partition: partitionOption(values.partition),
    submit: values.submit === true,
  };
}

async function main(argv: readonly string[]): Promise<number> {
  // The first Ctrl-C asks the running command to stop cleanly (finished work is kept); a second
  // one exits at once.
  // Commands without a cancel check (list, usage errors) exit at the first one: 130 everywhere.
  let cancelled = false;
  let stoppable = false;
  process.on('SIGINT', () => {
    if (cancelled || !stoppable) process.exit(EXIT.interrupted);
    cancelled = true;
  });
  let json = false;
  // Names and metadata come from files: no control character reaches the terminal raw.
  const write = (s: string) => {
    const safe = json ? escapeJsonC1(s) : escapeControlKeepLines(s);
    process.stdout.write(safe.endsWith('\n') ? safe : `${safe}\n`);
  };
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean', default: false },
        'no-index': { type: 'boolean', default: false },
        bins: { type: 'string' },
        tensor: { type: 'string' },
        transpose: { type: 'boolean', default: false },
        'pair-budget': { type: 'string' },
        'sample-rows': { type: 'string' },
        seed: { type: 'string' },
        kernel: { type: 'string' },
        backend: { type: 'string' },
        jobs: { type: 'string' },
        out: { type: 'string' },
        set: { type: 'string', multiple: true },
        tiny: { type: 'boolean', default: false },
        quick: { type: 'boolean', default: false },
        full: { type: 'boolean', default: false },
        only: { type: 'string' },
        shard: { type: 'string' },
        retrain: { type: 'boolean', default: false },
        'retrain-run': { type: 'string', multiple: true },
        'accept-new-settings': { type: 'boolean', default: false },
        array: { type: 'string' },
        'gpus-per-task': { type: 'string' },
        'cpus-per-task': { type: 'string' },
        time: { type: 'string' },
        partition: { type: 'string' },
        script: { type: 'string' },
        submit: { type: 'boolean', default: false },
        slurm: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'v', default: false },
      },
    });
    json = values.json === true;
    if (values.help) {
      write(HELP);
      return EXIT.ok;
    }
    if (values.version) {
      write(SUPERPOSITION_LAB_VERSION);
      return EXIT.ok;
    }
    const [command, ...rest] = positionals;
    const jobs = optionalNumber('--jobs', values.jobs, 1, 256);
    const compute: ComputeOptions = { backend: backendOption(values.backend), ...(jobs === undefined ? {} : { jobs }) };
    if (jobs !== undefined && command !== 'run' && command !== 'reproduce' && command !== 'slurm') {
      throw new UsageError('--jobs applies to run, reproduce and slurm');
    }
    stoppable = ['stats', 'analyze', 'compare', 'run', 'reproduce'].includes(command ?? '');
    switch (command) {
      case 'list': {
        if (rest.length !== 1) throw new UsageError('list takes exactly one file');
        await runList(rest[0]!, { json, discoverIndex: !values['no-index'] }, write);
        return EXIT.ok;
      }
      case 'stats': {
        if (rest.length !== 2) throw new UsageError('stats takes a file and a tensor name');
        const bins = values.bins === undefined ? 64 : Number(values.bins);
        if (!Number.isInteger(bins) || bins < 1 || bins > 10000) {
          throw new UsageError(`--bins must be an integer from 1 to 10000, got ${values.bins}`);
        }
        await runStats(rest[0]!, rest[1]!, { json, bins, isCancelled: () => cancelled }, write);
        return EXIT.ok;
      }
      case 'analyze':
      case 'compare': {
        const analysisOptions = {
          json,
          tensor: values.tensor,
          transpose: values.transpose === true,
          pairBudget: optionalNumber('--pair-budget', values['pair-budget'], 1, Number.MAX_SAFE_INTEGER),
          sampleRows: optionalNumber('--sample-rows', values['sample-rows'], 2, 1_000_000),
          seed: optionalNumber('--seed', values.seed, 0, 2 ** 32 - 1),
          kernel: kernelOption(values.kernel),
          backend: compute.backend,
          isCancelled: () => cancelled,
        };
        if (command === 'analyze') {
          if (rest.length !== 1) throw new UsageError('analyze takes exactly one file');
          await runAnalyze(rest[0]!, analysisOptions, write);
        } else {
          if (rest.length < 2) throw new UsageError('compare takes two or more files');
          if (values.tensor !== undefined) {
            throw new UsageError('compare finds each LM head itself; --tensor applies to analyze');
          }
          await runCompare(rest, analysisOptions, write);
        }
        return EXIT.ok;
      }
      case 'run': {
        if (rest.length !== 1) throw new UsageError('run takes exactly one experiment config');
        if (values.retrain && values['retrain-run'] !== undefined) {
          throw new UsageError('choose --retrain (every run) or --retrain-run ID, not both');
        }
        return await runExperiment(
          rest[0]!,
          {
            json,
            out: values.out,
            overrides: values.set ?? [],
            isCancelled: () => cancelled,
            shard: shardOption(values.shard),
            retrain: values.retrain ? 'all' : values['retrain-run'],
            acceptNewSettings: values['accept-new-settings'] === true,
            compute,
          },
          write,
        );
      }
      case 'slurm': {
        if (rest.length !== 1) throw new UsageError('slurm takes exactly one experiment config');
        return await runSlurm(
          rest[0]!,
          { out: values.out, script: values.script, ...slurmOptions(compute, values) },
          write,
        );
      }
      case 'reproduce': {
        if (rest.length !== 0) throw new UsageError('reproduce takes no file arguments');
        const modes = (['tiny', 'quick', 'full'] as const).filter((m) => values[m]);
        if (modes.length > 1) throw new UsageError(`choose one of --tiny, --quick, --full (got ${modes.join(', ')})`);
        const mode: ReproduceMode = modes[0] ?? 'default';
        if (!REPRODUCE_MODES.includes(mode)) throw new UsageError(`unknown mode ${mode}`);
        let only: PresetId[] | undefined;
        if (values.only !== undefined) {
          only = values.only.split(',').map((x) => x.trim().toUpperCase()) as PresetId[];
          const bad = only.filter((x) => !['A', 'B', 'C', 'D', 'E'].includes(x));
          if (bad.length > 0 || only.length === 0) {
            throw new UsageError(`--only takes letters A to E, got ${values.only}`);
          }
        }
        if (values.script !== undefined) {
          throw new UsageError('--script applies to slurm (reproduce writes one per experiment)');
        }
        const slurm = values.slurm ? { ...slurmOptions(compute, values), overrides: [] } : undefined;
        return await runReproduce(
          { mode, out: values.out, only, json, isCancelled: () => cancelled, slurm, compute },
          write,
        );
      }
      case undefined:
        throw new UsageError('no command given');
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (e) {
    // parseArgs reports unknown options with a TypeError carrying an ERR_PARSE_ARGS_* code.
    const parseError = (e as { code?: string } | null)?.code?.startsWith('ERR_PARSE_ARGS') === true;
    const err = parseError ? new UsageError((e as Error).message) : e;
    process.stderr.write(`${errorLine(err)}\n`);
    if (process.env['SUPERPOSITION_LAB_DEBUG'] && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    if (json && !(err instanceof UsageError)) {
      const { code, message } = toWireError(err); // no `detail`: it may hold a stack trace
      write(JSON.stringify({ error: { code, message } }));
    }
    return exitStatusFor(err);
  } finally {
    // Compute workers are threads: they would keep the process alive.
    await closeCompute();
  }
}

// A closed pipe (`| head`) is not an error worth a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(EXIT.ok);
});

// For benchmarks: SUPERPOSITION_LAB_RUSAGE=1 reports peak memory and CPU time on stderr.
if (process.env['SUPERPOSITION_LAB_RUSAGE']) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    process.stderr.write(
      `rusage: maxRSS ${Math.round(u.maxRSS / 1024)} MiB, user ${(u.userCPUTime / 1e6).toFixed(2)} s, system ${(u.systemCPUTime / 1e6).toFixed(2)} s\n`,
    );
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`${errorLine(e)}\n`);
    process.exitCode = EXIT.internal;
  },
);
