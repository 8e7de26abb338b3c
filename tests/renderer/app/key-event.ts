import type { KeyLike } from '../../../src/renderer/src/app/actions';

/** A keydown as the action registry reads it: no modifiers unless given. */
export const keyEvent = (key: string, mods: Partial<KeyLike> = {}): KeyLike => ({
  key,
  code: '',
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
});
