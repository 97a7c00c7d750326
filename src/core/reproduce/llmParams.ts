// Parameter count against width for the four LLM families of the paper (spec §3.7, H20): fit
// N ∝ m^k with one exponent k shared by the families and one prefactor per family, and the
// Chinchilla-consistent width exponent α_m = k · α_N.
//
// Counts are the totals their publishers state (sources below), not the names' round numbers;
// widths are the hidden sizes of the public HF configs (OPT-350m: 1024, its hidden size, as in the
// loss fit). α_N = 0.35 ± 0.02 is Besiroglu et al. (2024)'s Chinchilla replication, quoted.

export interface LlmModel {
  readonly family: string;
  readonly name: string;
  /** Hidden size (model width). */
  readonly m: number;
  /** Total parameters. */
  readonly params: number;
  readonly vocab: number;
  /** Input embedding and LM head share one matrix. */
  readonly tied: boolean;
}

/** Parameters outside the embedding and unembedding matrices (vocab × m each, once if tied). */
export const nonEmbeddingParams = (x: LlmModel): number => x.params - x.vocab * x.m * (x.tied ? 1 : 2);

export const LLM_PARAM_SOURCES: readonly string[] = [
  'OPT: Zhang et al. 2022, "OPT: Open Pre-trained Transformer Language Models", Table 1 (125M … 66B).',
  'Qwen2.5: the Qwen2.5 model cards on Hugging Face, "Number of Parameters" (0.49B … 72.7B).',
  'GPT-2: Radford et al. 2019 / the Hugging Face model cards (124M, 355M, 774M, 1.5B).',
  'Pythia: Biderman et al. 2023, "Pythia", Table 1, total parameters.',
  'Widths, vocabulary sizes and tied embeddings: each public config.json on Hugging Face (hidden_size / n_embd / d_model, vocab_size, tie_word_embeddings).',
];

const B = 1e9;
const M = 1e6;

export const LLM_MODELS: readonly LlmModel[] = [
  { family: 'opt', name: 'opt-125m', m: 768, params: 125 * M, vocab: 50272, tied: true },
  { family: 'opt', name: 'opt-350m', m: 1024, params: 350 * M, vocab: 50272, tied: true },
  { family: 'opt', name: 'opt-1.3b', m: 2048, params: 1.3 * B, vocab: 50272, tied: true },
  { family: 'opt', name: 'opt-2.7b', m: 2560, params: 2.7 * B, vocab: 50272, tied: true },
  { family: 'opt', name: 'opt-6.7b', m: 4096, params: 6.7 * B, vocab: 50272, tied: true },
  { family: 'opt', name: 'opt-13b', m: 5120, params: 13 * B, vocab: 50272, tied: true },
  { family: 'opt', name: 'opt-30b', m: 7168, params: 30 * B, vocab: 50272, tied: true },
  { family: 'opt', name: 'opt-66b', m: 9216, params: 66 * B, vocab: 50272, tied: true },
  { family: 'Qwen', name: 'Qwen2.5-0.5B', m: 896, params: 0.49 * B, vocab: 151936, tied: true },
  { family: 'Qwen', name: 'Qwen2.5-1.5B', m: 1536, params: 1.54 * B, vocab: 151936, tied: true },
  { family: 'Qwen', name: 'Qwen2.5-3B', m: 2048, params: 3.09 * B, vocab: 151936, tied: true },
  { family: 'Qwen', name: 'Qwen2.5-7B', m: 3584, params: 7.61 * B, vocab: 152064, tied: false },
  { family: 'Qwen', name: 'Qwen2.5-14B', m: 5120, params: 14.7 * B, vocab: 152064, tied: false },
  { family: 'Qwen', name: 'Qwen2.5-32B', m: 5120, params: 32.5 * B, vocab: 152064, tied: false },
  { family: 'Qwen', name: 'Qwen2.5-72B', m: 8192, params: 72.7 * B, vocab: 152064, tied: false },
  { family: 'gpt2', name: 'gpt2', m: 768, params: 124 * M, vocab: 50257, tied: true },
  { family: 'gpt2', name: 'gpt2-medium', m: 1024, params: 355 * M, vocab: 50257, tied: true },
  { family: 'gpt2', name: 'gpt2-large', m: 1280, params: 774 * M, vocab: 50257, tied: true },
  { family: 'gpt2', name: 'gpt2-xl', m: 1600, params: 1558 * M, vocab: 50257, tied: true },
  { family: 'pythia', name: 'pythia-70m', m: 512, params: 70_426_624, vocab: 50304, tied: false },
  { family: 'pythia', name: 'pythia-160m', m: 768, params: 162_322_944, vocab: 50304, tied: false },
  { family: 'pythia', name: 'pythia-410m', m: 1024, params: 405_334_016, vocab: 50304, tied: false },
  { family: 'pythia', name: 'pythia-1b', m: 2048, params: 1_011_781_632, vocab: 50304, tied: false },
  { family: 'pythia', name: 'pythia-1.4b', m: 2048, params: 1_414_647_808, vocab: 50304, tied: false },
  { family: 'pythia', name: 'pythia-2.8b', m: 2560, params: 2_775_208_960, vocab: 50304, tied: false },
  { family: 'pythia', name: 'pythia-6.9b', m: 4096, params: 6_857_302_016, vocab: 50304, tied: false },
  { family: 'pythia', name: 'pythia-12b', m: 5120, params: 11_846_072_320, vocab: 50688, tied: false },
];

/** α_N of the Chinchilla replication (Besiroglu et al. 2024), quoted by the paper. */
export const CHINCHILLA_ALPHA_N = { value: 0.35, stderr: 0.02 } as const;

export interface WidthExponentFit {
  /** N ∝ m^k. */
  readonly k: number;
  readonly kStderr: number;
  /** ln of each family's prefactor. */
  readonly logPrefactors: Readonly<Record<string, number>>;
  readonly r2: number;
  /** α_m = k · α_N and its error (the two errors combined in quadrature). */
  readonly alphaM: number;
  readonly alphaMStderr: number;
}

/**
 * Least squares of ln N = k ln m + c_f: with a free intercept per family, k is the pooled slope of
 * the within-family deviations from each family's means.
 */
export function paramWidthFit(
  count: (x: LlmModel) => number = (x) => x.params,
  models: readonly LlmModel[] = LLM_MODELS,
): WidthExponentFit {
  const families = [...new Set(models.map((x) => x.family))];
  const mean = new Map(
    families.map((f) => {
      const own = models.filter((x) => x.family === f);
      const mx = own.reduce((s, x) => s + Math.log(x.m), 0) / own.length;
      const my = own.reduce((s, x) => s + Math.log(count(x)), 0) / own.length;
      return [f, { mx, my }] as const;
    }),
  );
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (const x of models) {
    const { mx, my } = mean.get(x.family)!;
    const dx = Math.log(x.m) - mx;
    const dy = Math.log(count(x)) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  const k = sxy / sxx;
  const sse = syy - k * sxy;
  const dof = models.length - families.length - 1;
  const kStderr = Math.sqrt(Math.max(0, sse) / dof / sxx);
  const logPrefactors = Object.fromEntries(families.map((f) => [f, mean.get(f)!.my - k * mean.get(f)!.mx]));
  const a = CHINCHILLA_ALPHA_N;
  return {
    k,
    kStderr,
    logPrefactors,
    r2: 1 - sse / syy,
    alphaM: k * a.value,
    alphaMStderr: Math.hypot(k * a.stderr, a.value * kStderr),
  };
}
