import type { Dataset } from '../engine/data/dataset';
import { LeakyReLU } from '../engine/layers/activations';
import type { Param } from '../engine/layers/layer';
import { describeArchitecture } from '../engine/training/architecture';
import type { TrainingRun } from '../engine/training/trainer';
import { startRun, trainStep } from '../engine/training/trainer';
import type { FloatArray, Matrix } from '../engine/tensor';
import type { Hyperparameters } from '../shared/hyperparameters';
import type { LayerStep, Norms, StepRecord, StepSession } from '../shared/step-mode';
import { describeStepRefusal, STEP_LIMITS, stepRefusal } from '../shared/step-mode';

/** A step request the session cannot take: no session, a network too large, too many steps. */
export class StepModeError extends Error {
  constructor(
    readonly code: 'not-found' | 'invalid-payload',
    message: string,
  ) {
    super(message);
    this.name = 'StepModeError';
  }
}

/** Why step mode will not take these hyperparameters' network, in words, or undefined when it will. */
export function stepModeRefusal(h: Hyperparameters, inputSize = 784): string | undefined {
  const refusal = stepRefusal(h, inputSize);
  return refusal && describeStepRefusal(refusal);
}

/**
 * A small network trained one mini-batch at a time by the trainer's own step (trainStep),
 * from the seed's initialisation: after N steps its weights are those of train() with the
 * same hyperparameters and N iterations, bit for bit. Each step is watched (the layers'
 * outputs and output gradients, the gradients before the update, the weights after) and
 * returned as a StepRecord, bounded by STEP_LIMITS whatever the batch size.
 */
export class StepModeSession {
  readonly run: TrainingRun;

  constructor(h: Hyperparameters, train: Dataset, synthetic?: Dataset) {
    const refusal = stepModeRefusal(h, train.rows * train.cols);
    if (refusal) throw new StepModeError('invalid-payload', refusal);
    this.run = startRun(h, train, { synthetic });
  }

  describe(): StepSession {
    const { model, spec, h, stepsPerEpoch } = this.run;
    return {
      architecture: describeArchitecture(spec),
      parameters: model.params().reduce((sum, p) => sum + p.value.length, 0),
      batchSize: h.batchSize,
      stepsPerEpoch,
      loss: spec.loss,
      optimizer: h.optimizer,
    };
  }

  next(): StepRecord {
    const { run } = this;
    if (run.step >= STEP_LIMITS.steps) {
      throw new StepModeError(
        'invalid-payload',
        `a step session takes at most ${STEP_LIMITS.steps} steps; start a new one`,
      );
    }
    const { model } = run;
    const layers = model.layers;
    const shownUnits = (units: number) => Array.from({ length: Math.min(units, STEP_LIMITS.units) }, (_, j) => j);
    const firstRow = (m: Matrix, count: number) => Array.from(m.data.subarray(0, count));
    const outputs = new Map<number, number[]>();
    const gradients = new Map<number, number[]>();
    let logits: Float32Array | undefined;
    const before = new Map<Param, { value: Float32Array; grad: Norms }>();
    // The rate this step's update uses: a schedule sets it just before beforeUpdate.
    let learningRate = run.optimizer.learningRate;

    const { loss, inputs, labels } = trainStep(run, {
      onOutput: (i, output) => {
        if (i === layers.length - 1) logits = Float32Array.from(output.data.subarray(0, output.rows * output.cols));
        else outputs.set(i, firstRow(output, Math.min(output.cols, STEP_LIMITS.units)));
      },
      onOutputGradient: (i, gradient) =>
        gradients.set(i, firstRow(gradient, Math.min(gradient.cols, STEP_LIMITS.units))),
      beforeUpdate: () => {
        learningRate = run.optimizer.learningRate;
        for (const p of run.params) before.set(p, { value: Float32Array.from(p.value), grad: normsOf(p.grad) });
      },
    });

    const classes = model.classes;
    const shown = Math.min(inputs.rows, STEP_LIMITS.batchImages);
    const predictions = Array.from({ length: shown }, (_, r) => argmax(logits!, r * classes, classes));
    const dense = layers.flatMap((layer, index) => (layer.spec.type === 'dense' ? [index] : []));
    const layerSteps = dense.map((index, k): LayerStep => {
      const [w, b] = layers[index].params();
      const [inputCount, units] = w.shape;
      const shownJ = shownUnits(units);
      const last = k === dense.length - 1;
      const activationLayer = last ? undefined : layers[index + 1];
      const dropoutLayer = last ? undefined : layers[index + 2];
      const delta = gradients.get(index)!.slice(0, shownJ.length);
      const numbers: LayerStep['numbers'] = {
        units: shownJ,
        delta,
        biasGradient: shownJ.map((j) => b.grad[j]),
      };
      if (activationLayer) {
        const u = outputs.get(index)!;
        const x = outputs.get(index + 1)!;
        const kind = activationLayer.spec.type;
        const alpha = activationLayer instanceof LeakyReLU ? activationLayer.alpha : 0;
        numbers.preActivation = u.slice(0, shownJ.length);
        numbers.derivative = shownJ.map((j) => derivative(kind, u[j], x[j], alpha));
        numbers.fromAbove = gradients.get(index + 1)!.slice(0, shownJ.length);
      } else if (run.spec.loss === 'softmax-cross-entropy') {
        const z = Array.from(logits!.subarray(0, classes));
        const max = Math.max(...z);
        const e = z.map((v) => Math.exp(v - max));
        const total = e.reduce((a, v) => a + v, 0);
        numbers.probabilities = shownJ.map((j) => e[j] / total);
        numbers.target = shownJ.map((j) => (labels[0] === j ? 1 : 0));
      }
      const wBefore = before.get(w)!;
      const bBefore = before.get(b)!;
      return {
        index,
        inputs: inputCount,
        units,
        activation: activationLayer?.spec.type,
        dropout: dropoutLayer?.spec.type === 'dropout' ? dropoutLayer.spec.rate : undefined,
        numbers,
        gradient: { weights: wBefore.grad, bias: bBefore.grad },
        update: {
          weightNorm: normsOf(wBefore.value).norm,
          weights: distance(w.value, wBefore.value),
          bias: distance(b.value, bBefore.value),
        },
      };
    });

    const first = layers[dense[0]].params()[0];
    const [inputCount, units] = first.shape;
    const gradientUnits = Math.min(units, STEP_LIMITS.gradientImages);
    const columns = new Float32Array(gradientUnits * inputCount);
    for (let j = 0; j < gradientUnits; j++)
      for (let i = 0; i < inputCount; i++) columns[j * inputCount + i] = first.grad[i * units + j];

    return {
      step: run.step,
      epoch: Math.ceil(run.step / run.stepsPerEpoch),
      loss,
      learningRate,
      batch: {
        size: inputs.rows,
        shown,
        images: Float32Array.from(inputs.data.subarray(0, shown * inputs.cols)),
        labels: Array.from(labels.subarray(0, shown)),
        predictions,
      },
      layers: layerSteps,
      firstLayerGradient: { units: gradientUnits, values: columns },
    };
  }
}

/** f'(u) from u and x = f(u): what the activation's backward multiplies by. */
function derivative(kind: string, u: number, x: number, alpha: number): number {
  if (kind === 'relu') return u > 0 ? 1 : 0;
  if (kind === 'leaky-relu') return u > 0 ? 1 : alpha;
  if (kind === 'sigmoid') return x * (1 - x);
  if (kind === 'tanh') return 1 - x * x;
  return 1;
}

function normsOf(values: FloatArray): Norms {
  let squares = 0;
  let abs = 0;
  let maxAbs = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]);
    squares += a * a;
    abs += a;
    if (a > maxAbs) maxAbs = a;
  }
  return { norm: Math.sqrt(squares), meanAbs: values.length === 0 ? 0 : abs / values.length, maxAbs };
}

/** ‖a − b‖. */
function distance(a: FloatArray, b: FloatArray): number {
  let squares = 0;
  for (let i = 0; i < a.length; i++) squares += (a[i] - b[i]) ** 2;
  return Math.sqrt(squares);
}

function argmax(values: Float32Array, offset: number, count: number): number {
  let best = 0;
  for (let j = 1; j < count; j++) if (values[offset + j] > values[offset + best]) best = j;
  return best;
}
