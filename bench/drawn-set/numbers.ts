/**
 * Synthetic whole numbers for judging the digit splitter (src/digits/preprocess/segment.ts):
 * 2 to 8 digits side by side, each a drawn-digit template (templates.ts) drawn by the
 * seeded sloppy hand (hand.ts), scaled to a common height with some spread, set on a
 * baseline that wanders a little, with gaps that vary from wide to slightly overlapping
 * boxes. Each number keeps which strokes make which digit, so a split can be checked.
 *
 * Like the drawn digits, these are synthetic strokes, not people's numbers.
 */
import type { Point, Stroke } from '../../src/digits/preprocess/strokes';
import { strokeDistance } from '../../src/digits/preprocess/segment';
import { inkBoundingBox } from '../../src/digits/preprocess/strokes';
import { Random } from '../../src/engine/random';
import { drawTemplate } from '../../src/digits/synthetic/hand';
import { drawnTemplates } from '../../src/digits/synthetic/templates';

export interface DrawnNumber {
  /** The digits, left to right: "2026". */
  text: string;
  /** Every stroke of the number, digit after digit, in canvas units (280 x 280, y down). */
  strokes: Stroke[];
  /** The strokes of each digit, as indices into `strokes`, left to right. */
  groups: number[][];
  /** Which of drawnTemplates each digit was drawn from. */
  templateIndex: number[];
}

export interface DrawnNumberOptions {
  minDigits?: number;
  maxDigits?: number;
  /** Share of the gaps where the digits' boxes overlap (by up to `maxOverlap` of the digit height). */
  overlapShare?: number;
  maxOverlap?: number;
  /** Widest gap, as a fraction of the digit height. */
  maxGap?: number;
  /** The least distance between the ink of neighbouring digits, as a fraction of the digit height. */
  clearance?: number;
}

export const DRAWN_NUMBER_DEFAULTS: Required<DrawnNumberOptions> = {
  minDigits: 2,
  maxDigits: 8,
  overlapShare: 0.2,
  maxOverlap: 0.08,
  maxGap: 0.5,
  clearance: 0.08,
};

/** `count` numbers from `seed`: the same seed gives the same numbers. */
export function drawnNumbers(count: number, seed = 2027, options: DrawnNumberOptions = {}): DrawnNumber[] {
  const o = { ...DRAWN_NUMBER_DEFAULTS, ...options };
  const random = new Random(seed);
  const byDigit = Array.from({ length: 10 }, (_, d) =>
    drawnTemplates.flatMap((template, index) => (template.digit === d ? [index] : [])),
  );
  const numbers: DrawnNumber[] = [];
  for (let n = 0; n < count; n++) {
    const length = o.minDigits + random.int(o.maxDigits - o.minDigits + 1);
    const height = 100;
    let cursor = 0;
    let baseline = 0;
    const strokes: Stroke[] = [];
    const groups: number[][] = [];
    const templateIndex: number[] = [];
    let text = '';
    for (let k = 0; k < length; k++) {
      const digit = random.int(10);
      const ofDigit = byDigit[digit];
      const index = ofDigit[random.int(ofDigit.length)];
      const drawn = drawTemplate(drawnTemplates[index].strokes, random);
      const box = inkBoundingBox(drawn)!;
      const scale = (height * random.uniform(0.85, 1.1)) / Math.max(box.maxY - box.minY, 1e-9);
      baseline += random.uniform(-0.04, 0.04) * height;
      if (k > 0) {
        const overlaps = random.uniform(0, 1) < o.overlapShare;
        cursor += (overlaps ? -random.uniform(0, o.maxOverlap) : random.uniform(0.03, o.maxGap)) * height;
      }
      const place = (left: number): Stroke[] =>
        drawn.map((stroke) =>
          stroke.map(([x, y]): Point => [left + (x - box.minX) * scale, baseline + (y - box.maxY) * scale]),
        );
      let left = cursor;
      let placed = place(left);
      // People write the next digit beside the last, not on it: where the boxes overlap,
      // the ink still keeps its clearance.
      const previous = groups.length > 0 ? groups[groups.length - 1].map((s) => strokes[s]) : [];
      for (let tries = 0; tries < 20; tries++) {
        const distance = Math.min(...placed.flatMap((a) => previous.map((b) => strokeDistance(a, b))));
        if (!(distance < o.clearance * height)) break;
        left += o.clearance * height - distance + 0.01 * height;
        placed = place(left);
      }
      groups.push(drawn.map((_, s) => strokes.length + s));
      strokes.push(...placed);
      cursor = left + (box.maxX - box.minX) * scale;
      templateIndex.push(index);
      text += String(digit);
    }
    numbers.push({ text, strokes: fitCanvas(strokes), groups, templateIndex });
  }
  return numbers;
}

/** Scales and moves the strokes to fit the 280 x 280 canvas with a margin, centred. */
function fitCanvas(strokes: Stroke[]): Stroke[] {
  const box = inkBoundingBox(strokes)!;
  const scale = 250 / Math.max(box.maxX - box.minX, box.maxY - box.minY);
  const dx = 140 - ((box.minX + box.maxX) / 2) * scale;
  const dy = 140 - ((box.minY + box.maxY) / 2) * scale;
  return strokes.map((stroke) => stroke.map(([x, y]): Point => [x * scale + dx, y * scale + dy]));
}

/** Whether a split found exactly the digits' groups, in order. */
export function sameGroups(found: readonly (readonly number[])[], truth: readonly (readonly number[])[]): boolean {
  const key = (groups: readonly (readonly number[])[]) =>
    groups.map((g) => [...g].sort((a, b) => a - b).join(',')).join('|');
  return key(found) === key(truth);
}
