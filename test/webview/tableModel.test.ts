import { describe, expect, it } from 'vitest';
import { DEFAULT_QUERY, indexTensors, queryTensors } from '../../src/webview/viewer/tableModel';
import type { ModelTensor } from '../../src/core/safetensors/model';
import type { Dtype } from '../../src/core/safetensors/dtype';

let offset = 0;
function tensor(name: string, dtype: Dtype, shape: number[], shard = 0): ModelTensor {
  const numel = shape.reduce((a, b) => a * b, 1);
  const bytes = (numel * (dtype === 'F32' ? 32 : 16)) / 8;
  const t = { name, dtype, shape, numel, begin: offset, end: offset + bytes, shard };
  offset += bytes;
  return t;
}

const tensors = [
  tensor('model.layers.10.mlp.weight', 'BF16', [64, 16], 1),
  tensor('model.layers.2.mlp.weight', 'BF16', [64, 16], 0),
  tensor('model.layers.2.attn.weight', 'F32', [16, 16], 0),
  tensor('lm_head.weight', 'F32', [100, 16], 1),
  tensor('model.norm.bias', 'F16', [16], 1),
];
const index = indexTensors(tensors);
const names = (q: Partial<typeof DEFAULT_QUERY>) => queryTensors(index, { ...DEFAULT_QUERY, ...q }).map((t) => t.name);

describe('queryTensors', () => {
  it('sorts names naturally by default', () => {
    expect(names({})).toEqual([
      'lm_head.weight',
      'model.layers.2.attn.weight',
      'model.layers.2.mlp.weight',
      'model.layers.10.mlp.weight',
      'model.norm.bias',
    ]);
  });

  it('filters by every word of the name, case-insensitively', () => {
    expect(names({ text: 'MLP layers' })).toEqual(['model.layers.2.mlp.weight', 'model.layers.10.mlp.weight']);
    expect(names({ text: 'nothing-matches' })).toEqual([]);
  });

  it('treats dtype words as a dtype filter', () => {
    expect(names({ text: 'bf16' })).toEqual(['model.layers.2.mlp.weight', 'model.layers.10.mlp.weight']);
    expect(names({ text: 'f32 attn' })).toEqual(['model.layers.2.attn.weight']);
  });

  it('filters by dtype and shard selections', () => {
    expect(names({ dtype: 'F32' })).toEqual(['lm_head.weight', 'model.layers.2.attn.weight']);
    expect(names({ shard: 1 })).toEqual(['lm_head.weight', 'model.layers.10.mlp.weight', 'model.norm.bias']);
  });

  it('sorts by each column, ties broken by name', () => {
    expect(names({ sort: 'parameters', descending: true })).toEqual([
      'lm_head.weight',
      'model.layers.2.mlp.weight',
      'model.layers.10.mlp.weight',
      'model.layers.2.attn.weight',
      'model.norm.bias',
    ]);
    expect(names({ sort: 'bytes' })[0]).toBe('model.norm.bias');
    expect(names({ sort: 'shape' })).toEqual([
      'model.norm.bias',
      'model.layers.2.attn.weight',
      'model.layers.2.mlp.weight',
      'model.layers.10.mlp.weight',
      'lm_head.weight',
    ]);
    expect(names({ sort: 'dtype' })).toEqual([
      'model.layers.2.mlp.weight',
      'model.layers.10.mlp.weight',
      'model.norm.bias',
      'lm_head.weight',
      'model.layers.2.attn.weight',
    ]);
  });

  it('filters and sorts 100,000 tensors quickly enough for every keystroke', () => {
    const many = Array.from({ length: 100_000 }, (_, i) => tensor(`model.layers.${i}.w`, 'F32', [4]));
    const big = indexTensors(many);
    const t0 = performance.now();
    const hits = queryTensors(big, { ...DEFAULT_QUERY, text: 'layers.9999' });
    const ms = performance.now() - t0;
    expect(hits.map((t) => t.name)).toEqual([
      'model.layers.9999.w',
      ...Array.from({ length: 10 }, (_, k) => `model.layers.9999${k}.w`),
    ]);
    // Generous bound for a shared 2-core CI machine; typical is ~20 ms.
    expect(ms).toBeLessThan(500);
  });
});
