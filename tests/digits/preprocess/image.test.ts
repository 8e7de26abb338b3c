import { describe, expect, it } from 'vitest';
import { centreOfMass, greyImageToInput, INPUT_SIDE } from '../../../src/digits/preprocess/image';

/**
 * An MNIST-like "0": a ring 2 px thick in rows 4..23 and columns 9..19 (20 px tall),
 * anti-aliased grey on its outer corners, plus a 1-pixel tail so its centre of mass
 * is not exactly on a half pixel. Light ink on black, as MNIST stores digits.
 */
function mnistLikeZero(): Uint8Array {
  const image = new Uint8Array(INPUT_SIDE * INPUT_SIDE);
  for (let row = 4; row <= 23; row++) {
    for (let col = 9; col <= 19; col++) {
      const onRing = row <= 5 || row >= 22 || col <= 10 || col >= 18;
      if (onRing) image[row * INPUT_SIDE + col] = 255;
    }
  }
  for (const [row, col] of [
    [4, 9],
    [4, 19],
    [23, 9],
    [23, 19],
  ]) {
    image[row * INPUT_SIDE + col] = 128;
  }
  image[23 * INPUT_SIDE + 20] = 200;
  return image;
}

/** Scales a small image up by an integer factor, each pixel becoming a block. */
function enlarge(image: Uint8Array, side: number, factor: number): Uint8Array {
  const big = new Uint8Array(side * factor * side * factor);
  for (let y = 0; y < side * factor; y++) {
    for (let x = 0; x < side * factor; x++) {
      big[y * side * factor + x] = image[Math.floor(y / factor) * side + Math.floor(x / factor)];
    }
  }
  return big;
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

function inkRows(image: Float32Array): number {
  let rows = 0;
  for (let row = 0; row < INPUT_SIDE; row++) {
    if (image.subarray(row * INPUT_SIDE, (row + 1) * INPUT_SIDE).some((v) => v > 0)) rows++;
  }
  return rows;
}

describe('greyImageToInput', () => {
  it('leaves an image that already looks like MNIST as it was', () => {
    const zero = mnistLikeZero();
    const input = greyImageToInput(zero, INPUT_SIDE, INPUT_SIDE);
    expect(input).toHaveLength(784);
    expect(
      maxDifference(
        input,
        Float32Array.from(zero, (v) => v / 255),
      ),
    ).toBeLessThan(1e-6);
    const centre = centreOfMass(input, INPUT_SIDE)!;
    expect(Math.abs(centre.x - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(centre.y - 14)).toBeLessThanOrEqual(0.5);
  });

  it('inverts dark ink on white paper, detected from the border', () => {
    const dark = greyImageToInput(mnistLikeZero(), INPUT_SIDE, INPUT_SIDE);
    const paper = mnistLikeZero().map((v) => 255 - v);
    expect(maxDifference(greyImageToInput(paper, INPUT_SIDE, INPUT_SIDE), dark)).toBeLessThan(1e-6);
    expect(maxDifference(greyImageToInput(paper, INPUT_SIDE, INPUT_SIDE, { invert: true }), dark)).toBeLessThan(1e-6);
  });

  it('does not invert when told the ink is already light', () => {
    const dark = greyImageToInput(mnistLikeZero(), INPUT_SIDE, INPUT_SIDE, { invert: false });
    expect(dark[0]).toBe(0);
    const paper = greyImageToInput(
      mnistLikeZero().map((v) => 255 - v),
      INPUT_SIDE,
      INPUT_SIDE,
      { invert: false },
    );
    expect(paper).not.toEqual(dark);
  });

  it('treats grey paper as background', () => {
    const zero = mnistLikeZero();
    const greyPaper = zero.map((v) => 200 - Math.round((v / 255) * 150)); // paper 200, ink 50
    const input = greyImageToInput(greyPaper, INPUT_SIDE, INPUT_SIDE);
    expect(input[0]).toBe(0);
    expect(maxDifference(input, greyImageToInput(zero, INPUT_SIDE, INPUT_SIDE))).toBeLessThan(0.01);
  });

  it('shrinks a large scan so the digit is 20 px tall and centred', () => {
    const scan = enlarge(
      mnistLikeZero().map((v) => 255 - v),
      INPUT_SIDE,
      10,
    );
    const input = greyImageToInput(scan, 280, 280);
    expect(inkRows(input)).toBe(20);
    expect(maxDifference(input, greyImageToInput(mnistLikeZero(), INPUT_SIDE, INPUT_SIDE))).toBeLessThan(0.01);
  });

  it('enlarges a tiny image to 20 px tall and keeps it in 0..1', () => {
    const tiny = new Uint8Array(5 * 5);
    for (const i of [1, 2, 3, 6, 8, 11, 13, 16, 18, 21, 22, 23]) tiny[i] = 255; // a little "0"
    const input = greyImageToInput(tiny, 5, 5, { invert: false });
    expect(inkRows(input)).toBe(20);
    expect(Math.min(...input)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...input)).toBeLessThanOrEqual(1);
    const centre = centreOfMass(input, INPUT_SIDE)!;
    expect(Math.abs(centre.x - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(centre.y - 14)).toBeLessThanOrEqual(0.5);
  });

  it('reads floats as 0..1 intensities', () => {
    const bytes = mnistLikeZero();
    const floats = Float32Array.from(bytes, (v) => v / 255);
    expect(maxDifference(greyImageToInput(floats, INPUT_SIDE, INPUT_SIDE), greyImageToInput(bytes, 28, 28))).toBe(0);
  });

  it('returns all zeros for a blank or uniform image', () => {
    expect(greyImageToInput(new Uint8Array(100).fill(255), 10, 10).every((v) => v === 0)).toBe(true);
    expect(greyImageToInput(new Uint8Array(100).fill(128), 10, 10).every((v) => v === 0)).toBe(true);
  });

  it('rejects a pixel count that does not match the size', () => {
    expect(() => greyImageToInput(new Uint8Array(10), 4, 4)).toThrow(RangeError);
  });
});
