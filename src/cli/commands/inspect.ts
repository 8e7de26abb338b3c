import { writeFileAtomicSync } from '../../digits/io/atomic-write';
import { loadModel } from '../../digits/io/saved-model';
import { checkLayerIndex, inspectActivations, inspectParameters } from '../../engine/model/inspect';
import type { Sequential } from '../../engine/model/sequential';
import type { DisplayTensor, LayerActivation, LayerParameters } from '../../shared/inspection';
import { emitJson } from '../output';
import type { Sheet } from '../sheet';
import { linearGrey, sheetPng, signedGrey } from '../sheet';
import { readInputs } from './predict';

export interface InspectFlags {
  layer?: number;
  png?: string;
  filters?: boolean;
  json?: boolean;
}

/** Units a flat layer's strip holds per row in a PNG sheet. */
const STRIP_WIDTH = 32;

/**
 * `tegaki inspect MODEL INPUT`: every layer's output for the input (its first drawing,
 * for a strokes file holding several), with its shape and statistics, as the app's
 * Network screen gets them (engine/model/inspect.ts). `--filters`: the layers' learned
 * tensors instead, and no INPUT is needed. `--layer N` keeps one layer; `--png FILE`
 * draws that layer (the first one, or with `--filters` the first with weights) as a sheet.
 */
export async function inspectCommand(modelPath: string, input: string | undefined, flags: InspectFlags): Promise<void> {
  const { model } = await loadModel(modelPath);
  if (flags.layer !== undefined) checkLayerIndex(model, flags.layer);
  if (flags.filters) {
    inspectFilters(model, flags);
    return;
  }
  if (input === undefined) throw new Error('inspect needs an INPUT (a PNG or a strokes JSON file), or --filters');
  const [first, ...others] = await readInputs(input);
  if (!first) throw new Error(`${input} holds no drawing`);
  if (others.length > 0)
    process.stderr.write(`${input} holds ${others.length + 1} drawings; inspecting the first, "${first.id}"\n`);
  const { layers: all, probabilities, temperature } = inspectActivations(model, first.pixels);
  const layers = flags.layer === undefined ? all : [all[flags.layer]];
  if (flags.png) writeFileAtomicSync(flags.png, sheetPng(activationSheet(all[flags.layer ?? 0])));
  if (flags.json) {
    emitJson({
      id: first.id,
      probabilities,
      temperature,
      layers: layers.map(({ values, ...rest }) => ({ ...rest, values: Array.from(values) })),
    });
    return;
  }
  const top = probabilities.indexOf(Math.max(...probabilities));
  const lines = layers.map((l) => row(l.index, l.kind, undefined, dims(l.shape, l.fullShape, 'maps'), l));
  process.stdout.write(
    `${first.id}: likeliest ${top} (${(probabilities[top] * 100).toFixed(1)}%, temperature ${temperature.toFixed(2)})\n` +
      `${header(false)}\n${lines.join('\n')}\n` +
      (flags.png ? `wrote layer ${flags.layer ?? 0}'s activations to ${flags.png}\n` : ''),
  );
}

function inspectFilters(model: Sequential, flags: InspectFlags): void {
  const indices = flags.layer === undefined ? model.layers.map((_, i) => i) : [flags.layer];
  const layers = indices
    .map((i) => inspectParameters(model, i))
    .filter((l) => flags.layer !== undefined || l.tensors.length > 0);
  let drawn: LayerParameters | undefined;
  if (flags.png) {
    drawn = flags.layer === undefined ? layers.find(hasWeights) : layers[0];
    if (!drawn || !hasWeights(drawn)) {
      const withWeights = model.layers.flatMap((l, i) =>
        l.spec.type === 'conv2d' || l.spec.type === 'dense' ? [i] : [],
      );
      throw new Error(
        `layer ${flags.layer} (${model.layers[flags.layer ?? 0].spec.type}) has no filters or weights to draw; layers ${withWeights.join(', ')} have`,
      );
    }
    writeFileAtomicSync(flags.png, sheetPng(filterSheet(drawn, model)));
  }
  if (flags.json) {
    emitJson({
      layers: layers.map(({ tensors, ...rest }) => ({
        ...rest,
        tensors: tensors.map(({ values, ...t }) => ({ ...t, values: Array.from(values) })),
      })),
    });
    return;
  }
  const lines = layers.flatMap((l) =>
    l.tensors.length === 0
      ? [`${String(l.index).padStart(5)}  ${l.kind.padEnd(10)}  (learns nothing)`]
      : l.tensors.map((t) =>
          row(
            l.index,
            l.kind,
            t.name,
            dims(t.shape, t.fullShape, t.name === 'weights' && l.kind === 'dense' ? 'units' : 'filters'),
            t,
          ),
        ),
  );
  process.stdout.write(
    `${header(true)}\n${lines.join('\n')}\n` +
      (drawn ? `wrote layer ${drawn.index}'s ${drawn.kind === 'dense' ? 'weights' : 'filters'} to ${flags.png}\n` : ''),
  );
}

const hasWeights = (l: LayerParameters): boolean => l.tensors.some((t) => t.name === 'weights');

/** The table's heading: layer, kind, then `names` (the tensor's, for --filters), shape and the statistics. */
function header(names: boolean): string {
  const stats = ['min', 'max', 'mean'].map((s) => s.padStart(10)).join('');
  return `${'layer'.padStart(5)}  ${'kind'.padEnd(10)}  ${names ? 'tensor'.padEnd(8) + '  ' : ''}${'shape'.padEnd(24)}${stats}  ${'zeros'.padStart(6)}`;
}

function row(
  index: number,
  kind: string,
  name: string | undefined,
  shape: string,
  { stats }: Pick<DisplayTensor, 'stats'>,
): string {
  const figures = [stats.min, stats.max, stats.mean].map((v) => formatFigure(v).padStart(10)).join('');
  const zeros = `${(stats.zeroFraction * 100).toFixed(1)}%`.padStart(6);
  return `${String(index).padStart(5)}  ${kind.padEnd(10)}  ${name === undefined ? '' : name.padEnd(8) + '  '}${shape.padEnd(24)}${figures}  ${zeros}`;
}

function formatFigure(v: number): string {
  return Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(2) : v.toFixed(4);
}

/** "16x28x28", and when cut, what was kept: "16x28x28 (first 4 maps)". */
function dims(shape: number[], fullShape: number[], slices: string): string {
  const full = fullShape.join('x');
  if (shape.join('x') === full) return full;
  const kept = slices === 'units' ? shape[1] : shape[0];
  return `${full} (first ${kept} ${slices})`;
}

/** Feature maps [C, H, W] as a square-ish grid, each drawn to about 56 px; a flat layer [n] as a strip of 8 px units, 32 a row. */
export function activationSheet(layer: LayerActivation): Sheet {
  const grey = linearGrey(layer.stats.min, layer.stats.max);
  if (layer.shape.length === 3) {
    const [maps, height, width] = layer.shape;
    return {
      tiles: maps,
      tileWidth: width,
      tileHeight: height,
      columns: Math.max(1, Math.ceil(Math.sqrt(maps))),
      scale: Math.max(1, Math.floor(56 / Math.max(height, width))),
      valueAt: (t, y, x) => layer.values[(t * height + y) * width + x],
      grey,
    };
  }
  return strips(layer.values.length, 1, 1, (_, i) => layer.values[i], 8, grey);
}

/**
 * Conv filters [F, C, k, k]: one row per filter, one column per input channel (a square
 * grid when there is one channel), each drawn to about 56 px. Dense weights [inputs,
 * units]: one tile per unit, its column of weights, as the 28x28 input when the layer
 * reads the image itself (an MLP's first layer: the unit's template), else as a strip.
 */
export function filterSheet(layer: LayerParameters, model: Sequential): Sheet {
  const weights = layer.tensors.find((t) => t.name === 'weights')!;
  const largest = Math.max(Math.abs(weights.stats.min), Math.abs(weights.stats.max));
  const grey = signedGrey(largest);
  if (layer.kind === 'conv2d') {
    const [filters, channels, k] = weights.shape;
    return {
      tiles: filters * channels,
      tileWidth: k,
      tileHeight: k,
      columns: channels === 1 ? Math.max(1, Math.ceil(Math.sqrt(filters))) : channels,
      scale: Math.max(1, Math.floor(56 / k)),
      valueAt: (t, y, x) => weights.values[(t * k + y) * k + x],
      grey,
    };
  }
  const [inputs, units] = weights.shape;
  const column = (u: number, i: number): number => weights.values[i * units + u];
  const [height, width, channels] = model.spec.inputShape ?? [28, 28, 1];
  if (inputs === model.spec.inputSize && channels === 1 && height * width === inputs) {
    return {
      tiles: units,
      tileWidth: width,
      tileHeight: height,
      columns: Math.max(1, Math.ceil(Math.sqrt(units))),
      scale: 2,
      valueAt: (u, y, x) => column(u, y * width + x),
      grey,
    };
  }
  return strips(inputs, units, Math.max(1, Math.ceil(Math.sqrt(units))), column, 2, grey);
}

/** `tiles` vectors of `length` values (value i of tile t is `valueOf(t, i)`), each wrapped into rows of STRIP_WIDTH. */
function strips(
  length: number,
  tiles: number,
  columns: number,
  valueOf: (tile: number, i: number) => number,
  scale: number,
  grey: (v: number) => number,
): Sheet {
  const width = Math.min(length, STRIP_WIDTH);
  return {
    tiles,
    tileWidth: width,
    tileHeight: Math.ceil(length / width),
    columns,
    scale,
    valueAt: (t, y, x) => {
      const i = y * width + x;
      return i < length ? valueOf(t, i) : NaN;
    },
    grey,
  };
}
