import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import { useColorScheme } from '../app/use-color-scheme';
import { useElementSize } from '../app/use-element-size';

export interface EpochSeries {
  label: string;
  values: (number | null)[];
  /** Which of the theme's series colours: train, test or validation. */
  tone: 'train' | 'test' | 'validation';
}

// uPlot draws on a canvas, where CSS variables do not reach: the same palette as styles.css.
const palettes = {
  light: { train: '#2563eb', test: '#dc2626', validation: '#059669', axis: '#5f5f68', grid: '#e4e4e8' },
  dark: { train: '#6d9cff', test: '#ff6b6b', validation: '#34d399', axis: '#a0a0ab', grid: '#2c2c33' },
};
const HEIGHT = 190;

/** Values per epoch as lines with points, one chart per quantity (loss or accuracy). */
export function EpochChart({
  title,
  epochs,
  series,
  epochLabel,
  testId,
}: {
  title: string;
  epochs: number[];
  series: EpochSeries[];
  epochLabel: string;
  testId: string;
}): React.JSX.Element {
  const holder = useRef<HTMLDivElement>(null);
  const { width } = useElementSize(holder);
  const scheme = useColorScheme();

  useEffect(() => {
    const element = holder.current;
    if (!element || width === 0) return;
    const palette = palettes[scheme];
    const axis = { stroke: palette.axis, grid: { stroke: palette.grid }, ticks: { stroke: palette.grid } };
    const chart = new uPlot(
      {
        width: Math.floor(width),
        height: HEIGHT,
        title,
        scales: { x: { time: false } },
        series: [
          { label: epochLabel },
          ...series.map((s) => ({
            label: s.label,
            stroke: palette[s.tone],
            width: 2,
            points: { show: true, size: 6 },
            value: (_: uPlot, v: number | null) => (v === null ? '—' : v.toFixed(4)),
          })),
        ],
        // Whole epochs only on the x axis.
        axes: [{ ...axis, incrs: [1, 2, 5, 10, 20, 50, 100] }, axis],
      },
      [epochs, ...series.map((s) => s.values)],
      element,
    );
    return () => chart.destroy();
  }, [width, scheme, title, epochs, series, epochLabel]);

  return <div ref={holder} className="chart epoch-chart" data-testid={testId} role="figure" aria-label={title} />;
}
