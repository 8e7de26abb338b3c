import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeModelFile } from '../../src/digits/io/model-file';
import { loadModel } from '../../src/digits/io/saved-model';
import { Sequential } from '../../src/engine/model/sequential';
import type { ModelSpec } from '../../src/engine/model/spec';
import { layerShapes } from '../../src/engine/model/spec';
import { tegaki } from './run-tegaki';

// `tegaki inspect` in a real process, on the shipped model and on small models written here.

const shippedModel = resolve(import.meta.dirname, '../../resources/default-model.tgk');
let dir: string;
let strokes: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tegaki-inspect-cli-'));
  strokes = join(dir, 'seven.json');
  await writeFile(
    strokes,
    JSON.stringify({
      id: 'seven',
      strokes: [
        [
          [10, 10],
          [60, 10],
          [35, 90],
        ],
      ],
    }),
  );
});

afterAll(() => rm(dir, { recursive: true, force: true }));

/** A random (untrained) dense model's file: 784-16-10 by default. */
async function mlpFile(name: string, inputSize = 784): Promise<string> {
  const spec: ModelSpec = {
    inputSize,
    layers: [
      { type: 'dense', units: 16, init: { kind: 'he' } },
      { type: 'relu' },
      { type: 'dense', units: 10, init: { kind: 'he' } },
    ],
    loss: 'softmax-cross-entropy',
  };
  const path = join(dir, name);
  await writeFile(
    path,
    encodeModelFile({ spec, metadata: { name }, tensors: new Sequential(spec, { seed: 4 }).exportWeights() }),
  );
  return path;
}

const dims = (s: { height: number; width: number; channels: number }): string =>
  s.height === 1 && s.width === 1 ? `${s.channels}` : `${s.channels}x${s.height}x${s.width}`;

describe('tegaki inspect', () => {
  it('prints every layer of the shipped model with its kind, output shape and statistics', async () => {
    const { stdout, stderr, code } = await tegaki('inspect', shippedModel, strokes);
    expect(code, stderr).toBe(0);
    const { model } = await loadModel(shippedModel);
    const shapes = layerShapes(model.spec);
    const rows = stdout
      .split('\n')
      .filter((line) => /^\s+\d+\s/.test(line))
      .map((line) => line.trim().split(/\s+/));
    expect(rows.map(([index, kind, shape]) => [Number(index), kind, shape])).toEqual(
      model.spec.layers.map((layer, i) => [i, layer.type, dims(shapes[i])]),
    );
    // min <= mean <= max on every row, and after a ReLU some units are zero.
    for (const [, , , min, max, mean] of rows) {
      expect(Number(min)).toBeLessThanOrEqual(Number(mean));
      expect(Number(mean)).toBeLessThanOrEqual(Number(max));
    }
    const relu = rows.find(([, kind]) => kind === 'relu')!;
    expect(Number(relu[3])).toBe(0);
    expect(parseFloat(relu[6])).toBeGreaterThan(0);
    expect(stdout).toMatch(/^seven: likeliest 7 \(/);
  });

  it('--png draws a layer as a grid of its feature maps, each map pixel the grey of its value', async () => {
    const png = join(dir, 'layer0.png');
    const { stdout, stderr, code } = await tegaki(
      'inspect',
      shippedModel,
      strokes,
      '--layer',
      '0',
      '--png',
      png,
      '--json',
    );
    expect(code, stderr).toBe(0);
    const { layers } = JSON.parse(stdout) as {
      layers: { shape: number[]; values: number[]; stats: { min: number; max: number } }[];
    };
    expect(layers).toHaveLength(1);
    const [maps, height, width] = layers[0].shape;
    const { model } = await loadModel(shippedModel);
    expect(layers[0].shape).toEqual([layerShapes(model.spec)[0].channels, 28, 28]);
    // The sheet (src/cli/sheet.ts): ceil(sqrt(maps)) maps across, each pixel drawn at 56 / 28 = 2, 1 px gaps.
    const columns = Math.ceil(Math.sqrt(maps));
    const image = PNG.sync.read(await readFile(png));
    expect(image.width).toBe(columns * (width * 2 + 1) + 1);
    expect(image.height).toBe(Math.ceil(maps / columns) * (height * 2 + 1) + 1);
    const { min, max } = layers[0].stats;
    const greyAt = (px: number, py: number): number => image.data[(py * image.width + px) * 4];
    for (const [map, y, x] of [
      [0, 14, 14],
      [1, 5, 20],
      [maps - 1, 27, 0],
    ]) {
      const left = (map % columns) * (width * 2 + 1) + 1;
      const top = Math.floor(map / columns) * (height * 2 + 1) + 1;
      const value = layers[0].values[(map * height + y) * width + x];
      expect(greyAt(left + x * 2 + 1, top + y * 2 + 1)).toBe(Math.round(((value - min) / (max - min)) * 255));
    }
  });

  it("--filters --png draws each hidden unit's weights of an MLP as a 28x28 template", async () => {
    const model = await mlpFile('mlp.tgk');
    const png = join(dir, 'templates.png');
    const { stdout, stderr, code } = await tegaki('inspect', model, '--filters', '--png', png);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^\s+0\s+dense\s+weights\s+784x16\s/m);
    // Without --layer only the layers that learn something are listed; asked for, the others say so.
    expect(stdout).not.toMatch(/relu/);
    expect((await tegaki('inspect', model, '--filters', '--layer', '1')).stdout).toMatch(
      /^\s+1\s+relu\s+\(learns nothing\)$/m,
    );
    const image = PNG.sync.read(await readFile(png));
    // 16 units: 4 across, 4 down, each 28x28 drawn at 2x.
    expect([image.width, image.height]).toEqual([4 * 57 + 1, 4 * 57 + 1]);
    const weights = (await loadModel(model)).model.layers[0].params()[0].value; // [784, 16]
    const largest = Math.max(...Array.from(weights, Math.abs));
    for (const [unit, y, x] of [
      [0, 10, 10],
      [5, 3, 20],
      [15, 27, 27],
    ]) {
      const left = (unit % 4) * 57 + 1;
      const top = Math.floor(unit / 4) * 57 + 1;
      const w = weights[(y * 28 + x) * 16 + unit];
      expect(image.data[((top + y * 2) * image.width + left + x * 2) * 4]).toBe(
        Math.round(127.5 + (w / largest) * 127.5),
      );
    }
  });

  it('refuses a layer the model does not have, a layer with nothing to draw, and an input the model cannot read, in one line each', async () => {
    // The figures come from the shipped model's own layers, whichever architecture it has.
    const layers = (await loadModel(shippedModel)).model.layers.map((layer) => layer.spec.type);
    const count = layers.length;
    const missing = await tegaki('inspect', shippedModel, strokes, '--layer', String(count));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`tegaki: there is no layer ${count}: this model has layers 0 to ${count - 1}\n`);
    const relu = layers.indexOf('relu');
    const withWeights = layers.flatMap((type, i) => (type === 'conv2d' || type === 'dense' ? [i] : []));
    expect(relu).toBeGreaterThan(0);
    expect(withWeights.length).toBeGreaterThan(1);
    const nothing = await tegaki(
      'inspect',
      shippedModel,
      '--filters',
      '--layer',
      String(relu),
      '--png',
      join(dir, 'none.png'),
    );
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toContain(
      `layer ${relu} (relu) has no filters or weights to draw; layers ${withWeights.join(', ')} have`,
    );
    const notAnIndex = await tegaki('inspect', shippedModel, strokes, '--layer', '-1');
    expect(notAnIndex.code).toBe(1);
    expect(notAnIndex.stderr).toMatch(/a layer is a whole number/);
    const wrongSize = await tegaki('inspect', await mlpFile('hundred.tgk', 100), strokes);
    expect(wrongSize.code).toBe(1);
    expect(wrongSize.stderr).toBe('tegaki: the input has 784 values; this model takes 100\n');
  });
});
