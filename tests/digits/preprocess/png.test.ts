import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { centreOfMass, greyImageToInput, INPUT_SIDE } from '../../../src/digits/preprocess/image';
import { pngToInput } from '../../../src/digits/preprocess/png';

const SIDE = 40;

/** A dark "1" (a 4x30 bar) on a given background, encoded as a PNG file. */
function encodeBar(background: [number, number, number, number], ink: [number, number, number, number]): Uint8Array {
  const png = new PNG({ width: SIDE, height: SIDE });
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const onBar = x >= 18 && x < 22 && y >= 5 && y < 35;
      png.data.set(onBar ? ink : background, 4 * (y * SIDE + x));
    }
  }
  return new Uint8Array(PNG.sync.write(png));
}

describe('pngToInput', () => {
  it('decodes a PNG of dark ink on white paper into an MNIST-like input', () => {
    const input = pngToInput(encodeBar([255, 255, 255, 255], [0, 0, 0, 255]));
    expect(input).toHaveLength(784);
    const expected = new Uint8Array(SIDE * SIDE);
    for (let y = 5; y < 35; y++) for (let x = 18; x < 22; x++) expected[y * SIDE + x] = 255;
    expect(input).toEqual(greyImageToInput(expected, SIDE, SIDE));
    const centre = centreOfMass(input, INPUT_SIDE)!;
    expect(Math.abs(centre.x - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(centre.y - 14)).toBeLessThanOrEqual(0.5);
  });

  it('treats transparent pixels as white paper', () => {
    const transparent = pngToInput(encodeBar([0, 0, 0, 0], [0, 0, 0, 255]));
    const opaque = pngToInput(encodeBar([255, 255, 255, 255], [0, 0, 0, 255]));
    expect(transparent).toEqual(opaque);
  });

  it('reads colour ink by its brightness', () => {
    const blueInk = pngToInput(encodeBar([255, 255, 255, 255], [0, 0, 160, 255]));
    expect(Math.max(...blueInk)).toBe(1);
    expect(blueInk.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  it('rejects bytes that are not a PNG', () => {
    expect(() => pngToInput(new TextEncoder().encode('hello, world'))).toThrow(/not a PNG file/);
    expect(() => pngToInput(new Uint8Array())).toThrow(/not a PNG file/);
  });

  it('rejects a PNG cut short', () => {
    const bytes = encodeBar([255, 255, 255, 255], [0, 0, 0, 255]);
    expect(() => pngToInput(bytes.subarray(0, 40))).toThrow(/not a PNG file/);
  });
});
