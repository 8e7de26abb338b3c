import type { Evaluation } from '../../../shared/ipc/contract';
import { useLocale, useT } from '../i18n/use-t';
import { formatPercent } from '../prediction/ProbabilityBars';

type NotADigitSet = keyof NonNullable<Evaluation['notADigit']>;
const NOT_A_DIGIT_SETS: readonly NotADigitSet[] = ['mnistTest', 'drawnDigits', 'heldOutNonDigits'];

const share = (part: number, total: number): string => formatPercent(part / Math.max(1, total), 2);

/**
 * How the model reads digits drawn as the app sees them rather than MNIST's scans: the
 * bench's synthetic drawings read right, overall and per style MNIST lacks, and the
 * share of test digits, drawn digits and held-out non-digits it calls "not a digit".
 * The engine computes them with the bench's functions (src/digits/synthetic/drawn-figures.ts).
 */
export function DrawnDigitsSection({
  drawn,
  notADigit,
}: {
  drawn: Evaluation['drawn'];
  /** Null for a model that never says "not a digit". */
  notADigit: Evaluation['notADigit'];
}): React.JSX.Element {
  const t = useT();
  const locale = useLocale();
  const count = (n: number): string => n.toLocaleString(locale);

  return (
    <section className="drawn-digits" aria-label={t('report.drawn')} data-testid="report-drawn">
      <h4>{t('report.drawn')}</h4>
      <p className="drawn-summary" data-testid="drawn-summary" data-right={drawn.right} data-total={drawn.total}>
        {t('report.drawnSummary', { accuracy: share(drawn.right, drawn.total), count: count(drawn.total) })}
      </p>
      <div className="drawn-body">
        <table className="report-table" data-testid="drawn-styles">
          <caption>{t('report.drawnStyles')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('report.drawnStyle')}</th>
              <th scope="col">{t('report.accuracy')}</th>
              <th scope="col">{t('report.drawnCount')}</th>
            </tr>
          </thead>
          <tbody>
            {drawn.styles.map(({ style, right, total }) => (
              <tr key={style} data-testid="drawn-style-row" data-style={style} data-right={right} data-total={total}>
                <th scope="row">{t(`report.drawnStyle.${style}`)}</th>
                <td>{share(right, total)}</td>
                <td>{count(total)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="not-a-digit-rates">
          <h5>{t('report.notADigit')}</h5>
          {notADigit ? (
            <table className="report-table" data-testid="not-a-digit-rates">
              <caption className="visually-hidden">{t('report.notADigit')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('report.notADigitSet')}</th>
                  <th scope="col">{t('report.notADigitRejected')}</th>
                  <th scope="col">{t('report.notADigitOf')}</th>
                </tr>
              </thead>
              <tbody>
                {NOT_A_DIGIT_SETS.map((set) => {
                  const { rejected, total } = notADigit[set];
                  return (
                    <tr key={set} data-testid={`not-a-digit-${set}`} data-rejected={rejected} data-total={total}>
                      <th scope="row">{t(`report.notADigit.${set}`)}</th>
                      <td>{share(rejected, total)}</td>
                      <td>{t('report.notADigitCount', { rejected: count(rejected), total: count(total) })}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          ) : (
            <p data-testid="not-a-digit-never">{t('report.notADigitNever')}</p>
          )}
        </div>
      </div>
      <p className="muted drawn-help">{t('report.drawnHelp')}</p>
    </section>
  );
}
