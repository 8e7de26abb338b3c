import { PNG } from 'pngjs';

/**
 * A contact sheet of small grey images of one size (feature maps, filters, weight
 * templates) for `tegaki inspect --png`: `tiles` images in a grid `columns` across, each
 * pixel drawn as a `scale` x `scale` square, a 1 px gap around every tile. So the PNG is
 *
 *   columns·(tileWidth·scale + 1) + 1  wide,  rows·(tileHeight·scale + 1) + 1  high,
 *
 * with rows = ceil(tiles / columns). A NaN value (a strip's unused end) shows as the gap.
 */
export interface Sheet {
  tiles: number;
  tileWidth: number;
  tileHeight: number;
  columns: number;
  scale: number;
  /** Tile t's value at (y, x). */
  valueAt(tile: number, y: number, x: number): number;
  /** A value -> 0 (black) .. 255 (white). */
  grey(value: number): number;
}

const GAP = [40, 70, 130] as const;

export function sheetPng(sheet: Sheet): Buffer {
  const { tiles, tileWidth, tileHeight, columns, scale } = sheet;
  const rows = Math.ceil(tiles / columns);
  const cellWidth = tileWidth * scale + 1;
  const cellHeight = tileHeight * scale + 1;
  const png = new PNG({ width: columns * cellWidth + 1, height: rows * cellHeight + 1 });
  const paint = (px: number, py: number, rgb: readonly number[]): void => {
    const at = (py * png.width + px) * 4;
    png.data[at] = rgb[0];
    png.data[at + 1] = rgb[1];
    png.data[at + 2] = rgb[2];
    png.data[at + 3] = 255;
  };
  for (let py = 0; py < png.height; py++) for (let px = 0; px < png.width; px++) paint(px, py, GAP);
  for (let t = 0; t < tiles; t++) {
    const left = (t % columns) * cellWidth + 1;
    const top = Math.floor(t / columns) * cellHeight + 1;
    for (let y = 0; y < tileHeight; y++) {
      for (let x = 0; x < tileWidth; x++) {
        const value = sheet.valueAt(t, y, x);
        if (Number.isNaN(value)) continue;
        const g = Math.round(Math.min(255, Math.max(0, sheet.grey(value))));
        for (let dy = 0; dy < scale; dy++)
          for (let dx = 0; dx < scale; dx++) paint(left + x * scale + dx, top + y * scale + dy, [g, g, g]);
      }
    }
  }
  return PNG.sync.write(png);
}

/** Black at `low`, white at `high` (all mid-grey when they are equal): for activations. */
export function linearGrey(low: number, high: number): (value: number) => number {
  return high > low ? (v) => ((v - low) / (high - low)) * 255 : () => 128;
}

/** Mid-grey at 0, white at +largest, black at -largest: for weights, whose sign matters. */
export function signedGrey(largest: number): (value: number) => number {
  return largest > 0 ? (v) => 127.5 + (v / largest) * 127.5 : () => 127.5;
}
