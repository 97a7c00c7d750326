import { describe, expect, it } from 'vitest';
import { editDistance, suggest, suggestTensorName } from '../../src/core/suggest';

describe('did you mean', () => {
  it('measures edit distance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });

  it('suggests a close config word, and nothing for a far one', () => {
    expect(suggest('powr', ['power', 'linear'])).toBe('power');
    expect(suggest('zzzzzz', ['power', 'linear'])).toBeUndefined();
  });

  it('completes a module path to its weight before trying edit distance', () => {
    const names = ['model.embed_tokens.weight', 'lm_head.bias', 'lm_head.weight'];
    expect(suggestTensorName('lm_head', names)).toBe('lm_head.weight');
    expect(suggestTensorName('lm_heda.weight', names)).toBe('lm_head.weight');
    expect(suggestTensorName('transformer.wte', names)).toBeUndefined();
  });

  it('stays fast over 100,000 long names', () => {
    const names = Array.from({ length: 100_000 }, (_, i) => `model.layers.${i}.mlp.down_proj.weight`);
    const t0 = performance.now();
    expect(suggestTensorName('model.layers.99999.mlp.down_proj.weigth', names)).toBe(
      'model.layers.99999.mlp.down_proj.weight',
    );
    expect(performance.now() - t0).toBeLessThan(5000);
  });
});
