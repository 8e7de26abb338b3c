import type { DigitGroup } from '../../../digits/preprocess/segment';
import {
  groupStrokes,
  joinGroups,
  orderLeftToRight,
  splitGroup,
  splitIntoDigits,
} from '../../../digits/preprocess/segment';
import type { BoundingBox, PreprocessSteps, Stroke } from '../../../digits/preprocess/strokes';
import { inkBoundingBox, preprocessSteps } from '../../../digits/preprocess/strokes';
import type { IpcError } from '../../../shared/ipc/contract';
import type { DrawnStroke } from '../drawing/eraser';
import type { StrokeStore } from '../drawing/stroke-store';
import { createLatestRunner } from './latest-runner';
import type { LatestRunner } from './latest-runner';
import type { Predict, Prediction } from './prediction-store';
import { PREDICT_INTERVAL_MS, toPrediction } from './prediction-store';

/** One digit of a number drawn side by side. */
export interface DigitReading {
  /** Its strokes, as indices into the drawing (finished strokes, then the one being drawn). */
  readonly strokes: readonly number[];
  /** Where it is on the canvas, in canvas units, the pen's width included. */
  readonly box: BoundingBox;
  /** Its own 28x28 input, made by the same preprocessing as a single digit; undefined until asked. */
  readonly input: Float32Array | undefined;
  /** How `input` was made, step by step (the same pass); undefined until asked. */
  readonly steps: PreprocessSteps | undefined;
  /** Undefined until the model has answered for these strokes. */
  readonly prediction: Prediction | undefined;
}

export interface NumberState {
  /**
   * The digits left to right when the drawing has more than one; empty otherwise, when
   * the drawing is read as one digit exactly as before (PredictionStore).
   */
  readonly digits: readonly DigitReading[];
  /** "741" once every digit has its answer, else undefined. */
  readonly number: string | undefined;
  /** The digit whose input and bars are shown, and which split and join act on. */
  readonly selected: number;
  /** Whether a merge or split by hand shapes the groups. */
  readonly corrected: boolean;
  readonly error: IpcError | undefined;
}

/** A merge or split by hand, remembered by the strokes it concerned so it outlives later drawing. */
interface Correction {
  kind: 'join' | 'split';
  left: ReadonlySet<DrawnStroke>;
  right: ReadonlySet<DrawnStroke>;
}

const EMPTY: NumberState = { digits: [], number: undefined, selected: 0, corrected: false, error: undefined };

/**
 * Reads a drawing of several digits side by side: splits the strokes with the shared
 * splitIntoDigits, sends each digit through the same preprocessing and the same `predict`
 * as a single digit, and remembers the person's merges and splits. A drawing of one digit
 * leaves `digits` empty, so the single-digit panel (PredictionStore) is unchanged.
 *
 * Answers are kept per set of strokes, so while the pen draws the third digit, the first
 * two are not asked again.
 */
export class NumberStore {
  private state: NumberState = EMPTY;
  private readonly listeners = new Set<() => void>();
  private readonly runner: LatestRunner<number>;
  private corrections: Correction[] = [];
  /** The drawing's strokes behind the current groups, finished ones first. */
  private drawn: readonly DrawnStroke[] = [];
  private groups: DigitGroup[] = [];
  private readonly ids = new WeakMap<DrawnStroke, number>();
  private nextId = 0;
  private answers = new Map<string, { input: Float32Array; steps: PreprocessSteps; prediction: Prediction }>();
  private version = 0;
  /** Bumped by refresh, so an answer from the model before is not kept. */
  private modelGeneration = 0;
  private unsubscribeDrawing: (() => void) | undefined;

  constructor(
    private readonly drawing: StrokeStore,
    private readonly predict: Predict,
    options: { minIntervalMs?: number } = {},
  ) {
    this.runner = createLatestRunner((version) => this.run(version), {
      minIntervalMs: options.minIntervalMs ?? PREDICT_INTERVAL_MS,
    });
  }

  start(): () => void {
    this.unsubscribeDrawing?.();
    this.unsubscribeDrawing = this.drawing.subscribe(() => this.update());
    this.update();
    return () => {
      this.unsubscribeDrawing?.();
      this.unsubscribeDrawing = undefined;
      this.runner.cancelPending();
    };
  }

  /** Reads every digit again (say, after the active model changed). */
  refresh(): void {
    this.answers = new Map();
    this.modelGeneration++;
    this.update();
  }

  select(index: number): void {
    if (index === this.state.selected || index < 0 || index >= this.state.digits.length) return;
    this.set({ ...this.state, selected: index });
  }

  /** Joins digit `index` with the one to its right (the last digit joins the one to its left). */
  join(index: number): void {
    const count = this.groups.length;
    if (count < 2) return;
    const left = Math.min(Math.max(0, index), count - 2);
    this.corrections.push({
      kind: 'join',
      left: this.strokeSet(this.groups[left]),
      right: this.strokeSet(this.groups[left + 1]),
    });
    this.update(left);
  }

  /** Splits digit `index` in two where its strokes leave the widest gap; a one-stroke digit stays. */
  split(index: number): void {
    const group = this.groups[index];
    if (!group || group.length < 2) return;
    const parts = splitGroup(this.strokes(), this.groups, index);
    this.corrections.push({
      kind: 'split',
      left: this.strokeSet(parts[index]),
      right: this.strokeSet(parts[index + 1]),
    });
    this.update(index);
  }

  /** Resolves once every digit of the latest drawing has its answer. */
  idle(): Promise<void> {
    return this.runner.idle();
  }

  getSnapshot = (): NumberState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  private strokes(): Stroke[] {
    return this.drawn.map((s) => s.points as Stroke);
  }

  private strokeSet(group: readonly number[]): Set<DrawnStroke> {
    return new Set(group.map((i) => this.drawn[i]));
  }

  private idOf(stroke: DrawnStroke): number {
    let id = this.ids.get(stroke);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(stroke, id);
    }
    return id;
  }

  private keyOf(group: readonly number[]): string {
    return group.map((i) => this.idOf(this.drawn[i])).join(',');
  }

  /** Splits the drawing again, applies the corrections, shows what is known and asks for the rest. */
  private update(selected = this.state.selected): void {
    this.version++;
    const { strokes, active } = this.drawing.getSnapshot();
    this.drawn = active ? [...strokes, active] : strokes;
    if (this.drawn.length === 0) this.corrections = [];
    this.groups = applyCorrections(this.strokes(), splitIntoDigits(this.strokes()), this.drawn, this.corrections);
    if (this.groups.length < 2) {
      this.runner.cancelPending();
      if (this.state !== EMPTY) this.set(EMPTY);
      return;
    }
    const strokeList = this.strokes();
    // Answers about strokes no longer drawn are dropped: a stroke in progress is a new one at every move.
    const live = new Set(this.drawn.map((stroke) => String(this.idOf(stroke))));
    for (const key of this.answers.keys()) if (!key.split(',').every((id) => live.has(id))) this.answers.delete(key);
    const digits = this.groups.map((group): DigitReading => {
      const known = this.answers.get(this.keyOf(group));
      const width = Math.max(...group.map((i) => this.drawn[i].width));
      const ink = inkBoundingBox(groupStrokes(strokeList, group))!;
      const box = {
        minX: ink.minX - width / 2,
        minY: ink.minY - width / 2,
        maxX: ink.maxX + width / 2,
        maxY: ink.maxY + width / 2,
      };
      return { strokes: group, box, input: known?.input, steps: known?.steps, prediction: known?.prediction };
    });
    this.set({
      digits,
      number: numberOf(digits),
      selected: Math.min(selected, digits.length - 1),
      corrected: this.corrections.length > 0,
      error: this.state.error,
    });
    if (digits.some((d) => d.prediction === undefined)) this.runner.push(this.version);
  }

  private async run(version: number): Promise<void> {
    if (version !== this.version) return;
    const strokes = this.strokes();
    const keys = this.groups.map((group) => this.keyOf(group));
    const groups = this.groups;
    const generation = this.modelGeneration;
    let error: IpcError | undefined;
    for (const [k, group] of groups.entries()) {
      if (this.answers.has(keys[k])) continue;
      // A group has strokes, and every stroke a point: it has steps.
      const steps = preprocessSteps(groupStrokes(strokes, group))!;
      const input = steps.input;
      const result = await this.predict(input);
      if (generation !== this.modelGeneration) return;
      if (!result.ok) {
        error = result.error;
        break;
      }
      const prediction = toPrediction(result.value.probabilities, version, result.value.notADigit);
      this.answers.set(keys[k], { input, steps, prediction });
    }
    // Later drawing started its own run; the answers above are kept for it.
    if (version !== this.version) return;
    const digits = this.state.digits.map((d, k) => {
      const known = this.answers.get(keys[k]);
      return known ? { ...d, input: known.input, steps: known.steps, prediction: known.prediction } : d;
    });
    this.set({ ...this.state, digits, number: numberOf(digits), error });
  }

  private set(next: NumberState): void {
    this.state = next;
    for (const listener of [...this.listeners]) listener();
  }
}

function numberOf(digits: readonly DigitReading[]): string | undefined {
  // A part the model says is not a digit reads "?".
  return digits.every((d) => d.prediction)
    ? digits.map((d) => (d.prediction!.notADigit ? '?' : d.prediction!.top)).join('')
    : undefined;
}

/**
 * Replays the person's merges and splits on the automatic groups, in the order made. Each
 * names the strokes it joined or parted, so it holds while more is drawn, and lapses once
 * its strokes are erased. A stroke drawn after a split goes to the side nearer to it.
 */
export function applyCorrections(
  strokes: readonly Stroke[],
  automatic: readonly DigitGroup[],
  drawn: readonly DrawnStroke[],
  corrections: readonly { kind: 'join' | 'split'; left: ReadonlySet<DrawnStroke>; right: ReadonlySet<DrawnStroke> }[],
): DigitGroup[] {
  let groups = automatic.map((g) => [...g]);
  const groupHaving = (set: ReadonlySet<DrawnStroke>): number =>
    groups.findIndex((g) => g.some((i) => set.has(drawn[i])));
  for (const correction of corrections) {
    if (correction.kind === 'join') {
      const a = groupHaving(correction.left);
      const b = groupHaving(correction.right);
      if (a < 0 || b < 0 || Math.abs(a - b) !== 1) continue;
      groups = joinGroups(groups, Math.min(a, b));
      continue;
    }
    const index = groups.findIndex(
      (g) => g.some((i) => correction.left.has(drawn[i])) && g.some((i) => correction.right.has(drawn[i])),
    );
    if (index < 0) continue;
    const group = groups[index];
    const left = group.filter((i) => correction.left.has(drawn[i]));
    const right = group.filter((i) => correction.right.has(drawn[i]));
    const centre = (g: readonly number[]): number => {
      const box = inkBoundingBox(groupStrokes(strokes, g))!;
      return (box.minX + box.maxX) / 2;
    };
    const [leftCentre, rightCentre] = [centre(left), centre(right)];
    for (const i of group) {
      if (correction.left.has(drawn[i]) || correction.right.has(drawn[i])) continue;
      const c = centre([i]);
      (Math.abs(c - leftCentre) <= Math.abs(c - rightCentre) ? left : right).push(i);
    }
    groups = orderLeftToRight([...groups.slice(0, index), left, right, ...groups.slice(index + 1)], strokes);
  }
  return groups;
}
