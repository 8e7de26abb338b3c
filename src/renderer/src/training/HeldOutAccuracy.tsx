import './training.css';
import { useLocale, useT } from '../i18n/use-t';
import { formatPercent } from '../prediction/ProbabilityBars';

/** The held-out sets a model is scored on besides MNIST's test set, and how each is shown. */
const HELD_OUT_SETS = {
  /** The last training images, held out: the figure to tune and compare models by. */
  validation: {
    message: 'train.validationResult',
    decimals: 2,
    testId: 'validation-accuracy',
    className: 'validation-accuracy',
  },
  /** The person's own drawings held out from a model trained with them. */
  personal: {
    message: 'train.personalAccuracy',
    decimals: 1,
    testId: 'personal-test-accuracy',
    className: 'personal-accuracy',
  },
} as const;

/**
 * "Validation: 98.50% (5,000 training images held out)" or "Your drawings: 83.3% (6 held
 * out)", shown beside the test set's final figure; nothing when the model has no such set.
 */
export function HeldOutAccuracy({
  set,
  accuracy,
  count,
}: {
  set: keyof typeof HELD_OUT_SETS;
  accuracy: number | null | undefined;
  count: number | undefined;
}): React.JSX.Element | null {
  const t = useT();
  const locale = useLocale();
  if (typeof accuracy !== 'number') return null;
  const { message, decimals, testId, className } = HELD_OUT_SETS[set];
  return (
    <span className={className} data-testid={testId} data-accuracy={accuracy}>
      {t(message, { accuracy: formatPercent(accuracy, decimals), count: (count ?? 0).toLocaleString(locale) })}
    </span>
  );
}
