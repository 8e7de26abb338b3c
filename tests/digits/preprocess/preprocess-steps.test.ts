import { describe, expect, it } from 'vitest';
import { drawTemplate, traceTemplate } from '../../../src/digits/synthetic/hand';
import { drawnTemplates } from '../../../src/digits/synthetic/templates';
import {
  CENTRE_OF_MASS_TARGET,
  centreOfMass,
  DIGIT_BOX_SIDE,
  INPUT_SIDE,
  placeByCentreOfMass,
} from '../../../src/digits/preprocess/image';
import type { PreprocessSteps, Stroke } from '../../../src/digits/preprocess/strokes';
import {
  DEFAULT_PEN_WIDTH,
  FRAME_IN_MIDDLE,
  inkBoundingBox,
  preprocessSteps,
  strokesToInput,
} from '../../../src/digits/preprocess/strokes';
import { Random } from '../../../src/engine/random';

/** Every drawn-digit template, traced by a steady hand and by a seeded sloppy one (canvas units, 280 x 280). */
const drawings: { name: string; strokes: Stroke[] }[] = drawnTemplates.flatMap((template, i) => [
  { name: `${template.digit} ${template.style} #${i}, traced`, strokes: traceTemplate(template.strokes) },
  { name: `${template.digit} ${template.style} #${i}, by hand`, strokes: drawTemplate(template.strokes, new Random(i)) },
]);

function stepsOf(strokes: Stroke[]): PreprocessSteps {
  const steps = preprocessSteps(strokes);
  if (!steps) throw new Error('a drawing with points must have steps');
  return steps;
}

const sum = (image: Float32Array): number => image.reduce((total, v) => total + v, 0);

/** The first and last row (or column) of a side x side image holding any ink. */
function inkExtent(image: Float32Array, side: number, axis: 'rows' | 'cols'): [number, number] {
  let first = side;
  let last = -1;
  for (let i = 0; i < image.length; i++) {
    if (image[i] <= 0) continue;
    const at = axis === 'rows' ? Math.floor(i / side) : i % side;
    first = Math.min(first, at);
    last = Math.max(last, at);
  }
  return [first, last];
}

function moved(strokes: Stroke[], dx: number, dy: number): Stroke[] {
  return strokes.map((stroke) => stroke.map(([x, y]): [number, number] => [x + dx, y + dy]));
}

describe('preprocessSteps: the one preprocessing, step by step', () => {
  it(`gives exactly strokesToInput's input for all ${drawings.length} drawn-digit templates, and the input is its frame placed by centre of mass`, () => {
    for (const { name, strokes } of drawings) {
      const steps = stepsOf(strokes);
      expect(strokesToInput(strokes), name).toEqual(steps.input);
      // The steps rebuild the input: the frame pasted by image.ts's own centring.
      expect(placeByCentreOfMass(steps.frame, DIGIT_BOX_SIDE, DIGIT_BOX_SIDE), name).toEqual(steps.input);
    }
  });

  it("keeps step 1's ink box and step 2's scale: the inked box's longer side is 20 px in the frame, and fills its 20 pixels", () => {
    for (const { name, strokes } of drawings) {
      const steps = stepsOf(strokes);
      expect(steps.inkBox, name).toEqual(inkBoundingBox(strokes));
      const { minX, minY, maxX, maxY } = steps.inkBox;
      const longer = Math.max(maxX - minX, maxY - minY);
      expect(longer * steps.scale + DEFAULT_PEN_WIDTH, name).toBeCloseTo(DIGIT_BOX_SIDE, 9);
      expect(steps.penWidth).toBe(DEFAULT_PEN_WIDTH);
      expect(Math.max(steps.inkedSize.width, steps.inkedSize.height), name).toBeCloseTo(DIGIT_BOX_SIDE, 9);
      expect(steps.inkedSize.width, name).toBeCloseTo((maxX - minX) * steps.scale + DEFAULT_PEN_WIDTH, 9);
      expect(steps.inkedSize.height, name).toBeCloseTo((maxY - minY) * steps.scale + DEFAULT_PEN_WIDTH, 9);
      // In the raster: ink from the frame's first to its last pixel along the longer side,
      // and the shorter side's ink as wide as its number says, give or take a pixel at each end.
      const wide = steps.inkedSize.width >= steps.inkedSize.height;
      const [first, last] = inkExtent(steps.frame, DIGIT_BOX_SIDE, wide ? 'cols' : 'rows');
      expect([first, last], name).toEqual([0, DIGIT_BOX_SIDE - 1]);
      const [from, to] = inkExtent(steps.frame, DIGIT_BOX_SIDE, wide ? 'rows' : 'cols');
      const shorter = Math.min(steps.inkedSize.width, steps.inkedSize.height);
      expect(to - from + 1, name).toBeGreaterThanOrEqual(shorter - 1);
      expect(to - from + 1, name).toBeLessThanOrEqual(shorter + 2);
    }
  });

  it('moves the centre of mass by the whole-pixel shift to within half a pixel of (14, 14), unless ink was clipped', () => {
    let clipped = 0;
    for (const { name, strokes } of drawings) {
      const steps = stepsOf(strokes);
      const before = steps.centreOfMass!;
      // Before: the frame's centre of mass, the frame in the middle of 28x28.
      const inFrame = centreOfMass(steps.frame, DIGIT_BOX_SIDE)!;
      expect(before.x, name).toBeCloseTo(inFrame.x + FRAME_IN_MIDDLE, 9);
      expect(before.y, name).toBeCloseTo(inFrame.y + FRAME_IN_MIDDLE, 9);
      expect(Number.isInteger(steps.shift.dx) && Number.isInteger(steps.shift.dy), name).toBe(true);
      if (sum(steps.input) < sum(steps.frame) - 1e-4) {
        clipped++;
        continue;
      }
      const after = centreOfMass(steps.input, INPUT_SIDE)!;
      expect(after.x, name).toBeCloseTo(before.x + steps.shift.dx, 4);
      expect(after.y, name).toBeCloseTo(before.y + steps.shift.dy, 4);
      expect(Math.abs(after.x - CENTRE_OF_MASS_TARGET), name).toBeLessThanOrEqual(0.5);
      expect(Math.abs(after.y - CENTRE_OF_MASS_TARGET), name).toBeLessThanOrEqual(0.5);
    }
    // A 20-px frame moved by a few pixels fits in 28x28: none of these drawings loses ink.
    expect(clipped).toBe(0);
  });

  it('a digit drawn in a corner of the canvas gets the same steps after the ink box as one drawn in the middle', () => {
    for (const template of drawnTemplates.slice(0, 12)) {
      // A traced digit (in the middle of the 280 canvas), and the same shrunk to a third into the top-left corner.
      const middle = traceTemplate(template.strokes);
      const { minX, minY } = inkBoundingBox(middle)!;
      const corner = middle.map((stroke) =>
        stroke.map(([x, y]): [number, number] => [(x - minX) / 3 + 2, (y - minY) / 3 + 2]),
      );
      const [a, b] = [stepsOf(middle), stepsOf(corner)];
      expect([b.inkBox.minX, b.inkBox.minY]).toEqual([2, 2]);
      expect(b.scale).toBeCloseTo(a.scale * 3, 6);
      expect(b.shift).toEqual(a.shift);
      for (let i = 0; i < a.input.length; i++) expect(Math.abs(b.input[i] - a.input[i])).toBeLessThanOrEqual(2 / 64);
      // Moved without resizing, the ink gives the same input to the last bit or the coverage of a sub-pixel or two.
      const shifted = stepsOf(moved(middle, 70, -35));
      for (let i = 0; i < a.input.length; i++) expect(Math.abs(shifted.input[i] - a.input[i])).toBeLessThanOrEqual(2 / 64);
    }
  });

  it('a dot has a zero scale and a pen-wide inked box; no points have no steps', () => {
    const dot = stepsOf([[[100, 100]]]);
    expect(dot.scale).toBe(0);
    expect(dot.inkedSize).toEqual({ width: DEFAULT_PEN_WIDTH, height: DEFAULT_PEN_WIDTH });
    expect(Math.abs(centreOfMass(dot.input, INPUT_SIDE)!.x - CENTRE_OF_MASS_TARGET)).toBeLessThanOrEqual(0.5);
    expect(preprocessSteps([])).toBeUndefined();
    expect(preprocessSteps([[]])).toBeUndefined();
    expect(strokesToInput([])).toEqual(new Float32Array(INPUT_SIDE * INPUT_SIDE));
  });

  it('a pen too thin to cover a sub-pixel leaves no centre of mass, no shift and a blank input', () => {
    // A dot's cap of radius 0.0005 px covers no sub-pixel centre (the nearest lies 1/16 px away).
    const steps = stepsOf([[[100, 100]]]);
    const thin = preprocessSteps([[[100, 100]]], { penWidth: 0.001 })!;
    expect(steps.centreOfMass).toBeDefined();
    expect(thin.centreOfMass).toBeUndefined();
    expect(thin.shift).toEqual({ dx: 0, dy: 0 });
    expect(sum(thin.input)).toBe(0);
  });
});
