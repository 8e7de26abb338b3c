import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import { useElementSize } from '../app/use-element-size';

/**
 * Canvas colours for uPlot, which CSS variables cannot reach. They match styles.css's
 * palette, and each pair of series stays distinguishable in both themes.
 */
export interface ChartColors {
  axis: string;
  grid: string;
  loss: string;
  lossRaw: string;
  train: string;
  test: string;
  validation: string;
  personal: string;
}

export function chartColors(scheme: 'light' | 'dark'): ChartColors {
  return scheme === 'dark'
    ? {
        axis: '#a0a0ab',
        grid: '#2c2c33',
        loss: '#6d9cff',
        lossRaw: 'rgba(109, 156, 255, 0.3)',
        train: '#fbbf24',
        test: '#6d9cff',
        validation: '#34d399',
        personal: '#c084fc',
      }
    : {
        axis: '#5f5f68',
        grid: '#e7e7ea',
        loss: '#2563eb',
        lossRaw: 'rgba(37, 99, 235, 0.25)',
        train: '#c2410c',
        test: '#2563eb',
        validation: '#047857',
        personal: '#7e22ce',
      };
}

export interface ChartSeries {
  label: string;
  color: string;
  width?: number;
  /** Draw a dot at every value (few points, e.g. one per epoch). */
  points?: boolean;
}

interface Props {
  /** x values first, then one array per series (null = no value there). */
  data: uPlot.AlignedData;
  series: readonly ChartSeries[];
  xLabel: string;
  colors: ChartColors;
  /** Fixed x extent, so a curve grows across the chart as training goes on. */
  xRange: [number, number];
  /** y extent from the data's own min and max. */
  yRange?: (min: number, max: number) => [number, number];
  formatY?: (value: number) => string;
  height?: number;
  /** The series names under the chart (off when a caption already says what the lines are). */
  legend?: boolean;
  /** What the chart shows, for people who cannot see it (the canvas itself says nothing). */
  description: string;
  testId: string;
}

/**
 * A live line chart on uPlot. The chart is built once per look (series, colours, labels)
 * and then only given new data, which is what keeps twenty updates a second cheap.
 */
export function LineChart({
  data,
  series,
  xLabel,
  colors,
  xRange,
  yRange,
  formatY,
  height = 160,
  legend = true,
  description,
  testId,
}: Props): React.JSX.Element {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const { width } = useElementSize(container);
  // The latest values for the options' callbacks, which uPlot keeps from construction.
  const latest = useRef({ data, xRange, yRange, formatY });
  useEffect(() => {
    latest.current = { data, xRange, yRange, formatY };
  });

  const look = JSON.stringify({ series, xLabel, colors, height, legend });
  const hasSize = width > 0;
  useEffect(() => {
    const element = container.current;
    if (!element || !hasSize) return;
    const axis = (label?: string): uPlot.Axis => ({
      stroke: colors.axis,
      grid: { stroke: colors.grid, width: 1 },
      ticks: { stroke: colors.grid, width: 1 },
      label,
      labelSize: label ? 20 : 0,
      font: '11px system-ui, sans-serif',
      labelFont: '11px system-ui, sans-serif',
    });
    const options: uPlot.Options = {
      width: Math.floor(element.clientWidth),
      height,
      legend: { show: legend, live: false },
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      scales: {
        x: { time: false, range: () => latest.current.xRange },
        y: {
          range: (_u, min, max) => {
            const range = latest.current.yRange;
            if (range && Number.isFinite(min) && Number.isFinite(max)) return range(min, max);
            return Number.isFinite(min) ? [min, max === min ? min + 1 : max] : [0, 1];
          },
        },
      },
      axes: [
        { ...axis(), values: (_u, ticks) => ticks.map((v) => (Number.isInteger(v) ? v.toLocaleString() : '')) },
        { ...axis(), size: 58, values: (_u, ticks) => ticks.map((v) => latest.current.formatY?.(v) ?? String(v)) },
      ],
      series: [
        { label: xLabel },
        ...series.map((s): uPlot.Series => ({
          label: s.label,
          stroke: s.color,
          width: s.width ?? 2,
          spanGaps: true,
          points: s.points ? { show: true, size: 7, fill: s.color, stroke: s.color } : { show: false },
          value: (_u, v) => (v === null || v === undefined ? '–' : (latest.current.formatY?.(v) ?? v.toFixed(3))),
        })),
      ],
    };
    const chart = new uPlot(options, latest.current.data, element);
    plot.current = chart;
    return () => {
      chart.destroy();
      plot.current = null;
    };
    // `look` stands for series, xLabel, colors and height; the data arrives through setData.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [look, hasSize]);

  const [xMin, xMax] = xRange;
  useEffect(() => {
    plot.current?.setData(data);
  }, [data, xMin, xMax]);

  useEffect(() => {
    if (plot.current && width > 0) plot.current.setSize({ width: Math.floor(width), height });
  }, [width, height]);

  const points = data[0]?.length ?? 0;
  return (
    <div
      className="chart"
      ref={container}
      role="img"
      aria-label={description}
      data-testid={testId}
      data-points={points}
    />
  );
}
