import type { Augmentation } from '../../shared/hyperparameters';
import type { Random } from '../random';
import type { FloatArray } from '../tensor';

/** Elastic distortion's smoothing, in pixels (Simard, Steinkraus & Platt 2003 use σ = 4). */
export const ELASTIC_SIGMA = 4;

/**
 * Numbers one image's drawn distortion takes (Augmenter.drawRows): stroke width, scale,
 * angle, shift x, shift y.
 */
export const DISTORTION_FLOATS = 5;

/**
 * Images' distortions drawn but not applied (Augmenter.drawRows): row r's at
 * distortions[r·DISTORTION_FLOATS], its elastic field (x, then y displacements; none
 * without elastic distortion) at fields[r·Augmenter.fieldLength].
 */
export interface DrawnDistortions {
  distortions: Float64Array;
  fields: Float64Array;
}

/** Whether any distortion is switched on. */
export function augments(a: Augmentation | undefined): a is Augmentation {
  return !!a && [a.shift, a.rotation, a.scale, a.strokeWidth, a.elastic].some((v) => (v ?? 0) > 0);
}

/** "shift 2 px, rotation 10°, scale ±10%" for logs and reports; "none" when off. */
export function describeAugmentation(a: Augmentation | undefined): string {
  if (!augments(a)) return 'none';
  const parts: string[] = [];
  if (a.shift) parts.push(`shift ${a.shift} px`);
  if (a.rotation) parts.push(`rotation ${a.rotation}°`);
  if (a.scale) parts.push(`scale ±${Math.round(a.scale * 100)}%`);
  if (a.strokeWidth) parts.push(`stroke width ±${a.strokeWidth} px`);
  if (a.elastic) parts.push(`elastic α ${a.elastic} px`);
  return parts.join(', ');
}

/**
 * Random distortions of training images, drawn per image from one seeded stream, so
 * a seed gives the same distorted batches every run. For an image of pixels in 0..1:
 *
 * 1. stroke width: w ~ U(−strokeWidth, strokeWidth); |w| rounds of grey-scale dilation
 *    (w > 0: each pixel becomes the max of itself and its 4 neighbours, so strokes
 *    grow a pixel on each side) or erosion (w < 0, the min), the fractional part
 *    blended linearly;
 * 2. one resampling (bilinear, zeros outside) through the inverse of
 *    p ↦ c + s·R(θ)·(p − c) + t + d(p), with c the image centre, s ~ U(1 ± scale),
 *    θ ~ U(±rotation), t ~ U(±shift)² and d an elastic displacement field: uniform
 *    noise in [−1, 1] per pixel and axis, smoothed by a Gaussian of σ = 4 and scaled so
 *    its largest displacement is α = elastic pixels (after Simard et al. 2003).
 *
 * A setting of 0 (or absent) draws nothing and changes nothing; with all of them 0 the
 * image is returned untouched. Buffers are allocated once per image size.
 */
export class Augmenter {
  private readonly size: number;
  private readonly source: Float64Array;
  private readonly spare: Float64Array;
  /** Numbers one image's elastic field takes in a DrawnDistortions. */
  readonly fieldLength: number;
  /** One image's drawn distortion, for `apply`. */
  private readonly drawn: DrawnDistortions;
  private readonly gaussian: Float64Array;

  /**
   * `random` is the stream the distortions are drawn from; without one the augmenter only
   * applies distortions drawn elsewhere (a data-parallel worker's, `applyDrawnRows`).
   */
  constructor(
    readonly settings: Augmentation,
    readonly rows: number,
    readonly cols: number,
    private readonly random?: Random,
  ) {
    this.size = rows * cols;
    this.source = new Float64Array(this.size);
    this.spare = new Float64Array(this.size);
    this.fieldLength = settings.elastic ? 2 * this.size : 0;
    this.drawn = this.drawnFor(1);
    const radius = Math.ceil(2 * ELASTIC_SIGMA);
    this.gaussian = Float64Array.from({ length: 2 * radius + 1 }, (_, i) =>
      Math.exp(-((i - radius) ** 2) / (2 * ELASTIC_SIGMA ** 2)),
    );
    const total = this.gaussian.reduce((a, b) => a + b, 0);
    for (let i = 0; i < this.gaussian.length; i++) this.gaussian[i] /= total;
  }

  /** Distorts each of the `count` images stored one after another in `pixels`, in place. */
  applyBatch(pixels: FloatArray, count: number): void {
    if (!augments(this.settings)) return;
    for (let i = 0; i < count; i++) this.apply(pixels, i * this.size);
  }

  /** Distorts the image at pixels[offset .. offset + rows·cols), in place. */
  apply(pixels: FloatArray, offset = 0): void {
    if (!augments(this.settings)) return;
    this.draw(this.drawn, 0);
    this.applyDrawn(pixels, offset, this.drawn, 0);
  }

  /** Room for `count` images' drawn distortions; in shared memory, for other threads, when `shared`. */
  drawnFor(count: number, shared = false): DrawnDistortions {
    const floats = (n: number) =>
      shared ? new Float64Array(new SharedArrayBuffer(Math.max(1, n) * 8)) : new Float64Array(n);
    return { distortions: floats(count * DISTORTION_FLOATS), fields: floats(count * this.fieldLength) };
  }

  /**
   * Draws `count` images' distortions from the stream, in order, as `applyBatch` would,
   * into drawn's first rows, without touching any image. Data-parallel training draws a
   * batch's on the calling thread, and each thread applies its shard's (data-parallel.ts).
   */
  drawRows(drawn: DrawnDistortions, count: number): void {
    for (let r = 0; r < count; r++) this.draw(drawn, r);
  }

  /**
   * Applies drawn rows first … first + count − 1 to the `count` images stored one after
   * another in `pixels`, in place.
   */
  applyDrawnRows(pixels: FloatArray, drawn: DrawnDistortions, first: number, count: number): void {
    for (let i = 0; i < count; i++) this.applyDrawn(pixels, i * this.size, drawn, first + i);
  }

  /** Copies drawn rows [first, end) from one set to another, at the same rows. */
  copyDrawnRows(from: DrawnDistortions, to: DrawnDistortions, first: number, end: number): void {
    to.distortions.set(
      from.distortions.subarray(first * DISTORTION_FLOATS, end * DISTORTION_FLOATS),
      first * DISTORTION_FLOATS,
    );
    to.fields.set(from.fields.subarray(first * this.fieldLength, end * this.fieldLength), first * this.fieldLength);
  }

  /** Draws row `row` of `drawn` from the stream: stroke width, scale, angle in radians, shift x, shift y, and the elastic field. */
  private draw(drawn: DrawnDistortions, row: number): void {
    const a = this.settings;
    const random = this.random;
    if (!random) throw new Error('this augmenter only applies distortions drawn elsewhere');
    const { distortions } = drawn;
    const at = row * DISTORTION_FLOATS;
    distortions[at] = a.strokeWidth ? random.uniform(-a.strokeWidth, a.strokeWidth) : 0;
    distortions[at + 1] = a.scale ? random.uniform(1 - a.scale, 1 + a.scale) : 1;
    distortions[at + 2] = a.rotation ? (random.uniform(-a.rotation, a.rotation) * Math.PI) / 180 : 0;
    distortions[at + 3] = a.shift ? random.uniform(-a.shift, a.shift) : 0;
    distortions[at + 4] = a.shift ? random.uniform(-a.shift, a.shift) : 0;
    const fieldAt = row * this.fieldLength;
    if (a.elastic) this.elasticField(a.elastic, random, drawn.fields.subarray(fieldAt, fieldAt + this.fieldLength));
  }

  /** Applies row `row` of `drawn` to the image at pixels[offset .. offset + rows·cols), in place. */
  private applyDrawn(pixels: FloatArray, offset: number, drawn: DrawnDistortions, row: number): void {
    const a = this.settings;
    if (!augments(a)) return;
    const { distortions, fields: field } = drawn;
    const at = row * DISTORTION_FLOATS;
    const fieldAt = row * this.fieldLength;
    const image = this.source;
    for (let i = 0; i < this.size; i++) image[i] = pixels[offset + i];
    const strokeWidth = distortions[at];
    if (strokeWidth) this.changeStrokeWidth(strokeWidth);

    const scale = distortions[at + 1];
    const angle = distortions[at + 2];
    const tx = distortions[at + 3];
    const ty = distortions[at + 4];
    const elastic = !!a.elastic;
    const fieldX = field.subarray(fieldAt, fieldAt + this.size);
    const fieldY = field.subarray(fieldAt + this.size, fieldAt + 2 * this.size);
    if (scale === 1 && angle === 0 && tx === 0 && ty === 0 && !elastic) {
      for (let i = 0; i < this.size; i++) pixels[offset + i] = image[i];
      return;
    }
    // Output pixel p comes from c + R(−θ)·(p − d(p) − t − c) / s.
    const cos = Math.cos(angle) / scale;
    const sin = Math.sin(angle) / scale;
    const cx = (this.cols - 1) / 2;
    const cy = (this.rows - 1) / 2;
    for (let y = 0; y < this.rows; y++) {
      for (let x = 0; x < this.cols; x++) {
        const i = y * this.cols + x;
        const u = x - tx - cx - (elastic ? fieldX[i] : 0);
        const v = y - ty - cy - (elastic ? fieldY[i] : 0);
        pixels[offset + i] = this.sample(cx + cos * u + sin * v, cy - sin * u + cos * v);
      }
    }
  }

  /**
   * Bilinear interpolation of the working image, 0 outside it. Written without a helper
   * closure: it runs 784 times per image on the thread that feeds every training thread.
   */
  private sample(x: number, y: number): number {
    const { cols, rows, source } = this;
    const x0 = Math.floor(x);
    const y0 = Math.floor(y);
    const fx = x - x0;
    const fy = y - y0;
    const left = x0 >= 0 && x0 < cols;
    const right = x0 + 1 >= 0 && x0 + 1 < cols;
    const above = y0 >= 0 && y0 < rows;
    const below = y0 + 1 >= 0 && y0 + 1 < rows;
    const row = y0 * cols;
    const top =
      (left && above ? source[row + x0] : 0) * (1 - fx) +
      (fx === 0 ? 0 : (right && above ? source[row + x0 + 1] : 0) * fx);
    if (fy === 0) return top;
    const bottom =
      (left && below ? source[row + cols + x0] : 0) * (1 - fx) +
      (fx === 0 ? 0 : (right && below ? source[row + cols + x0 + 1] : 0) * fx);
    return top * (1 - fy) + bottom * fy;
  }

  /** |w| rounds of dilation (w > 0) or erosion (w < 0) of the working image, the last one partial. */
  private changeStrokeWidth(w: number): void {
    const image = this.source;
    const next = this.spare;
    const grow = w > 0;
    let remaining = Math.abs(w);
    while (remaining > 0) {
      const fraction = Math.min(1, remaining);
      for (let y = 0; y < this.rows; y++) {
        for (let x = 0; x < this.cols; x++) {
          const i = y * this.cols + x;
          // Outside the image counts as background, so erosion thins strokes that touch the edge too.
          const left = x > 0 ? image[i - 1] : 0;
          const right = x < this.cols - 1 ? image[i + 1] : 0;
          const up = y > 0 ? image[i - this.cols] : 0;
          const down = y < this.rows - 1 ? image[i + this.cols] : 0;
          const v = grow ? Math.max(image[i], left, right, up, down) : Math.min(image[i], left, right, up, down);
          next[i] = image[i] + fraction * (v - image[i]);
        }
      }
      image.set(next);
      remaining -= fraction;
    }
  }

  /**
   * Fills `out` (x displacements, then y) with smoothed noise scaled so the largest
   * displacement is α pixels (Simard et al. scale by α directly, which needs α ≈ 34
   * because smoothing shrinks the noise; here α reads in pixels).
   */
  private elasticField(alpha: number, random: Random, out: Float64Array): void {
    const fieldX = out.subarray(0, this.size);
    const fieldY = out.subarray(this.size, 2 * this.size);
    let largest = 0;
    for (const field of [fieldX, fieldY]) {
      for (let i = 0; i < this.size; i++) field[i] = random.uniform(-1, 1);
      this.blur(field);
      for (let i = 0; i < this.size; i++) largest = Math.max(largest, Math.abs(field[i]));
    }
    const k = largest > 0 ? alpha / largest : 0;
    for (let i = 0; i < this.size; i++) {
      fieldX[i] *= k;
      fieldY[i] *= k;
    }
  }

  /** Separable Gaussian blur in place, zero outside the image. */
  private blur(field: Float64Array): void {
    const g = this.gaussian;
    const radius = (g.length - 1) / 2;
    const tmp = this.spare;
    for (let y = 0; y < this.rows; y++) {
      for (let x = 0; x < this.cols; x++) {
        let s = 0;
        for (let k = -radius; k <= radius; k++) {
          const xx = x + k;
          if (xx >= 0 && xx < this.cols) s += g[k + radius] * field[y * this.cols + xx];
        }
        tmp[y * this.cols + x] = s;
      }
    }
    for (let y = 0; y < this.rows; y++) {
      for (let x = 0; x < this.cols; x++) {
        let s = 0;
        for (let k = -radius; k <= radius; k++) {
          const yy = y + k;
          if (yy >= 0 && yy < this.rows) s += g[k + radius] * tmp[yy * this.cols + x];
        }
        field[y * this.cols + x] = s;
      }
    }
  }
}
