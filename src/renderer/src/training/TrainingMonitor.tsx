import { useMemo } from 'react';
import type uPlot from 'uplot';
import { useColorScheme } from '../app/use-color-scheme';
import { useStore } from '../app/use-store';
import type { Translate } from '../i18n/use-t';
import { useLocale, useT } from '../i18n/use-t';
import { formatPercent } from '../prediction/ProbabilityBars';
import { describeFailure, formatCount, formatDuration, progressFraction } from './format';
import { chartColors, LineChart } from './LineChart';
import { LossChart } from './LossChart';
import { HeldOutAccuracy } from './HeldOutAccuracy';
import type { TrainingState, TrainingStore } from './training-store';
import { isTrainingActive } from './training-store';

interface Props {
  training: TrainingStore;
  onOpenReport: (modelId: string) => void;
}

/** The running (or last) job: progress, counters, live curves, and how it ended. */
export function TrainingMonitor({ training, onOpenReport }: Props): React.JSX.Element {
  const t = useT();
  const state = useStore(training);
  const { status, progress, result, error } = state;
  const active = isTrainingActive(status);

  return (
    <section
      className="monitor panel"
      aria-label={t('train.progress')}
      data-testid="train-monitor"
      data-status={status}
    >
      {status === 'idle' && <p className="muted">{t('train.idle')}</p>}
      {active && <ProgressSection state={state} t={t} onCancel={() => void training.cancel()} />}
      {status === 'done' && result && (
        <div className="train-outcome-line" role="status" data-testid="train-status" data-status="done">
          <span>{t('train.done', { name: result.model.name, accuracy: formatPercent(result.testAccuracy, 2) })}</span>
          <HeldOutAccuracy set="validation" accuracy={result.validationAccuracy} count={result.validationCount} />
          <HeldOutAccuracy set="personal" accuracy={result.personalTestAccuracy} count={result.personalTestCount} />
          <button type="button" onClick={() => onOpenReport(result.model.id)} data-testid="open-report">
            {t('train.openReport')}
          </button>
        </div>
      )}
      {status === 'cancelled' && (
        <p className="train-outcome-line calm" role="status" data-testid="train-status" data-status="cancelled">
          {t('train.cancelled')}
        </p>
      )}
      {status === 'failed' && error && (
        <p className="train-outcome-line failure" role="alert" data-testid="train-error" data-code={error.code}>
          {describeFailure(error, t)}
        </p>
      )}
      {status !== 'idle' && progress && !active && <Counters state={state} t={t} />}
      {status !== 'idle' && <Charts state={state} t={t} />}
    </section>
  );
}

function ProgressSection({
  state,
  t,
  onCancel,
}: {
  state: TrainingState;
  t: Translate;
  onCancel: () => void;
}): React.JSX.Element {
  const { status, progress } = state;
  const known = progress !== undefined && progress.totalSteps > 0 && progress.phase !== 'loading';
  const fraction = known ? progressFraction(progress.step, progress.totalSteps) : 0;
  const percent = formatPercent(fraction, 0);
  const phase =
    status === 'cancelling'
      ? t('train.cancelling')
      : !progress
        ? t('train.starting')
        : t(`train.phase.${progress.phase}`);
  const eta = known && progress.step > 0 ? t('train.eta', { time: formatDuration(progress.etaSeconds) }) : '';
  return (
    <div className="progress-section">
      <div className="progress-head">
        <strong data-testid="train-phase">{phase}</strong>
        <span className="spacer" />
        <button
          type="button"
          className="danger"
          onClick={onCancel}
          disabled={status === 'cancelling'}
          data-testid="cancel-button"
        >
          {t('train.cancel')}
        </button>
      </div>
      <div className="progress-line">
        {/* Without a value a <progress> is indeterminate: the right look while data loads. */}
        <progress
          data-testid="train-progress"
          aria-label={t('train.progress')}
          aria-valuetext={known ? [t('train.percentDone', { percent }), eta].filter(Boolean).join(', ') : phase}
          max={known ? progress.totalSteps : undefined}
          value={known ? progress.step : undefined}
          data-fraction={fraction}
        />
        <span className="progress-percent" aria-hidden="true">
          {known ? percent : ''}
        </span>
        <span className="progress-eta" data-testid="train-eta">
          {eta}
        </span>
      </div>
      <Counters state={state} t={t} />
    </div>
  );
}

function Counters({ state, t }: { state: TrainingState; t: Translate }): React.JSX.Element | null {
  const locale = useLocale();
  const { progress } = state;
  if (!progress || progress.totalSteps === 0) return null;
  return (
    <div className="counters" data-testid="train-counters">
      <span data-testid="train-step">
        {t('train.step', { step: formatCount(progress.step, locale), total: formatCount(progress.totalSteps, locale) })}
      </span>
      <span data-testid="train-epoch">
        {t('train.epochOf', { epoch: progress.epoch, total: progress.totalEpochs })}
      </span>
      <span data-testid="train-rate">
        {t('train.samplesPerSecond', { rate: formatCount(progress.samplesPerSecond, locale) })}
      </span>
      <span>{t('train.elapsed', { time: formatDuration(progress.elapsedSeconds) })}</span>
    </div>
  );
}

function Charts({ state, t }: { state: TrainingState; t: Translate }): React.JSX.Element {
  const colors = chartColors(useColorScheme());
  const { lossCurve, epochs, progress } = state;
  const totalSteps = Math.max(1, progress?.totalSteps ?? 1);
  const totalEpochs = Math.max(1, progress?.totalEpochs ?? epochs.length);

  const hasValidation = epochs.some((e) => e.validationAccuracy !== undefined);
  const hasPersonal = epochs.some((e) => e.personalTestAccuracy !== undefined);
  const accuracyData = useMemo((): uPlot.AlignedData => {
    const data: uPlot.AlignedData = [
      epochs.map((e) => e.epoch),
      epochs.map((e) => e.trainAccuracy),
      epochs.map((e) => e.testAccuracy),
    ];
    if (hasValidation) data.push(epochs.map((e) => e.validationAccuracy ?? null));
    if (hasPersonal) data.push(epochs.map((e) => e.personalTestAccuracy ?? null));
    return data;
  }, [epochs, hasValidation, hasPersonal]);

  const accuracySeries = useMemo(
    () => [
      { label: t('train.trainAccuracy'), color: colors.train, points: true },
      { label: t('train.testAccuracy'), color: colors.test, points: true },
      ...(hasValidation ? [{ label: t('train.validationAccuracy'), color: colors.validation, points: true }] : []),
      ...(hasPersonal ? [{ label: t('train.personalAccuracySeries'), color: colors.personal, points: true }] : []),
    ],
    [t, colors, hasValidation, hasPersonal],
  );
  const lastTest = epochs.at(-1)?.testAccuracy;

  return (
    <div className="charts">
      <LossChart points={lossCurve} totalSteps={totalSteps} testId="loss-chart" />
      <figure className="chart-box">
        <figcaption>
          <span>{t('train.accuracyChart')}</span>
        </figcaption>
        {epochs.length === 0 && <p className="chart-waiting">{t('train.waitingForEpoch')}</p>}
        <LineChart
          data={accuracyData}
          series={accuracySeries}
          xLabel={t('train.epochAxis')}
          colors={colors}
          xRange={[totalEpochs > 1 ? 1 : 0.5, totalEpochs > 1 ? totalEpochs : 1.5]}
          // Down to the worst accuracy seen, so the last fractions of a percent are still visible.
          yRange={(min) => [Math.max(0, Math.floor((min - 0.01) * 50) / 50), 1]}
          formatY={(v) => formatPercent(v, v >= 0.995 ? 0 : 1)}
          description={t('train.accuracyDescription', {
            epochs: epochs.length,
            accuracy: lastTest === undefined ? '–' : formatPercent(lastTest, 2),
          })}
          testId="accuracy-chart"
        />
      </figure>
    </div>
  );
}
