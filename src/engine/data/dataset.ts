/**
 * A labelled image set as it lives in memory: pixels stay uint8 (60,000 MNIST images
 * are 47 MB as bytes; as float64 they would be 376 MB). Batches are scaled to 0..1
 * only when they are fed to the network.
 */
export interface Dataset {
  /** `count * rows * cols` bytes, image after image, row-major, 0 = background. */
  images: Uint8Array;
  /** One class index per image. */
  labels: Uint8Array;
  count: number;
  rows: number;
  cols: number;
}

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
