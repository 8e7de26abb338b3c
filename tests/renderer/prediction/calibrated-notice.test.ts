import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeModelFile } from '../../../src/digits/io/model-file';
import { modelOf } from '../../../src/digits/io/saved-model';
import { strokesToInput } from '../../../src/digits/preprocess/strokes';
import { matrix } from '../../../src/engine/tensor';
import { temperedSoftmax } from '../../../src/engine/training/temperature-scaling';
import { StrokeStore } from '../../../src/renderer/src/drawing/stroke-store';
import { LOW_CONFIDENCE, PredictionStore } from '../../../src/renderer/src/prediction/prediction-store';

// The backend answers 'predict' with the active model's predictOne, built from its file by
// modelOf (tests/backend/services/calibration.test.ts checks that chain); here the Draw
// screen's store gets those answers and flags low confidence on the calibrated probability.

describe("the Draw screen's low-confidence notice", () => {
  it('follows the calibrated probability: the same weights, sure at their own temperature, unsure at one that softens them', async () => {
    // The shipped model's weights and a vertical stroke, a 1 it reads with near certainty.
    const shipped = decodeModelFile(
      new Uint8Array(await readFile(join(import.meta.dirname, '../../../resources/default-model.tgk'))),
    );
    const stroke: [number, number][] = [
      [140, 40],
      [140, 240],
    ];
    const input = matrix(1, 784);
    input.data.set(strokesToInput([stroke]));
    const z = Array.from(modelOf(shipped).forward(input, false).data);
    const top = (t: number) => Math.max(...temperedSoftmax(z, 10, t));
    expect(top(1)).toBeGreaterThan(0.9);
    // The temperature at which the top probability is 0.5, by bisection on log T.
    let [low, high] = [0, Math.log(1000)];
    for (let i = 0; i < 60; i++)
      [low, high] = top(Math.exp((low + high) / 2)) > 0.5 ? [(low + high) / 2, high] : [low, (low + high) / 2];
    const softening = Math.exp(low);

    for (const [temperature, unsure] of [
      [shipped.metadata.calibration!.temperature, false],
      [softening, true],
    ] as const) {
      const model = modelOf({
        ...shipped,
        metadata: { ...shipped.metadata, calibration: { ...shipped.metadata.calibration!, temperature } },
      });
      const drawing = new StrokeStore();
      const store = new PredictionStore(
        drawing,
        async (pixels) => ({ ok: true, value: { probabilities: model.predictOne(pixels) } }),
        { minIntervalMs: 0 },
      );
      const stop = store.start();
      drawing.beginStroke(stroke[0], 18);
      drawing.extendStroke(stroke[1]);
      drawing.endStroke();
      await store.idle();
      const prediction = store.getSnapshot().prediction!;
      expect(prediction.top).toBe(z.indexOf(Math.max(...z)));
      expect(prediction.confidence).toBeCloseTo(top(temperature), 4);
      expect(prediction.lowConfidence).toBe(unsure);
      expect(prediction.confidence < LOW_CONFIDENCE).toBe(unsure);
      stop();
    }
  });
});
