import { describe, expect, it } from 'vitest';
import { Random } from '../../../src/engine/random';
import { Augmenter } from '../../../src/engine/training/augmentation';
import { BatchSampler, BatchStream } from '../../../src/engine/training/batches';
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
