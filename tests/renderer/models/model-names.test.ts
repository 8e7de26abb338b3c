import { describe, expect, it } from 'vitest';
import { translate } from '../../../src/renderer/src/i18n/i18n';
import type { Translate } from '../../../src/renderer/src/i18n/use-t';
import { checkModelName, describeOrigin, formatAccuracy, formatCreatedAt } from '../../../src/renderer/src/models/model-names';

describe('checkModelName (the IPC schema, so the form refuses what main would)', () => {
  it('accepts a name and trims it', () => {
    expect(checkModelName('  my net ')).toEqual({ ok: true, name: 'my net' });
  });

  it('refuses an empty or blank name', () => {
    expect(checkModelName('')).toEqual({ ok: false, problem: 'required' });
    expect(checkModelName('   ')).toEqual({ ok: false, problem: 'required' });
  });

  it('refuses a name over 80 characters, saying the limit', () => {
    expect(checkModelName('x'.repeat(80)).ok).toBe(true);
    expect(checkModelName('x'.repeat(81))).toEqual({ ok: false, problem: 'tooLong', max: 80 });
  });
});

describe('formatting the list', () => {
  it('shows test accuracy with two decimals, or a dash when the model does not say', () => {
    expect(formatAccuracy(0.98472)).toBe('98.47%');
    expect(formatAccuracy(undefined)).toBe('—');
  });

  it('shows the date in the UI language, and a dash for a missing one', () => {
    const when = '2026-03-04T05:06:00.000Z';
    expect(formatCreatedAt(when, 'en')).toMatch(/2026/);
    expect(formatCreatedAt(when, 'ja')).toMatch(/2026\/03\/04|2026年3月4日/);
    expect(formatCreatedAt('1970-01-01T00:00:00.000Z', 'en')).toBe('—');
    expect(formatCreatedAt('not a date', 'en')).toBe('—');
  });
});

describe('where an imported model came from', () => {
  const t = (locale: 'en' | 'ja'): Translate => (key, params) => translate(locale, key, params);

  it('names the format, the tool that wrote it and its opset, leaving out what the file does not say', () => {
    const origin = { format: 'onnx' as const, producer: 'pytorch 1.13.0', opset: 13 };
    expect(describeOrigin(origin, t('en'))).toBe('Imported from ONNX · pytorch 1.13.0 · opset 13');
    expect(describeOrigin(origin, t('ja'))).toBe('ONNXからインポート · pytorch 1.13.0 · opset 13');
    expect(describeOrigin({ format: 'onnx' }, t('en'))).toBe('Imported from ONNX');
  });
});
