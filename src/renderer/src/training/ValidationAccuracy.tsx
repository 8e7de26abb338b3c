import './training.css';
import { useLocale, useT } from '../i18n/use-t';
import { formatPercent } from '../prediction/ProbabilityBars';

/**
 * "Validation: 98.50% (5,000 training images held out)": the figure to tune and compare
 * models by, shown beside the test set's final one; nothing for a run without a validation set.
 */
export function ValidationAccuracy({
  accuracy,
  count,
}: {
  accuracy: number | null | undefined;
  count: number | undefined;
}): React.JSX.Element | null {
  const t = useT();
  const locale = useLocale();
  if (typeof accuracy !== 'number') return null;
  return (
    <span className="validation-accuracy" data-testid="validation-accuracy" data-accuracy={accuracy}>
      {t('train.validationResult', { accuracy: formatPercent(accuracy, 2), count: (count ?? 0).toLocaleString(locale) })}
    </span>
  );
}
