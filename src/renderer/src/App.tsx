import { useEffect } from 'react';
import type { TabId } from './app/navigation';
import { tabIds } from './app/navigation';
import { Notices } from './app/Notices';
import { useStores } from './app/stores-context';
import { Tabs } from './app/Tabs';
import { useStore } from './app/use-store';
import { DrawScreen } from './drawing/DrawScreen';
import { useLocale, useT } from './i18n/use-t';
import { ModelsScreen } from './models/ModelsScreen';
import { NetworkScreen } from './network/NetworkScreen';
import { SamplesScreen } from './personal/SamplesScreen';
import { ReportScreen } from './report/ReportScreen';
import { SettingsScreen } from './settings/SettingsScreen';
import { TrainScreen } from './training/TrainScreen';
import { TrainingOutcome } from './training/TrainingOutcome';

export function App(): React.JSX.Element {
  const t = useT();
  const locale = useLocale();
  const { api, models, navigation, notices, personal, prediction, numbers } = useStores();
  const { tab } = useStore(navigation);

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  useEffect(() => {
    models.start();
    personal.start();
    const stopNotices = api.onNotice(({ level, message }) => notices.push(level, message));
    // Start-up's own news (a settings file set aside, models recovered) waited for the page.
    void api.startupNotices().then((result) => {
      if (result.ok) for (const { level, message } of result.value) notices.push(level, message);
    });
    // A new active model answers differently: ask again.
    const stopModels = api.models.onChanged(() => {
      prediction.refresh();
      numbers.refresh();
    });
    return () => {
      stopNotices();
      stopModels();
    };
  }, [api, models, notices, personal, prediction, numbers]);

  const labels: Record<TabId, string> = {
    draw: t('tab.draw'),
    network: t('tab.network'),
    samples: t('tab.samples'),
    train: t('tab.train'),
    report: t('tab.report'),
    models: t('tab.models'),
    settings: t('tab.settings'),
  };

  return (
    <div className="app">
      <header className="app-header">
        <h1>
          Tegaki <span className="kanji" aria-hidden="true">手書き</span>
        </h1>
        <Tabs items={tabIds.map((id) => ({ id, label: labels[id] }))} selected={tab} onSelect={(id) => navigation.show(id)} label={t('app.sections')} />
      </header>
      <Notices />
      <TrainingOutcome />
      <main id={`panel-${tab}`} role="tabpanel" aria-labelledby={`tab-${tab}`} className="app-main">
        {tab === 'draw' && <DrawScreen />}
        {tab === 'network' && <NetworkScreen />}
        {tab === 'samples' && <SamplesScreen />}
        {tab === 'train' && <TrainScreen />}
        {tab === 'report' && <ReportScreen />}
        {tab === 'models' && <ModelsScreen />}
        {tab === 'settings' && <SettingsScreen />}
      </main>
    </div>
  );
}
