import { useT } from '../i18n/use-t';
import type { Prediction } from './prediction-store';

export function formatPercent(p: number, digits = 1): string {
  return `${(p * 100).toFixed(digits)}%`;
}

/** The ten softmax probabilities as labelled bars; the top class stands out, unless the drawing is not a digit (dimmed). */
export function ProbabilityBars({ prediction }: { prediction: Prediction | undefined }): React.JSX.Element {
  const t = useT();
  return (
    <ol
      className={prediction?.notADigit ? 'prob-bars not-a-digit' : 'prob-bars'}
      aria-label={t('predict.probabilities')}
      data-testid="prob-bars"
    >
      {Array.from({ length: 10 }, (_, digit) => {
        const p = prediction?.probabilities[digit] ?? 0;
        const isTop = prediction?.top === digit;
        return (
          <li
            key={digit}
            className={isTop ? 'prob-bar top' : 'prob-bar'}
            data-testid={`prob-bar-${digit}`}
            data-probability={prediction ? p.toFixed(4) : ''}
          >
            <span className="prob-digit">{digit}</span>
            <span
              className="prob-track"
              role="meter"
              aria-label={t('predict.barLabel', { digit })}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={Math.round(p * 100)}
            >
              <span className="prob-fill" style={{ width: `${p * 100}%` }} />
            </span>
            <span className="prob-value">{prediction ? formatPercent(p) : '–'}</span>
          </li>
        );
      })}
    </ol>
  );
}
