import { describe, expect, it } from 'vitest';
import { reportHtml, claimsTableHtml, type ReportInput } from '../../../src/core/reproduce/report';
import { checkClaims, type ClaimCheck } from '../../../src/core/reproduce/claims';
import { reproducePresets } from '../../../src/core/reproduce/presets';

const fakeRender = async (spec: Record<string, unknown>, theme: string) =>
  `<svg data-theme="${theme}" data-width="${String(spec['width'])}"></svg>`;

const input = (over: Partial<ReportInput> = {}): ReportInput => ({
  mode: 'quick',
  command: 'superposition-lab reproduce --quick',
  createdAt: '2026-11-22T00:00:00Z',
  presets: reproducePresets('quick'),
  results: {},
  progress: { A: { done: 3, total: 12 } },
  claims: checkClaims({}),
  backend: 'wasm',
  ...over,
});

describe('report.html', () => {
  it('is one static page: a strict CSP, no script but JSON data blocks, each chart in light and dark', async () => {
    const html = await reportHtml(input(), fakeRender);
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    expect(html.match(/<script(?![^>]*type="application\/json")/g)).toBeNull();
    // With no toy-model results only the LLM-side charts are drawn (Fig. 6), each twice.
    expect(html.match(/data-theme="light"/g)).toHaveLength(2);
    expect(html.match(/data-theme="dark"/g)).toHaveLength(2);
    expect(html).toContain('data-width="520"'); // a fixed width for static rendering
    expect(html).toMatch(/Not drawn: the experiments behind it have no results yet/);
    expect(html).toMatch(/3 of 12 runs on wasm · <strong>partial/);
    expect(html).toMatch(/<title>Paper reproduction \(quick\): 1 pass, 0 fail<\/title>/);
    // JSON blocks cannot end the script element early.
    for (const block of html.match(/<script type="application\/json"[^>]*>([\s\S]*?)<\/script>/g) ?? []) {
      expect(block.slice(block.indexOf('>') + 1, -'</script>'.length)).not.toContain('<');
    }
  });

  it('warns before the claims that a tiny run says nothing about the paper, and only then', async () => {
    const banner = /Tiny run: these verdicts say nothing about the paper/;
    const tiny = await reportHtml(input({ mode: 'tiny', presets: reproducePresets('tiny') }), fakeRender);
    expect(tiny).toMatch(banner);
    expect(tiny.search(banner)).toBeLessThan(tiny.indexOf('<h2>Claims</h2>'));
    expect(await reportHtml(input(), fakeRender)).not.toMatch(banner);
  });

  it('escapes what it prints and shows failures plainly', () => {
    const claim: ClaimCheck = {
      id: 'H1',
      claim: 'a <b>bold</b> claim',
      paper: '1 & 2',
      ours: '"x"',
      tolerance: '±0.2',
      status: 'fail',
      note: "it's <i>",
    };
    const html = claimsTableHtml([claim]);
    expect(html).toContain('a &lt;b&gt;bold&lt;/b&gt; claim');
    expect(html).toContain('1 &amp; 2');
    expect(html).toContain('&quot;x&quot;');
    expect(html).toContain('it&#39;s &lt;i&gt;');
    expect(html).toMatch(/<tr class="fail">.*<td class="status">FAIL<\/td>/);
  });

  it('shows the samples against the paper, why a tolerance is wider, the check and the quick comparison', () => {
    const claim: ClaimCheck = {
      id: 'H1',
      claim: 'c',
      paper: 'p',
      ours: 'o',
      tolerance: '±0.2',
      status: 'fail',
      check: 'strongExponentNearOne',
      wider: 'seed spread 0.3',
      distance: 0.25,
      samples: 'A: 4000 × 256 = 1.0e6 samples per run',
      comparison: { mode: 'quick', status: 'fail', distance: 0.5, moreSamples: 'towards' },
    };
    const html = claimsTableHtml([claim]);
    expect(html).toContain('Runs vs the paper: A: 4000 × 256 = 1.0e6 samples per run.');
    expect(html).toContain('Tolerance wider than the paper’s error bar: seed spread 0.3.');
    expect(html).toContain('check: <code>strongExponentNearOne</code>');
    expect(html).toContain(
      'At the quick size: FAIL, distance from the paper 0.500 vs 0.250 here: more samples moved it towards the paper.',
    );
  });
});
