import { z } from 'zod';
import type { Hyperparameters } from './hyperparameters';
import { LAYER_TYPES } from './inspection';

/**
 * Step mode (issue #18 item 3): a small fully connected network trained one mini-batch at
 * a time, from the seed's initialisation, by the trainer's own steps (engine/training/
 * trainer.ts trainStep), each step returned as a record of what it did. One shape from the
 * engine process (engine-process/step-mode.ts) to the Network screen.
 */
export const STEP_LIMITS = {
  /** Learned parameters of a network step mode takes: the notes' 784-100-10 has 79,510. */
  parameters: 300_000,
  /** Steps in one session. */
  steps: 100_000,
  /** Images of the batch a record carries (the batch itself may be larger). */
  batchImages: 32,
  /** Units of the first layer whose weight gradient a record carries as 28x28 images. */
  gradientImages: 8,
  /** Units of each layer whose backward-pass numbers a record carries (for the batch's first image). */
  units: 4,
} as const;

/** Why step mode will not take a network: it has convolution blocks, or too many parameters. */
export type StepRefusal =
  { reason: 'convolution' } | { reason: 'too-many-parameters'; parameters: number; limit: number };

/**
 * Learned parameters of the fully connected network the hyperparameters describe, laid
 * out as modelSpecFor lays them (each hidden layer, then the classes): (inputs + 1)·units
 * per dense layer.
 */
export function denseParameterCount(h: Pick<Hyperparameters, 'hiddenLayers'>, inputSize = 784, classes = 10): number {
  const sizes = [inputSize, ...h.hiddenLayers.map((layer) => layer.units), classes];
  return sizes.slice(1).reduce((sum, units, i) => sum + (sizes[i] + 1) * units, 0);
}

/**
 * Step mode's one rule, used by the engine before it starts a session and by the Train
 * form before it offers one: fully connected networks of at most STEP_LIMITS.parameters.
 */
export function stepRefusal(
  h: Pick<Hyperparameters, 'hiddenLayers' | 'convBlocks'>,
  inputSize = 784,
): StepRefusal | undefined {
  if (h.convBlocks?.length) return { reason: 'convolution' };
  const parameters = denseParameterCount(h, inputSize);
  if (parameters > STEP_LIMITS.parameters) {
    return { reason: 'too-many-parameters', parameters, limit: STEP_LIMITS.parameters };
  }
  return undefined;
}

/** A refusal in words, as the engine answers a step:start it refuses. */
export function describeStepRefusal(refusal: StepRefusal): string {
  if (refusal.reason === 'convolution') {
    return 'step mode trains fully connected networks only; this one has convolution blocks';
  }
  const n = (v: number) => v.toLocaleString('en');
  return `step mode takes networks of up to ${n(refusal.limit)} parameters; this one has ${n(refusal.parameters)}`;
}

const size = z.number().int().min(0);
const floatsSchema = z.custom<Float32Array>((v) => v instanceof Float32Array, 'expected a Float32Array');

/** A tensor's size: its L2 norm ‖·‖, mean |·| and max |·|. */
export const normsSchema = z.object({ norm: z.number(), meanAbs: z.number(), maxAbs: z.number() });
export type Norms = z.infer<typeof normsSchema>;

/** What step:start answers: the network it will train. */
export const stepSessionSchema = z.object({
  /** "784-100-10 sigmoid". */
  architecture: z.string(),
  parameters: size,
  batchSize: size.min(1),
  stepsPerEpoch: size.min(1),
  loss: z.enum(['softmax-cross-entropy', 'squared-error']),
  optimizer: z.string(),
});
export type StepSession = z.infer<typeof stepSessionSchema>;

/**
 * One dense layer's part in a step. With D(l) = dL/dU(l), rows as samples:
 *   output layer:  D(L) = dL/dZ, for softmax cross-entropy (P − onehot(t)) / N
 *   hidden layer:  D(l) = f'(U(l)) ⊙ (D(l+1)·W(l+1)ᵀ)    (the notes' f'(u(l)) * (W(l+1)^T D(l+1)))
 *   dW(l) = X(l−1)ᵀ·D(l),  db(l) = Σ_n D(l)
 * `numbers` are the batch's first image's, for its first `units` units.
 */
export const layerStepSchema = z.object({
  /** Its index in the model. */
  index: size,
  inputs: size,
  units: size,
  /** The activation after it; absent for the output layer, whose output is the logits. */
  activation: z.enum(LAYER_TYPES).optional(),
  /** Dropout's rate after the activation, when the network has dropout (its mask sits in D). */
  dropout: z.number().optional(),
  numbers: z.object({
    units: z.array(size),
    /** D(l) for the first image. */
    delta: z.array(z.number()),
    /** Hidden layers: U(l), f'(U(l)) and (D(l+1)·W(l+1)ᵀ), what came back from the layer above. */
    preActivation: z.array(z.number()).optional(),
    derivative: z.array(z.number()).optional(),
    fromAbove: z.array(z.number()).optional(),
    /** The output layer under softmax cross-entropy: P and onehot(t) of the first image. */
    probabilities: z.array(z.number()).optional(),
    target: z.array(z.number()).optional(),
    /** db(l) = Σ_n D(l) over the batch, for the same units. */
    biasGradient: z.array(z.number()),
  }),
  /** dL/dW (weight decay included) and dL/db over the whole layer. */
  gradient: z.object({ weights: normsSchema, bias: normsSchema }),
  /** ‖W‖ before the step and the size of the update ‖ΔW‖, ‖Δb‖. */
  update: z.object({ weightNorm: z.number(), weights: z.number(), bias: z.number() }),
});
export type LayerStep = z.infer<typeof layerStepSchema>;

export const stepRecordSchema = z.object({
  /** Steps taken, this one included (1 for the first). */
  step: size.min(1),
  epoch: size.min(1),
  /** The batch's loss (weight decay's term included), before the update. */
  loss: z.number(),
  /** η the update used. */
  learningRate: z.number(),
  batch: z.object({
    size: size.min(1),
    /** The first `shown` images, 784 pixels in 0..1 each, as the network read them (distorted, when the run distorts). */
    shown: size,
    images: floatsSchema,
    labels: z.array(size),
    /** The network's argmax for each shown image, before the update. */
    predictions: z.array(size),
  }),
  /** Every dense layer, input side first. */
  layers: z.array(layerStepSchema),
  /** The first layer's dL/dW for its first `units` units, each a 784-value column laid out unit after unit. */
  firstLayerGradient: z.object({ units: size, values: floatsSchema }),
});
export type StepRecord = z.infer<typeof stepRecordSchema>;
