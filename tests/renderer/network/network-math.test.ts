import { describe, expect, it } from 'vitest';
import type { LayerParameters } from '../../../src/shared/inspection';
import type { Layer } from '../../../src/renderer/src/network/network-math';
import {
  channelsLast,
  formatNumber,
  mapOrigin,
  moveUnit,
  parameterCount,
  readsInput,
  receptiveField,
  sheetLayout,
  sourceLayer,
  unitAt,
  unitFormula,
} from '../../../src/renderer/src/network/network-math';

const INPUT = [1, 28, 28];

/** A layer whose values are `fill(index)`, in display layout. */
function layer(
  kind: Layer['kind'],
  shape: number[],
  extra: Partial<Layer> = {},
  fill: (i: number) => number = () => 0,
): Layer {
  const size = shape.reduce((a, b) => a * b, 1);
  return { kind, shape, fullShape: shape, values: Float32Array.from({ length: size }, (_, i) => fill(i)), ...extra };
}

function params(
  index: number,
  kind: LayerParameters['kind'],
  tensors: { name: string; shape: number[]; values: number[] }[],
): LayerParameters {
  return {
    index,
    kind,
    inputShape: [],
    tensors: tensors.map((t) => ({
      ...t,
      fullShape: t.shape,
      values: Float32Array.from(t.values),
      truncated: false,
      stats: { min: 0, max: 0, mean: 0, zeroFraction: 0 },
    })),
  };
}

describe('formatNumber', () => {
  it('gives three decimals with a true minus sign, and never "−0.000"', () => {
    expect(formatNumber(1.7254)).toBe('1.725');
    expect(formatNumber(-0.5)).toBe('−0.500');
    expect(formatNumber(-0.00001)).toBe('0.000');
    expect(formatNumber(123456)).toBe('1.23e+5');
  });
});

describe('sheet layout', () => {
  it('lays maps in a near-square grid 1 px apart, and a dense layer as a strip of 32 units a row', () => {
    const maps = sheetLayout({ count: 16, height: 28, width: 28 });
    expect([maps.columns, maps.rows, maps.pixelWidth, maps.pixelHeight, maps.scale]).toEqual([4, 4, 115, 115, 2]);
    const strip = sheetLayout({ count: 128, height: 1, width: 1 });
    expect([strip.columns, strip.rows, strip.gap, strip.pixelWidth, strip.pixelHeight]).toEqual([32, 4, 0, 32, 4]);
    expect(sheetLayout({ count: 10, height: 1, width: 1 }).columns).toBe(10);
  });

  it('finds the unit under a canvas pixel, the inverse of where each map starts; nothing on a gap or past the last map', () => {
    const layout = sheetLayout({ count: 5, height: 7, width: 7 });
    for (let channel = 0; channel < 5; channel++) {
      const { left, top } = mapOrigin(layout, channel);
      expect(unitAt(layout, left + 3.5, top + 6.2)).toEqual({ channel, y: 6, x: 3 });
    }
    expect(unitAt(layout, 7.5, 0)).toBeUndefined(); // the gap after map 0
    const last = mapOrigin(layout, 5);
    expect(unitAt(layout, last.left, last.top)).toBeUndefined();
  });

  it('moves the unit by key: pixels and maps in an image, along and across the strip, clamped at the edges', () => {
    const maps = sheetLayout({ count: 4, height: 3, width: 3 });
    const at = { layer: 2, channel: 1, y: 0, x: 2 };
    expect(moveUnit(at, 'ArrowRight', maps)).toEqual(at);
    expect(moveUnit(at, 'ArrowDown', maps)).toEqual({ ...at, y: 1 });
    expect(moveUnit(at, 'ArrowLeft', maps)).toEqual({ ...at, x: 1 });
    expect(moveUnit(at, 'PageDown', maps)).toEqual({ ...at, channel: 2 });
    expect(moveUnit(at, 'End', maps)).toEqual({ layer: 2, channel: 3, y: 2, x: 2 });
    expect(moveUnit(at, 'a', maps)).toBeUndefined();
    const strip = sheetLayout({ count: 40, height: 1, width: 1 });
    const unit = { layer: 5, channel: 3, y: 0, x: 0 };
    expect(moveUnit(unit, 'ArrowRight', strip)?.channel).toBe(4);
    expect(moveUnit(unit, 'ArrowDown', strip)?.channel).toBe(35);
    expect(moveUnit({ ...unit, channel: 35 }, 'ArrowDown', strip)?.channel).toBe(39);
    expect(moveUnit(unit, 'ArrowUp', strip)?.channel).toBe(0);
  });
});

const cnn: Layer[] = [
  layer('conv2d', [2, 28, 28], { window: { size: 5, stride: 1, padTop: 2, padLeft: 2 } }),
  layer('relu', [2, 28, 28]),
  layer('max-pool', [2, 14, 14], { window: { size: 2, stride: 2, padTop: 0, padLeft: 0 } }),
  layer('conv2d', [3, 12, 12], { window: { size: 3, stride: 1, padTop: 0, padLeft: 0 } }),
  layer('flatten', [432]),
  layer('dense', [10]),
];

describe('parameter counts', () => {
  it('counts conv k·k·C_in·F + F, dense inputs·units + units, batch norm γ and β, nothing for the rest', () => {
    expect(cnn.map((_, i) => parameterCount(cnn, i, INPUT))).toEqual([
      5 * 5 * 2 + 2,
      0,
      0,
      3 * 3 * 2 * 3 + 3,
      0,
      432 * 10 + 10,
    ]);
    const mlp = [layer('dense', [100]), layer('batch-norm', [100]), layer('sigmoid', [100]), layer('dense', [10])];
    expect(mlp.map((_, i) => parameterCount(mlp, i, INPUT))).toEqual([78_500, 200, 0, 1_010]);
  });
});

describe('receptive field', () => {
  it('grows through each window back to the input, clipped at the image edge where padding reads zeros', () => {
    expect(receptiveField(cnn, { layer: 0, channel: 1, y: 10, x: 0 }, INPUT)).toEqual({
      top: 8,
      left: 0,
      bottom: 12,
      right: 2,
    });
    expect(receptiveField(cnn, { layer: 1, channel: 0, y: 10, x: 10 }, INPUT)).toEqual({
      top: 8,
      left: 8,
      bottom: 12,
      right: 12,
    });
    // Pool (2x2, stride 2) after a 5x5 conv: 6x6 input pixels.
    expect(receptiveField(cnn, { layer: 2, channel: 0, y: 5, x: 5 }, INPUT)).toEqual({
      top: 8,
      left: 8,
      bottom: 13,
      right: 13,
    });
    // A 3x3 conv on the pooled maps: 3 pooled pixels = 6 conv pixels, + 4 for the 5x5: 10x10.
    expect(receptiveField(cnn, { layer: 3, channel: 2, y: 4, x: 4 }, INPUT)).toEqual({
      top: 6,
      left: 6,
      bottom: 15,
      right: 15,
    });
  });

  it('maps a flatten unit back to the channels-last pixel it reads, and gives a dense unit the whole input', () => {
    // Flat index (y·12 + x)·3 + c: 3·(1·12 + 2) + 1 = 43 is map 1, pixel (1, 2) of layer 3.
    expect(receptiveField(cnn, { layer: 4, channel: 43, y: 0, x: 0 }, INPUT)).toEqual(
      receptiveField(cnn, { layer: 3, channel: 1, y: 1, x: 2 }, INPUT),
    );
    expect(receptiveField(cnn, { layer: 5, channel: 3, y: 0, x: 0 }, INPUT)).toEqual({
      top: 0,
      left: 0,
      bottom: 27,
      right: 27,
    });
  });

  it('finds the layer that computes a unit through element-wise layers, and a first dense layer as a template on the input', () => {
    const mlp = [layer('dense', [100]), layer('relu', [100]), layer('dropout', [100]), layer('dense', [10])];
    expect(sourceLayer(mlp, 2)).toBe(0);
    expect(readsInput(mlp, 0)).toBe(true);
    expect(readsInput(mlp, 3)).toBe(false);
    expect(readsInput(cnn, 5)).toBe(false);
  });
});

describe('unit formulas, with the numbers, worked out as the engine does', () => {
  const input = Float32Array.from({ length: 784 }, (_, i) => (i % 29) / 29);

  it('a dense unit adds Σ w·x over its inputs and its bias; a ReLU after it writes relu(Σ w·x + b)', () => {
    const units = 3;
    const w = Array.from({ length: 784 * units }, (_, i) => ((i % 7) - 3) / 100);
    const layers = [layer('dense', [units]), layer('relu', [units])];
    const parameters = new Map([
      [
        0,
        params(0, 'dense', [
          { name: 'weights', shape: [784, units], values: w },
          { name: 'bias', shape: [units], values: [0.5, -0.25, 0] },
        ]),
      ],
    ]);
    let expected = -0.25;
    for (let i = 0; i < 784; i++) expected += w[i * units + 1] * input[i];
    const dense = unitFormula(layers, input, parameters, { layer: 0, channel: 1, y: 0, x: 0 })!;
    expect(dense.result).toBeCloseTo(expected, 5);
    expect(dense.terms).toBe(784);
    expect(dense.text).toBe(`Σ w·x + b = ${formatNumber(expected + 0.25)} − 0.250 = ${formatNumber(expected)}`);

    layers[0].values.set([0, expected, 0]);
    const relu = unitFormula(layers, input, parameters, { layer: 1, channel: 1, y: 0, x: 0 })!;
    expect(relu.result).toBeCloseTo(Math.max(0, expected), 5);
    expect(relu.text).toBe(
      `relu(Σ w·x + b) = relu(${formatNumber(expected)}) = ${formatNumber(Math.max(0, expected))}`,
    );
  });

  it('is undefined until the parameters it needs have loaded', () => {
    expect(unitFormula([layer('dense', [3])], input, undefined, { layer: 0, channel: 0, y: 0, x: 0 })).toBeUndefined();
  });

  it('a conv unit adds its filter over its window, padding reading zeros; a max-pool unit is the max of its window', () => {
    const conv = layer('conv2d', [1, 28, 28], { window: { size: 3, stride: 1, padTop: 1, padLeft: 1 } });
    const filter = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((v) => v / 10);
    const parameters = new Map([
      [
        0,
        params(0, 'conv2d', [
          { name: 'weights', shape: [1, 1, 3, 3], values: filter },
          { name: 'bias', shape: [1], values: [0.1] },
        ]),
      ],
    ]);
    // At the top-left corner only the filter's bottom-right 2x2 sees the image.
    const expected = 0.5 * input[0] + 0.6 * input[1] + 0.8 * input[28] + 0.9 * input[29] + 0.1;
    const formula = unitFormula([conv], input, parameters, { layer: 0, channel: 0, y: 0, x: 0 })!;
    expect(formula.result).toBeCloseTo(expected, 5);
    expect(formula.terms).toBe(9);

    const pooled = [
      layer('relu', [1, 4, 4], {}, (i) => i / 10),
      layer('max-pool', [1, 2, 2], { window: { size: 2, stride: 2, padTop: 0, padLeft: 0 } }),
    ];
    const max = unitFormula(pooled, input, undefined, { layer: 1, channel: 0, y: 1, x: 0 })!;
    expect(max.text).toBe('max(0.800, 0.900, 1.200, 1.300) = 1.300');
    expect(max.result).toBeCloseTo(1.3, 6);
  });

  it('batch norm writes γ·(x − μ)/√(σ² + ε) + β with its numbers; flatten names the map pixel it copies', () => {
    const layers = [
      layer('conv2d', [2, 2, 2], {}, (i) => i),
      layer('batch-norm', [2, 2, 2], { epsilon: 1e-5 }),
      layer('flatten', [8]),
    ];
    const parameters = new Map([
      [
        1,
        params(1, 'batch-norm', [
          { name: 'gamma', shape: [2], values: [1, 2] },
          { name: 'beta', shape: [2], values: [0, 0.5] },
          { name: 'runningMean', shape: [2], values: [0, 4] },
          { name: 'runningVar', shape: [2], values: [1, 4] },
        ]),
      ],
    ]);
    const bn = unitFormula(layers, input, parameters, { layer: 1, channel: 1, y: 1, x: 1 })!;
    // x = 7 (map 1, pixel 3): 2·(7 − 4)/√(4 + ε) + 0.5 ≈ 3.5
    expect(bn.result).toBeCloseTo(2 * (3 / Math.sqrt(4 + 1e-5)) + 0.5, 6);
    expect(bn.text).toBe('γ·(x − μ)/√(σ² + ε) + β = 2.000·(7.000 − 4.000)/√(4.000 + ε) + 0.500 = 3.500');
    layers[1].values.set([0, 1, 2, 3, 4, 5, 6, 7]);
    // Flat index 5 = (y·2 + x)·2 + c: pixel 2 (1, 0), map 1.
    expect(unitFormula(layers, input, parameters, { layer: 2, channel: 5, y: 0, x: 0 })).toEqual({
      text: 'x[1, 1, 0] = 6.000',
      result: 6,
    });
    expect(channelsLast(layers[1])).toEqual(Float32Array.from([0, 4, 1, 5, 2, 6, 3, 7]));
  });
});
