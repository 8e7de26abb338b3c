import { useMemo } from 'react';
import type { ModelDetails } from '../../../shared/ipc/contract';
import { useT } from '../i18n/use-t';
import { LossChart } from '../training/LossChart';
import type { EpochSeries } from './EpochChart';
import { EpochChart } from './EpochChart';
import { trainingCurves } from './report-math';

/**
 * Loss and accuracy per epoch from the model file's history, and the loss of every step
 * it kept (raw, smoothed here as in the training monitor), or why there are none.
 */
export function TrainingCurves({ details }: { details: ModelDetails | undefined }): React.JSX.Element {
  const t = useT();
  const curves = useMemo(() => trainingCurves(details?.history ?? []), [details]);
  const lossCurve = details?.lossCurve ?? [];
  const loss = useMemo<EpochSeries[]>(() => {
    if (!curves) return [];
    const series: EpochSeries[] = [
      { label: t('report.trainLoss'), values: curves.trainLoss, tone: 'train' },
      { label: t('report.testLoss'), values: curves.testLoss, tone: 'test' },
    ];
    if (curves.validationLoss)
      series.push({ label: t('report.validationLoss'), values: curves.validationLoss, tone: 'validation' });
    return series;
  }, [curves, t]);
  const accuracy = useMemo<EpochSeries[]>(() => {
    if (!curves) return [];
    const series: EpochSeries[] = [
      { label: t('train.trainAccuracy'), values: curves.trainAccuracy, tone: 'train' },
      { label: t('train.testAccuracy'), values: curves.testAccuracy, tone: 'test' },
    ];
    if (curves.validationAccuracy)
      series.push({ label: t('train.validationAccuracy'), values: curves.validationAccuracy, tone: 'validation' });
    return series;
  }, [curves, t]);

  return (
    <section className="training-curves" aria-label={t('report.curves')}>
      <h3>{t('report.curves')}</h3>
      {curves ? (
        <div className="curve-charts">
          <EpochChart
            title={t('report.lossChart')}
            epochs={curves.epochs}
            series={loss}
            epochLabel={t('train.epochAxis')}
            testId="loss-curve"
          />
          <EpochChart
            title={t('train.accuracyChart')}
            epochs={curves.epochs}
            series={accuracy}
            epochLabel={t('train.epochAxis')}
            testId="accuracy-curve"
          />
          {lossCurve.length > 0 && (
            <LossChart points={lossCurve} totalSteps={lossCurve.at(-1)!.step} testId="step-loss-curve" />
          )}
        </div>
      ) : (
        <p className="muted" data-testid="no-curves">
          {t('report.noCurves')}
        </p>
      )}
    </section>
  );
}
