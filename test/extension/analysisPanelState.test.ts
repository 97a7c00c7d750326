// The analysis panel's restore state (what a reloaded window brings back) is validated, and the
// host counts every binary byte it posts to the page (the check that no tensor bytes reach it).
import { describe, expect, it } from 'vitest';
import { parsePanelState } from '../../src/extension/analysis/panelState';
import { binaryBytes } from '../../src/extension/analysis/postedBytes';

describe('parsePanelState', () => {
  const single = {
    mode: 'single',
    requests: [{ uri: 'file:///w.safetensors', tensor: 'lm_head.weight', transpose: false }],
  };

  it('accepts what the page saved', () => {
    expect(parsePanelState(single)).toEqual(single);
    const compare = {
      mode: 'compare',
      requests: [single.requests[0], { ...single.requests[0], uri: 'file:///v.safetensors' }],
    };
    expect(parsePanelState(compare)).toEqual(compare);
  });

  it('accepts a request for the LM head (tensor null), to be chosen again', () => {
    const head = { mode: 'single', requests: [{ uri: 'file:///w.safetensors', tensor: null, transpose: false }] };
    expect(parsePanelState(head)).toEqual(head);
  });

  it('refuses missing, malformed or inconsistent state', () => {
    expect(parsePanelState(undefined)).toBeNull();
    expect(parsePanelState({})).toBeNull();
    expect(parsePanelState({ mode: 'other', requests: single.requests })).toBeNull();
    expect(parsePanelState({ mode: 'single', requests: [] })).toBeNull();
    expect(parsePanelState({ mode: 'compare', requests: single.requests })).toBeNull();
    expect(parsePanelState({ mode: 'single', requests: [{ uri: 1, tensor: 'w', transpose: false }] })).toBeNull();
    expect(parsePanelState({ mode: 'single', requests: [{ uri: 'file:///w', tensor: 'w' }] })).toBeNull();
  });

  it('keeps only the known fields', () => {
    const extra = { ...single, junk: 1, requests: [{ ...single.requests[0], junk: 2 }] };
    expect(parsePanelState(extra)).toEqual(single);
  });
});

describe('binaryBytes', () => {
  it('counts ArrayBuffers and typed arrays at any depth, and nothing else', () => {
    expect(binaryBytes({ type: 'result', report: { n: 3, histograms: { counts: [1, 2] } } })).toBe(0);
    expect(binaryBytes({ type: 'heatmap', gram: new ArrayBuffer(64) })).toBe(64);
    expect(binaryBytes({ a: { b: [new Float32Array(4), { c: new Uint8Array(3) }] } })).toBe(19);
    expect(binaryBytes('text')).toBe(0);
  });
});
