import './training.css';
import { navigation, training, trainingForm } from '../app/stores';
import { useT } from '../i18n/use-t';
import { TrainForm } from './TrainForm';
import { TrainingMonitor } from './TrainingMonitor';

/** Choose hyperparameters on the left, watch the job learn on the right. */
export function TrainScreen(): React.JSX.Element {
  const t = useT();
  return (
    <section className="train-page" aria-label={t('train.title')}>
      <TrainForm formStore={trainingForm} training={training} />
      <TrainingMonitor training={training} onOpenReport={(id) => navigation.openReport(id)} />
    </section>
  );
}
