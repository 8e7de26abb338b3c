import { describe, expect, it } from 'vitest';
import {
  LOCALE_STORAGE_KEY,
  LocaleStore,
  detectLocale,
  formatMessage,
  translate,
} from '../../../src/renderer/src/i18n/i18n';
import { messages } from '../../../src/renderer/src/i18n/messages';

const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('UI text in English and Japanese', () => {
  it('every English message has a Japanese one with the same placeholders', () => {
    for (const [key, english] of Object.entries(messages.en)) {
      const japanese = (messages.ja as Record<string, string>)[key];
      expect(japanese, key).toBeTruthy();
      expect(placeholders(japanese), key).toEqual(placeholders(english));
    }
    expect(Object.keys(messages.ja).sort()).toEqual(Object.keys(messages.en).sort());
  });

  it('follows the OS languages, falling back to English', () => {
    expect(detectLocale(['ja-JP', 'en-US'])).toBe('ja');
    expect(detectLocale(['fr-FR', 'en-GB'])).toBe('en');
    expect(detectLocale(['de'])).toBe('en');
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(formatMessage('{a} of {b}', { a: 1, b: 3 })).toBe('1 of 3');
    expect(formatMessage('{missing}', {})).toBe('{missing}');
    expect(translate('ja', 'tab.draw')).not.toBe(translate('en', 'tab.draw'));
  });

  it('remembers the choice in storage, and a broken storage does not lose it for the session', () => {
    const saved = new Map<string, string>();
    const storage = {
      getItem: (k: string) => saved.get(k) ?? null,
      setItem: (k: string, v: string) => void saved.set(k, v),
    };
    const store = new LocaleStore(storage, () => ['en-GB']);
    expect(store.getLocale()).toBe('en');
    store.setChoice('ja');
    expect(saved.get(LOCALE_STORAGE_KEY)).toBe('ja');
    expect(new LocaleStore(storage, () => ['en-GB']).getLocale()).toBe('ja');

    const full = {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    const fragile = new LocaleStore(full, () => ['en-GB']);
    fragile.setChoice('ja');
    expect(fragile.getLocale()).toBe('ja');
  });
});
