import { useState } from 'react';
import type { ModelSummary } from '../../../shared/ipc/contract';
import { useLocale, useT } from '../i18n/use-t';
import { describeOrigin } from '../models/model-names';
import { formatPercent } from '../prediction/ProbabilityBars';
import { HeldOutAccuracy } from '../training/HeldOutAccuracy';
import { CalibrationSection } from './CalibrationSection';
import { DrawnDigitsSection } from './DrawnDigitsSection';
import { ClassificationTable } from './ClassificationTable';
import type { MatrixView } from './ConfusionMatrix';
import { ConfusionMatrix } from './ConfusionMatrix';
import type { ModelReport } from './report-store';
import { SnapshotTimeline } from './SnapshotTimeline';
import { TrainingCurves } from './TrainingCurves';

/** One model's report: summary, classification table, confusion matrix, calibration, drawn digits and curves. */
export function ReportPanel({
  model,
  report,
  onRetry,
  onOpenCell,
  onMakeActive,
}: {
  model: ModelSummary;
  report: ModelReport | undefined;
  onRetry: () => void;
  onOpenCell: (actual: number, predicted: number) => void;
  onMakeActive: () => void;
}): React.JSX.Element {
  const t = useT();
  const locale = useLocale();
  const [view, setView] = useState<MatrixView>('counts');

  return (
    <article
      className="report-panel panel"
      data-testid={`report-panel-${model.id}`}
      aria-labelledby={`report-name-${model.id}`}
    >
      <header className="report-panel-head">
        <div>
          <h3 id={`report-name-${model.id}`}>{model.name}</h3>
          <p className="muted report-architecture">{model.architecture}</p>
          {model.importedFrom && (
            <p className="muted report-origin" data-testid={`report-origin-${model.id}`}>
              {describeOrigin(model.importedFrom, t)}
            </p>
          )}
        </div>
        {model.active ? (
          <span className="badge active">{t('report.active')}</span>
        ) : (
          <button type="button" onClick={onMakeActive} data-testid={`report-make-active-${model.id}`}>
            {t('report.makeActive')}
          </button>
        )}
      </header>
      {(report === undefined || report.status === 'loading') && (
        <p className="report-loading" role="status" data-testid="report-loading">
          <span className="spinner" aria-hidden="true" />
          {t('report.evaluating')}
        </p>
      )}
      {report?.status === 'failed' && (
        <div className="report-failed" role="alert">
          <p className="error">{t('report.failed', { message: report.message })}</p>
          <button type="button" onClick={onRetry}>
            {t('report.retry')}
          </button>
        </div>
      )}
      {report?.status === 'ready' && (
        <>
          <p className="report-summary" data-testid="report-summary">
            {t('report.summary', {
              accuracy: formatPercent(report.evaluation.accuracy, 2),
              count: report.evaluation.count,
              loss: report.evaluation.loss.toFixed(4),
            })}
            {report.details?.metrics?.personalTestAccuracy !== undefined && (
              <>
                {' · '}
                <HeldOutAccuracy
                  set="personal"
                  accuracy={report.details.metrics.personalTestAccuracy}
                  count={report.details.metrics.personalTestCount}
                />
              </>
            )}
            {report.details?.metrics?.validationAccuracy !== undefined && (
              <span className="report-validation" data-testid="report-validation">
                <br />
                {t('report.validation', {
                  accuracy: formatPercent(report.details.metrics.validationAccuracy, 2),
                  count: (report.details.metrics.validationCount ?? 0).toLocaleString(locale),
                  loss: report.details.metrics.validationLoss?.toFixed(4) ?? '–',
                })}
              </span>
            )}
            <span className="muted">
              {' '}
              · {t('report.evaluatedIn', { seconds: (report.milliseconds / 1000).toFixed(1) })}
            </span>
          </p>
          <div className="report-body">
            <section aria-label={t('report.classification')}>
              <h4>{t('report.classification')}</h4>
              <ClassificationTable report={report.evaluation.report} />
            </section>
            <section aria-label={t('report.confusion')}>
              <div className="matrix-head">
                <h4>{t('report.confusion')}</h4>
                <div className="segmented" role="radiogroup" aria-label={t('report.view')}>
                  {(['counts', 'normalised'] as const).map((option) => (
                    <button
                      key={option}
                      type="button"
                      role="radio"
                      aria-checked={view === option}
                      data-testid={`matrix-view-${option}`}
                      onClick={() => setView(option)}
                    >
                      {t(option === 'counts' ? 'report.counts' : 'report.normalised')}
                    </button>
                  ))}
                </div>
              </div>
              <p className="muted matrix-help">{t('report.confusionHelp')}</p>
              <ConfusionMatrix confusion={report.evaluation.confusion} view={view} onOpenCell={onOpenCell} />
            </section>
          </div>
          <CalibrationSection
            measure={report.evaluation.calibration}
            fitted={report.details?.calibration}
            rejection={report.details?.rejection}
          />
          <DrawnDigitsSection drawn={report.evaluation.drawn} notADigit={report.evaluation.notADigit} />
          <TrainingCurves details={report.details} />
          {model.timelineBytes !== undefined && <SnapshotTimeline model={model} />}
        </>
      )}
    </article>
  );
}
