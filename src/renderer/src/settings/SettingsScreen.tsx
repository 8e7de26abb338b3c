import { useSyncExternalStore } from 'react';
import { useStores } from '../app/stores-context';
import type { LocaleChoice } from '../i18n/i18n';
import { localeStore } from '../i18n/i18n';
import { useT } from '../i18n/use-t';

export function SettingsScreen(): React.JSX.Element {
  const t = useT();
  const { api } = useStores();
  const choice = useSyncExternalStore(localeStore.subscribe, localeStore.getChoice);
  return (
    <section className="settings-screen panel" aria-labelledby="settings-title">
      <h2 id="settings-title">{t('settings.title')}</h2>
      <label className="field">
        <span>{t('settings.language')}</span>
        <select value={choice} onChange={(event) => localeStore.setChoice(event.target.value as LocaleChoice)} data-testid="language-select">
          <option value="auto">{t('settings.languageAuto')}</option>
          <option value="en">English</option>
          <option value="ja">日本語</option>
        </select>
      </label>
      <p className="muted">{t('settings.theme')}</p>
      <p className="muted">{t('settings.version', { version: api.version(), shell: api.shell })}</p>
    </section>
  );
}
