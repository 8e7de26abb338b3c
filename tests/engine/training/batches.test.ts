import { describe, expect, it } from 'vitest';
import { Random } from '../../../src/engine/random';
import { Augmenter, DISTORTION_FLOATS } from '../../../src/engine/training/augmentation';
import { BatchAssembler, BatchSampler, BatchStream } from '../../../src/engine/training/batches';
import { JoinedDataset, concatDatasets, sliceDataset } from '../../../src/engine/data/dataset';
import { syntheticDigits } from './synthetic';

/** A stream over 100 synthetic 6x6 digits in shuffled batches of 16 (the last of each epoch 4), distorted. */
function stream(seed: number): BatchStream {
  const data = syntheticDigits(100, 3);
  const random = new Random(seed);
  const sampler = new BatchSampler(
    Uint32Array.from({ length: 100 }, (_, i) => i),
    16,
    'shuffle',
    random.fork('batches'),
  );
  const augmenter = new Augmenter({ shift: 1, rotation: 10, scale: 0.1 }, 6, 6, random.fork('augmentation'));
  return new BatchStream(data, sampler, augmenter);
}

const copy = (batch: { inputs: { data: ArrayLike<number> }; labels: Uint8Array }) => ({
  inputs: Array.from(batch.inputs.data),
  labels: Array.from(batch.labels),
});

describe('BatchStream', () => {
  it('gives the same batches, distortions included, whether or not each is prefetched', () => {
    const plain = stream(5);
    const ahead = stream(5);
    for (let step = 0; step < 20; step++) {
      const expected = copy(plain.next());
      const batch = ahead.next();
      // What data-parallel training does: the next batch is made while this one is in use.
      ahead.prefetch();
      expect(copy(batch)).toEqual(expected);
    }
  });

  it('with deferred distortions, gives the undistorted images and distortions that, applied, make the same batches', () => {
    const plain = stream(7);
    const deferred = stream(7);
    deferred.deferDistortions = true;
    const applier = new Augmenter({ shift: 1, rotation: 10, scale: 0.1 }, 6, 6);
    for (let step = 0; step < 12; step++) {
      const expected = copy(plain.next());
      const batch = deferred.next();
      deferred.prefetch();
      const drawn = batch.drawn!;
      expect(drawn.distortions).toHaveLength(batch.inputs.rows * DISTORTION_FLOATS);
      applier.applyDrawnRows(batch.inputs.data, drawn, 0, batch.inputs.rows);
      expect(copy(batch)).toEqual(expected);
    }
  });

  it('makes a prefetched batch once, however often prefetch is called', () => {
    const plain = stream(9);
    const ahead = stream(9);
    plain.next();
    ahead.next();
    ahead.prefetch();
    ahead.prefetch();
    expect(copy(ahead.next())).toEqual(copy(plain.next()));
    expect(copy(ahead.next())).toEqual(copy(plain.next()));
  });
});

describe('JoinedDataset', () => {
  const parts = [syntheticDigits(7, 1), syntheticDigits(1, 2), syntheticDigits(5, 3)];
  const joined = new JoinedDataset(parts);
  const copy = concatDatasets(parts);

  it('assembles the same batches as a joined copy, from every part and across their seams', () => {
    const indices = [12, 0, 6, 7, 8, 3, 7, 11];
    const fromParts = new BatchAssembler(joined).assemble(indices);
    const inputs = Array.from(fromParts.inputs.data);
    const labels = Array.from(fromParts.labels);
    const fromCopy = new BatchAssembler(copy).assemble(indices);
    expect(inputs).toEqual(Array.from(fromCopy.inputs.data));
    expect(labels).toEqual(Array.from(fromCopy.labels));
  });

  it('gives its first images as one dataset, a view of the first part when they fit in it', () => {
    expect(joined.count).toBe(13);
    const inFirst = joined.head(5);
    expect(inFirst.images.buffer).toBe(parts[0].images.buffer);
    expect(Array.from(inFirst.images)).toEqual(Array.from(sliceDataset(copy, 0, 5).images));
    const across = joined.head(9);
    expect(across.count).toBe(9);
    expect(Array.from(across.images)).toEqual(Array.from(sliceDataset(copy, 0, 9).images));
    expect(Array.from(across.labels)).toEqual(Array.from(copy.labels.subarray(0, 9)));
  });

  it('refuses parts of different image sizes', () => {
    const small = { ...syntheticDigits(2, 4), rows: 3, cols: 12 };
    expect(() => new JoinedDataset([parts[0], small])).toThrow(/cannot join 3x12 images to 6x6 ones/);
  });
});
