import { describe, expect, it } from 'vitest';
import { StrokeStore } from '../../../src/renderer/src/drawing/stroke-store';

function drawLine(store: StrokeStore, from: [number, number], to: [number, number], width = 18): void {
  store.beginStroke(from, width);
  store.extendStroke([(from[0] + to[0]) / 2, (from[1] + to[1]) / 2]);
  store.extendStroke(to);
  store.endStroke();
}

describe('StrokeStore: the drawing and its undo history as plain data', () => {
  it('a stroke is active while drawn, then finished as one undo step', () => {
    const store = new StrokeStore();
    store.beginStroke([10, 10], 18);
    store.extendStroke([20, 20]);
    expect(store.getSnapshot().active?.points).toEqual([
      [10, 10],
      [20, 20],
    ]);
    expect(store.getSnapshot().strokes).toHaveLength(0);
    store.endStroke();
    const snapshot = store.getSnapshot();
    expect(snapshot.active).toBeUndefined();
    expect(snapshot.strokes).toHaveLength(1);
    expect(snapshot.canUndo).toBe(true);
    expect(snapshot.canRedo).toBe(false);
  });

  it('a snapshot handed out earlier never changes under its reader', () => {
    const store = new StrokeStore();
    drawLine(store, [0, 0], [50, 50]);
    const before = store.getSnapshot();
    const pointsBefore = before.strokes[0].points;
    drawLine(store, [100, 0], [100, 100]);
    expect(before.strokes).toHaveLength(1);
    expect(store.getSnapshot().strokes[0].points).toBe(pointsBefore);
  });

  it('undo and redo walk the history; a new stroke forgets the redo branch', () => {
    const store = new StrokeStore();
    drawLine(store, [0, 0], [50, 50]);
    drawLine(store, [100, 0], [100, 100]);
    store.undo();
    expect(store.getSnapshot().strokes).toHaveLength(1);
    expect(store.getSnapshot().canRedo).toBe(true);
    store.redo();
    expect(store.getSnapshot().strokes).toHaveLength(2);
    store.undo();
    drawLine(store, [200, 0], [200, 100]);
    expect(store.getSnapshot().canRedo).toBe(false);
    expect(store.getSnapshot().strokes.map((s) => s.points[0][0])).toEqual([0, 200]);
  });

  it('clear is one undoable step, and does nothing to history on an empty canvas', () => {
    const store = new StrokeStore();
    store.clear();
    expect(store.getSnapshot().canUndo).toBe(false);
    drawLine(store, [0, 0], [50, 50]);
    drawLine(store, [100, 0], [100, 100]);
    store.clear();
    expect(store.getSnapshot().strokes).toHaveLength(0);
    store.undo();
    expect(store.getSnapshot().strokes).toHaveLength(2);
  });

  it('undo during a stroke drops the unfinished stroke first', () => {
    const store = new StrokeStore();
    drawLine(store, [0, 0], [50, 50]);
    store.beginStroke([100, 100], 18);
    store.extendStroke([120, 120]);
    store.undo();
    expect(store.getSnapshot().active).toBeUndefined();
    expect(store.getSnapshot().strokes).toHaveLength(0);
  });

  it('an eraser gesture through a stroke removes ink and is one undo step', () => {
    const store = new StrokeStore();
    drawLine(store, [0, 140], [280, 140]);
    const inked = store.getSnapshot().strokes;
    store.beginErase([140, 100], 20);
    store.extendErase([140, 180]);
    store.endErase();
    expect(store.getSnapshot().strokes).not.toEqual(inked);
    store.undo();
    expect(store.getSnapshot().strokes).toEqual(inked);
  });

  it('notifies subscribers on every change and stops after unsubscribe', () => {
    const store = new StrokeStore();
    let calls = 0;
    const stop = store.subscribe(() => calls++);
    drawLine(store, [0, 0], [50, 50]);
    const afterStroke = calls;
    expect(afterStroke).toBeGreaterThanOrEqual(4);
    stop();
    store.clear();
    expect(calls).toBe(afterStroke);
  });

  it('inputStrokes includes the stroke being drawn, for live prediction', () => {
    const store = new StrokeStore();
    drawLine(store, [0, 0], [50, 50]);
    store.beginStroke([100, 100], 18);
    expect(store.inputStrokes()).toHaveLength(2);
  });
});
