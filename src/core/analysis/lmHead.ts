// Which tensor of a checkpoint is the LM head (unembedding): the matrix the paper analyses
// (paper-spec §3.1). By name first, in the order below (dedicated output heads before tied input
// embeddings, as in the paper's per-family choices), then by shape: the largest 2-D tensor with
// more rows than columns, i.e. vocabulary × width. A name given by the user always wins.

import { CoreError, messages } from '../errors';
import type { CheckpointModel, ModelTensor } from '../safetensors/model';
import { findTensor } from '../safetensors/findTensor';

/** Known names, most specific first. */
export const LM_HEAD_NAMES: readonly string[] = [
  'lm_head.weight', // Llama, Qwen ≥ 7B, OPT-66b, most HF causal LMs
  'embed_out.weight', // Pythia / GPT-NeoX
  'output.weight', // llama.cpp / Meta checkpoints
  'model.embed_tokens.weight', // tied: Qwen 0.5–3B, Llama-style
  'model.decoder.embed_tokens.weight', // tied: OPT
  'decoder.embed_tokens.weight',
  'transformer.wte.weight', // tied: GPT-2 (HF)
  'wte.weight', // tied: GPT-2 (original)
  'tok_embeddings.weight', // tied: llama2.c / Meta
  'gpt_neox.embed_in.weight',
  'embed_tokens.weight',
  'W', // Superposition Lab's own toy models (W: features × width)
];

export interface LmHeadChoice {
  readonly tensor: ModelTensor;
  /** Why this tensor: for the UI and the CLI's notes. */
  readonly reason: string;
  /** A sentence when the matrix may be stored transposed ([width, vocab]). */
  readonly transposeHint: string | null;
}

function hint(t: ModelTensor): string | null {
  const [rows, cols] = t.shape;
  return rows !== undefined && cols !== undefined && rows < cols
    ? `"${t.name}" has fewer rows (${rows}) than columns (${cols}); if it is stored as [width, vocabulary], analyse it transposed.`
    : null;
}

export function findLmHead(model: CheckpointModel, override?: string): LmHeadChoice {
  if (override !== undefined) {
    const t = findTensor(model, override);
    return { tensor: t, reason: 'named by you', transposeHint: hint(t) };
  }
  const byName = new Map(model.tensors.map((t) => [t.name, t]));
  for (const name of LM_HEAD_NAMES) {
    const t = byName.get(name);
    if (t !== undefined && t.shape.length === 2) {
      return { tensor: t, reason: `known LM-head name "${name}"`, transposeHint: hint(t) };
    }
  }
  const matrices = model.tensors.filter((t) => t.shape.length === 2 && t.shape[0]! > t.shape[1]! && t.shape[1]! > 0);
  if (matrices.length > 0) {
    const t = matrices.reduce((best, x) => (x.numel > best.numel ? x : best));
    return {
      tensor: t,
      reason: `largest 2-D tensor with more rows than columns (${t.shape[0]} × ${t.shape[1]})`,
      transposeHint: null,
    };
  }
  const any = model.tensors.filter((t) => t.shape.length === 2 && t.numel > 0);
  if (any.length > 0) {
    const t = any.reduce((best, x) => (x.numel > best.numel ? x : best));
    return { tensor: t, reason: `largest 2-D tensor (${t.shape[0]} × ${t.shape[1]})`, transposeHint: hint(t) };
  }
  throw new CoreError('analysis/no-matrix-found', messages.noMatrixFound(model.source));
}
