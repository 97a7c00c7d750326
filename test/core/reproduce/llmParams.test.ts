import { describe, expect, it } from 'vitest';
import { LLM_MODELS, nonEmbeddingParams, paramWidthFit, type LlmModel } from '../../../src/core/reproduce/llmParams';
import { LLM_FAMILY_WIDTHS } from '../../../src/core/toy/llmLossTable';

describe('parameters against width (H20)', () => {
  it('the 27 models have the widths of the loss fit', () => {
    expect(LLM_MODELS).toHaveLength(27);
    for (const [family, widths] of Object.entries(LLM_FAMILY_WIDTHS)) {
      expect(LLM_MODELS.filter((x) => x.family === family).map((x) => x.m)).toEqual(widths);
    }
  });

  it('recovers an exact shared exponent with per-family prefactors', () => {
    const synthetic: LlmModel[] = [3, 7].flatMap((c, f) =>
      [256, 512, 1024, 4096].map((m) => ({
        family: `f${f}`,
        name: `${f}-${m}`,
        m,
        params: c * m ** 2.7,
        vocab: 0,
        tied: true,
      })),
    );
    const fit = paramWidthFit((x) => x.params, synthetic);
    expect(fit.k).toBeCloseTo(2.7, 10);
    expect(fit.kStderr).toBeLessThan(1e-6);
    expect(Math.exp(fit.logPrefactors['f1']!)).toBeCloseTo(7, 6);
  });

  it('non-embedding counts give k = 2.55 ± 0.08 (paper 2.51) and α_m = 0.89 ± 0.06 (paper 0.88 ± 0.06)', () => {
    const fit = paramWidthFit(nonEmbeddingParams);
    expect(fit.k).toBeCloseTo(2.55, 2);
    expect(fit.kStderr).toBeCloseTo(0.083, 2);
    expect(Math.abs(fit.k - 2.51)).toBeLessThan(2 * fit.kStderr);
    expect(fit.alphaM).toBeCloseTo(fit.k * 0.35, 12);
    expect(fit.alphaM).toBeCloseTo(0.89, 2);
    expect(fit.alphaMStderr).toBeCloseTo(0.059, 2);
  });

  it('total counts, embeddings included, give a lower k: embeddings grow only linearly in m', () => {
    const fit = paramWidthFit();
    expect(fit.k).toBeCloseTo(2.32, 2);
    expect(fit.k).toBeLessThan(paramWidthFit(nonEmbeddingParams).k);
    // A tied model counts its vocab × m matrix once, an untied one twice.
    const pythia = LLM_MODELS.find((x) => x.name === 'pythia-70m')!;
    expect(nonEmbeddingParams(pythia)).toBe(70_426_624 - 2 * 50304 * 512);
  });
});
