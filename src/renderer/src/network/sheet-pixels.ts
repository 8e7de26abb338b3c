import type { SheetLayout } from './network-math';
import { mapOrigin } from './network-math';

const HOT = [220, 38, 38] as const;
const COLD = [37, 99, 235] as const;

export interface SheetColours {
  lo: number;
  hi: number;
  dark: boolean;
  diverging?: boolean;
}

/**
 * The RGBA pixels of maps laid out by `layout`, one canvas pixel per value, written into
 * `rgba` (`pixelWidth x pixelHeight x 4`, reused from one answer to the next): grey from
 * paper (lowest) to ink (highest) between `lo` and `hi`, as the 28x28 preview shows the
 * input; or, `diverging`, red for positive and blue for negative, scaled to the largest
 * |lo| or |hi|; the gaps between maps a flat grey. Values past the end count as 0.
 *
 * It runs for every layer of every answer while the person draws, so it allocates nothing.
 */
export function sheetPixels(
  layout: SheetLayout,
  values: ArrayLike<number>,
  { lo, hi, dark, diverging }: SheetColours,
  rgba: Uint8ClampedArray,
): void {
  const { pixelWidth, height, width, count } = layout;
  const paper = dark ? 27 : 246;
  const ink = dark ? 245 : 24;
  const gap = dark ? 60 : 200;
  for (let i = 0; i < rgba.length; i += 4) {
    rgba[i] = gap;
    rgba[i + 1] = gap;
    rgba[i + 2] = gap;
    rgba[i + 3] = 255;
  }
  const span = hi - lo || 1;
  const reach = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
  const mapSize = height * width;
  for (let c = 0; c < count; c++) {
    const { left, top } = mapOrigin(layout, c);
    for (let y = 0; y < height; y++) {
      let at = ((top + y) * pixelWidth + left) * 4;
      let from = c * mapSize + y * width;
      for (let x = 0; x < width; x++, at += 4, from++) {
        const v = values[from] ?? 0;
        if (diverging) {
          const strength = Math.min(1, Math.abs(v) / reach);
          const hue = v >= 0 ? HOT : COLD;
          rgba[at] = Math.round(paper + (hue[0] - paper) * strength);
          rgba[at + 1] = Math.round(paper + (hue[1] - paper) * strength);
          rgba[at + 2] = Math.round(paper + (hue[2] - paper) * strength);
        } else {
          const amount = Math.max(0, Math.min(1, (v - lo) / span));
          const grey = Math.round(paper + (ink - paper) * amount);
          rgba[at] = grey;
          rgba[at + 1] = grey;
          rgba[at + 2] = grey;
        }
      }
    }
  }
}
