import { describe, expect, it } from 'vitest';
import { keyEvent } from '../app/key-event';
import type { KeyLike } from '../../../src/renderer/src/app/actions';
import { findAction } from '../../../src/renderer/src/app/actions';
import { createDrawingActions } from '../../../src/renderer/src/drawing/actions';
import { StrokeStore } from '../../../src/renderer/src/drawing/stroke-store';
import { BRUSH_SIZES, DEFAULT_BRUSH_SIZE, ToolStore } from '../../../src/renderer/src/drawing/tools';

const key = keyEvent;

describe('drawing actions: one named unit per command, shared by buttons and shortcuts', () => {
  const actions = createDrawingActions(new StrokeStore(), new ToolStore());
  const named = (event: KeyLike) => findAction(actions, event)?.name;

  it('maps the shortcuts the issue names', () => {
    expect(named(key('z', { ctrlKey: true }))).toBe('undo');
    expect(named(key('z', { metaKey: true }))).toBe('undo');
    expect(named(key('Z', { ctrlKey: true, shiftKey: true }))).toBe('redo');
    expect(named(key('y', { ctrlKey: true }))).toBe('redo');
    expect(named(key('Delete'))).toBe('clear');
    expect(named(key('Backspace'))).toBe('clear');
    expect(named(key('Escape'))).toBe('clear');
    expect(named(key('e'))).toBe('toggleEraser');
  });

  it('ignores keys with the wrong modifiers (Alt+digit and plain z belong to others)', () => {
    expect(named(key('z'))).toBeUndefined();
    expect(named(key('z', { ctrlKey: true, altKey: true }))).toBeUndefined();
    expect(named(key('Delete', { ctrlKey: true }))).toBeUndefined();
  });

  it('performs on the stores it was made for', () => {
    const store = new StrokeStore();
    const tools = new ToolStore();
    const bound = createDrawingActions(store, tools);
    store.beginStroke([1, 1], 10);
    store.endStroke();
    findAction(bound, key('Escape'))!.perform();
    expect(store.getSnapshot().strokes).toHaveLength(0);
    findAction(bound, key('e'))!.perform();
    expect(tools.getSnapshot().tool).toBe('eraser');
    findAction(bound, key(']'))!.perform();
    expect(tools.getSnapshot().brushSize).toBeGreaterThan(DEFAULT_BRUSH_SIZE);
    for (let i = 0; i < 10; i++) findAction(bound, key('['))!.perform();
    expect(tools.getSnapshot().brushSize).toBe(BRUSH_SIZES[0]);
  });
});
