// The analysis page's status line and summary: while a job runs, progress, where it runs and a
// Cancel that names the host's job; a cancelled job says so and offers Run again; the summary
// says where the result was computed.
import { describe, expect, it, vi } from 'vitest';
import { statusLine, updateRunningStatus } from '../../src/webview/analysis/status';
import { summaryCard } from '../../src/webview/analysis/summary';
import type { SubjectState } from '../../src/webview/analysis/subjectState';
import type { AnalysisReport } from '../../src/core/analysis/report';

const place = {
  where: 'extension-host',
  backend: { name: 'wasm', skipped: [{ name: 'webgpu', reason: 'no GPU adapter' }] },
  kernel: 'tfjs-wasm',
} as const;

function running(): SubjectState {
  return {
    subject: {
      id: 'file:///w.safetensors#lm_head.weight',
      file: 'w.safetensors',
      tensor: 'lm_head.weight',
      tensorChoice: 'named',
      layout: { n: 50257, m: 768, transpose: false, dtype: 'F16' },
      transposeHint: null,
    },
    status: 'running',
    fraction: 0.25,
    label: 'rows 15,705 of 50,257',
    startedAt: performance.now(),
    jobId: 'analysis-7',
    place,
  };
}

describe('the analysis status line', () => {
  it('shows progress, where the job runs, and a Cancel for it', () => {
    const state = running();
    const cancel = vi.fn();
    const line = statusLine(state, { cancel, rerun: vi.fn() });
    expect(line.querySelector('progress')!.getAttribute('value')).toBe('25');
    expect(line.querySelector('.compute')!.textContent).toBe(
      'wasm in the extension host; skipped webgpu: no GPU adapter',
    );
    line.querySelector<HTMLButtonElement>('button.cancel')!.click();
    expect(cancel).toHaveBeenCalledWith(state);
  });

  it('updates in place while running, and disables Cancel once asked', () => {
    const state = running();
    const line = statusLine(state, { cancel: vi.fn(), rerun: vi.fn() });
    const button = line.querySelector('button.cancel');
    Object.assign(state, { fraction: 0.5, label: 'cancelling…' });
    expect(updateRunningStatus(line, state)).toBe(true);
    expect(line.querySelector('progress')!.getAttribute('value')).toBe('50');
    expect(line.querySelector('button.cancel')).toBe(button);
    expect((button as HTMLButtonElement).disabled).toBe(true);
    expect(updateRunningStatus(line, { ...state, status: 'done' })).toBe(false);
  });

  it('says Cancelled. and offers Run again after a cancel', () => {
    const rerun = vi.fn();
    const state: SubjectState = {
      ...running(),
      status: 'failed',
      error: { code: 'job/cancelled', message: 'Cancelled.' },
    };
    const line = statusLine(state, { cancel: vi.fn(), rerun });
    expect(line.textContent).toContain('Cancelled.');
    expect(line.querySelector('[role="alert"]')).toBeNull();
    line.querySelector('button')!.click();
    expect(rerun).toHaveBeenCalledOnce();
  });
});

describe('the summary card', () => {
  it('says where the result was computed', () => {
    const report = {
      n: 4,
      m: 2,
      rowNorm: null,
      strong: { rows: 0 },
      notes: [],
      kernel: 'tfjs-wasm',
      ms: 2500,
      overlapMethod: 'exact',
      pairs: 6,
      zeroRows: 0,
      nonFiniteRows: 0,
      validRows: 4,
    } as unknown as AnalysisReport;
    const text = summaryCard(report, place).textContent!;
    expect(text).toContain('wherewasm in the extension host; skipped webgpu: no GPU adapter');
    expect(text).toContain('kerneltfjs-wasm');
    expect(text).toContain('time2.50 s');
  });
});
