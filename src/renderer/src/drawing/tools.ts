/** What the pointer does on the canvas, and how wide; plain data outside React. */
export interface ToolState {
  readonly tool: 'pen' | 'eraser';
  /** Pen width in canvas units (the canvas is CANVAS_UNITS wide). */
  readonly brushSize: number;
}

/** The canvas's logical side: strokes are stored in these units whatever its size on screen. */
export const CANVAS_UNITS = 280;
export const BRUSH_SIZES = [8, 12, 18, 24, 32] as const;
export const DEFAULT_BRUSH_SIZE = 18;
/** The eraser rubs out a little wider than the pen draws. */
export const ERASER_SCALE = 1.5;

type Listener = (state: ToolState) => void;

export class ToolStore {
  private state: ToolState = { tool: 'pen', brushSize: DEFAULT_BRUSH_SIZE };
  private readonly listeners = new Set<Listener>();

  getSnapshot = (): ToolState => this.state;

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  setTool(tool: ToolState['tool']): void {
    this.update({ ...this.state, tool });
  }

  toggleEraser(): void {
    this.setTool(this.state.tool === 'eraser' ? 'pen' : 'eraser');
  }

  setBrushSize(size: number): void {
    const clamped = Math.min(BRUSH_SIZES[BRUSH_SIZES.length - 1], Math.max(BRUSH_SIZES[0], size));
    this.update({ ...this.state, brushSize: clamped });
  }

  /** One notch along BRUSH_SIZES; direction +1 is wider. */
  stepBrushSize(direction: 1 | -1): void {
    const index = BRUSH_SIZES.findIndex((size) => size >= this.state.brushSize);
    const current = index === -1 ? BRUSH_SIZES.length - 1 : index;
    const next = Math.min(BRUSH_SIZES.length - 1, Math.max(0, current + direction));
    this.setBrushSize(BRUSH_SIZES[next]);
  }

  private update(next: ToolState): void {
    if (next.tool === this.state.tool && next.brushSize === this.state.brushSize) return;
    this.state = next;
    for (const listener of [...this.listeners]) listener(next);
  }
}
