/**
 * Grey images (a PNG, a photo of paper, an MNIST sample) -> the network's input.
 *
 * MNIST's recipe (LeCun et al., "The MNIST database"): the ink is scaled, keeping its
 * aspect ratio, to fit a 20x20 box with anti-aliasing, then placed in a 28x28 image
 * so that its centre of mass is at the centre. Inputs that skip any step look unlike
 * the training set and are misread, so the app, the command line and tests all share
 * these functions.
 *
 * Coordinates are pixel indices: (x, y) = (col, row) is the centre of that pixel, which
 * covers [col - 0.5, col + 0.5) x [row - 0.5, row + 0.5). In these coordinates MNIST's
 * centre of mass sits at (14, 14), half a pixel right of and below the geometric centre
 * (13.5, 13.5): over the 10,000 test images it averages (14.01, 13.99). We use (14, 14).
 */

/**
 * The recipe in one sentence, for files that leave Tegaki (the ONNX export's metadata), so
 * whoever runs a model elsewhere feeds it what it was trained on.
 */
export const INPUT_RECIPE =
  'A 28x28 grey image, row-major, float32 in 0..1 with 1 = ink: white ink on black, as MNIST. ' +
  "The ink is scaled, keeping its aspect ratio, so its longer side fills a 20x20 box (anti-aliased), " +
  'then placed so that its centre of mass is at pixel (14, 14) (MNIST\'s recipe; LeCun et al.). ' +
  'No mean or standard-deviation normalisation.';

/** Side of the network's input image. */
export const INPUT_SIDE = 28;
/** Where MNIST puts the centre of mass, in pixel indices, on both axes. */
export const CENTRE_OF_MASS_TARGET = 14;
/** Side of the box the ink is scaled to fit, as in MNIST. */
export const DIGIT_BOX_SIDE = 20;
/** Below this (0..1, after normalising) a pixel is paper, not ink, when cropping. */
export const INK_THRESHOLD = 0.1;

export interface Centre {
  x: number;
  y: number;
}

/** Centre of mass in pixel indices (x = col, y = row), or undefined for an image with no ink. */
export function centreOfMass(image: ArrayLike<number>, width: number, height = width): Centre | undefined {
  let mass = 0;
  let sumX = 0;
  let sumY = 0;
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const v = image[row * width + col];
      mass += v;
      sumX += v * col;
      sumY += v * row;
    }
  }
  return mass > 0 ? { x: sumX / mass, y: sumY / mass } : undefined;
}

export interface GreyImageOptions {
  /**
   * true: the image is dark ink on light paper; false: light ink on dark (as MNIST);
   * 'auto' (default): decide from the border, which is mostly paper.
   */
  invert?: 'auto' | boolean;
}

/**
 * An arbitrary grey image -> 784 floats, row-major 28x28, 0..1 with 1 = ink.
 *
 * `pixels` is `[height, width]` row-major: bytes 0..255, or floats 0..1. Steps:
 * normalise (invert if asked, then stretch so the darkest paper is 0 and the
 * strongest ink 1, which removes grey paper), crop to pixels above INK_THRESHOLD,
 * resample so the longer side is 20 px (area-averaging when shrinking, bilinear when
 * enlarging), and paste into 28x28 shifted by a whole number of pixels so the centre
 * of mass lands within half a pixel of pixel (14, 14). A whole-pixel shift keeps an image
 * that is already MNIST-like exactly as it was. No ink gives all zeros.
 */
export function greyImageToInput(
  pixels: Uint8Array | Float32Array,
  width: number,
  height: number,
  options: GreyImageOptions = {},
): Float32Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`image size must be positive integers, got ${width}x${height}`);
  }
  if (pixels.length !== width * height) {
    throw new RangeError(`expected ${width * height} pixels for ${width}x${height}, got ${pixels.length}`);
  }
  const ink = normaliseInk(pixels, width, height, options.invert ?? 'auto');
  const box = inkBox(ink, width, height);
  if (!box) return new Float32Array(INPUT_SIDE * INPUT_SIDE);

  const scale = DIGIT_BOX_SIDE / Math.max(box.width, box.height);
  const targetWidth = Math.max(1, Math.round(box.width * scale));
  const targetHeight = Math.max(1, Math.round(box.height * scale));
  const cropped = crop(ink, width, box);
  const digit =
    scale <= 1
      ? resampleByArea(cropped, box.width, box.height, targetWidth, targetHeight)
      : resampleBilinear(cropped, box.width, box.height, targetWidth, targetHeight);
  return placeByCentreOfMass(digit, targetWidth, targetHeight);
}

/**
 * Pastes an ink image into a 28x28 input so its centre of mass is within half a
 * pixel of the centre, clipping whatever falls outside.
 */
export function placeByCentreOfMass(image: ArrayLike<number>, width: number, height: number): Float32Array {
  const centre = centreOfMass(image, width, height);
  if (!centre) return new Float32Array(INPUT_SIDE * INPUT_SIDE);
  return pasteInInput(image, width, height, centreOfMassOffset(centre));
}

/** Where an image's pixel (0, 0) goes in 28x28, in whole pixels, so that `centre` lands within half a pixel of (14, 14). */
export function centreOfMassOffset(centre: Centre): Offset {
  return { x: Math.round(CENTRE_OF_MASS_TARGET - centre.x), y: Math.round(CENTRE_OF_MASS_TARGET - centre.y) };
}

/** A whole-pixel displacement. */
export interface Offset {
  x: number;
  y: number;
}

/** An ink image pasted into a blank 28x28 input with its pixel (0, 0) at `offset`, clipping what falls outside. */
export function pasteInInput(image: ArrayLike<number>, width: number, height: number, offset: Offset): Float32Array {
  const out = new Float32Array(INPUT_SIDE * INPUT_SIDE);
  const { x: shiftX, y: shiftY } = offset;
  for (let row = 0; row < height; row++) {
    const outRow = row + shiftY;
    if (outRow < 0 || outRow >= INPUT_SIDE) continue;
    for (let col = 0; col < width; col++) {
      const outCol = col + shiftX;
      if (outCol < 0 || outCol >= INPUT_SIDE) continue;
      out[outRow * INPUT_SIDE + outCol] = image[row * width + col];
    }
  }
  return out;
}

function normaliseInk(
  pixels: Uint8Array | Float32Array,
  width: number,
  height: number,
  invert: 'auto' | boolean,
): Float32Array {
  const unit = pixels instanceof Uint8Array ? 1 / 255 : 1;
  const ink = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) ink[i] = Math.min(1, Math.max(0, pixels[i] * unit));
  if (invert === 'auto' ? borderIsMostlyBright(ink, width, height) : invert) {
    for (let i = 0; i < ink.length; i++) ink[i] = 1 - ink[i];
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of ink) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (hi - lo <= 0) return ink.fill(0);
  for (let i = 0; i < ink.length; i++) ink[i] = (ink[i] - lo) / (hi - lo);
  return ink;
}

/** Paper fills the edges of a drawing; if more than half of them are light, ink is dark. */
function borderIsMostlyBright(values: Float32Array, width: number, height: number): boolean {
  let bright = 0;
  let count = 0;
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      if (row !== 0 && row !== height - 1 && col !== 0 && col !== width - 1) continue;
      count++;
      if (values[row * width + col] > 0.5) bright++;
    }
  }
  return bright * 2 > count;
}

interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

function inkBox(ink: Float32Array, width: number, height: number): Box | undefined {
  let left = width;
  let right = -1;
  let top = height;
  let bottom = -1;
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      if (ink[row * width + col] <= INK_THRESHOLD) continue;
      if (col < left) left = col;
      if (col > right) right = col;
      if (row < top) top = row;
      if (row > bottom) bottom = row;
    }
  }
  if (right < 0) return undefined;
  return { left, top, width: right - left + 1, height: bottom - top + 1 };
}

function crop(image: Float32Array, width: number, box: Box): Float32Array {
  const out = new Float32Array(box.width * box.height);
  for (let row = 0; row < box.height; row++) {
    const start = (box.top + row) * width + box.left;
    out.set(image.subarray(start, start + box.width), row * box.width);
  }
  return out;
}

/**
 * Shrinks by averaging: each target pixel is the mean of the source area it covers,
 * with partly covered source pixels weighted by the covered fraction, so thin strokes
 * fade rather than vanish (what MNIST's anti-aliased normalisation does).
 */
function resampleByArea(
  source: Float32Array,
  width: number,
  height: number,
  targetWidth: number,
  targetHeight: number,
): Float32Array {
  const columnWeights = overlapWeights(width, targetWidth);
  const rowWeights = overlapWeights(height, targetHeight);
  const out = new Float32Array(targetWidth * targetHeight);
  for (let ty = 0; ty < targetHeight; ty++) {
    for (let tx = 0; tx < targetWidth; tx++) {
      let sum = 0;
      let area = 0;
      for (const [sy, wy] of rowWeights[ty]) {
        for (const [sx, wx] of columnWeights[tx]) {
          sum += source[sy * width + sx] * wx * wy;
          area += wx * wy;
        }
      }
      out[ty * targetWidth + tx] = sum / area;
    }
  }
  return out;
}

/** For each target cell, the source cells it overlaps and by how much (1-D). */
function overlapWeights(sourceSize: number, targetSize: number): [number, number][][] {
  const ratio = sourceSize / targetSize;
  const weights: [number, number][][] = [];
  for (let t = 0; t < targetSize; t++) {
    const start = t * ratio;
    const end = (t + 1) * ratio;
    const cells: [number, number][] = [];
    for (let s = Math.floor(start); s < Math.min(sourceSize, Math.ceil(end)); s++) {
      const overlap = Math.min(end, s + 1) - Math.max(start, s);
      if (overlap > 1e-9) cells.push([s, overlap]);
    }
    weights.push(cells);
  }
  return weights;
}

/** Enlarges by bilinear interpolation between source pixel centres, clamped at edges. */
function resampleBilinear(
  source: Float32Array,
  width: number,
  height: number,
  targetWidth: number,
  targetHeight: number,
): Float32Array {
  const out = new Float32Array(targetWidth * targetHeight);
  const sample = (x: number, y: number): number =>
    source[Math.min(height - 1, Math.max(0, y)) * width + Math.min(width - 1, Math.max(0, x))];
  for (let ty = 0; ty < targetHeight; ty++) {
    const y = ((ty + 0.5) * height) / targetHeight - 0.5;
    const y0 = Math.floor(y);
    const fy = y - y0;
    for (let tx = 0; tx < targetWidth; tx++) {
      const x = ((tx + 0.5) * width) / targetWidth - 0.5;
      const x0 = Math.floor(x);
      const fx = x - x0;
      const top = sample(x0, y0) * (1 - fx) + sample(x0 + 1, y0) * fx;
      const bottom = sample(x0, y0 + 1) * (1 - fx) + sample(x0 + 1, y0 + 1) * fx;
      out[ty * targetWidth + tx] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}
