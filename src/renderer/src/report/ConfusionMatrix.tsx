import { useMemo, useRef, useState } from 'react';
import { useT } from '../i18n/use-t';
import { CLASSES, cellIntensity, formatShare, normaliseRows } from './report-math';

export type MatrixView = 'counts' | 'normalised';

const digits = Array.from({ length: CLASSES }, (_, i) => i);
/** Above this tint the cell's text turns white to stay readable. */
const DARK_CELL = 0.55;

/**
 * The confusion matrix as a heatmap of buttons: rows are true digits, columns predicted
 * ones. One tab stop for the whole grid; arrow keys, Home and End move inside it.
 */
export function ConfusionMatrix({
  confusion,
  view,
  onOpenCell,
}: {
  confusion: number[][];
  view: MatrixView;
  onOpenCell: (actual: number, predicted: number) => void;
}): React.JSX.Element {
  const t = useT();
  const shares = useMemo(() => normaliseRows(confusion), [confusion]);
  const [focused, setFocused] = useState<[number, number]>([0, 0]);
  const table = useRef<HTMLTableElement>(null);

  const move = (event: React.KeyboardEvent, actual: number, predicted: number): void => {
    const last = CLASSES - 1;
    const next: Record<string, [number, number]> = {
      ArrowUp: [Math.max(0, actual - 1), predicted],
      ArrowDown: [Math.min(last, actual + 1), predicted],
      ArrowLeft: [actual, Math.max(0, predicted - 1)],
      ArrowRight: [actual, Math.min(last, predicted + 1)],
      Home: [actual, 0],
      End: [actual, last],
    };
    const target = next[event.key];
    if (!target) return;
    event.preventDefault();
    setFocused(target);
    table.current?.querySelector<HTMLButtonElement>(`[data-cell="${target[0]}-${target[1]}"]`)?.focus();
  };

  return (
    <table className="confusion-matrix" data-testid="confusion-matrix" data-view={view} ref={table}>
      <caption className="visually-hidden">{t('report.confusionHelp')}</caption>
      <thead>
        <tr>
          <td />
          <th scope="colgroup" colSpan={CLASSES} className="axis-label">
            {t('report.predictedLabel')} →
          </th>
        </tr>
        <tr>
          <th scope="col" className="matrix-corner axis-label">
            {t('report.trueLabel')} ↓
          </th>
          {digits.map((d) => (
            <th key={d} scope="col">
              {d}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {digits.map((actual) => (
          <tr key={actual}>
            <th scope="row">{actual}</th>
            {digits.map((predicted) => {
              const count = confusion[actual]?.[predicted] ?? 0;
              const share = shares[actual]?.[predicted] ?? 0;
              const onDiagonal = actual === predicted;
              const intensity = cellIntensity(share, onDiagonal);
              const tint = onDiagonal ? '--heat-correct' : '--heat-wrong';
              const isFocused = focused[0] === actual && focused[1] === predicted;
              return (
                <td key={predicted}>
                  <button
                    type="button"
                    className={intensity > DARK_CELL ? 'dark-cell' : undefined}
                    style={{ background: `rgba(var(${tint}), ${intensity.toFixed(3)})` }}
                    data-testid={`confusion-cell-${actual}-${predicted}`}
                    data-cell={`${actual}-${predicted}`}
                    data-count={count}
                    aria-label={t('report.cellLabel', { actual, predicted, count })}
                    tabIndex={isFocused ? 0 : -1}
                    onFocus={() => setFocused([actual, predicted])}
                    onKeyDown={(event) => move(event, actual, predicted)}
                    onClick={() => onOpenCell(actual, predicted)}
                  >
                    {view === 'counts' ? count : formatShare(share)}
                  </button>
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
