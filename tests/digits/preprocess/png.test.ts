import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { centreOfMass, greyImageToInput, INPUT_SIDE } from '../../../src/digits/preprocess/image';
import { pngToInput } from '../../../src/digits/preprocess/png';
import { crc32, deflateSync } from 'node:zlib';

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

/** A PNG written chunk by chunk: any header, any image data, valid CRCs. */
function handMadePng(width: number, height: number, imageData: Uint8Array, interlaced = false): Uint8Array {
  const chunk = (type: string, data: Uint8Array): Buffer => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'latin1');
    out.set(data, 8);
    out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, interlaced ? 1 : 0], 8); // 8-bit grey
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return new Uint8Array(Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(imageData)), chunk('IEND', new Uint8Array(0))]));
}

describe('image limits, from the PNG header before decoding', () => {
  it('a tiny file declaring a 100,000 x 100,000 image is refused for its size', () => {
    const bytes = handMadePng(100_000, 100_000, new Uint8Array(1));
    expect(bytes.length).toBeLessThan(100);
    expect(() => pngToInput(bytes)).toThrow('image too large: an image is at most 8192 pixels wide and high; this one is 100000x100000');
    expect(() => pngToInput(handMadePng(8000, 8000, new Uint8Array(1)))).toThrow('an image has at most 16777216 pixels; this one has 64000000');
  });

  it('a decompression bomb, 64 MB of zeros in a small interlaced 64x64 PNG, is refused without inflating it all', () => {
    const bytes = handMadePng(64, 64, new Uint8Array(64 * 1024 * 1024), true);
    expect(bytes.length).toBeLessThan(100_000);
    expect(() => pngToInput(bytes)).toThrow(/inflates to more than the \d+ bytes a 64x64 image holds/);
  });

  it('an interlaced PNG of the right size still decodes', () => {
    // Adam7 on 40x40 grey: every pass's rows with their filter bytes, all zero (black).
    const passes = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]];
    const size = passes.reduce((n, [x0, y0, dx, dy]) => n + Math.ceil((40 - y0) / dy) * (1 + Math.ceil((40 - x0) / dx)), 0);
    expect(pngToInput(handMadePng(40, 40, new Uint8Array(size), true))).toHaveLength(784);
  });
});
