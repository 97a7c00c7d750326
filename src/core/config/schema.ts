// The experiment configuration (`*.experiment.yaml`, `version: 1`): every key, its type, bounds,
// default, meaning and the paper section it comes from, in one table. The validator (parse.ts),
// the JSON Schema (jsonSchema.ts, checked in as schemas/experiment.schema.json), the README's key
// reference and the editor's hovers all come from this table, so they cannot disagree.
//
// Defaults are the paper's large-model settings reduced to CPU scale (paper-spec §5 A).

export type Distribution = 'power' | 'exponential' | 'linear' | 'empirical';
export const DISTRIBUTIONS: readonly Distribution[] = ['power', 'exponential', 'linear', 'empirical'];

/** `paper-large`: W 0.02·(8/m)^¼, b 2/m (exp-17); `paper-small`: 0.01 for both (exp-10); a number: both. */
export type LrSpec = 'paper-large' | 'paper-small' | number;

/** A value that a sweep may list; a list means one run per element (cartesian product). */
export type Sweepable<T> = T | readonly T[];

export interface ExperimentConfig {
  readonly version: 1;
  readonly name: string;
  readonly description: string;
  readonly data: {
    readonly features: number;
    readonly distribution: Sweepable<Distribution>;
    readonly exponent: Sweepable<number>;
    readonly scale: number;
    readonly density: Sweepable<number>;
    /** For `distribution: empirical`: a CSV or JSON file of feature counts, relative to the config. */
    readonly counts: string | null;
  };
  readonly model: { readonly width: Sweepable<number> };
  readonly optimizer: {
    readonly weightDecay: Sweepable<number>;
    readonly lr: LrSpec;
    readonly warmup: number;
    readonly minLrRatio: number;
    readonly lossScale: number;
    readonly beta1: number;
    readonly beta2: number;
    readonly eps: number;
  };
  readonly train: {
    readonly steps: number;
    readonly batch: number;
    readonly seeds: Sweepable<number>;
    /** Steps averaged for the final loss (the notebook's last 100). */
    readonly finalWindow: number;
    /** Points kept in each run's saved loss curve. */
    readonly curvePoints: number;
  };
  readonly fit: {
    /** Only widths in [min, max] enter the α_m fits (paper D.1 drops the smallest for some series). */
    readonly widths: readonly [number, number] | null;
  };
}

export type FieldType = 'integer' | 'number' | 'string' | 'enum' | 'lr' | 'range' | 'path';

const SECTION_NAMES = ['data', 'model', 'optimizer', 'train', 'fit'] as const;
type Section = (typeof SECTION_NAMES)[number];

/** Every key of a config as the field table names it: "version", "data.features", … */
export type ConfigPath =
  Exclude<keyof ExperimentConfig, Section> | { [S in Section]: `${S}.${keyof ExperimentConfig[S] & string}` }[Section];

/** The type ExperimentConfig gives the key at `P`. */
type ValueAt<P extends ConfigPath> = P extends `${infer S}.${infer K}`
  ? S extends Section
    ? K extends keyof ExperimentConfig[S]
      ? ExperimentConfig[S][K]
      : never
    : never
  : P extends keyof ExperimentConfig
    ? ExperimentConfig[P]
    : never;

export interface FieldSpec {
  /** Dotted path, e.g. "data.features". */
  readonly path: ConfigPath;
  readonly type: FieldType;
  readonly description: string;
  /** Where the knob comes from in the paper or its code (paper-spec.md sections). */
  readonly source: string;
  readonly default: unknown;
  readonly min?: number;
  readonly max?: number;
  /** A lower bound that is excluded (e.g. > 0). */
  readonly exclusiveMin?: boolean;
  readonly enum?: readonly string[];
  /** The key may be a list: one run per element. */
  readonly sweepable?: boolean;
  readonly required?: boolean;
}

/** A field whose default has the type ExperimentConfig gives its path. */
type TypedField = { [P in ConfigPath]: FieldSpec & { readonly path: P; readonly default: ValueAt<P> } }[ConfigPath];

/**
 * Every key of version 1. Sections (data, model, ...) are implied by the paths. The table and
 * ExperimentConfig are tied by the compiler: each path must be a key of the interface, each
 * default of that key's type, and every key must have a row (AllKeysHaveRows below). So the
 * parser, which builds a config from this table, always builds a whole ExperimentConfig.
 */
const FIELD_ROWS = [
  {
    path: 'version',
    type: 'integer',
    description: 'Format version of this file. Must be 1.',
    source: '—',
    default: 1,
    min: 1,
    max: 1,
    required: true,
  },
  {
    path: 'name',
    type: 'string',
    description:
      'A short name for the experiment, and its results folder: 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit (default: the file name).',
    source: '—',
    default: '',
  },
  { path: 'description', type: 'string', description: 'What the experiment is for.', source: '—', default: '' },
  {
    path: 'data.features',
    type: 'integer',
    description: 'n, the number of atomic features (rows of W).',
    source: '§1.1, §1.6 (exp-17: 10240; CPU scale: 1024)',
    default: 1024,
    min: 2,
    max: 100000,
  },
  {
    path: 'data.distribution',
    type: 'enum',
    enum: DISTRIBUTIONS,
    sweepable: true,
    description:
      'Feature frequencies p_i: power (∝ i^−α), exponential (∝ e^−(i−1)/scale), linear (∝ n − i + 1), or empirical (from data.counts).',
    source: '§1.1 feature-frequency families',
    default: 'power',
  },
  {
    path: 'data.exponent',
    type: 'number',
    sweepable: true,
    description: 'α of the power law p_i ∝ i^−α (the paper’s α; the code’s `alpha` is α − 1).',
    source: '§1.1, §1.6 (exp-17 `power`: 1.2)',
    default: 1.2,
    min: 0,
    max: 10,
  },
  {
    path: 'data.scale',
    type: 'number',
    description: 'Scale of the exponential family p_i ∝ e^−(i−1)/scale.',
    source: '§1.1 (`exponential1`: 400)',
    default: 400,
    min: 0,
    exclusiveMin: true,
  },
  {
    path: 'data.density',
    type: 'number',
    sweepable: true,
    description:
      'E = Σ p_i, the expected number of active features per sample. p_i above 1 are capped at 1 (reported).',
    source: '§1.1, exp-15',
    default: 1,
    min: 0,
    exclusiveMin: true,
  },
  {
    path: 'data.counts',
    type: 'path',
    description:
      'For `distribution: empirical`: a CSV (one count per line, or token,count) or JSON (array, or object of token → count) file of feature counts, relative to this file.',
    source: '§3.4 token frequencies',
    default: null,
  },
  {
    path: 'model.width',
    type: 'integer',
    sweepable: true,
    description: 'm, the width (columns of W). A list gives one run per width: a scaling series.',
    source: '§1.2, §1.6 (exp-17: 8 … 1024)',
    default: [8, 16, 32, 64, 128],
    min: 1,
    max: 8192,
  },
  {
    path: 'optimizer.weightDecay',
    type: 'number',
    sweepable: true,
    description:
      'γ for W: negative pulls every row towards unit norm (strong superposition), positive shrinks rows (weak). b never decays.',
    source: '§1.4 (exp-17: −1 strong, 0.1 weak)',
    default: -1,
    min: -100,
    max: 100,
  },
  {
    path: 'optimizer.lr',
    type: 'lr',
    description:
      'Peak learning rates: paper-large = W 0.02·(8/m)^¼ and b 2/m (exp-17); paper-small = 0.01 for both (exp-10); a number sets both.',
    source: '§1.5',
    default: 'paper-large',
  },
  {
    path: 'optimizer.warmup',
    type: 'number',
    description: 'Linear warmup: below 1 a fraction of the steps, from 1 a number of steps.',
    source: '§1.5 (exp-17: 5%; exp-10: 2000 of 20000)',
    default: 0.05,
    min: 0,
  },
  {
    path: 'optimizer.minLrRatio',
    type: 'number',
    description: 'The cosine schedule ends at this fraction of the peak learning rate.',
    source: '§1.5 (0.05)',
    default: 0.05,
    min: 0,
    max: 1,
  },
  {
    path: 'optimizer.lossScale',
    type: 'number',
    description:
      'The MSE is multiplied by this before the gradient (exp-17 uses 100, exp-10 1). Reported losses are unscaled.',
    source: '§1.3',
    default: 100,
    min: 0,
    exclusiveMin: true,
  },
  { path: 'optimizer.beta1', type: 'number', description: 'Adam β1.', source: '§1.4', default: 0.9, min: 0, max: 1 },
  { path: 'optimizer.beta2', type: 'number', description: 'Adam β2.', source: '§1.4', default: 0.999, min: 0, max: 1 },
  {
    path: 'optimizer.eps',
    type: 'number',
    description: 'Adam ε, also added to row norms in the γ < 0 decay.',
    source: '§1.4',
    default: 1e-8,
    min: 0,
    exclusiveMin: true,
  },
  {
    path: 'train.steps',
    type: 'integer',
    description: 'Optimizer steps per run; every step draws a fresh batch.',
    source: '§1.6 (exp-17: 20000–40000; CPU scale: 6000)',
    default: 6000,
    min: 1,
    max: 10_000_000,
  },
  {
    path: 'train.batch',
    type: 'integer',
    description: 'Samples per step.',
    source: '§1.6 (exp-17: 2048–8192; CPU scale: 512)',
    default: 512,
    min: 1,
    max: 1_000_000,
  },
  {
    path: 'train.seeds',
    type: 'integer',
    sweepable: true,
    description: 'Seed of the initial weights and of the data stream. A list repeats every run per seed.',
    source: 'the paper set none (§7.13)',
    default: 0,
    min: 0,
    max: 4294967295,
  },
  {
    path: 'train.finalWindow',
    type: 'integer',
    description: 'Final loss = mean of the last this-many per-step losses.',
    source: '§2.1 (last 100)',
    default: 100,
    min: 1,
  },
  {
    path: 'train.curvePoints',
    type: 'integer',
    description: 'Points of each saved loss curve (down-sampled by averaging).',
    source: '—',
    default: 200,
    min: 2,
    max: 100000,
  },
  {
    path: 'fit.widths',
    type: 'range',
    description:
      'Only widths within [min, max] enter the α_m fits (e.g. [32, 1024] as paper D.1 does for some series). Default: all.',
    source: '§2.9',
    default: null,
  },
] as const satisfies readonly TypedField[];

/** Compiles only when every key of ExperimentConfig has a row in FIELDS (else it names the missing ones). */
type MissingRows = Exclude<ConfigPath, (typeof FIELD_ROWS)[number]['path']>;
const ALL_KEYS_HAVE_ROWS: [MissingRows] extends [never] ? true : MissingRows = true;
void ALL_KEYS_HAVE_ROWS;

export const FIELDS: readonly FieldSpec[] = FIELD_ROWS;

export const FIELD_BY_PATH: ReadonlyMap<string, FieldSpec> = new Map(FIELDS.map((f) => [f.path, f]));

/**
 * The optimizer's defaults as the field table gives them: the one place benches and tests take
 * them from (the trainer receives every value explicitly from the config).
 */
export const OPTIMIZER_DEFAULTS = {
  lr: FIELD_BY_PATH.get('optimizer.lr')!.default as LrSpec,
  warmup: FIELD_BY_PATH.get('optimizer.warmup')!.default as number,
  minLrRatio: FIELD_BY_PATH.get('optimizer.minLrRatio')!.default as number,
  lossScale: FIELD_BY_PATH.get('optimizer.lossScale')!.default as number,
  beta1: FIELD_BY_PATH.get('optimizer.beta1')!.default as number,
  beta2: FIELD_BY_PATH.get('optimizer.beta2')!.default as number,
  eps: FIELD_BY_PATH.get('optimizer.eps')!.default as number,
} as const;

export const SECTIONS = SECTION_NAMES;

/** The sweep dimensions, in the order runs are enumerated and named. */
export const SWEEP_KEYS = [
  'data.distribution',
  'data.exponent',
  'data.density',
  'optimizer.weightDecay',
  'train.seeds',
  'model.width',
] as const;
