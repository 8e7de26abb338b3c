import { PNG } from 'pngjs';
import { greyImageToInput } from './image';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

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
