import { messages } from './messages';
import type { MessageKey } from './messages';

export type Locale = keyof typeof messages;
export const locales = Object.keys(messages) as Locale[];
/** What the person chose in settings: a language, or follow the OS. */
export type LocaleChoice = Locale | 'auto';

export const LOCALE_STORAGE_KEY = 'tegaki.locale';

/** The first of the browser's languages we have, else English ('ja-JP' -> 'ja'). */
export function detectLocale(languages: readonly string[]): Locale {
  for (const language of languages) {
    const base = language.toLowerCase().split('-')[0];
    if ((locales as string[]).includes(base)) return base as Locale;
  }
  return 'en';
}

export type MessageParams = Record<string, string | number>;

/** `{name}` placeholders filled from params; unknown ones stay visible so they get noticed. */
export function formatMessage(template: string, params: MessageParams = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function translate(locale: Locale, key: MessageKey, params?: MessageParams): string {
  return formatMessage(messages[locale][key] ?? messages.en[key], params);
}

interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

type Listener = () => void;

/** The UI language: the saved choice, else the OS's. Plain data outside React. */
export class LocaleStore {
  private choice: LocaleChoice;
  private readonly listeners = new Set<Listener>();

  constructor(
    private readonly storage: StorageLike | undefined,
    private readonly languages: () => readonly string[],
  ) {
    const saved = storage?.getItem(LOCALE_STORAGE_KEY);
    this.choice = saved === 'auto' || (locales as string[]).includes(saved ?? '') ? (saved as LocaleChoice) : 'auto';
  }

  getChoice = (): LocaleChoice => this.choice;

  getLocale = (): Locale => (this.choice === 'auto' ? detectLocale(this.languages()) : this.choice);

  setChoice(choice: LocaleChoice): void {
    this.choice = choice;
    try {
      this.storage?.setItem(LOCALE_STORAGE_KEY, choice);
    } catch {
      // Storage full or disabled: the choice still holds for this session.
    }
    for (const listener of [...this.listeners]) listener();
  }

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };
}

function browserStorage(): StorageLike | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined;
  }
}

export const localeStore = new LocaleStore(browserStorage(), () =>
  typeof navigator === 'undefined' ? [] : navigator.languages?.length ? navigator.languages : [navigator.language],
);
