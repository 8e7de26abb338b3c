import { describe, expect, it } from 'vitest';
import { Sequential } from '../../../src/engine/model/sequential';
import { modelSpecFor } from '../../../src/engine/training/architecture';
import { EVALUATION_BATCH, evaluate } from '../../../src/engine/training/evaluate';
import { syntheticDigits, syntheticHyperparameters } from './synthetic';

describe('evaluate', () => {
  // Two conv blocks (one with batch norm), a hidden layer and dropout: every layer kind a pass goes through.
  const h = syntheticHyperparameters({
    convBlocks: [
      { filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', batchNorm: true, pool: 2 },
      { filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', batchNorm: false, pool: 2 },
    ],
    hiddenLayers: [{ units: 16, activation: 'relu' }],
    dropout: 0.3,
  });
  const data = syntheticDigits(3 * EVALUATION_BATCH + 17, 3);

  it('gives each image the same logits and prediction in passes of any size; the mean loss differs only by rounding', () => {
    const model = new Sequential(modelSpecFor(h, data.rows * data.cols), { seed: 5 });
    const atOnce = evaluate(model, data, { batchSize: data.count, keepLogits: true, keepProbabilities: true });
    for (const batchSize of [undefined, 1, 7, 100]) {
      const inPasses = evaluate(model, data, { batchSize, keepLogits: true, keepProbabilities: true });
      expect(inPasses.logits).toEqual(atOnce.logits);
      expect(inPasses.probabilities).toEqual(atOnce.probabilities);
      expect(inPasses.predictions).toEqual(atOnce.predictions);
      expect(inPasses.accuracy).toBe(atOnce.accuracy);
      expect(inPasses.loss).toBeCloseTo(atOnce.loss, 12);
    }
  });
});
