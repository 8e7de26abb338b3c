import { describe, expect, it } from 'vitest';
import type { Evaluation, Result } from '../../../src/shared/ipc/contract';
import { GALLERY_LIMIT, GalleryStore } from '../../../src/renderer/src/report/gallery-store';
import { evaluationOf, probs } from '../../fixtures/evaluations';

/** MNIST's test images as the fake serves them: every pixel of image i is i % 256. */
function fakeMnist() {
  const asked: number[][] = [];
  const api = {
    mnist: {
      testImages: async (indices: number[]): Promise<Result<{ pixels: Uint8Array; labels: Uint8Array }>> => {
        asked.push(indices);
        const pixels = new Uint8Array(indices.length * 784);
        indices.forEach((index, i) => pixels.fill(index % 256, i * 784, (i + 1) * 784));
        return { ok: true, value: { pixels, labels: Uint8Array.from(indices.map(() => 7)) } };
      },
    },
  };
  return { api, asked };
}

const asEvaluation = (e: ReturnType<typeof evaluationOf>) => e as unknown as Evaluation;

describe('GalleryStore', () => {
  it("opens a cell with its images in gallery order, each with its own pixels and MNIST's label", async () => {
    const { api, asked } = fakeMnist();
    const store = new GalleryStore(api);
    const evaluation = evaluationOf([
      [7, 1, probs(1, 0.6)],
      [7, 7, probs(7, 0.9)],
      [7, 1, probs(1, 0.8)],
    ]);
    await store.open('m', asEvaluation(evaluation), 7, 1);
    const { cell, total, images, loading } = store.getSnapshot();
    expect(cell).toEqual({ modelId: 'm', actual: 7, predicted: 1 });
    expect(total).toBe(2);
    expect(loading).toBe(false);
    expect(asked).toEqual([[2, 0]]);
    expect(images.map((i) => [i.index, i.label, i.pixels[0], i.pixels.length])).toEqual([
      [2, 7, 2, 784],
      [0, 7, 0, 784],
    ]);
  });

  it(`fetches at most ${GALLERY_LIMIT} images, and says how many the cell holds`, async () => {
    const { api, asked } = fakeMnist();
    const store = new GalleryStore(api);
    const rows = Array.from({ length: 150 }, (): [number, number, number[]] => [4, 9, probs(9, 0.7)]);
    await store.open('m', asEvaluation(evaluationOf(rows)), 4, 9);
    expect(asked[0]).toHaveLength(GALLERY_LIMIT);
    expect(store.getSnapshot().total).toBe(150);
  });

  it('drops the answer for a cell the person already closed', async () => {
    const { api } = fakeMnist();
    const store = new GalleryStore(api);
    const opening = store.open('m', asEvaluation(evaluationOf([[1, 2, probs(2, 0.9)]])), 1, 2);
    store.close();
    await opening;
    expect(store.getSnapshot().cell).toBeUndefined();
    expect(store.getSnapshot().images).toEqual([]);
  });

  it('shows an empty cell without asking for images', async () => {
    const { api, asked } = fakeMnist();
    const store = new GalleryStore(api);
    await store.open('m', asEvaluation(evaluationOf([[1, 1, probs(1, 0.9)]])), 0, 3);
    expect(asked).toEqual([]);
    expect(store.getSnapshot()).toMatchObject({ total: 0, loading: false, images: [] });
  });
});
