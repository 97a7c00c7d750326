import { describe, expect, it } from 'vitest';
import { findLmHead } from '../../../src/core/analysis/lmHead';
import type { CheckpointModel, ModelTensor } from '../../../src/core/safetensors/model';
import { welchBound, maxRealEtfSize } from '../../../src/core/analysis/welch';
import { linearFit } from '../../../src/core/stats/regression';

const t = (name: string, shape: number[]): ModelTensor => ({
  name,
  dtype: 'F16',
  shape,
  numel: shape.reduce((a, b) => a * b, 1),
  begin: 0,
  end: 0,
  shard: 0,
});
const model = (...tensors: ModelTensor[]): CheckpointModel => ({
  source: 'm.safetensors',
  indexFile: null,
  shards: [],
  tensors,
  metadata: {},
  warnings: [],
});

describe('findLmHead', () => {
  it('prefers a dedicated head over the tied embedding', () => {
    const m = model(
      t('model.embed_tokens.weight', [32000, 4096]),
      t('lm_head.weight', [32000, 4096]),
      t('model.norm.weight', [4096]),
    );
    expect(findLmHead(m).tensor.name).toBe('lm_head.weight');
  });

  it('knows the families of the paper', () => {
    expect(
      findLmHead(model(t('gpt_neox.embed_in.weight', [50304, 512]), t('embed_out.weight', [50304, 512]))).tensor.name,
    ).toBe('embed_out.weight');
    expect(findLmHead(model(t('wte.weight', [50257, 768]), t('wpe.weight', [1024, 768]))).tensor.name).toBe(
      'wte.weight',
    );
    expect(findLmHead(model(t('model.decoder.embed_tokens.weight', [50272, 768]))).tensor.name).toBe(
      'model.decoder.embed_tokens.weight',
    );
    expect(findLmHead(model(t('tok_embeddings.weight', [512, 64]))).reason).toBe(
      'known LM-head name "tok_embeddings.weight"',
    );
  });

  it('falls back to the largest matrix with more rows than columns', () => {
    const m = model(t('a.weight', [64, 64]), t('vocab_proj', [1000, 64]), t('mlp', [256, 64]));
    const c = findLmHead(m);
    expect(c.tensor.name).toBe('vocab_proj');
    expect(c.reason).toContain('1000 × 64');
  });

  it('hints at transposed storage and honours an explicit choice', () => {
    const m = model(t('lm_head.weight', [768, 50257]));
    expect(findLmHead(m).transposeHint).toContain('fewer rows (768) than columns (50257)');
    expect(findLmHead(m, 'lm_head.weight').reason).toBe('named by you');
    expect(() => findLmHead(m, 'nope')).toThrowError(expect.objectContaining({ code: 'safetensors/tensor-not-found' }));
    expect(() => findLmHead(model(t('bias', [10])))).toThrowError(
      expect.objectContaining({ code: 'analysis/no-matrix-found' }),
    );
  });
});

describe('welchBound', () => {
  it('is zero up to m vectors and tends to 1/√m', () => {
    expect(welchBound(64, 64)).toBe(0);
    expect(welchBound(65, 64)).toBeCloseTo(Math.sqrt(1 / (64 * 64)), 12);
    expect(welchBound(1e9, 64) ** 2).toBeCloseTo(1 / 64, 8);
    expect(maxRealEtfSize(3)).toBe(6);
  });
});

describe('linearFit', () => {
  it('recovers an exact line and gives scipy-style errors for noisy data', () => {
    const exact = linearFit([1, 2, 3, 4], [3, 5, 7, 9]);
    expect(exact).toMatchObject({ slope: 2, intercept: 1, r2: 1, n: 4 });
    expect(exact.slopeStderr).toBe(0);
    // Computed independently from the textbook formulas (residual sum of squares 0.107):
    // slope 1.99, intercept 0.05, slope stderr √(0.107/3/10) = 0.0597216, R² = 0.9973053.
    const noisy = linearFit([1, 2, 3, 4, 5], [2.1, 3.9, 6.2, 7.8, 10.1]);
    expect(noisy.slope).toBeCloseTo(1.99, 10);
    expect(noisy.intercept).toBeCloseTo(0.05, 10);
    expect(noisy.slopeStderr!).toBeCloseTo(0.0597216, 6);
    expect(noisy.r2!).toBeCloseTo(0.9973053, 6);
    expect(linearFit([1, 2], [1, 3]).slopeStderr).toBeNull();
  });
});
