import { useCallback, useSyncExternalStore } from 'react';
import { localeStore, translate } from './i18n';
import type { Locale, MessageParams } from './i18n';
import type { MessageKey } from './messages';

export type Translate = (key: MessageKey, params?: MessageParams) => string;

export function useLocale(): Locale {
  return useSyncExternalStore(localeStore.subscribe, localeStore.getLocale);
}

export function useT(): Translate {
  const locale = useLocale();
  return useCallback((key, params) => translate(locale, key, params), [locale]);
}
