import { describeAction, describeBinding, isMac } from '../app/actions';
import { useStores } from '../app/stores-context';
import { useStore } from '../app/use-store';
import { useT } from '../i18n/use-t';
import type { CorrectionAction } from './correction';
import './personal.css';

interface Props {
  /** One per digit, 0 to 9 (use-correction.ts); the screen binds their shortcuts. */
  actions: readonly CorrectionAction[];
  canCorrect: boolean;
}

/**
 * "That's wrong: it is N": saves the drawing on the canvas, strokes and all, to the
 * person's samples with the digit they say it is. One button per digit, and Alt+digit.
 */
export function CorrectionBar({ actions, canCorrect }: Props): React.JSX.Element {
  const t = useT();
  const { counts } = useStore(useStores().personal);

  return (
    <div className="correction" role="group" aria-labelledby="correction-title" data-testid="correction">
      <span className="correction-head">
        <span id="correction-title" className="correction-title">
          {t('correct.title')}
        </span>
        <kbd className="correction-shortcut">{describeBinding(actions[0].keys[0], isMac).replace('0', '0–9')}</kbd>
      </span>
      <div className="correction-digits">
        {actions.map((action) => (
          <button
            key={action.digit}
            type="button"
            disabled={!canCorrect}
            data-testid={`correct-${action.digit}`}
            aria-label={t(action.label, action.labelParams)}
            title={`${describeAction(action, t)} · ${t('correct.count', { count: counts[action.digit] })}`}
            onClick={() => action.perform()}
          >
            {action.digit}
          </button>
        ))}
      </div>
    </div>
  );
}
