import { describe, expect, it } from 'vitest';
import type { KeyLike } from '../../../src/renderer/src/app/actions';
import { describeAction, findAction, shortcutFor } from '../../../src/renderer/src/app/actions';
import { createDrawingActions } from '../../../src/renderer/src/drawing/actions';
import { StrokeStore } from '../../../src/renderer/src/drawing/stroke-store';
import { ToolStore } from '../../../src/renderer/src/drawing/tools';
import { createCorrectionActions } from '../../../src/renderer/src/personal/correction';

const key = (code: string, mods: Partial<KeyLike> = {}): KeyLike => ({
  key: code.slice(-1),
  code,
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  ...mods,
});

function setUp() {
  const corrected: number[] = [];
  const actions = createCorrectionActions((digit) => corrected.push(digit));
  const press = (event: KeyLike, target: EventTarget | null = null): void =>
    shortcutFor(actions, { ...event, defaultPrevented: false, target }, false)?.perform();
  return { actions, corrected, press, digitOf: (event: KeyLike) => findAction(actions, event)?.digit };
}

describe('the correction shortcut', () => {
  it('is Alt+digit, main row or keypad, read from the key position (Option+1 types ¡ on a Mac)', () => {
    const { digitOf } = setUp();
    expect(digitOf(key('Digit7', { altKey: true }))).toBe(7);
    expect(digitOf({ ...key('Digit1', { altKey: true }), key: '¡' })).toBe(1);
    expect(digitOf(key('Numpad0', { altKey: true }))).toBe(0);
    expect(digitOf(key('Digit7'))).toBeUndefined();
    expect(digitOf(key('Digit7', { altKey: true, ctrlKey: true }))).toBeUndefined();
    expect(digitOf(key('Digit7', { altKey: true, shiftKey: true }))).toBeUndefined();
    expect(digitOf(key('KeyE', { altKey: true }))).toBeUndefined();
  });

  it('clashes with no drawing action', () => {
    const actions = createDrawingActions(new StrokeStore(), new ToolStore());
    for (let digit = 0; digit <= 9; digit++) {
      expect(findAction(actions, key(`Digit${digit}`, { altKey: true }))).toBeUndefined();
    }
  });

  it('is ten named actions: Alt+7 corrects as 7, Option+7 (¶ on a Mac) too, Ctrl+Alt+7 and typing in a field do nothing', () => {
    const { actions, corrected, press } = setUp();
    expect(actions.map((a) => a.name)).toEqual(Array.from({ length: 10 }, (_, d) => `correctAs${d}`));
    press(key('Digit7', { altKey: true }));
    expect(corrected).toEqual([7]);
    press({ ...key('Digit7', { altKey: true }), key: '¶' });
    expect(corrected).toEqual([7, 7]);
    press(key('Digit7', { altKey: true, ctrlKey: true }));
    press(key('Digit7', { altKey: true }), { tagName: 'INPUT', type: 'text' } as unknown as EventTarget);
    expect(corrected).toEqual([7, 7]);
  });

  it('has its tooltip written from the binding', () => {
    const { actions } = setUp();
    const t = (k: string, params?: Record<string, string | number>) => `${k} ${params?.digit}`;
    expect(describeAction(actions[7], t, false)).toBe('correct.button 7 (Alt+7)');
    expect(describeAction(actions[7], t, true)).toBe('correct.button 7 (⌥7)');
  });
});
