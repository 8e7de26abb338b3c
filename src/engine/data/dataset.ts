/**
 * A labelled image set as it lives in memory: pixels stay uint8 (60,000 MNIST images
 * are 47 MB as bytes; as float64 they would be 376 MB). Batches are scaled to 0..1
 * only when they are fed to the network.
 */
export interface Dataset {
  /** `count * rows * cols` bytes, image after image, row-major, 0 = background. */
  images: Uint8Array;
  /** One class index per image, or NO_CLASS_LABEL for an image of none of the classes. */
  labels: Uint8Array;
  count: number;
  rows: number;
  cols: number;
}

/**
 * The label of an image that belongs to none of the classes (a letter, a scribble among
 * digits). The losses train it towards equal probabilities for every class, "outlier
 * exposure" (Hendrycks, Mazeika & Dietterich 2019), so that the model's confidence, and the
 * scores that say "not a digit" (metrics/rejection.ts), drop on what is unlike every class.
 * Evaluation counts it as never correct; the sets models are judged on have none.
 */
export const NO_CLASS_LABEL = 255;

export function pixelsPerImage(d: Dataset): number {
  return d.rows * d.cols;
}

/** A view of images `[start, end)`, sharing memory with `d`. */
export function sliceDataset(d: Dataset, start: number, end: number): Dataset {
  const size = pixelsPerImage(d);
  return {
    images: d.images.subarray(start * size, end * size),
    labels: d.labels.subarray(start, end),
    count: end - start,
    rows: d.rows,
    cols: d.cols,
  };
}

/** Images `indices` of `d` as a new dataset (copied). */
export function pickImages(d: Dataset, indices: ArrayLike<number>): Dataset {
  const size = d.rows * d.cols;
  const images = new Uint8Array(indices.length * size);
  const labels = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    images.set(d.images.subarray(indices[i] * size, (indices[i] + 1) * size), i * size);
    labels[i] = d.labels[indices[i]];
  }
  return { images, labels, count: indices.length, rows: d.rows, cols: d.cols };
}

/** Concatenates datasets of the same image size. */
export function concatDatasets(parts: readonly Dataset[]): Dataset {
  const { rows, cols } = parts[0];
  const count = parts.reduce((n, d) => n + d.count, 0);
  const images = new Uint8Array(count * rows * cols);
  const labels = new Uint8Array(count);
  let at = 0;
  for (const d of parts) {
    images.set(d.images.subarray(0, d.count * rows * cols), at * rows * cols);
    labels.set(d.labels.subarray(0, d.count), at);
    at += d.count;
  }
  return { images, labels, count, rows, cols };
}

/**
 * MNIST's training images plus the personal ones repeated `weight` times, as the parts of
 * a JoinedDataset: a person has dozens of drawings against 60,000 MNIST images, so without
 * oversampling they would barely move the weights.
 */
export function oversampledParts(mnist: Dataset, personal: Dataset, weight: number): Dataset[] {
  const copies = Math.max(1, Math.round(weight));
  return [mnist, ...Array.from({ length: copies }, () => personal)];
}

/**
 * Datasets of one image size read as one, in order, without copying them: training joins
 * MNIST's images, the person's drawings and synthesised ones this way, where a joined copy
 * would hold MNIST's 47 MB a second time.
 */
export class JoinedDataset {
  readonly count: number;
  readonly rows: number;
  readonly cols: number;
  /** starts[p] = the index of part p's first image in the whole. */
  readonly starts: number[] = [];

  constructor(readonly parts: readonly Dataset[]) {
    if (parts.length === 0) throw new RangeError('a joined dataset needs at least one part');
    ({ rows: this.rows, cols: this.cols } = parts[0]);
    let count = 0;
    for (const part of parts) {
      if (part.rows !== this.rows || part.cols !== this.cols)
        throw new RangeError(`cannot join ${part.rows}x${part.cols} images to ${this.rows}x${this.cols} ones`);
      this.starts.push(count);
      count += part.count;
    }
    this.count = count;
  }

  /** The part image i lies in: image i is image i − starts[p] of parts[p]. */
  partOf(i: number): number {
    let lo = 0;
    let hi = this.parts.length - 1;
    // The last part whose start is at most i.
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= i) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The first n images as one dataset: a view when they all lie in the first part, else a copy. */
  head(n: number): Dataset {
    if (n <= this.parts[0].count) return sliceDataset(this.parts[0], 0, n);
    const slices: Dataset[] = [];
    for (let p = 0; p < this.parts.length && this.starts[p] < n; p++)
      slices.push(sliceDataset(this.parts[p], 0, Math.min(this.parts[p].count, n - this.starts[p])));
    return concatDatasets(slices);
  }
}
