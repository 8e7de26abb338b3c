import './training.css';
import { useStores } from '../app/stores-context';
import { useStore } from '../app/use-store';
import { useT } from '../i18n/use-t';
import { formatPercent } from '../prediction/ProbabilityBars';
import { HeldOutAccuracy } from './HeldOutAccuracy';
import { canSaveAgain } from './training-store';

/**
 * "Use the new model for predictions?", asked above every tab: a finished job opens its
 * report, and the question has to stay in sight there (or wherever the person went
 * while it trained) until they answer it. A model that trained but could not be saved
 * (the disk was full) is offered here too, with 'Save again', wherever the person is.
 */
export function TrainingOutcome(): React.JSX.Element | null {
  const t = useT();
  const { models, navigation, notices, training } = useStores();
  const state = useStore(training);
  const { activation, result } = state;
  const { tab, reportModelId } = useStore(navigation);
  const { models: list, loaded } = useStore(models);
  if (canSaveAgain(state)) {
    return (
      <section className="training-outcome" aria-label={t('train.outcome')} data-testid="training-unsaved">
        <p role="alert">
          {state.error && t('train.saveFailed', { message: state.error.message })} <strong>{t('train.unsaved')}</strong>
        </p>
        <div className="training-outcome-actions">
          <button
            type="button"
            className="primary"
            onClick={() => void training.saveAgain()}
            disabled={state.savingAgain}
            data-testid="save-again"
          >
            {state.savingAgain ? t('train.savingAgain') : t('train.saveAgain')}
          </button>
        </div>
      </section>
    );
  }
  if (!activation || !result || activation.status === 'activated' || activation.status === 'kept') return null;
  const { model } = activation;
  // Answered elsewhere (made active from the report or the models list) or deleted: nothing left to ask.
  const current = list.find((m) => m.id === model.id);
  if (loaded && list.length > 0 && (!current || current.active)) return null;
  const showingReport = tab === 'report' && reportModelId === model.id;

  const answer = async (makeActive: boolean): Promise<void> => {
    const outcome = await training.answerActivation(makeActive);
    if (makeActive && outcome.ok) notices.push('info', t('train.isActive', { name: model.name }));
  };

  return (
    <section className="training-outcome" aria-label={t('train.outcome')} data-testid="training-outcome">
      <p role="status">
        {t('train.done', { name: model.name, accuracy: formatPercent(result.testAccuracy, 2) })}{' '}
        <HeldOutAccuracy set="validation" accuracy={result.validationAccuracy} count={result.validationCount} />{' '}
        <HeldOutAccuracy set="personal" accuracy={result.personalTestAccuracy} count={result.personalTestCount} />{' '}
        <strong>{t('train.makeActive', { name: model.name })}</strong>
      </p>
      {activation.status === 'failed' && activation.error && (
        <p className="field-error" role="alert">
          {t('train.activationFailed', { message: activation.error })}
        </p>
      )}
      <div className="training-outcome-actions">
        <button
          type="button"
          className="primary"
          onClick={() => void answer(true)}
          disabled={activation.status === 'activating'}
          data-testid="make-active-yes"
        >
          {activation.status === 'activating' ? t('train.activating') : t('train.makeActiveYes')}
        </button>
        <button
          type="button"
          onClick={() => void answer(false)}
          disabled={activation.status === 'activating'}
          data-testid="make-active-no"
        >
          {t('train.makeActiveNo')}
        </button>
        {!showingReport && (
          <button type="button" onClick={() => navigation.openReport(model.id)} data-testid="outcome-open-report">
            {t('train.openReport')}
          </button>
        )}
      </div>
    </section>
  );
}
