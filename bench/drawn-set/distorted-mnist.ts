/**
 * MNIST's test images distorted only in ways that survive the app's preprocessing, then
 * preprocessed as the app preprocesses an image.
 *
 * The app crops every drawing to its ink, scales it so its longer side is 20 px and
 * moves its centre of mass to the middle (strokesToInput for the canvas,
 * greyImageToInput for images). A shifted or resized digit therefore reaches the network
 * exactly as the original did, so shift and scale are left out: scoring them measured
 * the training augmenter the cnn preset learns from, not anything a user meets. So is
 * stroke width: the canvas draws every digit with one pen, 2.5 px wide in the 20-px box,
 * which is inside MNIST's own range of widths. What does survive, and is drawn here per
 * image from one seeded stream:
 *
 * - rotation θ ~ U(±rotation degrees);
 * - slant: x moves by −k·y (y down, so the top leans right for k > 0), k ~ U(±slant);
 * - width against height: x scaled by 1 + U(±aspect); cropping keeps the aspect ratio;
 * - wobble: a smooth displacement of at most `wobble` px on each axis, half the sum of
 *   two plane waves per axis (random direction, wavelength 10-20 px, phase), the bend of
 *   an unsteady hand.
 *
 * The warp (inverse mapping with bilinear sampling into a 40 x 40 image, so nothing is
 * clipped) is written here and shares nothing with src/engine/training/augmentation.ts;
 * the result goes through greyImageToInput, which crops, rescales and re-centres it.
 */
import type { Dataset } from '../../src/engine/data/dataset';
import { INPUT_SIDE, greyImageToInput } from '../../src/digits/preprocess/image';
import { Random } from '../../src/engine/random';

export interface DrawnLikeDistortion {
  /** Largest rotation either way, degrees. */
  rotation: number;
  /** Largest shear either way: x moves by this times the height above the centre. */
  slant: number;
  /** Largest change of the width against the height, as a fraction either way. */
  aspect: number;
  /** Largest displacement of the smooth wobble, in pixels of the 28 x 28 image. */
  wobble: number;
}

export const drawnLikeDistortion: DrawnLikeDistortion = { rotation: 15, slant: 0.3, aspect: 0.25, wobble: 1.5 };

/** "rotation ±15°, slant ±0.3, width ±25%, wobble 1.5 px" for the bench and reports. */
export function describeDistortion(d: DrawnLikeDistortion): string {
  return `rotation ±${d.rotation}°, slant ±${d.slant}, width ±${Math.round(d.aspect * 100)}%, wobble ${d.wobble} px`;
}

/** Side of the image the warp draws into, large enough that a turned, slanted digit is not clipped. */
const WARP_SIDE = 40;

/** MNIST's test images, each distorted once from a fixed seed: the same set every run. */
export function distortedDataset(data: Dataset, settings = drawnLikeDistortion, seed = 12345): Dataset {
  const random = new Random(seed);
  const size = data.rows * data.cols;
  const inputSize = INPUT_SIDE * INPUT_SIDE;
  const source = new Float32Array(size);
  const warped = new Float32Array(WARP_SIDE * WARP_SIDE);
  const images = new Uint8Array(data.count * inputSize);
  for (let n = 0; n < data.count; n++) {
    for (let i = 0; i < size; i++) source[i] = data.images[n * size + i] / 255;
    warp(source, data.cols, data.rows, warped, settings, random);
    const input = greyImageToInput(warped, WARP_SIDE, WARP_SIDE, { invert: false });
    for (let i = 0; i < inputSize; i++) images[n * inputSize + i] = Math.round(input[i] * 255);
  }
  return { images, labels: data.labels, count: data.count, rows: INPUT_SIDE, cols: INPUT_SIDE };
}

/** A plane wave sin(kx·x + ky·y + phase), tabulated along each axis: sin(a + b) = sin a cos b + cos a sin b. */
interface Wave {
  sinX: Float64Array;
  cosX: Float64Array;
  sinY: Float64Array;
  cosY: Float64Array;
}

function randomWave(random: Random): Wave {
  const direction = random.uniform(0, 2 * Math.PI);
  const k = (2 * Math.PI) / random.uniform(10, 20);
  const phase = random.uniform(0, 2 * Math.PI);
  const [kx, ky] = [k * Math.cos(direction), k * Math.sin(direction)];
  const wave: Wave = {
    sinX: new Float64Array(WARP_SIDE),
    cosX: new Float64Array(WARP_SIDE),
    sinY: new Float64Array(WARP_SIDE),
    cosY: new Float64Array(WARP_SIDE),
  };
  for (let i = 0; i < WARP_SIDE; i++) {
    wave.sinX[i] = Math.sin(kx * i);
    wave.cosX[i] = Math.cos(kx * i);
    wave.sinY[i] = Math.sin(ky * i + phase);
    wave.cosY[i] = Math.cos(ky * i + phase);
  }
  return wave;
}

function waveAt(w: Wave, x: number, y: number): number {
  return w.sinX[x] * w.cosY[y] + w.cosX[x] * w.sinY[y];
}

/**
 * Draws `source` (cols x rows, 0..1) into `out` (WARP_SIDE²): output pixel q takes the
 * source at c + M⁻¹(q − C − d(q)), where M = R(θ)·shear(k)·diag(a, 1), c and C are the
 * two images' centres and d the wobble.
 */
function warp(
  source: Float32Array,
  cols: number,
  rows: number,
  out: Float32Array,
  d: DrawnLikeDistortion,
  random: Random,
): void {
  const theta = (random.uniform(-d.rotation, d.rotation) * Math.PI) / 180;
  const k = random.uniform(-d.slant, d.slant);
  const a = 1 + random.uniform(-d.aspect, d.aspect);
  const waves = [randomWave(random), randomWave(random), randomWave(random), randomWave(random)];
  // M = [[cos, -sin], [sin, cos]] · [[1, -k], [0, 1]] · [[a, 0], [0, 1]]
  const [cos, sin] = [Math.cos(theta), Math.sin(theta)];
  const m00 = cos * a;
  const m01 = -cos * k - sin;
  const m10 = sin * a;
  const m11 = -sin * k + cos;
  const det = m00 * m11 - m01 * m10;
  const [i00, i01, i10, i11] = [m11 / det, -m01 / det, -m10 / det, m00 / det];
  const [cx, cy] = [(cols - 1) / 2, (rows - 1) / 2];
  const centre = (WARP_SIDE - 1) / 2;
  for (let y = 0; y < WARP_SIDE; y++) {
    for (let x = 0; x < WARP_SIDE; x++) {
      const u = x - centre - (d.wobble / 2) * (waveAt(waves[0], x, y) + waveAt(waves[1], x, y));
      const v = y - centre - (d.wobble / 2) * (waveAt(waves[2], x, y) + waveAt(waves[3], x, y));
      out[y * WARP_SIDE + x] = bilinear(source, cols, rows, cx + i00 * u + i01 * v, cy + i10 * u + i11 * v);
    }
  }
}

/** The image at (x, y) in pixel indices, interpolated between the four nearest pixels; 0 outside. */
function bilinear(image: Float32Array, cols: number, rows: number, x: number, y: number): number {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  return (
    (pixel(image, cols, rows, x0, y0) * (1 - fx) + pixel(image, cols, rows, x0 + 1, y0) * fx) * (1 - fy) +
    (pixel(image, cols, rows, x0, y0 + 1) * (1 - fx) + pixel(image, cols, rows, x0 + 1, y0 + 1) * fx) * fy
  );
}

function pixel(image: Float32Array, cols: number, rows: number, col: number, row: number): number {
  return col >= 0 && row >= 0 && col < cols && row < rows ? image[row * cols + col] : 0;
}
