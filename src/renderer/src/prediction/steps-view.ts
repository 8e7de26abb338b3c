import type { Centre } from '../../../digits/preprocess/image';
import type { BoundingBox, PreprocessSteps } from '../../../digits/preprocess/strokes';
import type { Action } from '../app/actions';
import type { Translate } from '../i18n/use-t';
import type { NumberState } from './number-store';
import type { PredictionState } from './prediction-store';

export interface StepsViewState {
  /** Whether the "How the network sees it" panel is open beside the canvas. */
  readonly open: boolean;
}

/** Whether the preprocessing steps show: plain data outside React, so it outlives a tab switch. */
export class StepsViewStore {
  private state: StepsViewState = { open: false };
  private readonly listeners = new Set<() => void>();

  getSnapshot = (): StepsViewState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  setOpen(open: boolean): void {
    if (open === this.state.open) return;
    this.state = { open };
    for (const listener of [...this.listeners]) listener();
  }

  toggle(): void {
    this.setOpen(!this.state.open);
  }
}

export type StepsViewAction = Action<'toggleSteps'>;

/** V opens and closes the steps; no drawing, correction or number action takes V. */
export function createStepsViewActions(store: StepsViewStore): readonly StepsViewAction[] {
  return [{ name: 'toggleSteps', label: 'steps.title', keys: [{ key: 'v' }], perform: () => store.toggle() }];
}

/** Whose steps the panel shows: the drawing read as one digit, or one digit of a number. */
export type StepsShown =
  | { readonly scope: 'drawing'; readonly steps: PreprocessSteps | undefined }
  | {
      readonly scope: 'digit';
      readonly steps: PreprocessSteps | undefined;
      readonly index: number;
      readonly count: number;
    };

/**
 * The steps behind the input the panel beside shows: the single digit's, or, for a number,
 * the selected digit's (undefined until that digit has been read). Both come from the
 * pass that made the input, so the steps and the network's input cannot disagree.
 */
export function stepsShown(
  prediction: Pick<PredictionState, 'steps'>,
  number: Pick<NumberState, 'digits' | 'selected'>,
): StepsShown {
  if (number.digits.length < 2) return { scope: 'drawing', steps: prediction.steps };
  return {
    scope: 'digit',
    steps: number.digits[number.selected]?.steps,
    index: number.selected,
    count: number.digits.length,
  };
}

/** The numbers the captions give, from one set of steps. */
export interface StepsFigures {
  /** 1. The ink box on the canvas, canvas units. */
  readonly box: BoundingBox & { readonly width: number; readonly height: number };
  /** 2. Frame pixels per canvas unit, and the inked box's size in the 20x20 frame. */
  readonly scale: number;
  readonly inked: { readonly width: number; readonly height: number };
  /** 3. The centre of mass in 28x28 with the frame in the middle, the whole-pixel shift, and where it lands. */
  readonly before: Centre | undefined;
  readonly shift: { readonly dx: number; readonly dy: number };
  readonly after: Centre | undefined;
  /** Whether the shift pushed some ink off the 28x28 image (then `after` is not the input's centre of mass). */
  readonly clipped: boolean;
}

export function stepsFigures(steps: PreprocessSteps): StepsFigures {
  const { inkBox, scale, inkedSize, centreOfMass: before, shift } = steps;
  const mass = (image: Float32Array): number => image.reduce((total, v) => total + v, 0);
  return {
    box: { ...inkBox, width: inkBox.maxX - inkBox.minX, height: inkBox.maxY - inkBox.minY },
    scale,
    inked: inkedSize,
    before,
    shift,
    after: before && { x: before.x + shift.dx, y: before.y + shift.dy },
    // Float sums of the same values in another order: a thousandth of a pixel's ink is rounding, not clipping.
    clipped: mass(steps.input) < mass(steps.frame) - 1e-3,
  };
}

/** The four captions, with the figures' numbers as a person reads them. */
export interface StepsCaptions {
  readonly box: string;
  readonly scale: string;
  readonly shift: string;
  readonly input: string;
}

/** One decimal for positions and sizes in the network's pixels, three significant digits for the scale. */
const tenth = (v: number): string => v.toFixed(1);

export function stepsCaptions(figures: StepsFigures, t: Translate): StepsCaptions {
  const { box, scale, inked, before, after, shift } = figures;
  const moves = [
    shift.dx > 0 ? t('steps.right', { n: shift.dx }) : shift.dx < 0 ? t('steps.left', { n: -shift.dx }) : '',
    shift.dy > 0 ? t('steps.down', { n: shift.dy }) : shift.dy < 0 ? t('steps.up', { n: -shift.dy }) : '',
  ].filter(Boolean);
  const move = moves.length > 0 ? moves.join(t('steps.separator')) : t('steps.still');
  const shiftCaption =
    before && after
      ? t('steps.shift', {
          move,
          beforeX: tenth(before.x),
          beforeY: tenth(before.y),
          afterX: tenth(after.x),
          afterY: tenth(after.y),
        })
      : t('steps.blank');
  return {
    box: t('steps.box', { width: Math.round(box.width), height: Math.round(box.height) }),
    // Every point the same (a dot): nothing to scale, the pen's width is the whole ink.
    scale:
      scale > 0
        ? t('steps.scale', {
            scale: Number(scale.toPrecision(3)),
            width: tenth(inked.width),
            height: tenth(inked.height),
          })
        : t('steps.dot', { width: tenth(inked.width), height: tenth(inked.height) }),
    shift: figures.clipped ? `${shiftCaption} ${t('steps.clipped')}` : shiftCaption,
    input: t('steps.input'),
  };
}
