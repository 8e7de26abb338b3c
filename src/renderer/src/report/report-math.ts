import type { Evaluation, ModelDetails } from '../../../shared/ipc/contract';

export const CLASSES = 10;

/** scikit-learn's classification_report prints 4 decimals; so do we, so the two compare line by line. */
export function formatMetric(value: number): string {
  return Number.isFinite(value) ? value.toFixed(4) : '—';
}

/** A row share as a percentage that fits a matrix cell: 0, <0.1%, 2.5%, 100%. */
export function formatShare(share: number): string {
  if (share === 0) return '0';
  if (share === 1) return '100%';
  if (share < 0.001) return '<0.1%';
  return `${(share * 100).toFixed(1)}%`;
}

/** Each row divided by its sum (how each true digit was predicted); an empty row stays zeros. */
export function normaliseRows(matrix: readonly (readonly number[])[]): number[][] {
  return matrix.map((row) => {
    const total = row.reduce((sum, value) => sum + value, 0);
    return row.map((value) => (total === 0 ? 0 : value / total));
  });
}

/**
 * How strongly a cell is tinted, 0..1, from its share of the row. Mistakes are rare
 * (a few tenths of a percent), so off-diagonal cells use a square root to stay visible
 * next to a diagonal in the high nineties.
 */
export function cellIntensity(share: number, onDiagonal: boolean): number {
  if (share <= 0) return 0;
  return onDiagonal ? share : Math.min(1, Math.sqrt(share) * 1.6);
}

export interface GalleryEntry {
  /** Index into MNIST's test set. */
  index: number;
  /** The probability the model gave the digit it predicted. */
  predictedProbability: number;
  /** The probability it gave the true digit. */
  trueProbability: number;
}

type EvaluationImages = Pick<Evaluation, 'count' | 'labels' | 'predictions' | 'probabilities'>;

/**
 * The test images behind one confusion-matrix cell. A mistake cell lists the most
 * confident mistakes first (the ones that say most about the model); the diagonal
 * lists the least confident correct answers first (the near misses). Ties keep test
 * order, so the gallery is the same every time.
 */
export function galleryEntries(evaluation: EvaluationImages, actual: number, predicted: number): GalleryEntry[] {
  const { count, labels, predictions, probabilities } = evaluation;
  const entries: GalleryEntry[] = [];
  for (let index = 0; index < count; index++) {
    if (labels[index] !== actual || predictions[index] !== predicted) continue;
    entries.push({
      index,
      predictedProbability: probabilities[index * CLASSES + predicted],
      trueProbability: probabilities[index * CLASSES + actual],
    });
  }
  const mistakes = actual !== predicted;
  return entries.sort((a, b) =>
    mistakes ? b.predictedProbability - a.predictedProbability : a.predictedProbability - b.predictedProbability,
  );
}

type EpochRecord = ModelDetails['history'][number];

export interface TrainingCurves {
  epochs: number[];
  trainLoss: number[];
  testLoss: number[];
  trainAccuracy: number[];
  testAccuracy: number[];
  /** Only when the model held out a validation split (null for an epoch without one). */
  validationLoss: (number | null)[] | undefined;
  validationAccuracy: (number | null)[] | undefined;
}

/** A model's history as the columns its charts plot, in epoch order; undefined without history. */
export function trainingCurves(history: readonly EpochRecord[]): TrainingCurves | undefined {
  if (history.length === 0) return undefined;
  const records = [...history].sort((a, b) => a.epoch - b.epoch);
  const hasValidation = records.some((r) => r.validationLoss !== undefined);
  return {
    epochs: records.map((r) => r.epoch),
    trainLoss: records.map((r) => r.trainLoss),
    testLoss: records.map((r) => r.testLoss),
    trainAccuracy: records.map((r) => r.trainAccuracy),
    testAccuracy: records.map((r) => r.testAccuracy),
    validationLoss: hasValidation ? records.map((r) => r.validationLoss ?? null) : undefined,
    validationAccuracy: hasValidation ? records.map((r) => r.validationAccuracy ?? null) : undefined,
  };
}
