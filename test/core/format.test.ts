import { describe, expect, it } from 'vitest';
import { fileSlug, formatBytes, formatInteger, naturalCompare } from '../../src/core/format';

describe('format', () => {
  it('makes file-name slugs from run ids and tensor names', () => {
    expect(fileSlug('model.safetensors-lm_head.weight')).toBe('model-safetensors-lm-head-weight');
    expect(fileSlug('  power α=1.2, γ=-1 ')).toBe('power-1-2-1');
    expect(fileSlug('../../etc')).toBe('etc');
  });

  it('formats sizes and counts for people, and sorts names naturally', () => {
    expect(formatBytes(131072)).toBe('128 KiB');
    expect(formatInteger(32768)).toBe('32,768');
    expect(['layers.10.w', 'layers.2.w', 'layers.0.w'].sort(naturalCompare)).toEqual([
      'layers.0.w',
      'layers.2.w',
      'layers.10.w',
    ]);
  });
});
