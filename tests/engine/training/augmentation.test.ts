import { describe, expect, it } from 'vitest';
import { Random } from '../../../src/engine/random';
import { Augmenter, augments, describeAugmentation } from '../../../src/engine/training/augmentation';
import type { Augmentation } from '../../../src/shared/hyperparameters';

const SIDE = 16;

/** A 16x16 image with a 4x4 square of ink (1.0) whose top-left corner is (x, y). */
function square(x = 6, y = 6, side = 4): Float32Array {
  const image = new Float32Array(SIDE * SIDE);
  for (let r = y; r < y + side; r++) for (let c = x; c < x + side; c++) image[r * SIDE + c] = 1;
  return image;
}

/** A horizontal bar, 8 wide and 2 high, centred. */
function bar(): Float32Array {
  const image = new Float32Array(SIDE * SIDE);
  for (let r = 7; r < 9; r++) for (let c = 4; c < 12; c++) image[r * SIDE + c] = 1;
  return image;
}

function ink(image: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < image.length; i++) s += image[i];
  return s;
}

function centreOfMass(image: ArrayLike<number>): { x: number; y: number } {
  let sx = 0;
  let sy = 0;
  const total = ink(image);
  for (let i = 0; i < image.length; i++) {
    sx += (i % SIDE) * image[i];
    sy += Math.floor(i / SIDE) * image[i];
  }
  return { x: sx / total, y: sy / total };
}

/** Second moments about the centre of mass: how spread the ink is along x and along y. */
function spread(image: ArrayLike<number>): { xx: number; yy: number } {
  const { x, y } = centreOfMass(image);
  let xx = 0;
  let yy = 0;
  const total = ink(image);
  for (let i = 0; i < image.length; i++) {
    xx += ((i % SIDE) - x) ** 2 * image[i];
    yy += (Math.floor(i / SIDE) - y) ** 2 * image[i];
  }
  return { xx: xx / total, yy: yy / total };
}

function augmented(settings: Augmentation, image: Float32Array, seed = 1): Float32Array {
  const out = Float32Array.from(image);
  new Augmenter(settings, SIDE, SIDE, new Random(seed)).apply(out);
  return out;
}

describe('augmentation', () => {
  it("draws what apply draws, and a drawn distortion applied elsewhere gives apply's image, bit for bit", () => {
    const settings: Augmentation = { shift: 2, rotation: 15, scale: 0.2, strokeWidth: 1.5, elastic: 2 };
    const whole = Float32Array.from(bar());
    const streamA = new Random(11);
    new Augmenter(settings, SIDE, SIDE, streamA).apply(whole);

    const streamB = new Random(11);
    const drawer = new Augmenter(settings, SIDE, SIDE, streamB);
    const drawn = drawer.drawnFor(1);
    drawer.drawRows(drawn, 1);
    const elsewhere = Float32Array.from(bar());
    new Augmenter(settings, SIDE, SIDE).applyDrawnRows(elsewhere, drawn, 0, 1);

    expect(Array.from(elsewhere)).toEqual(Array.from(whole));
    expect(Array.from(elsewhere)).not.toEqual(Array.from(bar()));
    // Both left the stream at the same place.
    expect(streamB.uniform(0, 1)).toBe(streamA.uniform(0, 1));
  });

  it('an augmenter without a stream applies drawn distortions but refuses to draw', () => {
    const applier = new Augmenter({ shift: 2 }, SIDE, SIDE);
    expect(() => applier.drawRows(applier.drawnFor(1), 1)).toThrow(/drawn elsewhere/);
  });

  it('with every setting 0 or absent, leaves images exactly as they were', () => {
    const image = square();
    for (const settings of [{}, { shift: 0, rotation: 0, scale: 0, strokeWidth: 0, elastic: 0 }]) {
      expect(augments(settings)).toBe(false);
      expect(Array.from(augmented(settings, image))).toEqual(Array.from(image));
    }
    expect(describeAugmentation(undefined)).toBe('none');
  });

  it('shift moves the centre of mass by up to `shift` pixels and keeps the ink', () => {
    const image = square();
    const before = centreOfMass(image);
    const moves: number[] = [];
    for (let seed = 1; seed <= 20; seed++) {
      const out = augmented({ shift: 3 }, image, seed);
      const after = centreOfMass(out);
      expect(Math.abs(after.x - before.x)).toBeLessThanOrEqual(3 + 1e-6);
      expect(Math.abs(after.y - before.y)).toBeLessThanOrEqual(3 + 1e-6);
      expect(ink(out)).toBeCloseTo(ink(image), 3);
      moves.push(Math.hypot(after.x - before.x, after.y - before.y));
    }
    expect(Math.max(...moves)).toBeGreaterThan(1);
  });

  it('rotation by up to 45° turns a horizontal bar towards vertical about the centre', () => {
    const image = bar();
    const before = spread(image);
    expect(before.xx).toBeGreaterThan(before.yy);
    let turned = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const out = augmented({ rotation: 45 }, image, seed);
      const after = spread(out);
      // Rotation keeps the total spread (up to bilinear blur) and the centre, and moves spread from x into y.
      expect(Math.abs(after.xx + after.yy - (before.xx + before.yy))).toBeLessThan(0.25 * (before.xx + before.yy));
      expect(centreOfMass(out).x).toBeCloseTo(centreOfMass(image).x, 0);
      if (after.yy > before.yy + 1) turned++;
    }
    expect(turned).toBeGreaterThan(5);
  });

  it('scale grows or shrinks the ink around the centre', () => {
    const image = square(5, 5, 6);
    const areas = Array.from({ length: 20 }, (_, i) => ink(augmented({ scale: 0.3 }, image, i + 1)));
    expect(Math.max(...areas)).toBeGreaterThan(ink(image) * 1.2);
    expect(Math.min(...areas)).toBeLessThan(ink(image) * 0.8);
  });

  it('stroke width thickens or thins the strokes', () => {
    const image = bar();
    const inks = Array.from({ length: 20 }, (_, i) => ink(augmented({ strokeWidth: 1 }, image, i + 1)));
    expect(Math.max(...inks)).toBeGreaterThan(ink(image) * 1.3);
    expect(Math.min(...inks)).toBeLessThan(ink(image) * 0.7);
    for (const v of augmented({ strokeWidth: 2 }, image, 3)) expect(v >= 0 && v <= 1).toBe(true);
  });

  it('elastic distortion moves pixels locally by at most about α and keeps the image in place', () => {
    const image = square(5, 5, 6);
    const out = augmented({ elastic: 2 }, image);
    expect(Array.from(out)).not.toEqual(Array.from(image));
    const before = centreOfMass(image);
    const after = centreOfMass(out);
    expect(Math.hypot(after.x - before.x, after.y - before.y)).toBeLessThan(2);
  });

  it('the same seed gives the same distortions; another seed, others', () => {
    const settings = { shift: 2, rotation: 10, scale: 0.1, strokeWidth: 0.5, elastic: 2 };
    const batch = new Float32Array(3 * SIDE * SIDE);
    for (let i = 0; i < 3; i++) batch.set(square(4 + i, 5), i * SIDE * SIDE);
    const run = (seed: number) => {
      const copy = Float32Array.from(batch);
      new Augmenter(settings, SIDE, SIDE, new Random(seed)).applyBatch(copy, 3);
      return Array.from(copy);
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
    expect(describeAugmentation(settings)).toBe(
      'shift 2 px, rotation 10°, scale ±10%, stroke width ±0.5 px, elastic α 2 px',
    );
  });
});
