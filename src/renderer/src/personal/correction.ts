import type { KeyLike } from '../drawing/actions';

/**
 * "That's wrong: it is N" as a keyboard shortcut: Alt+N (Option+N on a Mac), digits on
 * the main row or the keypad. Read from `code`, not `key`, because Option+digit types
 * a symbol on a Mac (Option+1 is "¡"). The drawing actions never take Alt, so nothing clashes.
 */
export function correctionShortcutDigit(event: KeyLike & { code: string }): number | undefined {
  if (!event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return undefined;
  const match = /^(?:Digit|Numpad)([0-9])$/.exec(event.code);
  return match ? Number(match[1]) : undefined;
}

/** "Alt+7" or "⌥7", for tooltips. */
export function describeCorrectionShortcut(digit: number, mac: boolean): string {
  return mac ? `⌥${digit}` : `Alt+${digit}`;
}
