import type { Point, Stroke } from '../../../digits/preprocess/strokes';
import type { DrawnStroke } from './eraser';
import { eraseAlong } from './eraser';

/** One pen-down .. pen-up movement as drawn: its points in canvas units and its width. */
/** What the canvas and the prediction read; a new object after every change. */
export interface DrawingSnapshot {
  /** Finished strokes, oldest first. */
  readonly strokes: readonly DrawnStroke[];
  /** The stroke under the pen right now, if any. */
  readonly active: DrawnStroke | undefined;
  readonly canUndo: boolean;
  readonly canRedo: boolean;
}

export type Listener = (snapshot: DrawingSnapshot) => void;

/** Undo steps kept; older ones are forgotten. */
export const HISTORY_LIMIT = 200;

/**
 * The drawing as plain data outside React, with undo history (after Excalidraw's Scene).
 * Every change replaces arrays instead of editing them, so a snapshot handed out earlier
 * never changes under its reader and history entries share what did not change.
 *
 * A pen stroke, a whole eraser gesture and a clear are each one undo step.
 */
export class StrokeStore {
  private strokes: readonly DrawnStroke[] = [];
  private active: DrawnStroke | undefined;
  private past: (readonly DrawnStroke[])[] = [];
  private future: (readonly DrawnStroke[])[] = [];
  /** Strokes before the eraser gesture in progress, or undefined when not erasing. */
  private beforeErase: readonly DrawnStroke[] | undefined;
  private lastErasePoint: Point | undefined;
  private eraseRadius = 0;
  private snapshot: DrawingSnapshot;
  private readonly listeners = new Set<Listener>();

  constructor(initial: readonly DrawnStroke[] = []) {
    this.strokes = initial;
    this.snapshot = this.makeSnapshot();
  }

  getSnapshot = (): DrawingSnapshot => this.snapshot;

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** True while a pen stroke or an eraser gesture is in progress. */
  get busy(): boolean {
    return this.active !== undefined || this.beforeErase !== undefined;
  }

  beginStroke(point: Point, width: number): void {
    this.cancelGesture();
    this.active = { points: [point], width };
    this.emit();
  }

  extendStroke(point: Point): void {
    if (!this.active) return;
    const points = this.active.points;
    const last = points[points.length - 1];
    if (last[0] === point[0] && last[1] === point[1]) return;
    this.active = { points: [...points, point], width: this.active.width };
    this.emit();
  }

  endStroke(): void {
    if (!this.active) return;
    this.commit([...this.strokes, this.active]);
    this.active = undefined;
    this.emit();
  }

  beginErase(point: Point, radius: number): void {
    this.cancelGesture();
    this.beforeErase = this.strokes;
    this.eraseRadius = radius;
    this.lastErasePoint = point;
    this.eraseTo(point);
  }

  extendErase(point: Point): void {
    if (this.beforeErase === undefined) return;
    this.eraseTo(point);
  }

  endErase(): void {
    const before = this.beforeErase;
    if (before === undefined) return;
    this.beforeErase = undefined;
    this.lastErasePoint = undefined;
    if (this.strokes !== before) {
      this.pushHistory(before);
      this.future = [];
    }
    this.emit();
  }

  undo(): void {
    if (this.busy) this.cancelGesture();
    const previous = this.past.pop();
    if (previous === undefined) return;
    this.future.push(this.strokes);
    this.strokes = previous;
    this.emit();
  }

  redo(): void {
    if (this.busy) this.cancelGesture();
    const next = this.future.pop();
    if (next === undefined) return;
    this.pushHistory(this.strokes);
    this.strokes = next;
    this.emit();
  }

  /** Empties the canvas as one undoable step; does nothing on an empty canvas. */
  clear(): void {
    this.cancelGesture();
    if (this.strokes.length === 0) {
      this.emit();
      return;
    }
    this.commit([]);
    this.emit();
  }

  /** The points of every stroke, the one being drawn included, for strokesToInput. */
  inputStrokes(): Stroke[] {
    const all = this.active ? [...this.strokes, this.active] : this.strokes;
    return all.map((stroke) => stroke.points as Stroke);
  }

  private eraseTo(point: Point): void {
    const from = this.lastErasePoint ?? point;
    this.lastErasePoint = point;
    const after = eraseAlong(this.strokes, from, point, this.eraseRadius);
    if (after !== this.strokes) {
      this.strokes = after;
      this.emit();
    }
  }

  /** Drops a half-made gesture: an unfinished stroke vanishes, a half-done erase is undone. */
  private cancelGesture(): void {
    this.active = undefined;
    if (this.beforeErase !== undefined) {
      this.strokes = this.beforeErase;
      this.beforeErase = undefined;
      this.lastErasePoint = undefined;
    }
  }

  private commit(next: readonly DrawnStroke[]): void {
    this.pushHistory(this.strokes);
    this.future = [];
    this.strokes = next;
  }

  private pushHistory(entry: readonly DrawnStroke[]): void {
    this.past.push(entry);
    if (this.past.length > HISTORY_LIMIT) this.past.shift();
  }

  private makeSnapshot(): DrawingSnapshot {
    return { strokes: this.strokes, active: this.active, canUndo: this.past.length > 0, canRedo: this.future.length > 0 };
  }

  private emit(): void {
    this.snapshot = this.makeSnapshot();
    for (const listener of [...this.listeners]) listener(this.snapshot);
  }
}
