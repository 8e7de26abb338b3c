import type { MessageKey } from '../i18n/messages';
import type { StrokeStore } from './stroke-store';
import type { ToolStore } from './tools';

/**
 * Every drawing command as one named unit with its key bindings (after Excalidraw's
 * actions/), so the toolbar buttons, the shortcuts and any menu call the same thing.
 */
export type DrawingActionName = 'undo' | 'redo' | 'clear' | 'toggleEraser' | 'brushSmaller' | 'brushLarger';

export interface KeyBinding {
  /** KeyboardEvent.key, compared case-insensitively. */
  key: string;
  /** Ctrl on Windows and Linux, Cmd on macOS. */
  mod?: boolean;
  shift?: boolean;
}

export interface DrawingAction {
  name: DrawingActionName;
  label: MessageKey;
  keys: readonly KeyBinding[];
  perform(): void;
}

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

export function createDrawingActions(store: StrokeStore, toolStore: ToolStore): readonly DrawingAction[] {
  return [
    { name: 'undo', label: 'draw.undo', keys: [{ key: 'z', mod: true }], perform: () => store.undo() },
    {
      name: 'redo',
      label: 'draw.redo',
      keys: [
        { key: 'z', mod: true, shift: true },
        { key: 'y', mod: true },
      ],
      perform: () => store.redo(),
    },
    {
      name: 'clear',
      label: 'draw.clear',
      keys: [{ key: 'Delete' }, { key: 'Backspace' }, { key: 'Escape' }],
      perform: () => store.clear(),
    },
    { name: 'toggleEraser', label: 'draw.eraser', keys: [{ key: 'e' }], perform: () => toolStore.toggleEraser() },
    { name: 'brushSmaller', label: 'draw.brushSmaller', keys: [{ key: '[' }], perform: () => toolStore.stepBrushSize(-1) },
    { name: 'brushLarger', label: 'draw.brushLarger', keys: [{ key: ']' }], perform: () => toolStore.stepBrushSize(1) },
  ];
}

export function matchesBinding(event: KeyLike, binding: KeyBinding): boolean {
  if (event.altKey) return false;
  if (event.key.toLowerCase() !== binding.key.toLowerCase()) return false;
  const mod = event.ctrlKey || event.metaKey;
  return mod === Boolean(binding.mod) && event.shiftKey === Boolean(binding.shift);
}

export function findAction(actions: readonly DrawingAction[], event: KeyLike): DrawingAction | undefined {
  return actions.find((action) => action.keys.some((binding) => matchesBinding(event, binding)));
}

/** "Ctrl+Shift+Z" or "⌘⇧Z", for tooltips. */
export function describeBinding(binding: KeyBinding, mac: boolean): string {
  const key = binding.key.length === 1 ? binding.key.toUpperCase() : binding.key;
  if (mac) return `${binding.mod ? '⌘' : ''}${binding.shift ? '⇧' : ''}${key}`;
  return [binding.mod ? 'Ctrl' : '', binding.shift ? 'Shift' : '', key].filter(Boolean).join('+');
}

/** Typing in a form field must not clear the drawing. */
export function isEditableTarget(target: EventTarget | null): boolean {
  if (typeof HTMLElement === 'undefined' || !(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT') return true;
  return target.tagName === 'INPUT' && !['range', 'checkbox', 'radio', 'button', 'submit'].includes((target as HTMLInputElement).type);
}
