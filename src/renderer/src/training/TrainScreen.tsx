import './training.css';
import { useEffect, useRef } from 'react';
import { useStores } from '../app/stores-context';
import { useStore } from '../app/use-store';
import { useT } from '../i18n/use-t';
import { TrainForm } from './TrainForm';
import { TrainingMonitor } from './TrainingMonitor';
import { isTrainingActive } from './training-store';

/** Choose hyperparameters on the left, watch the job learn on the right. */
export function TrainScreen(): React.JSX.Element {
  const t = useT();
  const { navigation, personal, step, training, trainingForm } = useStores();
  const { status } = useStore(training);
  const screen = useRef<HTMLElement>(null);

  // Starting disables the Train button and ending removes Cancel, which would drop a
  // keyboard user's focus to the page: hand it to the button that matters now.
  const active = isTrainingActive(status);
  useEffect(() => {
    const focused = document.activeElement as HTMLButtonElement | null;
    if (focused && focused !== document.body && !focused.disabled) return;
    const target = active ? 'cancel-button' : 'train-button';
    screen.current?.querySelector<HTMLElement>(`[data-testid="${target}"]`)?.focus();
  }, [active]);

  return (
    <section className="train-page" aria-label={t('train.title')} ref={screen}>
      <TrainForm
        formStore={trainingForm}
        training={training}
        personal={personal}
        onStepThrough={(hyperparameters) => {
          void step.stepThrough(hyperparameters);
          navigation.show('network');
        }}
      />
      <TrainingMonitor training={training} onOpenReport={(id) => navigation.openReport(id)} />
    </section>
  );
}
