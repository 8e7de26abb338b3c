import type { Action } from '../app/actions';
import type { StrokeStore } from './stroke-store';
import type { ToolStore } from './tools';

export type DrawingActionName = 'undo' | 'redo' | 'clear' | 'toggleEraser' | 'brushSmaller' | 'brushLarger';
export type DrawingAction = Action<DrawingActionName>;

/** The drawing commands: the toolbar's buttons and their shortcuts. None takes Alt, which the corrections use. */
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
