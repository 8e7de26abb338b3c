import { useEffect } from 'react';
import { useStores } from '../app/stores-context';
import { useStore } from '../app/use-store';
import { useT } from '../i18n/use-t';
import { GalleryDialog } from './GalleryDialog';
import { ReportPanel } from './ReportPanel';
import './report.css';

const NONE = '';

/**
 * The report of one model, or of two side by side: the model asked for (a finished
 * training job, the models list), else the active one.
 */
export function ReportScreen(): React.JSX.Element {
  const t = useT();
  const { gallery, models, navigation, notices, reports } = useStores();
  const { models: list, loaded } = useStore(models);
  const { reportModelId, compareModelId } = useStore(navigation);
  const cache = useStore(reports);

  const listed = (id: string | undefined) => list.find((m) => m.id === id);
  const primary = listed(reportModelId) ?? list.find((m) => m.active) ?? list[0];
  const secondary = compareModelId !== primary?.id ? listed(compareModelId) : undefined;
  const shown = [primary, secondary].filter((m) => m !== undefined);

  useEffect(() => {
    // Before the list has loaded nothing is shown yet, and nothing should be cancelled.
    if (shown.length > 0) reports.show(shown.map((model) => model.id));
  });

  useEffect(() => {
    // A deleted model's report goes with it.
    if (loaded) reports.retain(list.map((m) => m.id));
  }, [list, loaded, reports]);

  if (!loaded || list.length === 0) {
    return (
      <section className="report-screen" aria-labelledby="report-title">
        <h2 id="report-title">{t('report.title')}</h2>
        <p className="muted" role="status">
          {loaded ? t('report.noModels') : t('common.loading')}
        </p>
      </section>
    );
  }

  const makeActive = async (id: string): Promise<void> => {
    const result = await models.setActive(id);
    if (!result.ok)
      notices.push('error', t('models.failed', { action: t('report.makeActive'), message: result.error.message }));
  };

  return (
    <section className="report-screen" aria-labelledby="report-title">
      <div className="report-pickers">
        <h2 id="report-title">{t('report.title')}</h2>
        <label className="field">
          <span>{t('report.model')}</span>
          <select
            data-testid="report-model"
            value={primary?.id ?? NONE}
            onChange={(event) => navigation.setReportModels(event.target.value, secondary?.id)}
          >
            {list.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('report.compareWith')}</span>
          <select
            data-testid="report-compare"
            value={secondary?.id ?? NONE}
            onChange={(event) => navigation.setReportModels(primary?.id, event.target.value || undefined)}
          >
            <option value={NONE}>{t('report.none')}</option>
            {list
              .filter((m) => m.id !== primary?.id)
              .map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name}
                </option>
              ))}
          </select>
        </label>
      </div>
      <div className={shown.length > 1 ? 'report-columns compare' : 'report-columns'}>
        {shown.map((model) => {
          const report = cache.get(model.id);
          return (
            <ReportPanel
              key={model.id}
              model={model}
              report={report}
              onRetry={() => reports.load(model.id)}
              onMakeActive={() => void makeActive(model.id)}
              onOpenCell={(actual, predicted) => {
                if (report?.status === 'ready') void gallery.open(model.id, report.evaluation, actual, predicted);
              }}
            />
          );
        })}
      </div>
      <GalleryDialog store={gallery} />
    </section>
  );
}
