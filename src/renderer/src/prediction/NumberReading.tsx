import { describeAction } from '../app/actions';
import { useStore } from '../app/use-store';
import { useT } from '../i18n/use-t';
import { InputPreview } from './InputPreview';
import type { NumberAction } from './number-actions';
import type { NumberStore } from './number-store';
import { ProbabilityBars, formatPercent } from './ProbabilityBars';
import './number.css';

/** How many of each digit's most likely readings its card lists. */
const ALTERNATIVES = 3;

const BLANK = new Float32Array(784);

/**
 * The prediction panel for several digits side by side: the number, one card per digit
 * with its most likely readings, Split on a card and Join between two, and the selected
 * digit's 28x28 input and ten bars as for a single digit.
 */
export function NumberReading({
  store,
  actions,
  dark,
}: {
  store: NumberStore;
  actions: readonly NumberAction[];
  dark: boolean;
}): React.JSX.Element {
  const t = useT();
  const { digits, number, selected, corrected, error } = useStore(store);
  const byName = new Map(actions.map((a) => [a.name, a]));
  const current = digits[selected];
  const act = (index: number, name: NumberAction['name']): void => {
    store.select(index);
    byName.get(name)?.perform();
  };

  return (
    <div className="number-reading" data-testid="number-reading" data-corrected={corrected}>
      <div className="prediction-top-box">
        <span className="label">{t('number.title', { count: digits.length })}</span>
        <output className="prediction-top number-top" data-testid="number-value">
          {number ?? ''}
        </output>
      </div>
      <ol className="number-digits" aria-label={t('number.digits')}>
        {digits.map((digit, index) => {
          const ranked = digit.prediction
            ? digit.prediction.probabilities
                .map((p, d) => [d, p] as const)
                .sort((a, b) => b[1] - a[1])
                .slice(0, ALTERNATIVES)
            : [];
          return (
            <li key={digit.strokes.join(',')} className="number-digit-slot">
              <div
                className={[
                  'number-digit',
                  index === selected ? 'selected' : '',
                  digit.prediction?.lowConfidence || digit.prediction?.notADigit ? 'low-confidence' : '',
                  digit.prediction?.notADigit ? 'not-a-digit' : '',
                ]
                  .filter(Boolean)
                  .join(' ')}
                data-testid={`number-digit-${index}`}
                data-digit={digit.prediction?.top ?? ''}
                data-not-a-digit={digit.prediction?.notADigit ?? false}
                title={
                  digit.prediction?.notADigit
                    ? t('predict.notADigitNote')
                    : digit.prediction?.lowConfidence
                      ? t('predict.lowConfidence')
                      : undefined
                }
              >
                <button
                  type="button"
                  className="number-digit-select"
                  aria-pressed={index === selected}
                  aria-label={t('number.select', { index: index + 1 })}
                  onClick={() => store.select(index)}
                >
                  <span className="number-digit-top">
                    {digit.prediction ? (digit.prediction.notADigit ? '?' : digit.prediction.top) : '…'}
                  </span>
                  <span className="number-digit-ranked">
                    {ranked.map(([d, p]) => (
                      <span key={d}>
                        {d} {formatPercent(p, 0)}
                      </span>
                    ))}
                  </span>
                </button>
                <button
                  type="button"
                  className="number-digit-split"
                  data-testid={`split-digit-${index}`}
                  disabled={digit.strokes.length < 2}
                  title={describeAction(byName.get('splitDigit')!, t)}
                  aria-label={t('number.splitDigit', { index: index + 1 })}
                  onClick={() => act(index, 'splitDigit')}
                >
                  {t('number.split')}
                </button>
              </div>
              {index + 1 < digits.length && (
                <button
                  type="button"
                  className="number-join"
                  data-testid={`join-digits-${index}`}
                  title={describeAction(byName.get('joinDigits')!, t)}
                  aria-label={t('number.joinDigits', { index: index + 1, next: index + 2 })}
                  onClick={() => act(index, 'joinDigits')}
                >
                  {t('number.join')}
                </button>
              )}
            </li>
          );
        })}
      </ol>
      {error && (
        <p className="error" role="alert" data-testid="prediction-error">
          {t('predict.error', { message: error.message })}
        </p>
      )}
      <div className="number-selected">
        <InputPreview input={current?.input ?? BLANK} dark={dark} />
        <ProbabilityBars prediction={current?.prediction} />
      </div>
      <p className="hint">{t('number.hint')}</p>
    </div>
  );
}
