import { createHash } from 'node:crypto';
import { encodeModelFile } from '../../../src/digits/io/model-file';
import type { ModelSpec } from '../../../src/engine/model/spec';

/**
 * Hostile model files, written by hand, for the tests that the decoder and the import
 * refuse them. Each is well signed: only its content is the attack.
 */

/**
 * 784 inputs and 10 classes, and a few hundred bytes: a 1x1 conv padded by 20,000 pixels
 * (a 40,028 x 40,028 image, 6.4 GB of float32 at the first forward pass) and a pooling
 * window that brings it back to 1x1. Every shape check passes.
 */
export function paddedConvThenPoolFile(): Uint8Array {
  const spec: ModelSpec = {
    inputSize: 784,
    inputShape: [28, 28, 1],
    layers: [
      { type: 'conv2d', filters: 1, kernelSize: 1, padding: 20_000, init: { kind: 'he' } },
      { type: 'max-pool', size: 40_028 },
      { type: 'flatten' },
      { type: 'dense', units: 10, init: { kind: 'he' } },
    ],
    loss: 'softmax-cross-entropy',
  };
  const tensor = (name: string, shape: number[]) => ({ name, shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) });
  return encodeModelFile({
    spec,
    metadata: { name: 'padded' },
    tensors: [tensor('layer0.W', [1, 1, 1, 1]), tensor('layer0.b', [1]), tensor('layer3.W', [1, 10]), tensor('layer3.b', [10])],
  });
}

/** The format written by hand (see model-file.ts), with any header, then signed. */
export function signedModelFile(header: unknown, data: Float32Array, headerLength?: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = (12 + json.length + 3) & ~3;
  const bytes = new Uint8Array(dataStart + data.length * 4 + 32);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode('TGKI'), 0);
  view.setUint32(4, 1, true);
  view.setUint32(8, headerLength ?? json.length, true);
  bytes.set(json, 12);
  data.forEach((v, i) => view.setFloat32(dataStart + i * 4, v, true));
  bytes.set(createHash('sha256').update(bytes.subarray(0, bytes.length - 32)).digest(), bytes.length - 32);
  return bytes;
}

/**
 * A 784-1000x11-10 network whose every weight matrix and bias points at the same bytes:
 * 4 MB of file that decoded into 47 MB of weights (and as many layers as the header
 * could name, without end).
 */
export function aliasedTensorsFile(): Uint8Array {
  const units = 1000;
  const layers: ModelSpec['layers'] = [];
  for (let i = 0; i < 11; i++) layers.push({ type: 'dense', units, init: { kind: 'he' } });
  layers.push({ type: 'dense', units: 10, init: { kind: 'he' } });
  const spec: ModelSpec = { inputSize: 784, layers, loss: 'softmax-cross-entropy' };
  const tensors = layers.flatMap((layer, i) => {
    const inputs = i === 0 ? 784 : units;
    const out = (layer as { units: number }).units;
    return [
      { name: `layer${i}.W`, shape: [inputs, out], offset: 0, length: inputs * out },
      { name: `layer${i}.b`, shape: [out], offset: 0, length: out },
    ];
  });
  return signedModelFile({ spec, metadata: {}, tensors }, new Float32Array(units * units));
}
