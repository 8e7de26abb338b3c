import { describe, expect, it } from 'vitest';
import { sheetLayout } from '../../../src/renderer/src/network/network-math';
import { sheetPixels } from '../../../src/renderer/src/network/sheet-pixels';

/** Two 2x2 maps side by side with a one-pixel gap: a 5x2 sheet. */
const layout = sheetLayout({ count: 2, height: 2, width: 2 });

function pixel(rgba: Uint8ClampedArray, x: number, y: number): number[] {
  const at = (y * layout.pixelWidth + x) * 4;
  return Array.from(rgba.subarray(at, at + 4));
}

describe('sheetPixels', () => {
  it('lays the maps out with a grey gap, from paper at lo to ink at hi', () => {
    expect([layout.pixelWidth, layout.pixelHeight]).toEqual([5, 2]);
    const rgba = new Uint8ClampedArray(5 * 2 * 4);
    sheetPixels(layout, [0, 1, 2, 4, 4, 4, 4, 0], { lo: 0, hi: 4, dark: false }, rgba);
    expect(pixel(rgba, 0, 0)).toEqual([246, 246, 246, 255]);
    expect(pixel(rgba, 1, 0)).toEqual([191, 191, 191, 255]);
    expect(pixel(rgba, 0, 1)).toEqual([135, 135, 135, 255]);
    expect(pixel(rgba, 1, 1)).toEqual([24, 24, 24, 255]);
    expect(pixel(rgba, 2, 0)).toEqual([200, 200, 200, 255]);
    expect(pixel(rgba, 2, 1)).toEqual([200, 200, 200, 255]);
    // The second map starts after the gap.
    expect(pixel(rgba, 3, 0)).toEqual([24, 24, 24, 255]);
    expect(pixel(rgba, 4, 1)).toEqual([246, 246, 246, 255]);
  });

  it('diverging: red for positive, blue for negative, scaled to the largest |v|; values past the end count as 0', () => {
    const rgba = new Uint8ClampedArray(5 * 2 * 4);
    sheetPixels(layout, [2, -2, 1, 0, -1], { lo: -2, hi: 2, dark: false, diverging: true }, rgba);
    expect(pixel(rgba, 0, 0)).toEqual([220, 38, 38, 255]);
    expect(pixel(rgba, 1, 0)).toEqual([37, 99, 235, 255]);
    expect(pixel(rgba, 0, 1)).toEqual([233, 142, 142, 255]);
    expect(pixel(rgba, 1, 1)).toEqual([246, 246, 246, 255]);
    expect(pixel(rgba, 3, 0)).toEqual([142, 173, 241, 255]);
    expect(pixel(rgba, 4, 1)).toEqual([246, 246, 246, 255]);
  });

  it('overwrites every pixel of a reused buffer: the dark scheme over a light sheet', () => {
    const rgba = new Uint8ClampedArray(5 * 2 * 4);
    sheetPixels(layout, [4, 4, 4, 4, 4, 4, 4, 4], { lo: 0, hi: 4, dark: false }, rgba);
    sheetPixels(layout, [0, 0, 0, 0, 0, 0, 0, 0], { lo: 0, hi: 4, dark: true }, rgba);
    for (const x of [0, 1, 3, 4]) for (const y of [0, 1]) expect(pixel(rgba, x, y)).toEqual([27, 27, 27, 255]);
    expect(pixel(rgba, 2, 0)).toEqual([60, 60, 60, 255]);
  });
});
