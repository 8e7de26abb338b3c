import type { LayerActivation, LayerParameters } from '../../../shared/inspection';

/**
 * The Network screen's arithmetic, pure so it is tested in Node: where a unit sits in a
 * layer's sheet of maps, which input pixels feed it, and its formula written out with
 * the numbers the engine returned (src/engine/model/inspect.ts). Layouts are the
 * engine's display ones: image outputs [C, H, W], conv filters [F, C, k, k], dense
 * weights [inputs, units].
 */

/** MNIST's side: the input the receptive fields are drawn on. */
export const INPUT_SIDE = 28;

/** One unit of a layer: map `channel`, pixel (y, x); a flat layer's unit u is map u of 1x1. */
export interface UnitRef {
  layer: number;
  channel: number;
  y: number;
  x: number;
}

/** A layer's output as maps: [C, H, W] is C maps of H x W; [n] is n maps of 1 x 1 (a strip of units). */
export interface MapShape {
  count: number;
  height: number;
  width: number;
}

/** What the formulas read: the shown tensor, its full shape (to tell a cut one) and its window or settings. */
export type Layer = Pick<LayerActivation, 'kind' | 'shape' | 'fullShape' | 'values' | 'window' | 'alpha' | 'epsilon'>;

export function mapShapeOf(shape: readonly number[]): MapShape {
  return shape.length === 3
    ? { count: shape[0], height: shape[1], width: shape[2] }
    : { count: shape[0] ?? 0, height: 1, width: 1 };
}

/** The 28x28 input as a layer of one map, so layer 0 reads its input as any layer reads the one before. */
export function inputLayer(pixels: Float32Array): Layer {
  const side = Math.round(Math.sqrt(pixels.length));
  const shape = side * side === pixels.length ? [1, side, side] : [pixels.length];
  return { kind: 'flatten', shape, fullShape: shape, values: pixels };
}

export function valueAt(layer: Pick<Layer, 'shape' | 'values'>, unit: Omit<UnitRef, 'layer'>): number | undefined {
  const { count, height, width } = mapShapeOf(layer.shape);
  if (unit.channel < 0 || unit.channel >= count || unit.y < 0 || unit.y >= height || unit.x < 0 || unit.x >= width)
    return undefined;
  return layer.values[(unit.channel * height + unit.y) * width + unit.x];
}

const isCut = (layer: Pick<Layer, 'shape' | 'fullShape'>): boolean =>
  layer.shape.length !== layer.fullShape.length || layer.shape.some((n, i) => n !== layer.fullShape[i]);

/** Layers that act on each value alone, so unit (c, y, x) reads unit (c, y, x) of the layer before. */
export const elementwiseKinds = new Set(['relu', 'leaky-relu', 'sigmoid', 'tanh', 'batch-norm', 'dropout']);

// ---------------------------------------------------------------- sheets

/** How a layer's maps are laid out in one canvas: a grid of maps, one canvas pixel per value, 1 px apart. */
export interface SheetLayout extends MapShape {
  columns: number;
  rows: number;
  gap: number;
  /** The canvas's size in its own pixels. */
  pixelWidth: number;
  pixelHeight: number;
  /** CSS pixels per canvas pixel: maps about 56 px across, units 10 px. */
  scale: number;
}

/** Units in a row of a dense layer's strip. */
export const STRIP_COLUMNS = 32;

export function sheetLayout(shape: MapShape): SheetLayout {
  const { count, height, width } = shape;
  const flat = height === 1 && width === 1;
  const columns = Math.max(1, flat ? Math.min(count, STRIP_COLUMNS) : Math.ceil(Math.sqrt(count)));
  const rows = Math.max(1, Math.ceil(count / columns));
  const gap = flat ? 0 : 1;
  const scale = flat ? 10 : Math.max(1, Math.floor(56 / Math.max(height, width)));
  return {
    ...shape,
    columns,
    rows,
    gap,
    pixelWidth: columns * (width + gap) - gap,
    pixelHeight: rows * (height + gap) - gap,
    scale,
  };
}

/** Where map `channel` starts on the sheet, in canvas pixels. */
export function mapOrigin(layout: SheetLayout, channel: number): { left: number; top: number } {
  return {
    left: (channel % layout.columns) * (layout.width + layout.gap),
    top: Math.floor(channel / layout.columns) * (layout.height + layout.gap),
  };
}

/** The unit under canvas pixel (px, py), or undefined on a gap or past the last map. */
export function unitAt(layout: SheetLayout, px: number, py: number): Omit<UnitRef, 'layer'> | undefined {
  const column = Math.floor(px / (layout.width + layout.gap));
  const row = Math.floor(py / (layout.height + layout.gap));
  const x = Math.floor(px - column * (layout.width + layout.gap));
  const y = Math.floor(py - row * (layout.height + layout.gap));
  const channel = row * layout.columns + column;
  if (px < 0 || py < 0 || column >= layout.columns || x >= layout.width || y >= layout.height) return undefined;
  if (channel >= layout.count) return undefined;
  return { channel, y, x };
}

/**
 * The unit a key moves to from `unit`, or undefined for a key that does not move. In a
 * map the arrows move pixel by pixel and Page Up/Down change map; in a strip of units
 * the arrows move along and across its rows. Home and End go to the first and last unit.
 */
export function moveUnit(unit: UnitRef, key: string, layout: SheetLayout): UnitRef | undefined {
  const clamp = (v: number, n: number): number => Math.max(0, Math.min(n - 1, v));
  const { count, height, width, columns } = layout;
  if (key === 'Home') return { ...unit, channel: 0, y: 0, x: 0 };
  if (key === 'End') return { ...unit, channel: count - 1, y: height - 1, x: width - 1 };
  if (height === 1 && width === 1) {
    const step = {
      ArrowLeft: -1,
      ArrowRight: 1,
      ArrowUp: -columns,
      ArrowDown: columns,
      PageUp: -columns,
      PageDown: columns,
    }[key];
    return step === undefined ? undefined : { ...unit, channel: clamp(unit.channel + step, count) };
  }
  switch (key) {
    case 'ArrowLeft':
      return { ...unit, x: clamp(unit.x - 1, width) };
    case 'ArrowRight':
      return { ...unit, x: clamp(unit.x + 1, width) };
    case 'ArrowUp':
      return { ...unit, y: clamp(unit.y - 1, height) };
    case 'ArrowDown':
      return { ...unit, y: clamp(unit.y + 1, height) };
    case 'PageUp':
      return { ...unit, channel: clamp(unit.channel - 1, count) };
    case 'PageDown':
      return { ...unit, channel: clamp(unit.channel + 1, count) };
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------- architecture

/**
 * Learned parameters of layer `index`, from the shapes alone: conv k·k·C_in·F + F, dense
 * inputs·units + units, batch norm's γ and β (its running statistics are not learned).
 */
export function parameterCount(
  layers: readonly Pick<Layer, 'kind' | 'fullShape' | 'window'>[],
  index: number,
  inputShape: readonly number[],
): number {
  const layer = layers[index];
  const input = index === 0 ? inputShape : layers[index - 1].fullShape;
  const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
  const channels = (shape: readonly number[]): number => shape[0] ?? 0;
  switch (layer.kind) {
    case 'conv2d': {
      const k = layer.window?.size ?? 0;
      const filters = channels(layer.fullShape);
      return k * k * channels(input) * filters + filters;
    }
    case 'dense':
      return size(input) * channels(layer.fullShape) + channels(layer.fullShape);
    case 'batch-norm':
      return 2 * channels(layer.fullShape);
    default:
      return 0;
  }
}

/** "32×28×28", "128". */
export function describeShape(shape: readonly number[]): string {
  return shape.join('×');
}

// ---------------------------------------------------------------- what feeds a unit

/** Inclusive bounds on the input image. */
export interface Region {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/**
 * The input pixels unit `unit` depends on: each conv or pooling window widens the region
 * by its size and stride back to the input (clipped to the image; padding reads zeros),
 * element-wise layers keep it, a flatten unit is one pixel of the map before it, and a
 * dense unit sees the whole image.
 */
export function receptiveField(layers: readonly Layer[], unit: UnitRef, inputShape: readonly number[]): Region {
  const full = (shape: readonly number[]): Region => {
    const { height, width } = mapShapeOf(shape);
    return { top: 0, left: 0, bottom: height - 1, right: width - 1 };
  };
  let region: Region = { top: unit.y, left: unit.x, bottom: unit.y, right: unit.x };
  for (let i = unit.layer; i >= 0; i--) {
    const layer = layers[i];
    const before = i === 0 ? inputShape : layers[i - 1].fullShape;
    const { height, width } = mapShapeOf(before);
    if (layer.kind === 'dense') return full(inputShape);
    if (layer.kind === 'flatten') {
      if (before.length !== 3) continue;
      // A flat index reads the map before it channels-last: i = (y·W + x)·C + c.
      const [channels, , w] = before;
      const pixel = Math.floor(unit.channel / channels);
      region = { top: Math.floor(pixel / w), left: pixel % w, bottom: Math.floor(pixel / w), right: pixel % w };
    } else if (layer.window) {
      const { size, stride, padTop, padLeft } = layer.window;
      region = {
        top: Math.max(0, region.top * stride - padTop),
        left: Math.max(0, region.left * stride - padLeft),
        bottom: Math.min(height - 1, region.bottom * stride - padTop + size - 1),
        right: Math.min(width - 1, region.right * stride - padLeft + size - 1),
      };
    }
  }
  return region;
}

/**
 * The layer that computes unit's value from what it reads: the unit's own layer, or for
 * an element-wise layer (ReLU after dense, say) the one before it, walking back. The
 * dense unit whose weights are a template on the input, when that is what it is.
 */
export function sourceLayer(layers: readonly Pick<Layer, 'kind'>[], index: number): number {
  let i = index;
  while (i > 0 && elementwiseKinds.has(layers[i].kind)) i--;
  return i;
}

/** True when layer `index` is dense and reads the input directly (an MLP's first layer), so its unit's weights are a 28x28 template. */
export function readsInput(layers: readonly Pick<Layer, 'kind'>[], index: number): boolean {
  return (
    layers[index]?.kind === 'dense' &&
    layers.slice(0, index).every((l) => elementwiseKinds.has(l.kind) || l.kind === 'flatten')
  );
}

/** Unit `unit`'s weights over the input as a [inputs] array (dense [inputs, units] column); undefined when cut away. */
export function denseColumn(
  weights: Pick<LayerParameters['tensors'][number], 'shape' | 'values'>,
  unit: number,
): Float32Array | undefined {
  const [inputs, kept] = weights.shape;
  if (unit >= kept) return undefined;
  const column = new Float32Array(inputs);
  for (let i = 0; i < inputs; i++) column[i] = weights.values[i * kept + unit];
  return column;
}

// ---------------------------------------------------------------- formulas

/** A formula as text, and the value it works out to (which should be the engine's). */
export interface Formula {
  text: string;
  result: number;
  /** How many products Σ w·x adds up, for a dense or conv unit. */
  terms?: number;
}

/** Three decimals, a true minus sign, and no "−0.000". */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const text = Math.abs(v) >= 1e4 ? v.toExponential(2) : v.toFixed(3);
  return /^-0\.0+$/.test(text) ? text.slice(1) : text.replace('-', '−');
}

const plus = (v: number): string => (v < 0 ? `− ${formatNumber(-v)}` : `+ ${formatNumber(v)}`);

function tensor(parameters: LayerParameters | undefined, name: string) {
  return parameters?.tensors.find((t) => t.name === name);
}

/** A layer's values in the order the next dense layer reads them: [C, H, W] back to channels-last. */
export function channelsLast(layer: Pick<Layer, 'shape' | 'values'>): Float32Array {
  if (layer.shape.length !== 3) return layer.values;
  const [channels, height, width] = layer.shape;
  const out = new Float32Array(layer.values.length);
  for (let c = 0; c < channels; c++)
    for (let p = 0; p < height * width; p++) out[p * channels + c] = layer.values[c * height * width + p];
  return out;
}

const ACTIVATION_NAMES: Record<string, string> = {
  relu: 'relu',
  'leaky-relu': 'leaky_relu',
  sigmoid: 'σ',
  tanh: 'tanh',
};

function activate(kind: string, u: number, alpha = 0.01): number {
  switch (kind) {
    case 'relu':
      return Math.max(0, u);
    case 'leaky-relu':
      return u > 0 ? u : alpha * u;
    case 'sigmoid':
      return 1 / (1 + Math.exp(-u));
    case 'tanh':
      return Math.tanh(u);
    default:
      return u;
  }
}

/** How the value before an activation is written: Σ w·x + b after a dense or conv layer, γ·x̂ + β after batch norm. */
function argumentName(kind: string | undefined): string {
  if (kind === 'dense' || kind === 'conv2d') return 'Σ w·x + b';
  if (kind === 'batch-norm') return 'γ·x̂ + β';
  return 'x';
}

/**
 * Unit `unit`'s formula with the numbers: recomputed here from the layer before's
 * activations and this layer's parameters, so the result checks the engine's value.
 * Undefined when what it needs is not there (parameters still loading, a cut tensor).
 *
 * `layers` are the model's layers as inspectActivations gives them, `input` the 784
 * pixels, `parameters` inspectParameters' answer by layer index.
 */
export function unitFormula(
  layers: readonly Layer[],
  input: Float32Array,
  parameters: ReadonlyMap<number, LayerParameters> | undefined,
  unit: UnitRef,
): Formula | undefined {
  const layer = layers[unit.layer];
  if (!layer) return undefined;
  const before = unit.layer === 0 ? inputLayer(input) : layers[unit.layer - 1];
  const at = { channel: unit.channel, y: unit.y, x: unit.x };
  const own = parameters?.get(unit.layer);
  switch (layer.kind) {
    case 'dense': {
      const weights = tensor(own, 'weights');
      const bias = tensor(own, 'bias');
      if (!weights || !bias || isCut(before)) return undefined;
      const column = denseColumn(weights, unit.channel);
      if (!column) return undefined;
      const x = channelsLast(before);
      let sum = 0;
      for (let i = 0; i < column.length; i++) sum += column[i] * x[i];
      const b = bias.values[unit.channel];
      return {
        text: `Σ w·x + b = ${formatNumber(sum)} ${plus(b)} = ${formatNumber(sum + b)}`,
        result: sum + b,
        terms: column.length,
      };
    }
    case 'conv2d': {
      const weights = tensor(own, 'weights');
      const bias = tensor(own, 'bias');
      if (!weights || !bias || !layer.window || isCut(before)) return undefined;
      const [filters, channels, k] = weights.shape;
      if (unit.channel >= filters) return undefined;
      const { stride, padTop, padLeft } = layer.window;
      const { height, width } = mapShapeOf(before.shape);
      let sum = 0;
      for (let c = 0; c < channels; c++)
        for (let ky = 0; ky < k; ky++)
          for (let kx = 0; kx < k; kx++) {
            const y = unit.y * stride - padTop + ky;
            const x = unit.x * stride - padLeft + kx;
            if (y < 0 || y >= height || x < 0 || x >= width) continue;
            sum +=
              weights.values[((unit.channel * channels + c) * k + ky) * k + kx] *
              before.values[(c * height + y) * width + x];
          }
      const b = bias.values[unit.channel];
      return {
        text: `Σ w·x + b = ${formatNumber(sum)} ${plus(b)} = ${formatNumber(sum + b)}`,
        result: sum + b,
        terms: channels * k * k,
      };
    }
    case 'max-pool': {
      if (!layer.window) return undefined;
      const { size, stride, padTop, padLeft } = layer.window;
      const window: number[] = [];
      for (let ky = 0; ky < size; ky++)
        for (let kx = 0; kx < size; kx++) {
          const v = valueAt(before, {
            channel: unit.channel,
            y: unit.y * stride - padTop + ky,
            x: unit.x * stride - padLeft + kx,
          });
          if (v !== undefined) window.push(v);
        }
      if (window.length === 0) return undefined;
      const result = Math.max(...window);
      return { text: `max(${window.map(formatNumber).join(', ')}) = ${formatNumber(result)}`, result };
    }
    case 'batch-norm': {
      const x = valueAt(before, at);
      const [gamma, beta, mean, variance] = ['gamma', 'beta', 'runningMean', 'runningVar'].map(
        (n) => tensor(own, n)?.values[unit.channel],
      );
      if (x === undefined || gamma === undefined || beta === undefined || mean === undefined || variance === undefined)
        return undefined;
      const epsilon = layer.epsilon ?? 1e-5;
      const result = (gamma * (x - mean)) / Math.sqrt(variance + epsilon) + beta;
      return {
        text: `γ·(x − μ)/√(σ² + ε) + β = ${formatNumber(gamma)}·(${formatNumber(x)} ${plus(-mean)})/√(${formatNumber(variance)} + ε) ${plus(beta)} = ${formatNumber(result)}`,
        result,
      };
    }
    case 'relu':
    case 'leaky-relu':
    case 'sigmoid':
    case 'tanh': {
      const u = valueAt(before, at);
      if (u === undefined) return undefined;
      const name = ACTIVATION_NAMES[layer.kind];
      const result = activate(layer.kind, u, layer.alpha);
      const arg = argumentName(unit.layer === 0 ? undefined : layers[unit.layer - 1].kind);
      return { text: `${name}(${arg}) = ${name}(${formatNumber(u)}) = ${formatNumber(result)}`, result };
    }
    case 'flatten': {
      if (before.shape.length !== 3) {
        const v = valueAt(before, at);
        return v === undefined ? undefined : { text: `x = ${formatNumber(v)}`, result: v };
      }
      const [channels, , width] = before.shape;
      const c = unit.channel % channels;
      const pixel = Math.floor(unit.channel / channels);
      const source = { channel: c, y: Math.floor(pixel / width), x: pixel % width };
      const v = valueAt(before, source);
      return v === undefined
        ? undefined
        : { text: `x[${source.channel}, ${source.y}, ${source.x}] = ${formatNumber(v)}`, result: v };
    }
    case 'dropout': {
      const v = valueAt(before, at);
      return v === undefined ? undefined : { text: `x = ${formatNumber(v)}`, result: v };
    }
  }
}
