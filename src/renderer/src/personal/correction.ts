import type { Action } from '../app/actions';

export const DIGITS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] as const;
export type Digit = (typeof DIGITS)[number];
export type CorrectionActionName = `correctAs${Digit}`;
export interface CorrectionAction extends Action<CorrectionActionName> {
  digit: Digit;
}

/**
 * "That's wrong: it is N", one action per digit: its button, and Alt+N (Option+N on a
 * Mac) on the main row or the keypad. The binding reads the key's position, not what it
 * typed, because Option+digit types a symbol on a Mac (Option+1 is "¡"). The drawing
 * actions never take Alt, so nothing clashes.
 */
export function createCorrectionActions(correctAs: (digit: Digit) => void): readonly CorrectionAction[] {
  return DIGITS.map((digit) => ({
    name: `correctAs${digit}` as const,
    digit,
    label: 'correct.button',
    labelParams: { digit },
    keys: [{ key: String(digit), alt: true }],
    perform: () => correctAs(digit),
  }));
}
