import { describe, expect, it } from 'vitest';
import { CENTRE_OF_MASS_TARGET, centreOfMass, INPUT_SIDE } from '../../../src/digits/preprocess/image';
import type { Point } from '../../../src/digits/preprocess/strokes';
import { preprocessSteps, strokesToInput } from '../../../src/digits/preprocess/strokes';
import { findAction } from '../../../src/renderer/src/app/actions';
import { createDrawingActions } from '../../../src/renderer/src/drawing/actions';
import { StrokeStore } from '../../../src/renderer/src/drawing/stroke-store';
import { ToolStore } from '../../../src/renderer/src/drawing/tools';
import { translate } from '../../../src/renderer/src/i18n/i18n';
import type { MessageKey } from '../../../src/renderer/src/i18n/messages';
import { createCorrectionActions } from '../../../src/renderer/src/personal/correction';
import { createNumberActions } from '../../../src/renderer/src/prediction/number-actions';
import { NumberStore } from '../../../src/renderer/src/prediction/number-store';
import { PredictionStore } from '../../../src/renderer/src/prediction/prediction-store';
import {
  createStepsViewActions,
  stepsCaptions,
  stepsFigures,
  stepsShown,
  StepsViewStore,
} from '../../../src/renderer/src/prediction/steps-view';
import type { Result } from '../../../src/shared/ipc/contract';
import { keyEvent } from '../app/key-event';

const predictOne = async (): Promise<Result<{ probabilities: number[] }>> => ({
  ok: true,
  value: { probabilities: Array.from({ length: 10 }, (_, i) => (i === 1 ? 0.91 : 0.01)) },
});

function stroke(store: StrokeStore, ...points: Point[]): void {
  store.beginStroke(points[0], 12);
  for (const p of points.slice(1)) store.extendStroke(p);
  store.endStroke();
}

/** A "7" in the top-left corner of the 280-unit canvas: 40 wide, 60 tall. */
const cornerSeven: Point[][] = [
  [
    [8, 6],
    [48, 6],
    [24, 66],
  ],
];

const en = (key: MessageKey, params?: Record<string, string | number>): string => translate('en', key, params);

describe('"How the network sees it": the toggle, whose steps it shows, and its captions', () => {
  it('V opens and closes it, telling subscribers; no drawing, correction or number action takes V', () => {
    const store = new StepsViewStore();
    const actions = createStepsViewActions(store);
    let told = 0;
    store.subscribe(() => told++);
    expect(store.getSnapshot().open).toBe(false);
    findAction(actions, keyEvent('v'))?.perform();
    expect(store.getSnapshot().open).toBe(true);
    findAction(actions, keyEvent('V'))?.perform();
    expect(store.getSnapshot().open).toBe(false);
    expect(told).toBe(2);
    // Ctrl+V pastes; it does not toggle.
    expect(findAction(actions, keyEvent('v', { ctrlKey: true }))).toBeUndefined();
    store.setOpen(false);
    expect(told).toBe(2);

    const drawing = new StrokeStore();
    const others = [
      ...createDrawingActions(drawing, new ToolStore()),
      ...createCorrectionActions(() => {}),
      ...createNumberActions(new NumberStore(drawing, predictOne)),
    ];
    expect(findAction(others, keyEvent('v'))).toBeUndefined();
  });

  it('the prediction keeps the steps of the pass that made its input: the same array, for every drawing the pen makes, and none for a blank canvas', async () => {
    const drawing = new StrokeStore();
    const seen: Float32Array[] = [];
    const store = new PredictionStore(
      drawing,
      async (pixels) => {
        seen.push(pixels);
        return predictOne();
      },
      { minIntervalMs: 0 },
    );
    const stop = store.start();
    expect(store.getSnapshot().steps).toBeUndefined();
    drawing.beginStroke(cornerSeven[0][0], 12);
    await store.idle();
    for (const point of cornerSeven[0].slice(1)) {
      drawing.extendStroke(point);
      await store.idle();
      const { steps, input } = store.getSnapshot();
      // The input the model was asked about is the steps' input itself, not a second preprocessing's.
      expect(steps?.input).toBe(input);
      expect(seen.at(-1)).toBe(input);
      expect(input).toEqual(strokesToInput(drawing.inputStrokes()));
    }
    drawing.endStroke();
    drawing.clear();
    await store.idle();
    expect(store.getSnapshot().steps).toBeUndefined();
    stop();
  });

  it("shows the single drawing's steps, or, for a number, the selected digit's once it has been read", async () => {
    const drawing = new StrokeStore();
    const prediction = new PredictionStore(drawing, predictOne, { minIntervalMs: 0 });
    const numbers = new NumberStore(drawing, predictOne, { minIntervalMs: 0 });
    const stops = [prediction.start(), numbers.start()];
    stroke(drawing, [140, 40], [140, 240]);
    await Promise.all([prediction.idle(), numbers.idle()]);
    const single = stepsShown(prediction.getSnapshot(), numbers.getSnapshot());
    expect(single).toEqual({ scope: 'drawing', steps: prediction.getSnapshot().steps });

    stroke(drawing, [40, 90], [40, 190]);
    stroke(drawing, [240, 90], [240, 190]);
    await Promise.all([prediction.idle(), numbers.idle()]);
    numbers.select(2);
    const reading = numbers.getSnapshot();
    expect(reading.digits).toHaveLength(3);
    const shown = stepsShown(prediction.getSnapshot(), reading);
    expect(shown).toMatchObject({ scope: 'digit', index: 2, count: 3 });
    expect(shown.steps).toBeDefined();
    expect(shown.steps?.input).toBe(reading.digits[2].input);
    expect(shown.steps?.inkBox).toEqual({ minX: 240, minY: 90, maxX: 240, maxY: 190 });
    // Not read yet: no steps rather than another digit's.
    expect(
      stepsShown({ steps: undefined }, { ...reading, digits: reading.digits.map((d) => ({ ...d, steps: undefined })) })
        .steps,
    ).toBeUndefined();
    for (const stop of stops) stop();
  });

  it('a 7 in the corner: its box in canvas units, the scale to 20 px, and a shift that lands the centre of mass on (14, 14)', () => {
    const steps = preprocessSteps(cornerSeven)!;
    const figures = stepsFigures(steps);
    expect(figures.box).toMatchObject({ minX: 8, minY: 6, width: 40, height: 60 });
    expect(figures.scale).toBeCloseTo(17.5 / 60, 12);
    expect(figures.inked.height).toBeCloseTo(20, 9);
    expect(figures.clipped).toBe(false);
    const after = centreOfMass(steps.input, INPUT_SIDE)!;
    expect(figures.after!.x).toBeCloseTo(after.x, 4);
    expect(figures.after!.y).toBeCloseTo(after.y, 4);
    expect(Math.abs(after.x - CENTRE_OF_MASS_TARGET)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(after.y - CENTRE_OF_MASS_TARGET)).toBeLessThanOrEqual(0.5);
    expect(figures.after!.x - figures.before!.x).toBe(figures.shift.dx);

    const captions = stepsCaptions(figures, en);
    expect(captions.box).toBe('1. The ink’s box: 40 × 60 px of the canvas');
    expect(captions.scale).toBe('2. Scaled ×0.292, the longer side to 20 px: 14.2 × 20.0');
    const tenth = (v: number): string => v.toFixed(1);
    expect(captions.shift).toContain(
      `(${tenth(figures.before!.x)}, ${tenth(figures.before!.y)}) → (${tenth(after.x)}, ${tenth(after.y)})`,
    );
    expect(captions.input).toBe('4. The network’s input, 28×28');

    // A dot has nothing to scale: the caption says so rather than "×0".
    const dot = stepsCaptions(stepsFigures(preprocessSteps([[[100, 100]]])!), en);
    expect(dot.scale).toBe('2. A dot has no size to scale: it is the pen’s width, 2.5 × 2.5');
    expect(dot.box).toBe('1. The ink’s box: 0 × 0 px of the canvas');
  });

  it('names the shift by its directions, says when it is none, and when ink fell off the edge', () => {
    const base = stepsFigures(preprocessSteps(cornerSeven)!);
    const at = (dx: number, dy: number, clipped = false): string =>
      stepsCaptions({ ...base, shift: { dx, dy }, clipped }, en).shift;
    expect(at(2, -1)).toMatch(/^3\. Shifted 2 px right, 1 px up: /);
    expect(at(-3, 0)).toMatch(/^3\. Shifted 3 px left: /);
    expect(at(0, 4)).toMatch(/^3\. Shifted 4 px down: /);
    expect(at(0, 0)).toMatch(/^3\. Shifted by 0 px: /);
    expect(at(0, 0, true)).toMatch(/Some ink fell off the edge\.$/);
    expect(
      stepsCaptions({ ...base, shift: { dx: -1, dy: 2 } }, (key, params) => translate('ja', key, params)).shift,
    ).toMatch(/^3\. 左に1 px、下に2 px移動：/);
  });
});
