import { inflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { greyImageToInput } from './image';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * What a PNG may ask of the machine that decodes it, checked from its header before a
 * pixel is decoded: a few kilobytes can declare a gigapixel image, or compress
 * gigabytes of zeros (a decompression bomb). A 12-megapixel photo of paper fits.
 */
export const IMAGE_LIMITS = {
  /** The file itself. */
  fileBytes: 32 * 1024 * 1024,
  /** Width or height. */
  side: 8192,
  /** Width times height: decoding takes about 16 bytes a pixel (RGBA, then grey floats). */
  pixels: 1 << 24,
} as const;

/** Samples per pixel of each PNG colour type (grey, RGB, palette, grey+alpha, RGBA). */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
/** Adam7 interlacing's seven passes: x start, y start, x step, y step. */
const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]];

interface PngHeader {
  width: number;
  height: number;
  /** The exact size of the image data once inflated, filter bytes included. */
  inflatedBytes: number;
  interlaced: boolean;
}

/** Width, height and data size from the IHDR chunk, which must come first; nothing is decoded. */
function readPngHeader(bytes: Uint8Array): PngHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = new TextDecoder().decode(bytes.subarray(12, 16));
  if (bytes.length < 33 || view.getUint32(8) !== 13 || type !== 'IHDR') throw new Error('not a PNG file (no IHDR header)');
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const bitsPerPixel = bytes[24] * (CHANNELS[bytes[25]] ?? 4);
  const interlaced = bytes[28] === 1;
  const passBytes = (w: number, h: number): number => (w > 0 && h > 0 ? h * (1 + Math.ceil((w * bitsPerPixel) / 8)) : 0);
  const inflatedBytes = interlaced
    ? ADAM7.reduce((sum, [x0, y0, dx, dy]) => sum + passBytes(Math.ceil((width - x0) / dx), Math.ceil((height - y0) / dy)), 0)
    : passBytes(width, height);
  return { width, height, inflatedBytes, interlaced };
}

/** Which image limit `bytes` breaks, if any, read from the PNG header alone. */
function pngLimitProblem(bytes: Uint8Array, header: PngHeader): string | undefined {
  const { width, height } = header;
  if (bytes.length > IMAGE_LIMITS.fileBytes) return `a PNG file is at most ${IMAGE_LIMITS.fileBytes} bytes; this one has ${bytes.length}`;
  if (width > IMAGE_LIMITS.side || height > IMAGE_LIMITS.side) {
    return `an image is at most ${IMAGE_LIMITS.side} pixels wide and high; this one is ${width}x${height}`;
  }
  if (width * height > IMAGE_LIMITS.pixels) return `an image has at most ${IMAGE_LIMITS.pixels} pixels; this one has ${width * height}`;
  return undefined;
}

/**
 * The image data of every IDAT chunk, inflated with a cap at the size the header
 * implies: data that inflates to more is refused, not decoded. pngjs caps
 * non-interlaced images itself but inflates interlaced ones without a bound.
 */
function checkInflatedSize(bytes: Uint8Array, header: PngHeader): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: Uint8Array[] = [];
  for (let at = 8; at + 12 <= bytes.length; ) {
    const length = view.getUint32(at);
    const type = new TextDecoder().decode(bytes.subarray(at + 4, at + 8));
    if (type === 'IDAT') parts.push(bytes.subarray(at + 8, Math.min(bytes.length, at + 8 + length)));
    if (type === 'IEND') break;
    at += 12 + length;
  }
  try {
    inflateSync(Buffer.concat(parts), { maxOutputLength: Math.max(1, header.inflatedBytes) });
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new Error(`not a usable PNG: its data inflates to more than the ${header.inflatedBytes} bytes a ${header.width}x${header.height} image holds`, { cause });
    }
    // Other damage is pngjs's to report.
  }
}

/**
 * PNG file bytes -> 784 floats (see greyImageToInput). Colour becomes luma (ITU-R
 * BT.601 weights) and transparency is composited over white, because a transparent
 * PNG drawn in most editors means "paper"; the ink side is then detected from the
 * border.
 */
export function pngToInput(bytes: Uint8Array): Float32Array {
  if (bytes.length < PNG_SIGNATURE.length || PNG_SIGNATURE.some((b, i) => bytes[i] !== b)) {
    throw new Error('not a PNG file (missing PNG signature)');
  }
  const header = readPngHeader(bytes);
  const problem = pngLimitProblem(bytes, header);
  if (problem) throw new Error(`image too large: ${problem}`);
  if (header.interlaced) checkInflatedSize(bytes, header);
  let png: PNG;
  try {
    png = PNG.sync.read(Buffer.from(bytes));
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new Error(`not a PNG file (cannot decode: ${reason})`, { cause });
  }
  const { width, height, data } = png;
  const grey = new Float32Array(width * height);
  for (let i = 0; i < grey.length; i++) {
    const [r, g, b, a] = [data[4 * i], data[4 * i + 1], data[4 * i + 2], data[4 * i + 3]];
    const luma = 0.299 * r + 0.587 * g + 0.114 * b;
    const alpha = a / 255;
    grey[i] = (luma * alpha + 255 * (1 - alpha)) / 255;
  }
  return greyImageToInput(grey, width, height, { invert: 'auto' });
}
