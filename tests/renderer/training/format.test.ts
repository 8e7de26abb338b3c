import { describe, expect, it } from 'vitest';
import { formatDuration, progressFraction } from '../../../src/renderer/src/training/format';

describe('progress figures', () => {
  it('durations read like a clock', () => {
    expect(formatDuration(7.4)).toBe('0:07');
    expect(formatDuration(725)).toBe('12:05');
    expect(formatDuration(3723)).toBe('1:02:03');
    expect(formatDuration(-5)).toBe('0:00');
    expect(formatDuration(NaN)).toBe('0:00');
  });

  it('the done fraction is clamped, and 0 while the total is unknown', () => {
    expect(progressFraction(50, 200)).toBe(0.25);
    expect(progressFraction(5, 0)).toBe(0);
    expect(progressFraction(300, 200)).toBe(1);
  });
});
