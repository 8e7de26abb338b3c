import { useT } from '../i18n/use-t';
import { describeAction } from './actions';
import type { Action } from './actions';

/** A button that performs an action, labelled as the action is, its shortcut in its tooltip. */
export function ActionButton({
  action,
  disabled,
  testId,
}: {
  action: Action;
  disabled?: boolean;
  testId?: string;
}): React.JSX.Element {
  const t = useT();
  return (
    <button
      type="button"
      disabled={disabled}
      onClick={() => action.perform()}
      title={describeAction(action, t)}
      data-testid={testId}
    >
      {t(action.label, action.labelParams)}
    </button>
  );
}
