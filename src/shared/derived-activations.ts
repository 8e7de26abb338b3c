import type { Activations, LayerActivation } from './inspection';

/**
 * Layers whose output the page can compute exactly from the layer before, so an
 * 'inspect:activations' answer need not carry it (about 59% of the built-in CNN's): the
 * element-wise activations, max pooling (its window is in the answer), flatten (a reshape
 * in the engine's order) and dropout (the identity at inference). Dense, conv and batch
 * norm need the weights; their outputs are always sent.
 */
export const DERIVABLE_KINDS: ReadonlySet<LayerActivation['kind']> = new Set([
  'relu',
  'leaky-relu',
  'sigmoid',
  'tanh',
  'max-pool',
  'flatten',
  'dropout',
]);

/** The engine's sigmoid (engine/layers/activations.ts), split by sign so e^-u never overflows. */
export function sigmoid(u: number): number {
  if (u >= 0) return 1 / (1 + Math.exp(-u));
  const e = Math.exp(u);
  return e / (1 + e);
}

/**
 * `layer`'s values computed from `previous`'s display values (both as inspect.ts lays them
 * out: images [C, H, W], flat [n]), each stored as float32 as the engine stores them; or
 * undefined when `previous` lacks values it needs (cut by the limit) or `layer` is not
 * derivable. Shapes: previous [C, H, W] or [n] -> layer.shape.
 */
export function deriveLayerValues(previous: LayerActivation, layer: LayerActivation): Float32Array | undefined {
  if (!DERIVABLE_KINDS.has(layer.kind) || previous.derived) return undefined;
  const x = previous.values;
  const count = layer.shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(count);
  if (layer.kind === 'flatten') {
    // The engine keeps images channels-last, so flat index (y·W + x)·C + c is map c's pixel (y, x).
    if (previous.truncated || layer.fullShape.length !== 1) return undefined;
    if (previous.shape.length === 1) {
      out.set(x.subarray(0, count));
      return out;
    }
    const [channels, height, width] = previous.shape;
    for (let i = 0; i < count; i++) {
      const c = i % channels;
      const p = (i - c) / channels;
      out[i] = x[c * height * width + p];
    }
    return out;
  }
  if (layer.kind === 'max-pool') {
    const w = layer.window;
    if (!w || previous.shape.length !== 3 || layer.shape.length !== 3 || layer.shape[0] > previous.shape[0])
      return undefined;
    const [, height, width] = previous.shape;
    const [maps, outHeight, outWidth] = layer.shape;
    let o = 0;
    for (let c = 0; c < maps; c++) {
      for (let oy = 0; oy < outHeight; oy++) {
        for (let ox = 0; ox < outWidth; ox++) {
          // As the engine's kernel: the window's first value, then any strictly greater one.
          let max = NaN;
          let first = true;
          for (let ky = 0; ky < w.size; ky++) {
            const y = oy * w.stride - w.padTop + ky;
            if (y < 0 || y >= height) continue;
            for (let kx = 0; kx < w.size; kx++) {
              const xx = ox * w.stride - w.padLeft + kx;
              if (xx < 0 || xx >= width) continue;
              const v = x[(c * height + y) * width + xx];
              if (first || v > max) max = v;
              first = false;
            }
          }
          out[o++] = max;
        }
      }
    }
    return out;
  }
  // Element-wise: the same layout as the layer before, as many of its leading slices as were kept.
  if (previous.shape.length !== layer.shape.length || count > x.length) return undefined;
  if (previous.shape.slice(1).some((n, i) => n !== layer.shape[i + 1])) return undefined;
  // The engine's kernels multiply by α as a float32 (kernels/wasm/assembly/activations.ts); the
  // product of two float32s is exact in float64, so storing it rounds as the kernel does.
  const alpha = layer.kind === 'leaky-relu' ? Math.fround(layer.alpha ?? 0.01) : 0;
  for (let i = 0; i < count; i++) {
    const u = x[i];
    if (layer.kind === 'dropout') out[i] = u;
    else if (layer.kind === 'sigmoid') out[i] = sigmoid(u);
    else if (layer.kind === 'tanh') out[i] = Math.tanh(u);
    // relu and leaky-relu: max(0, u) as +0 for u ≤ 0, α·u.
    else out[i] = u > 0 ? u : alpha === 0 ? 0 : alpha * u;
  }
  return out;
}

/** True when the two arrays hold the same float32 bit patterns (so -0 differs from 0, and NaN equals NaN). */
function sameBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) return false;
  return true;
}

/**
 * The answer to send: each derivable layer's values left out (an empty array, with
 * `derived: true`) when `withDerivedValues` gives back exactly the engine's bits, checked
 * here for every layer; otherwise (a float64 model, a cut layer, a kernel that rounds
 * differently) the values stay. Layer 0 is always sent: its input is not in the answer.
 * Shapes and stats stay as they are.
 */
export function omitDerivedValues<A extends Activations>(activations: A): A {
  let previous: LayerActivation | undefined;
  const layers = activations.layers.map((layer) => {
    const derived = previous && deriveLayerValues(previous, layer);
    previous = layer;
    return derived && sameBits(derived, layer.values)
      ? { ...layer, values: new Float32Array(0), derived: true as const }
      : layer;
  });
  return { ...activations, layers };
}

/**
 * The answer with every layer's values: each `derived` layer's computed from the layer
 * before (already filled in), in model order. What the page does with an answer before
 * anything reads it. Throws when a derived layer cannot be computed, which a sender using
 * `omitDerivedValues` never causes.
 */
export function withDerivedValues<A extends Activations>(activations: A): A {
  if (!activations.layers.some((l) => l.derived)) return activations;
  const layers: LayerActivation[] = [];
  for (const layer of activations.layers) {
    if (!layer.derived) {
      layers.push(layer);
      continue;
    }
    const previous = layers.at(-1);
    const values = previous && deriveLayerValues(previous, layer);
    if (!values) throw new Error(`layer ${layer.index} (${layer.kind}) came without values and cannot be computed`);
    const { derived: _, ...rest } = layer;
    layers.push({ ...rest, values });
  }
  return { ...activations, layers };
}
