import { describe, expect, it } from 'vitest';
import { translate } from '../../../src/renderer/src/i18n/i18n';
import type { Translate } from '../../../src/renderer/src/i18n/use-t';
import { describeFailure, formatDuration, progressFraction } from '../../../src/renderer/src/training/format';

const english: Translate = (key, params) => translate('en', key, params);

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

describe('why a job failed', () => {
  it('busy, diverged and a crashed engine each say what to do; anything else gives its reason', () => {
    expect(describeFailure({ code: 'busy', message: 'x' }, english)).toBe('A model is already training.');
    const diverged = describeFailure({ code: 'diverged', message: 'the loss became NaN at step 4.' }, english);
    expect(diverged).toContain('the loss became NaN at step 4.');
    expect(diverged).toContain('smaller learning rate');
    expect(describeFailure({ code: 'engine-crashed', message: 'exit 137.' }, english)).toContain('fresh one');
    expect(describeFailure({ code: 'data-missing', message: 'no MNIST files' }, english)).toBe(
      'Training failed: no MNIST files',
    );
  });
});
