import { describe, expect, it } from 'vitest';
import { keyEvent } from './key-event';
import type { Action, KeyLike } from '../../../src/renderer/src/app/actions';
import { describeAction, describeBinding, findAction, shortcutFor } from '../../../src/renderer/src/app/actions';

const key = keyEvent;

const actions: readonly Action[] = [
  { name: 'undo', label: 'draw.undo', keys: [{ key: 'z', mod: true }], perform: () => {} },
  { name: 'clear', label: 'draw.clear', keys: [{ key: 'Delete' }, { key: 'Escape' }], perform: () => {} },
  {
    name: 'seven',
    label: 'correct.button',
    labelParams: { digit: 7 },
    keys: [{ key: '7', alt: true }],
    perform: () => {},
  },
];
const named = (event: KeyLike) => findAction(actions, event)?.name;

describe('the action registry: bindings to actions, actions to tooltips', () => {
  it('matches the key case-insensitively, with exactly the modifiers bound', () => {
    expect(named(key('Z', { ctrlKey: true }))).toBe('undo');
    expect(named(key('z', { metaKey: true }))).toBe('undo');
    expect(named(key('z', { ctrlKey: true, shiftKey: true }))).toBeUndefined();
    expect(named(key('z', { ctrlKey: true, altKey: true }))).toBeUndefined();
    expect(named(key('escape'))).toBe('clear');
  });

  it('reads an Alt binding from the key position, so Option+7 on a Mac (which types ¶) still counts', () => {
    expect(named(key('7', { code: 'Digit7', altKey: true }))).toBe('seven');
    expect(named(key('¶', { code: 'Digit7', altKey: true }))).toBe('seven');
    expect(named(key('7', { code: 'Numpad7', altKey: true }))).toBe('seven');
    expect(named(key('7', { code: 'Digit7' }))).toBeUndefined();
    expect(named(key('7', { code: 'Digit7', altKey: true, ctrlKey: true }))).toBeUndefined();
  });

  it('leaves keys typed into a form field, and keys under an open dialog, alone', () => {
    const escape = { ...key('Escape'), defaultPrevented: false };
    const field = (tagName: string, type = 'text') => ({
      ...escape,
      target: { tagName, type } as unknown as EventTarget,
    });
    expect(shortcutFor(actions, { ...escape, target: null }, false)?.name).toBe('clear');
    expect(shortcutFor(actions, field('INPUT'), false)).toBeUndefined();
    expect(shortcutFor(actions, field('TEXTAREA'), false)).toBeUndefined();
    expect(shortcutFor(actions, field('INPUT', 'range'), false)?.name).toBe('clear');
    expect(shortcutFor(actions, { ...escape, target: null }, true)).toBeUndefined();
    expect(shortcutFor(actions, { ...escape, defaultPrevented: true, target: null }, false)).toBeUndefined();
  });

  it('describes bindings for tooltips on each platform', () => {
    expect(describeBinding({ key: 'z', mod: true, shift: true }, false)).toBe('Ctrl+Shift+Z');
    expect(describeBinding({ key: 'z', mod: true, shift: true }, true)).toBe('⌘⇧Z');
    expect(describeBinding({ key: '7', alt: true }, false)).toBe('Alt+7');
    expect(describeBinding({ key: '7', alt: true }, true)).toBe('⌥7');
  });

  it('titles an action with its name and every binding', () => {
    const t = (k: string, params?: Record<string, string | number>) => `${k}${params ? JSON.stringify(params) : ''}`;
    expect(describeAction(actions[1], t, false)).toBe('draw.clear (Delete, Escape)');
    expect(describeAction(actions[2], t, true)).toBe('correct.button{"digit":7} (⌥7)');
  });
});
