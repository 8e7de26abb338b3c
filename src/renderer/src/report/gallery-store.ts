import type { TegakiApi } from '../../../shared/ipc/api';
import type { Evaluation } from '../../../shared/ipc/contract';
import type { GalleryEntry } from './report-math';
import { galleryEntries } from './report-math';

/** A gallery shows at most this many images; the cell's count says how many there are. */
export const GALLERY_LIMIT = 60;
const IMAGE_BYTES = 784;

export interface GalleryImage extends GalleryEntry {
  /** 784 bytes, 0 = background, as MNIST stores them. */
  pixels: Uint8Array;
  /** The label MNIST gives the image (the evaluation's label, read again with the pixels). */
  label: number;
}

export interface GalleryState {
  /** Which cell is open; undefined when the gallery is closed. */
  cell: { modelId: string; actual: number; predicted: number } | undefined;
  /** How many test images the cell holds. */
  total: number;
  images: readonly GalleryImage[];
  loading: boolean;
  error: string | undefined;
}

const CLOSED: GalleryState = { cell: undefined, total: 0, images: [], loading: false, error: undefined };

/** The images behind the confusion-matrix cell the person clicked, in gallery order. */
export class GalleryStore {
  private state: GalleryState = CLOSED;
  private readonly listeners = new Set<() => void>();
  /** Bumped on every open and close, so a slow answer for an earlier cell is dropped. */
  private request = 0;

  constructor(private readonly api: { mnist: Pick<TegakiApi['mnist'], 'testImages'> }) {}

  async open(modelId: string, evaluation: Evaluation, actual: number, predicted: number): Promise<void> {
    const request = ++this.request;
    const entries = galleryEntries(evaluation, actual, predicted);
    const shown = entries.slice(0, GALLERY_LIMIT);
    this.set({
      cell: { modelId, actual, predicted },
      total: entries.length,
      images: [],
      loading: shown.length > 0,
      error: undefined,
    });
    if (shown.length === 0) return;
    const result = await this.api.mnist.testImages(shown.map((entry) => entry.index));
    if (request !== this.request) return;
    if (!result.ok) {
      this.set({ ...this.state, loading: false, error: result.error.message });
      return;
    }
    const { pixels, labels } = result.value;
    const images = shown.map((entry, i) => ({
      ...entry,
      pixels: pixels.subarray(i * IMAGE_BYTES, (i + 1) * IMAGE_BYTES),
      label: labels[i],
    }));
    this.set({ ...this.state, images, loading: false });
  }

  close(): void {
    this.request++;
    if (this.state !== CLOSED) this.set(CLOSED);
  }

  getSnapshot = (): GalleryState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  private set(next: GalleryState): void {
    this.state = next;
    for (const listener of [...this.listeners]) listener();
  }
}
