import { useEffect } from 'react';
import type { Action } from './actions';
import { shortcutFor } from './actions';

/** The one keydown handler: performs whichever of `actions` the key is bound to. */
export function useShortcuts(actions: readonly Action[]): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent): void => {
      const action = shortcutFor(actions, event, document.querySelector('dialog[open]') !== null);
      if (!action) return;
      event.preventDefault();
      action.perform();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [actions]);
}
