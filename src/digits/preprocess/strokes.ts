import type { Centre } from './image';
import { centreOfMass, centreOfMassOffset, DIGIT_BOX_SIDE, INPUT_SIDE, pasteInInput } from './image';

/** `[x, y]` in any unit (canvas pixels, millimetres); y grows downward. */
export type Point = [number, number];
/** The points of one pen-down .. pen-up movement; a single point is a dot. */
export type Stroke = Point[];

/**
 * Pen width in pixels of the 20-px digit box. MNIST strokes are about 2-3 px wide;
 * a fixed width in this frame is what makes a digit drawn small and one drawn large
 * give the same input.
 */
export const DEFAULT_PEN_WIDTH = 2.5;

/** Sub-pixels per pixel side when rasterising: 8x8 gives 65 grey levels of coverage. */
const SUBSAMPLES = 8;

export interface StrokesToInputOptions {
  penWidth?: number;
}

export interface BoundingBox {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** Bounding box of the stroke points (not of the pen), or undefined if there are none. */
export function inkBoundingBox(strokes: readonly Stroke[]): BoundingBox | undefined {
  let box: BoundingBox | undefined;
  for (const stroke of strokes) {
    for (const [x, y] of stroke) {
      if (!box) box = { minX: x, minY: y, maxX: x, maxY: y };
      box.minX = Math.min(box.minX, x);
      box.minY = Math.min(box.minY, y);
      box.maxX = Math.max(box.maxX, x);
      box.maxY = Math.max(box.maxY, y);
    }
  }
  return box;
}

/**
 * Drawn strokes -> 784 floats, row-major 28x28, 0..1 with 1 = ink; all zeros for no
 * ink. The input of preprocessSteps, which gives the steps' intermediate results too.
 */
export function strokesToInput(strokes: readonly Stroke[], options: StrokesToInputOptions = {}): Float32Array {
  return preprocessSteps(strokes, options)?.input ?? new Float32Array(INPUT_SIDE * INPUT_SIDE);
}

/** Where the 20x20 frame's pixel (0, 0) sits in 28x28 with the frame in the middle: 4 on both axes. */
export const FRAME_IN_MIDDLE = (INPUT_SIDE - DIGIT_BOX_SIDE) / 2;

/** What each step of preprocessSteps made, so a person can be shown how the network's input came about. */
export interface PreprocessSteps {
  /** 1. The bounding box of the stroke points, in the drawing's units (the pen not included). */
  inkBox: BoundingBox;
  /** 2. Frame pixels per drawing unit; 0 when every point is the same one (a dot). */
  scale: number;
  /** The pen's width in frame pixels, the same for every drawing. */
  penWidth: number;
  /** The inked box in the frame, px: the points' box scaled, plus the pen; its longer side is 20 but for a dot. */
  inkedSize: { width: number; height: number };
  /** 3. The 20x20 frame, row-major, 0..1 with 1 = ink, the inked box centred in it. */
  frame: Float32Array;
  /**
   * 4. The frame's centre of mass before the shift, in the 28x28 input's pixel indices
   * with the frame in the middle (its pixel (0, 0) at FRAME_IN_MIDDLE); undefined when
   * the frame holds no ink (a pen too thin to cover a sub-pixel).
   */
  centreOfMass: Centre | undefined;
  /** Whole pixels the frame moves from the middle so its centre of mass is within half a pixel of (14, 14). */
  shift: { dx: number; dy: number };
  /** The network's input: 784 floats, row-major 28x28, 0..1 with 1 = ink. */
  input: Float32Array;
}

/**
 * Drawn strokes -> the network's input, keeping what every step made; undefined for no
 * ink. MNIST's own recipe, so a drawing looks like the training data:
 *
 * 1. Take the bounding box of the points.
 * 2. Scale, keeping the aspect ratio, so the inked box (points plus the pen's round
 *    caps) has its longer side 20 px. Only the longer side sets the scale, so a dot
 *    or a straight line cannot divide by zero: a vertical "1" is 20 px tall and a
 *    pen's width wide.
 * 3. Rasterise into a 20x20 frame, the inked box centred and its longer side filling
 *    the frame's 20 pixels exactly (as MNIST's digits do), as thick lines with round
 *    caps at a fixed `penWidth`, anti-aliased by counting covered sub-pixels (8x8 per
 *    pixel).
 * 4. Paste into 28x28 shifted by whole pixels so the ink's centre of mass is within
 *    half a pixel of pixel (14, 14), where MNIST puts it (see image.ts), clipping what
 *    falls outside.
 */
export function preprocessSteps(
  strokes: readonly Stroke[],
  options: StrokesToInputOptions = {},
): PreprocessSteps | undefined {
  const penWidth = options.penWidth ?? DEFAULT_PEN_WIDTH;
  if (!(penWidth > 0 && penWidth < DIGIT_BOX_SIDE)) {
    throw new RangeError(`penWidth must be between 0 and ${DIGIT_BOX_SIDE}, got ${penWidth}`);
  }
  const inkBox = inkBoundingBox(strokes);
  if (!inkBox) return undefined;

  const longerSide = Math.max(inkBox.maxX - inkBox.minX, inkBox.maxY - inkBox.minY);
  const scale = longerSide > 0 ? (DIGIT_BOX_SIDE - penWidth) / longerSide : 0;
  const centreX = (inkBox.minX + inkBox.maxX) / 2;
  const centreY = (inkBox.minY + inkBox.maxY) / 2;
  // Pixel i spans [i - 0.5, i + 0.5), so the frame's 20 pixels span [-0.5, 19.5].
  const frameCentre = (DIGIT_BOX_SIDE - 1) / 2;
  // Clamped to the frame: the fit keeps every point inside it, and extreme coordinates
  // (whose differences overflow) land at its edge or centre instead of anywhere.
  const fit = (v: number, centre: number): number => {
    const fitted = frameCentre + (v - centre) * scale;
    return Number.isNaN(fitted) ? frameCentre : Math.min(DIGIT_BOX_SIDE - 0.5, Math.max(-0.5, fitted));
  };
  const fitted = strokes.map((stroke) => stroke.map(([x, y]): Point => [fit(x, centreX), fit(y, centreY)]));
  const frame = rasterise(fitted, DIGIT_BOX_SIDE, penWidth);
  // At most the frame's side: rounding can take the longer side a hair past 20, and an
  // extent too large for a float (infinite times a zero scale) is the whole frame.
  const inked = (extent: number): number => {
    const size = extent * scale + penWidth;
    return Number.isNaN(size) ? DIGIT_BOX_SIDE : Math.min(DIGIT_BOX_SIDE, size);
  };
  const inkedSize = { width: inked(inkBox.maxX - inkBox.minX), height: inked(inkBox.maxY - inkBox.minY) };
  const inFrame = centreOfMass(frame, DIGIT_BOX_SIDE, DIGIT_BOX_SIDE);
  if (!inFrame) {
    const input = new Float32Array(INPUT_SIDE * INPUT_SIDE);
    return { inkBox, scale, penWidth, inkedSize, frame, centreOfMass: undefined, shift: { dx: 0, dy: 0 }, input };
  }
  const offset = centreOfMassOffset(inFrame);
  const input = pasteInInput(frame, DIGIT_BOX_SIDE, DIGIT_BOX_SIDE, offset);
  return {
    inkBox,
    scale,
    penWidth,
    inkedSize,
    frame,
    centreOfMass: { x: inFrame.x + FRAME_IN_MIDDLE, y: inFrame.y + FRAME_IN_MIDDLE },
    shift: { dx: offset.x - FRAME_IN_MIDDLE, dy: offset.y - FRAME_IN_MIDDLE },
    input,
  };
}

/**
 * Draws strokes (in pixel indices) into a `side` x `side` image. A sub-pixel is ink
 * when its centre lies within penWidth/2 of a segment: a thick line with round caps
 * and joins. Coverage is counted once per sub-pixel, so overlapping segments do not
 * darken.
 */
function rasterise(strokes: readonly Stroke[], side: number, penWidth: number): Float32Array {
  const fineSide = side * SUBSAMPLES;
  const covered = new Uint8Array(fineSide * fineSide);
  const radius = penWidth / 2;
  for (const stroke of strokes) {
    if (stroke.length === 1) coverSegment(covered, fineSide, stroke[0], stroke[0], radius);
    for (let i = 1; i < stroke.length; i++) coverSegment(covered, fineSide, stroke[i - 1], stroke[i], radius);
  }
  const image = new Float32Array(side * side);
  for (let sy = 0; sy < fineSide; sy++) {
    const row = Math.floor(sy / SUBSAMPLES) * side;
    for (let sx = 0; sx < fineSide; sx++) {
      if (covered[sy * fineSide + sx]) image[row + Math.floor(sx / SUBSAMPLES)] += 1;
    }
  }
  for (let i = 0; i < image.length; i++) image[i] /= SUBSAMPLES * SUBSAMPLES;
  return image;
}

/**
 * Marks the sub-pixels whose centres are within `radius` of segment a-b (pixel units),
 * and returns how many it examined. On each row only the stretch within `radius` of the
 * segment's line is examined (with a sub-pixel's margin), not the segment's whole
 * bounding box, so the work grows with the segment's length times the pen's width, and
 * never beyond the frame: rasterising is linear in the number of points.
 */
export function coverSegment(covered: Uint8Array, fineSide: number, [ax, ay]: Point, [bx, by]: Point, radius: number): number {
  // Sub-pixel s has its centre at (s + 0.5) / SUBSAMPLES - 0.5 in pixel indices.
  const centreOf = (s: number): number => (s + 0.5) / SUBSAMPLES - 0.5;
  const first = (v: number): number => Math.max(0, Math.ceil((v + 0.5) * SUBSAMPLES - 0.5));
  const last = (v: number): number => Math.min(fineSide - 1, Math.floor((v + 0.5) * SUBSAMPLES - 0.5));
  const dx = bx - ax;
  const dy = by - ay;
  const lengthSquared = dx * dx + dy * dy;
  const radiusSquared = radius * radius;
  const margin = 1 / SUBSAMPLES;
  // Along a row, the points within `radius` of the line lie within halfWidth of where the line crosses it.
  const halfWidth = Math.abs(dy) > 1e-9 ? (radius * Math.sqrt(lengthSquared)) / Math.abs(dy) + margin : Infinity;
  let examined = 0;
  for (let sy = first(Math.min(ay, by) - radius); sy <= last(Math.max(ay, by) + radius); sy++) {
    const py = centreOf(sy);
    let left = Math.min(ax, bx) - radius;
    let right = Math.max(ax, bx) + radius;
    if (halfWidth !== Infinity) {
      const crossing = ax + ((py - ay) * dx) / dy;
      left = Math.max(left, crossing - halfWidth);
      right = Math.min(right, crossing + halfWidth);
    }
    const lastSx = last(right);
    for (let sx = first(left); sx <= lastSx; sx++) {
      examined++;
      const px = centreOf(sx);
      const along = lengthSquared > 0 ? Math.min(1, Math.max(0, ((px - ax) * dx + (py - ay) * dy) / lengthSquared)) : 0;
      const ex = px - (ax + along * dx);
      const ey = py - (ay + along * dy);
      if (ex * ex + ey * ey <= radiusSquared) covered[sy * fineSide + sx] = 1;
    }
  }
  return examined;
}
