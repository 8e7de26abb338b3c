import { describe, expect, it } from 'vitest';
import { filled, geometry } from '../../fixtures/kernel-operands';
import { fast, reference } from '../../../src/engine/kernels';
import type { Kernels } from '../../../src/engine/kernels';
import type { ConvGeometry } from '../../../src/engine/kernels/reference/conv';
import { Random } from '../../../src/engine/random';
import { allocate } from '../../../src/engine/tensor';

/**
 * The convolution layer's three products (forward, filter gradient, input gradient):
 * the fast kernels, which never build im2col's columns, against the reference's im2col
 * and matrix products. They add the same terms in another order, so they agree to
 * float32 rounding: within 1e-5 of the sum of the terms' magnitudes, which the
 * reference gives for |X| and |W| (or |dY|).
 */
const fastKernels = fast as Kernels;

interface Case {
  g: ConvGeometry;
  filters: number;
  count: number;
  /** Share of zeros in the input and in dY, as MNIST, ReLU and max pooling give. */
  zeros: number;
  /** dY's share of zeros when it differs: after max pooling's backward dY is sparser than the layer's input. */
  dyZeros?: number;
}

const cases: Case[] = [
  // The cnn preset's and the small CNN's layers.
  { g: geometry(28, 28, 1, 5, 1, 'same'), filters: 16, count: 3, zeros: 0.8 },
  { g: geometry(14, 14, 16, 5, 1, 'same'), filters: 32, count: 2, zeros: 0.5 },
  { g: geometry(14, 14, 8, 5, 1, 'same'), filters: 16, count: 2, zeros: 0.5 },
  // Kernels 1, 3 and 7; 'valid'; odd sizes; channel and filter counts off multiples of 4.
  { g: geometry(9, 7, 3, 1, 1, 'valid'), filters: 5, count: 2, zeros: 0.3 },
  { g: geometry(11, 9, 6, 3, 1, 'same'), filters: 12, count: 3, zeros: 0 },
  { g: geometry(10, 13, 4, 3, 1, 'valid'), filters: 40, count: 1, zeros: 0.5 },
  { g: geometry(12, 12, 2, 7, 1, 'same'), filters: 8, count: 2, zeros: 0.3 },
  { g: geometry(9, 11, 5, 7, 1, 'valid'), filters: 3, count: 1, zeros: 0.3 },
  { g: geometry(5, 5, 1, 5, 1, 'valid'), filters: 1, count: 1, zeros: 0 },
  // Strides, and a window wider than the image with 'same'.
  { g: geometry(7, 9, 3, 3, 2, 'same'), filters: 6, count: 2, zeros: 0.3 },
  { g: geometry(9, 8, 4, 4, 2, 'valid'), filters: 36, count: 2, zeros: 0.5 },
  { g: geometry(6, 6, 5, 4, 3, 'same'), filters: 7, count: 2, zeros: 0 },
  { g: geometry(3, 4, 2, 5, 1, 'same'), filters: 4, count: 2, zeros: 0.2 },
  // A dense input and a sparse dY (the filter gradient lists dY by filter, its windows' lines
  // in runs of 28 floats): k·C of 80, 21, 28 (one run exactly), 30, with odd sizes and strides.
  { g: geometry(13, 11, 16, 5, 1, 'same'), filters: 32, count: 3, zeros: 0.3, dyZeros: 0.85 },
  { g: geometry(10, 9, 7, 3, 1, 'valid'), filters: 9, count: 2, zeros: 0, dyZeros: 0.8 },
  { g: geometry(9, 9, 7, 4, 2, 'same'), filters: 13, count: 2, zeros: 0.1, dyZeros: 0.7 },
  { g: geometry(11, 12, 6, 5, 2, 'valid'), filters: 6, count: 3, zeros: 0.2, dyZeros: 0 },
  // Explicit padding at stride 1: the output larger than 'same' gives, or smaller (the forward
  // pass cuts each pixel's run of outputs at both ends of the row).
  { g: geometry(6, 5, 3, 3, 1, 2), filters: 5, count: 2, zeros: 0.3 },
  { g: geometry(7, 6, 4, 5, 1, 1), filters: 8, count: 2, zeros: 0.2 },
  // Mostly non-zero inputs and filters a multiple of 16: the forward pass runs dense
  // (pairs of output positions, an odd one left at a row's end).
  { g: geometry(14, 14, 8, 5, 1, 'same'), filters: 16, count: 2, zeros: 0.1 },
  { g: geometry(9, 10, 3, 3, 1, 'valid'), filters: 16, count: 2, zeros: 0 },
  { g: geometry(6, 7, 5, 5, 1, 2), filters: 48, count: 2, zeros: 0.2 },
  // A dense dY (a batch-normalised layer's gradient) into 16 or 32 channels at stride 1: the
  // input gradient runs as a dense forward pass of the turned kernel ('same', 'valid' and
  // explicit padding; an odd output column).
  { g: geometry(14, 14, 16, 3, 1, 'same'), filters: 32, count: 2, zeros: 0.5, dyZeros: 0 },
  { g: geometry(9, 7, 16, 3, 1, 'valid'), filters: 8, count: 2, zeros: 0.3, dyZeros: 0.1 },
  { g: geometry(7, 9, 32, 5, 1, 1), filters: 5, count: 2, zeros: 0.2, dyZeros: 0 },
  // All zeros: every list empty.
  { g: geometry(8, 8, 4, 3, 1, 'same'), filters: 8, count: 2, zeros: 1 },
  // Many samples: the filter gradient listing the input's non-zeros (stride 1) takes a pass per
  // sample or few (fast.ts FILTER_GRADIENT_CHUNK_BYTES); listing dY's (stride 2) goes sample by sample.
  { g: geometry(28, 28, 1, 1, 1, 'same'), filters: 64, count: 45, zeros: 0.5 },
  { g: geometry(28, 28, 1, 1, 2, 'valid'), filters: 64, count: 90, zeros: 0.5 },
];

function name({ g, filters, count, zeros, dyZeros }: Case): string {
  return (
    `${count} x ${g.height}x${g.width}x${g.channels} -> ${filters} filters ${g.kernel}x${g.kernel}, ` +
    `stride ${g.stride}, pad ${g.padTop},${g.padLeft}, ${Math.round(zeros * 100)}% zeros` +
    (dyZeros === undefined ? '' : ` (dY ${Math.round(dyZeros * 100)}%)`)
  );
}

function expectClose(actual: Float32Array, expected: Float32Array, magnitude: Float32Array): void {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const excess = Math.abs(actual[i] - expected[i]) - 1e-5 * Math.max(magnitude[i], 1e-3);
    worst = Math.max(worst, excess);
  }
  expect(worst).toBe(0);
}

const abs = (x: Float32Array) => x.map(Math.abs);

describe('conv layer kernels: fast agrees with the im2col reference to float32 rounding', () => {
  it('loaded', () => expect(fast).toBeDefined());

  for (const c of cases) {
    const { g, filters, count, zeros, dyZeros = zeros } = c;
    const inFloats = count * g.height * g.width * g.channels;
    const outFloats = count * g.outHeight * g.outWidth * filters;
    const weights = g.kernel * g.kernel * g.channels * filters;
    for (const placement of ['kernel', 'heap'] as const) {
      it(`${name(c)}, ${placement} operands`, () => {
        const random = new Random(inFloats + filters);
        const x = filled(inFloats, random, placement, zeros);
        const w = filled(weights, random, placement, 0);
        const bias = filled(filters, random, placement, 0);
        const dy = filled(outFloats, random, placement, dyZeros);

        const y = allocate('float32', outFloats, placement) as Float32Array;
        const yExpected = new Float32Array(outFloats);
        const yMagnitude = new Float32Array(outFloats);
        fastKernels.conv2d(x, count, g, filters, w, bias, y);
        reference.conv2d(x, count, g, filters, w, bias, yExpected);
        reference.conv2d(abs(x), count, g, filters, abs(w), abs(bias), yMagnitude);
        expectClose(y, yExpected, yMagnitude);

        const dw = allocate('float32', weights, placement).fill(7) as Float32Array;
        const dwExpected = new Float32Array(weights);
        const dwMagnitude = new Float32Array(weights);
        fastKernels.conv2dFilterGradient(x, dy, count, g, filters, dw);
        reference.conv2dFilterGradient(x, dy, count, g, filters, dwExpected);
        reference.conv2dFilterGradient(abs(x), abs(dy), count, g, filters, dwMagnitude);
        expectClose(dw, dwExpected, dwMagnitude);

        const dx = allocate('float32', inFloats, placement).fill(7) as Float32Array;
        const dxExpected = new Float32Array(inFloats);
        const dxMagnitude = new Float32Array(inFloats);
        fastKernels.conv2dInputGradient(dy, w, count, g, filters, dx);
        reference.conv2dInputGradient(dy, w, count, g, filters, dxExpected);
        reference.conv2dInputGradient(abs(dy), abs(w), count, g, filters, dxMagnitude);
        expectClose(dx, dxExpected, dxMagnitude);
      });
    }
  }

  it('gives bit-identical results on a second run', () => {
    const g = geometry(14, 14, 16, 5, 1, 'same');
    const random = new Random(3);
    const x = filled(4 * 14 * 14 * 16, random, 'kernel', 0.5);
    const w = filled(400 * 32, random, 'kernel', 0);
    const dy = filled(4 * 14 * 14 * 32, random, 'kernel', 0.8);
    const once = () => {
      const dw = allocate('float32', 400 * 32, 'kernel');
      const dx = allocate('float32', x.length, 'kernel');
      fastKernels.conv2dFilterGradient(x, dy, 4, g, 32, dw);
      fastKernels.conv2dInputGradient(dy, w, 4, g, 32, dx);
      return [...dw, ...dx];
    };
    expect(once()).toEqual(once());
  });
});
