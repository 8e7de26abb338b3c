import { useState } from 'react';
import type { Evaluation, ModelDetails } from '../../../shared/ipc/contract';
import { useLocale, useT } from '../i18n/use-t';
import { formatPercent } from '../prediction/ProbabilityBars';

type Measure = Evaluation['calibration'];
type Bin = Measure['reliabilityAfter'][number];

const SIZE = 220;
const MARGIN = { left: 36, bottom: 30, top: 8, right: 8 };
const PLOT = SIZE - MARGIN.left - MARGIN.right;

/**
 * Whether the model's confidence means what it says, on the test images the report
 * evaluated: the expected calibration error before and after its temperature, and the
 * reliability diagram (accuracy per confidence bin against the diagonal). Both come
 * from the engine (engine/metrics/calibration.ts, training/temperature-scaling.ts).
 */
export function CalibrationSection({
  measure,
  fitted,
  rejection,
}: {
  measure: Measure;
  /** The model file's calibration: absent for an uncalibrated model (T = 1). */
  fitted: ModelDetails['calibration'];
  /** When the model says "not a digit": absent for a model that never does. */
  rejection: ModelDetails['rejection'];
}): React.JSX.Element {
  const t = useT();
  const locale = useLocale();
  const [view, setView] = useState<'before' | 'after'>('after');
  const temperature = measure.temperature.toFixed(3);
  const ece = (value: number): string => formatPercent(value, 2);
  const bins = fitted && view === 'before' ? measure.reliabilityBefore : measure.reliabilityAfter;

  return (
    <section className="calibration" aria-label={t('report.calibration')} data-testid="report-calibration">
      <div className="matrix-head">
        <h4>{t('report.calibration')}</h4>
        {fitted && (
          <div className="segmented" role="radiogroup" aria-label={t('report.view')}>
            {(['before', 'after'] as const).map((option) => (
              <button
                key={option}
                type="button"
                role="radio"
                aria-checked={view === option}
                data-testid={`reliability-view-${option}`}
                onClick={() => setView(option)}
              >
                {option === 'before' ? t('report.reliabilityBefore') : t('report.reliabilityAfter', { temperature })}
              </button>
            ))}
          </div>
        )}
      </div>
      <p className="calibration-summary" data-testid="calibration-summary">
        {fitted
          ? t('report.calibrationSummary', {
              count: measure.count.toLocaleString(locale),
              before: ece(measure.eceBefore),
              after: ece(measure.eceAfter),
              temperature,
              validationCount: fitted.validationCount.toLocaleString(locale),
            })
          : t('report.uncalibrated', { count: measure.count.toLocaleString(locale), ece: ece(measure.eceBefore) })}
      </p>
      <p className="rejection-summary" data-testid="rejection-summary">
        {rejection
          ? t('report.rejection', {
              score: t(`report.rejectionScore.${rejection.score}`),
              threshold:
                rejection.score === 'max-probability' ? formatPercent(rejection.threshold, 1) : rejection.threshold.toFixed(2),
              validation: formatPercent(rejection.digitRejection.validation.rejected / Math.max(1, rejection.digitRejection.validation.count), 2),
              validationCount: rejection.digitRejection.validation.count.toLocaleString(locale),
              drawn: formatPercent(rejection.digitRejection.drawn.rejected / Math.max(1, rejection.digitRejection.drawn.count), 2),
              drawnCount: rejection.digitRejection.drawn.count.toLocaleString(locale),
            })
          : t('report.noRejection')}
      </p>
      <div className="calibration-body">
        <ReliabilityDiagram bins={bins} />
        <p className="muted calibration-help">{t('report.calibrationHelp')}</p>
      </div>
    </section>
  );
}

/** Accuracy per confidence bin as bars over the bins' ranges; a calibrated model's bars reach the diagonal. */
function ReliabilityDiagram({ bins }: { bins: readonly Bin[] }): React.JSX.Element {
  const t = useT();
  const x = (value: number): number => MARGIN.left + value * PLOT;
  const y = (value: number): number => MARGIN.top + (1 - value) * PLOT;
  const ticks = [0, 0.5, 1];
  return (
    <svg
      className="reliability"
      viewBox={`0 0 ${SIZE} ${SIZE}`}
      width={SIZE}
      height={SIZE}
      role="img"
      aria-label={t('report.reliability')}
      data-testid="reliability-diagram"
    >
      <rect className="reliability-frame" x={x(0)} y={y(1)} width={PLOT} height={PLOT} />
      {bins.map((bin) =>
        bin.count === 0 ? null : (
          <rect
            key={bin.lower}
            className="reliability-bar"
            data-testid="reliability-bar"
            data-accuracy={bin.accuracy}
            data-confidence={bin.confidence}
            data-count={bin.count}
            x={x(bin.lower) + 0.5}
            y={y(bin.accuracy)}
            width={Math.max(0, (bin.upper - bin.lower) * PLOT - 1)}
            height={bin.accuracy * PLOT}
          >
            <title>
              {t('report.binLabel', {
                lower: bin.lower.toFixed(2),
                upper: bin.upper.toFixed(2),
                count: bin.count,
                confidence: formatPercent(bin.confidence, 1),
                accuracy: formatPercent(bin.accuracy, 1),
              })}
            </title>
          </rect>
        ),
      )}
      <line
        className="reliability-diagonal"
        data-testid="reliability-diagonal"
        x1={x(0)}
        y1={y(0)}
        x2={x(1)}
        y2={y(1)}
      />
      {ticks.map((tick) => (
        <g key={tick} className="reliability-tick">
          <text x={x(tick)} y={SIZE - MARGIN.bottom + 14} textAnchor="middle">
            {tick}
          </text>
          <text x={MARGIN.left - 6} y={y(tick) + 4} textAnchor="end">
            {tick}
          </text>
        </g>
      ))}
      <text x={x(0.5)} y={SIZE - 2} textAnchor="middle">
        {t('report.confidence')}
      </text>
      <text x={10} y={y(0.5)} textAnchor="middle" transform={`rotate(-90 10 ${y(0.5)})`}>
        {t('report.accuracy')}
      </text>
    </svg>
  );
}
