import type { MessageParams } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';
import type { Translate } from '../i18n/use-t';

/**
 * Every user command as one named unit with its key bindings (after Excalidraw's
 * actions/), so buttons, shortcuts and any menu call the same thing, one keydown handler
 * dispatches every shortcut, and tooltips are written from the bindings. Each feature
 * makes its own actions (drawing/actions.ts, personal/correction.ts); this is what they share.
 */
export interface Action<Name extends string = string> {
  name: Name;
  /** The command's name for people, in tooltips and menus. */
  label: MessageKey;
  labelParams?: MessageParams;
  keys: readonly KeyBinding[];
  perform(): void;
}

export interface KeyBinding {
  /**
   * KeyboardEvent.key, compared case-insensitively; with `alt`, the key printed on the
   * key pressed, read from KeyboardEvent.code ("Digit7" and "Numpad7" are "7"), because
   * Option+key types a symbol on a Mac (Option+1 is "¡").
   */
  key: string;
  /** Ctrl on Windows and Linux, Cmd on macOS. */
  mod?: boolean;
  shift?: boolean;
  /** Alt, Option on macOS. */
  alt?: boolean;
}

/** The part of a KeyboardEvent a binding looks at. */
export interface KeyLike {
  key: string;
  code: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

/** "7" for Digit7 and Numpad7, "e" for KeyE: the key's position, whatever it typed. */
function keyAt(code: string): string | undefined {
  const match = /^(?:Digit|Numpad|Key)([0-9A-Z])$/.exec(code);
  return match?.[1].toLowerCase();
}

export function matchesBinding(event: KeyLike, binding: KeyBinding): boolean {
  if (event.altKey !== Boolean(binding.alt)) return false;
  const pressed = binding.alt ? keyAt(event.code) : event.key.toLowerCase();
  if (pressed !== binding.key.toLowerCase()) return false;
  const mod = event.ctrlKey || event.metaKey;
  return mod === Boolean(binding.mod) && event.shiftKey === Boolean(binding.shift);
}

export function findAction<A extends Action>(actions: readonly A[], event: KeyLike): A | undefined {
  return actions.find((action) => action.keys.some((binding) => matchesBinding(event, binding)));
}

/** "Ctrl+Shift+Z", "Alt+7", or "⌘⇧Z", "⌥7" on a Mac, for tooltips. */
export function describeBinding(binding: KeyBinding, mac: boolean): string {
  const key = binding.key.length === 1 ? binding.key.toUpperCase() : binding.key;
  if (mac) return `${binding.mod ? '⌘' : ''}${binding.alt ? '⌥' : ''}${binding.shift ? '⇧' : ''}${key}`;
  return [binding.mod ? 'Ctrl' : '', binding.alt ? 'Alt' : '', binding.shift ? 'Shift' : '', key]
    .filter(Boolean)
    .join('+');
}

/** Typing in a form field must not clear the drawing. */
export function isEditableTarget(target: EventTarget | null): boolean {
  // Read by shape rather than `instanceof HTMLElement`, so the rule runs in Node tests too.
  const element = target as Partial<Pick<HTMLInputElement, 'tagName' | 'type' | 'isContentEditable'>> | null;
  if (!element || typeof element.tagName !== 'string') return false;
  if (element.isContentEditable || element.tagName === 'TEXTAREA' || element.tagName === 'SELECT') return true;
  return (
    element.tagName === 'INPUT' && !['range', 'checkbox', 'radio', 'button', 'submit'].includes(element.type ?? '')
  );
}

/** What a keydown should do, if anything: the one place that decides for every shortcut. */
export function shortcutFor<A extends Action>(
  actions: readonly A[],
  event: KeyLike & { defaultPrevented: boolean; target: EventTarget | null },
  dialogOpen: boolean,
): A | undefined {
  if (event.defaultPrevented || isEditableTarget(event.target)) return undefined;
  // Escape and Backspace belong to an open dialog.
  if (dialogOpen) return undefined;
  return findAction(actions, event);
}

/** Tooltips show the Mac's symbols on a Mac. */
export const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

/** "Undo (Ctrl+Z)", "Redo (Ctrl+Shift+Z, Ctrl+Y)": the action's name and its shortcuts, for a tooltip. */
export function describeAction(action: Action, t: Translate, mac: boolean = isMac): string {
  return `${t(action.label, action.labelParams)} (${action.keys.map((k) => describeBinding(k, mac)).join(', ')})`;
}
