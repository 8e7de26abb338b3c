import type { Action } from '../app/actions';
import type { NumberStore } from './number-store';

export type NumberActionName = 'splitDigit' | 'joinDigits';
export type NumberAction = Action<NumberActionName>;

/**
 * Correcting how a number was split, on the selected digit: S splits it in two, J joins
 * it with the next (the last digit with the one before). Only offered while the drawing
 * reads as several digits; neither key is taken by the drawing or correction actions.
 */
export function createNumberActions(store: NumberStore): readonly NumberAction[] {
  return [
    {
      name: 'splitDigit',
      label: 'number.split',
      keys: [{ key: 's' }],
      perform: () => store.split(store.getSnapshot().selected),
    },
    {
      name: 'joinDigits',
      label: 'number.join',
      keys: [{ key: 'j' }],
      perform: () => store.join(store.getSnapshot().selected),
    },
  ];
}
