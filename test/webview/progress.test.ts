import { describe, expect, it } from 'vitest';
import { progressLabel } from '../../src/webview/viewer/progress';

describe('progressLabel', () => {
  it('shows a percentage, and an estimate once there is something to go on', () => {
    expect(progressLabel(0.01, 1000)).toBe('1%');
    expect(progressLabel(0.5, 10_000)).toBe('50% · about 10 s left');
    expect(progressLabel(0.1, 60_000)).toBe('10% · about 9 min left');
    expect(progressLabel(1, 5000)).toBe('100%');
  });
});
