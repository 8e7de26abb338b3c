import './training.css';
import { useT } from '../i18n/use-t';
import { formatPercent } from '../prediction/ProbabilityBars';

/**
 * "Your drawings: 83.3% (6 held out)": accuracy on the person's held-out drawings, shown
 * beside the MNIST test accuracy of a model trained with them; nothing for other models.
 */
export function PersonalAccuracy({
  accuracy,
  count,
}: {
  accuracy: number | null | undefined;
  count: number | undefined;
}): React.JSX.Element | null {
  const t = useT();
  if (typeof accuracy !== 'number') return null;
  return (
    <span className="personal-accuracy" data-testid="personal-test-accuracy" data-accuracy={accuracy}>
      {t('train.personalAccuracy', { accuracy: formatPercent(accuracy, 1), count: count ?? 0 })}
    </span>
  );
}
