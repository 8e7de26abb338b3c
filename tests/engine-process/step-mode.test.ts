import { describe, expect, it } from 'vitest';
import { StepModeError, StepModeSession, stepModeRefusal } from '../../src/engine-process/step-mode';
import { oneCycleLearningRate } from '../../src/engine/training/learning-rate-schedule';
import { train } from '../../src/engine/training/trainer';
import type { Hyperparameters } from '../../src/shared/hyperparameters';
import { stepRecordSchema, STEP_LIMITS } from '../../src/shared/step-mode';
import { syntheticDigits, syntheticHyperparameters } from '../engine/training/synthetic';

// Step mode against the trainer itself, on the trainer tests' tiny 6x6 digits.

const data = { train: syntheticDigits(600, 1), test: syntheticDigits(100, 2) };

const weights = (model: { exportWeights(): { name: string; data: Float32Array }[] }) =>
  model.exportWeights().map((t) => [t.name, Array.from(t.data)]);

const configurations: [string, Partial<Hyperparameters>][] = [
  [
    "the notes' scheme: sigmoid, uniform init, SGD, batches drawn with replacement",
    {
      hiddenLayers: [{ units: 20, activation: 'sigmoid' }],
      init: 'uniform',
      optimizer: 'sgd',
      learningRate: 0.4,
      sampling: 'replacement',
      batchSize: 50,
    },
  ],
  [
    'two ReLU layers, Adam, dropout, weight decay, learning-rate decay across epochs, shuffled, shifted images',
    {
      hiddenLayers: [
        { units: 16, activation: 'relu' },
        { units: 12, activation: 'tanh' },
      ],
      dropout: 0.2,
      weightDecay: 0.001,
      learningRateDecay: 0.5,
      batchSize: 64,
      augmentation: { shift: 1 },
    },
  ],
  [
    'momentum SGD with the one-cycle schedule and label smoothing',
    { optimizer: 'momentum', momentum: 0.9, learningRate: 0.1, learningRateSchedule: 'one-cycle', labelSmoothing: 0.1 },
  ],
];

describe('step mode', () => {
  for (const [name, overrides] of configurations) {
    it(`N steps give bit for bit the weights of N iterations of train(): ${name}`, async () => {
      const steps = 23; // past an epoch's end: 600 / 64 → 9 steps an epoch, 600 / 50 → 12
      const h = syntheticHyperparameters({ ...overrides, iterations: steps, epochs: undefined });
      const session = new StepModeSession(h, data.train);
      for (let i = 0; i < steps; i++) session.next();
      const trained = await train(h, data);
      expect(weights(session.run.model)).toEqual(weights(trained.model));
    });
  }

  it('records the batch, the loss and each layer’s backward pass with the numbers it used', () => {
    const h = syntheticHyperparameters({
      hiddenLayers: [{ units: 20, activation: 'sigmoid' }],
      optimizer: 'sgd',
      learningRate: 0.5,
      batchSize: 40,
    });
    const session = new StepModeSession(h, data.train);
    const record = session.next();
    expect(stepRecordSchema.safeParse(record).success).toBe(true);
    expect(record).toMatchObject({ step: 1, epoch: 1, learningRate: 0.5 });
    expect(record.batch).toMatchObject({ size: 40, shown: STEP_LIMITS.batchImages });
    expect(record.batch.images).toHaveLength(32 * 36);
    expect(record.loss).toBeGreaterThan(0);

    const [hidden, output] = record.layers;
    expect(hidden).toMatchObject({ index: 0, inputs: 36, units: 20, activation: 'sigmoid' });
    expect(output).toMatchObject({ index: 2, inputs: 20, units: 10 });
    // Hidden: D = f'(u) · (what came back from above), f' = σ(u)(1 − σ(u)).
    hidden.numbers.units.forEach((_, k) => {
      const u = hidden.numbers.preActivation![k];
      const s = 1 / (1 + Math.exp(-u));
      expect(hidden.numbers.derivative![k]).toBeCloseTo(s * (1 - s), 6);
      expect(hidden.numbers.delta[k]).toBeCloseTo(hidden.numbers.derivative![k] * hidden.numbers.fromAbove![k], 7);
    });
    // Output: D = (P − onehot) / N.
    output.numbers.units.forEach((_, k) => {
      expect(output.numbers.delta[k]).toBeCloseTo(
        (output.numbers.probabilities![k] - output.numbers.target![k]) / 40,
        7,
      );
    });
    expect(output.numbers.target!.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1);
    // SGD without weight decay: ‖ΔW‖ = η · ‖dW‖, ‖Δb‖ = η · ‖db‖.
    for (const layer of record.layers) {
      expect(layer.update.weights).toBeCloseTo(0.5 * layer.gradient.weights.norm, 4);
      expect(layer.update.bias).toBeCloseTo(0.5 * layer.gradient.bias.norm, 4);
    }
    // The first layer's gradient images are its dW columns.
    const [w] = session.run.model.layers[0].params();
    expect(record.firstLayerGradient.units).toBe(STEP_LIMITS.gradientImages);
    expect(record.firstLayerGradient.values[3 * 36 + 5]).toBe(w.grad[5 * 20 + 3]);
    expect(session.next().step).toBe(2);
  });

  it("records the rate each step's update used: the one-cycle schedule's", () => {
    const h = syntheticHyperparameters({ learningRateSchedule: 'one-cycle', iterations: 10, epochs: undefined });
    const session = new StepModeSession(h, data.train);
    const rates = Array.from({ length: 10 }, () => session.next().learningRate);
    expect(rates).toEqual(Array.from({ length: 10 }, (_, i) => oneCycleLearningRate(h.learningRate, i + 1, 10)));
  });

  it('refuses a conv net and a network over the parameter limit, by name', () => {
    const conv = syntheticHyperparameters({
      convBlocks: [{ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', pool: 2, batchNorm: false }],
    });
    expect(stepModeRefusal(conv)).toMatch(/fully connected networks only/);
    const large = syntheticHyperparameters({ hiddenLayers: [{ units: 400, activation: 'relu' }] });
    expect(stepModeRefusal(large)).toBe('step mode takes networks of up to 300,000 parameters; this one has 318,010');
    expect(() => new StepModeSession({ ...large }, syntheticDigits(10, 3))).not.toThrow(); // 6x6 inputs: 18,810 parameters
    expect(() => new StepModeSession(conv, data.train)).toThrow(StepModeError);
    expect(
      stepModeRefusal(syntheticHyperparameters({ hiddenLayers: [{ units: 100, activation: 'sigmoid' }] })),
    ).toBeUndefined();
  });
});
