import { describe, expect, it } from 'vitest';
import { filled, geometry } from '../../fixtures/kernel-operands';
import { fast, reference } from '../../../src/engine/kernels';
import type { Kernels } from '../../../src/engine/kernels';
import type { ConvGeometry } from '../../../src/engine/kernels/reference/conv';
import type { PoolGeometry } from '../../../src/engine/kernels/reference/max-pool';
import { Random } from '../../../src/engine/random';
import { allocate } from '../../../src/engine/tensor';

/**
 * The convolution and pooling kernels against their reference twins. They only copy,
 * add and compare floats, so the fast ones must agree exactly (col2im adds the same
 * terms in the same order).
 */
const fastKernels = fast as Kernels;

const convCases: ConvGeometry[] = [
  geometry(28, 28, 1, 5, 1, 'same'),
  geometry(14, 14, 8, 5, 1, 'same'),
  geometry(7, 9, 3, 3, 2, 'same'),
  geometry(6, 6, 5, 4, 2, 'same'),
  geometry(8, 7, 6, 3, 1, 'valid'),
  geometry(5, 5, 2, 3, 2, 1),
];

describe('conv and pooling kernels: fast agrees with reference exactly', () => {
  it('loaded', () => expect(fast).toBeDefined());

  for (const g of convCases) {
    const name = `${g.height}x${g.width}x${g.channels}, ${g.kernel}x${g.kernel} stride ${g.stride} pad ${g.padTop},${g.padLeft}`;
    for (const placement of ['kernel', 'heap'] as const) {
      it(`im2col and col2im, ${name}, ${placement} operands, from the second sample on`, () => {
        const random = new Random(g.height * 31 + g.channels);
        const count = 3;
        const perSample = g.height * g.width * g.channels;
        const colFloats = count * g.outHeight * g.outWidth * g.kernel * g.kernel * g.channels;
        const x = filled((count + 1) * perSample, random, placement, 0.3);
        const expected = new Float32Array(colFloats);
        const actual = allocate('float32', colFloats, placement);
        reference.im2col(x, perSample, count, g, expected);
        fastKernels.im2col(x, perSample, count, g, actual);
        expect(Array.from(actual)).toEqual(Array.from(expected));

        const gradCols = filled(colFloats, random, placement, 0.3);
        const dxExpected = new Float32Array((count + 1) * perSample).fill(7);
        const dxActual = allocate('float32', (count + 1) * perSample, placement).fill(7);
        reference.col2im(gradCols, count, g, dxExpected, perSample);
        fastKernels.col2im(gradCols, count, g, dxActual, perSample);
        expect(Array.from(dxActual)).toEqual(Array.from(dxExpected));
        expect(dxActual[0]).toBe(7); // the first sample, before the offset, is untouched
      });
    }
  }

  const poolCases: PoolGeometry[] = [
    { height: 28, width: 28, channels: 8, size: 2, stride: 2, outHeight: 14, outWidth: 14 },
    { height: 7, width: 7, channels: 16, size: 2, stride: 2, outHeight: 3, outWidth: 3 },
    { height: 9, width: 8, channels: 5, size: 3, stride: 2, outHeight: 4, outWidth: 3 },
    { height: 6, width: 6, channels: 1, size: 3, stride: 3, outHeight: 2, outWidth: 2 },
    // Windows that tile the image (the backward pass writes each dx once, without a fill).
    { height: 9, width: 6, channels: 12, size: 3, stride: 3, outHeight: 3, outWidth: 2 },
  ];
  for (const g of poolCases) {
    it(`max pool forward and backward, ${g.height}x${g.width}x${g.channels} window ${g.size} stride ${g.stride}`, () => {
      const random = new Random(g.channels);
      const count = 4;
      const inFloats = count * g.height * g.width * g.channels;
      const outFloats = count * g.outHeight * g.outWidth * g.channels;
      // Many zeros, so windows have ties (as after a ReLU): both must pick the first.
      const x = filled(inFloats, random, 'kernel', 0.6);
      const expected = new Float32Array(outFloats);
      const actual = allocate('float32', outFloats, 'kernel');
      reference.maxPool(x, count, g, expected);
      fastKernels.maxPool(x, count, g, actual);
      expect(Array.from(actual)).toEqual(Array.from(expected));

      const grad = filled(outFloats, random, 'kernel', 0);
      const dxExpected = new Float32Array(inFloats);
      const dxActual = allocate('float32', inFloats, 'kernel').fill(7); // every entry overwritten
      reference.maxPoolBackward(x, grad, count, g, dxExpected);
      fastKernels.maxPoolBackward(x, grad, count, g, dxActual);
      expect(Array.from(dxActual)).toEqual(Array.from(dxExpected));
    });
  }

  // Up to 32 channels a pass (8, 4 or 1 vectors), then the scalar channels: 36 and 71
  // take passes of each width, and the tail.
  for (const [rows, C] of [
    [1, 3],
    [5, 8],
    [700, 16],
    [300, 5],
    [600, 36],
    [257, 71],
  ]) {
    it(`batch norm kernels, ${rows} rows x ${C} channels: sums to 1e-5 of their magnitude, the rest to 1e-5`, () => {
      const random = new Random(rows + C);
      const x = filled(rows * C, random, 'kernel', 0.2);
      const g = filled(rows * C, random, 'heap', 0.5);
      const perChannel = () => filled(C, random, 'kernel', 0);
      const [center, scale, shift, gamma, beta, k, dBeta, dGamma] = Array.from({ length: 8 }, perChannel);
      const close = (actual: ArrayLike<number>, expected: ArrayLike<number>, magnitude: ArrayLike<number>) => {
        for (let i = 0; i < expected.length; i++) {
          expect(Math.abs(actual[i] - expected[i])).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(magnitude[i])));
        }
      };
      const absolute = (a: Float32Array, b?: Float32Array) => {
        const out = new Float64Array(C);
        for (let i = 0; i < rows * C; i++) out[i % C] += Math.abs(a[i] * (b ? b[i] : 1));
        return out;
      };
      for (const [b, c, magnitude] of [
        [undefined, undefined, absolute(x)],
        [g, undefined, absolute(x, g)],
        [undefined, center, absolute(x, x).map((v, i) => v + rows * (center[i] ** 2 + 2))],
      ] as const) {
        const expected = new Float32Array(C);
        const actual = allocate('float32', C, 'kernel');
        reference.channelSums(x, b, c, rows, C, expected);
        fastKernels.channelSums(x, b, c, rows, C, actual);
        close(actual, expected, magnitude);
      }
      for (const normalise of [false, true]) {
        const [yE, yA, nE, nA] = [0, 1, 2, 3].map(() => allocate('float32', rows * C, 'kernel'));
        reference.channelAffine(x, yE, normalise ? nE : undefined, rows, C, scale, shift, gamma, beta);
        fastKernels.channelAffine(x, yA, normalise ? nA : undefined, rows, C, scale, shift, gamma, beta);
        close(
          yA,
          yE,
          yE.map(() => 4),
        );
        close(
          nA,
          nE,
          nE.map(() => 4),
        );
      }
      const dxE = new Float32Array(rows * C);
      const dxA = allocate('float32', rows * C, 'kernel');
      reference.batchNormBackward(g, x, dxE, rows, C, k, dBeta, dGamma);
      fastKernels.batchNormBackward(g, x, dxA, rows, C, k, dBeta, dGamma);
      close(
        dxA,
        dxE,
        dxE.map(() => rows + 4),
      );
    });
  }
});
