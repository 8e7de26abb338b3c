import type { Dataset } from '../../../src/engine/data/dataset';
import type { Hyperparameters } from '../../../src/shared/hyperparameters';
import { parseHyperparameters } from '../../../src/shared/hyperparameters';
import { Random } from '../../../src/engine/random';

/**
 * A tiny stand-in for MNIST so trainer tests take milliseconds: 6x6 images where
 * class k lights pixels k·3 .. k·3+5 brightly, on top of seeded noise.
 */
export function syntheticDigits(count: number, seed: number): Dataset {
  const random = new Random(seed);
  const rows = 6;
  const cols = 6;
  const images = new Uint8Array(count * rows * cols);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const label = random.int(10);
    labels[i] = label;
    for (let p = 0; p < rows * cols; p++) images[i * 36 + p] = random.int(60);
    for (let p = label * 3; p < label * 3 + 6; p++) images[i * 36 + p] = 200 + random.int(56);
  }
  return { images, labels, count, rows, cols };
}

/** Settings that train on the synthetic digits in milliseconds: a 16-unit ReLU net, Adam, 3 epochs. */
export function syntheticHyperparameters(overrides: Partial<Hyperparameters> = {}): Hyperparameters {
  return parseHyperparameters({
    hiddenLayers: [{ units: 16, activation: 'relu' }],
    init: 'he',
    loss: 'softmax-cross-entropy',
    optimizer: 'adam',
    learningRate: 0.01,
    batchSize: 32,
    epochs: 3,
    sampling: 'shuffle',
    weightDecay: 0,
    l1: 0,
    dropout: 0,
    seed: 7,
    trainSize: 600,
    ...overrides,
  });
}
