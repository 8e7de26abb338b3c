/**
 * How unlike two stroke templates are, as the network would see them: each traced by a
 * steady hand (traceTemplate) through the app's preprocessing (strokesToInput), then the
 * summed absolute pixel difference over the two images' summed ink, at the whole-pixel
 * shift of up to one pixel that makes it least. 0 is the same image; 1 is ink nowhere
 * shared. Dividing by the ink keeps a thin "1" and a busy "8" on one scale, and the shift
 * keeps a centre of mass rounded to the next pixel from counting as another shape.
 */
import { strokesToInput } from '../../../src/digits/preprocess/strokes';
import type { Point } from '../../../src/digits/preprocess/strokes';
import { traceTemplate } from '../../../src/digits/synthetic/hand';
import type { TemplateStroke } from '../../../src/digits/synthetic/templates';
import type { Random } from '../../../src/engine/random';

/**
 * Below this two templates count as one. Every bench template with each of its points
 * moved by up to 0.02 of the box (a copy "made different" by tiny offsets, under half the
 * sloppy hand's own wobble of 0.05) stays below it: at most 0.133 when this was chosen,
 * and the tests check with `nudgedCopy` that it still does. The bench's three slashed
 * zeros are 0.23-0.30 apart from one another.
 */
export const SAME_TEMPLATE_BELOW = 0.15;

export const renderTemplate = (strokes: readonly TemplateStroke[]): Float32Array =>
  strokesToInput(traceTemplate(strokes));

export function templateDistance(a: Float32Array, b: Float32Array): number {
  let ink = 0;
  for (let i = 0; i < 784; i++) ink += a[i] + b[i];
  let least = Infinity;
  for (let dy = -1; dy <= 1; dy++) {
    for (let dx = -1; dx <= 1; dx++) {
      let difference = 0;
      for (let y = 0; y < 28; y++) {
        for (let x = 0; x < 28; x++) {
          const [bx, by] = [x + dx, y + dy];
          const shifted = bx >= 0 && bx < 28 && by >= 0 && by < 28 ? b[by * 28 + bx] : 0;
          difference += Math.abs(a[y * 28 + x] - shifted);
        }
      }
      least = Math.min(least, difference / ink);
    }
  }
  return least;
}

/** The template with every point moved by up to `offset` on each axis, seeded. */
export function nudgedCopy(strokes: readonly TemplateStroke[], offset: number, random: Random): TemplateStroke[] {
  return strokes.map((stroke) => ({
    ...stroke,
    points: stroke.points.map(([x, y]): Point => [
      x + random.uniform(-offset, offset),
      y + random.uniform(-offset, offset),
    ]),
  }));
}

/** For each of `candidates`, the nearest of `others` and how far it is. */
export function nearest(
  candidates: readonly { strokes: TemplateStroke[] }[],
  others: readonly { strokes: TemplateStroke[] }[],
): { distance: number; index: number }[] {
  const rendered = others.map((other) => renderTemplate(other.strokes));
  return candidates.map((candidate) => {
    const image = renderTemplate(candidate.strokes);
    let best = { distance: Infinity, index: -1 };
    rendered.forEach((other, index) => {
      const distance = templateDistance(image, other);
      if (distance < best.distance) best = { distance, index };
    });
    return best;
  });
}
