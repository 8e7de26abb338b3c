import { describe, expect, it } from 'vitest';
import { distortedDataset, drawnLikeDistortion } from '../../../bench/drawn-set/distorted-mnist';
import { centreOfMass, greyImageToInput } from '../../../src/digits/preprocess/image';
import { strokesToInput } from '../../../src/digits/preprocess/strokes';
import type { Dataset } from '../../../src/engine/data/dataset';

/** A 7 and a 1 drawn into 28 x 28 by the app's preprocessing, shifted off-centre by `dx` whole pixels. */
function twoDigits(dx = 0): Dataset {
  const seven = strokesToInput([
    [
      [0, 0],
      [10, 0],
      [4, 14],
    ],
  ]);
  const one = strokesToInput([
    [
      [5, 0],
      [5, 20],
    ],
  ]);
  const images = new Uint8Array(2 * 784);
  [seven, one].forEach((image, n) => {
    for (let row = 0; row < 28; row++) {
      for (let col = 0; col < 28; col++) {
        const from = col - dx;
        if (from >= 0 && from < 28) images[n * 784 + row * 28 + col] = Math.round(image[row * 28 + from] * 255);
      }
    }
  });
  return { images, labels: Uint8Array.from([7, 1]), count: 2, rows: 28, cols: 28 };
}

const image = (d: Dataset, n: number) => d.images.subarray(n * 784, (n + 1) * 784);

describe('distorted MNIST: distortions that survive preprocessing', () => {
  it('without distortion it is the app preprocessing of the image, wherever the digit sat', () => {
    const none = { rotation: 0, slant: 0, aspect: 0, wobble: 0 };
    const data = twoDigits();
    for (const dx of [0, -3, 4]) {
      const out = distortedDataset(twoDigits(dx), none);
      for (let n = 0; n < 2; n++) {
        const expected = greyImageToInput(image(data, n), 28, 28, { invert: false }).map((v) => Math.round(v * 255));
        expect(Array.from(image(out, n))).toEqual(Array.from(expected));
      }
    }
  });

  it('the same seed gives the same set, another seed another; labels are kept', () => {
    const a = distortedDataset(twoDigits(), drawnLikeDistortion, 1);
    expect(distortedDataset(twoDigits(), drawnLikeDistortion, 1).images).toEqual(a.images);
    expect(distortedDataset(twoDigits(), drawnLikeDistortion, 2).images).not.toEqual(a.images);
    expect(Array.from(a.labels)).toEqual([7, 1]);
  });

  it('changes the digit yet leaves it centred by mass as the app would', () => {
    const plain = distortedDataset(twoDigits(), { rotation: 0, slant: 0, aspect: 0, wobble: 0 });
    for (let seed = 0; seed < 5; seed++) {
      const out = distortedDataset(twoDigits(), drawnLikeDistortion, seed);
      for (let n = 0; n < 2; n++) {
        expect(image(out, n)).not.toEqual(image(plain, n));
        const centre = centreOfMass(image(out, n), 28)!;
        expect(Math.abs(centre.x - 14)).toBeLessThanOrEqual(0.5);
        expect(Math.abs(centre.y - 14)).toBeLessThanOrEqual(0.5);
      }
    }
  });
});
