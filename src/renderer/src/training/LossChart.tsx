import { useMemo, useState } from 'react';
import type uPlot from 'uplot';
import type { LossPoint } from '../../../shared/training-progress';
import { useColorScheme } from '../app/use-color-scheme';
import { useT } from '../i18n/use-t';
import { chartColors, LineChart } from './LineChart';
import { smoothSeries } from './loss-series';

/**
 * The smoothing slider's start. The loss arrives raw, one mini-batch at a time, so this
 * chart is the one place it is smoothed; the raw series stays visible, faint, beneath.
 */
export const DEFAULT_SMOOTHING = 0.8;

interface Props {
  /** Raw batch losses by step: live from a running job, or as the model file kept them. */
  points: readonly LossPoint[];
  /** The x axis runs to here, so a live curve grows across the chart. */
  totalSteps: number;
  testId: string;
}

/** Loss by step, raw and smoothed, with the smoothing slider: the training monitor's and the report's. */
export function LossChart({ points, totalSteps, testId }: Props): React.JSX.Element {
  const t = useT();
  const colors = chartColors(useColorScheme());
  const [smoothing, setSmoothing] = useState(DEFAULT_SMOOTHING);
  const data = useMemo((): uPlot.AlignedData => {
    const raw = points.map((p) => p.loss);
    return [points.map((p) => p.step), raw, smoothSeries(raw, smoothing)];
  }, [points, smoothing]);
  const series = useMemo(
    () => [
      { label: t('train.lossSeries'), color: colors.lossRaw, width: 1 },
      { label: `${t('train.lossSeries')} (${t('train.smoothing').toLowerCase()})`, color: colors.loss, width: 2 },
    ],
    [t, colors],
  );
  const last = points.at(-1)?.loss;
  return (
    <figure className="chart-box">
      <figcaption>
        <span>{t('train.lossChart')}</span>
        <label className="smoothing">
          {t('train.smoothing')}
          <input
            type="range"
            min={0}
            max={0.99}
            step={0.01}
            value={smoothing}
            onChange={(event) => setSmoothing(Number(event.target.value))}
            data-testid={`${testId}-smoothing`}
          />
        </label>
      </figcaption>
      {points.length === 0 && <p className="chart-waiting">{t('train.waitingForData')}</p>}
      <LineChart
        data={data}
        series={series}
        xLabel={t('train.stepAxis')}
        colors={colors}
        xRange={[0, Math.max(1, totalSteps)]}
        yRange={(min, max) => [0, max > min ? max * 1.05 : min + 1]}
        formatY={(v) => (v >= 10 ? v.toFixed(0) : v.toFixed(2))}
        legend={false}
        description={t('train.lossDescription', {
          points: points.length,
          loss: last === undefined ? '–' : last.toFixed(3),
        })}
        testId={testId}
      />
    </figure>
  );
}
