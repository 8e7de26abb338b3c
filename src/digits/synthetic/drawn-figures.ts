/**
 * The figures of how a model reads the drawn digits and says "not a digit", computed one
 * way for the bench (bench/drawn.ts), scripts/train-default.ts and the engine process's
 * evaluation the report shows: right answers per style MNIST lacks from the predictions
 * on the drawn set, and the share of a set rejected from the logits at the model file's
 * threshold (src/engine/metrics/rejection.ts).
 */
import type { Dataset } from '../../engine/data/dataset';
import { rejectedCount, rejectionScores } from '../../engine/metrics/rejection';
import type { Sequential } from '../../engine/model/sequential';
import { evaluate } from '../../engine/training/evaluate';
import type { DrawnDigitsFigures, DrawnStyleTally } from '../../shared/drawn-evaluation';
import type { ModelRejection } from '../../shared/model-metadata';
import type { DrawnDigitsDataset } from './drawn-digits';
import { MNIST_LACKING_STYLES, drawnDigitsDataset, drawnTemplates } from './drawn-digits';
import { nonDigitDataset } from './non-digits';

let drawnSet: DrawnDigitsDataset | undefined;
let heldOutSet: ReturnType<typeof nonDigitDataset> | undefined;

/** The bench's 5,000 drawn digits (seed 2026), drawn once per process: drawing them takes seconds. */
export function drawnDigitsOnce(): DrawnDigitsDataset {
  return (drawnSet ??= drawnDigitsDataset());
}

/** The held-out non-digits (seed 2029), drawn once per process. */
export function heldOutNonDigitsOnce(): ReturnType<typeof nonDigitDataset> {
  return (heldOutSet ??= nonDigitDataset('held-out'));
}

export interface Tally {
  right: number;
  total: number;
  /** Accuracy of each template among those counted, in template order. */
  perTemplate: number[];
  /** How often each digit was the wrong answer. */
  misreadAs: number[];
}

/** Right answers and totals over the drawings whose template passes `include`. */
export function tally(
  templateIndex: Uint16Array,
  labels: Uint8Array,
  predictions: Uint8Array,
  include: (template: number) => boolean,
): Tally {
  const right = new Map<number, number>();
  const total = new Map<number, number>();
  const misreadAs = new Array<number>(10).fill(0);
  templateIndex.forEach((template, i) => {
    if (!include(template)) return;
    total.set(template, (total.get(template) ?? 0) + 1);
    if (predictions[i] === labels[i]) right.set(template, (right.get(template) ?? 0) + 1);
    else misreadAs[predictions[i]]++;
  });
  const templates = [...total.keys()].sort((a, b) => a - b);
  const sum = (m: Map<number, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  return {
    right: sum(right),
    total: sum(total),
    perTemplate: templates.map((t) => (right.get(t) ?? 0) / total.get(t)!),
    misreadAs,
  };
}

/** Per style MNIST lacks: the tally of its drawings and how many templates it has, for a model's predictions on the drawn set. */
export function styleTallies(
  drawn: { templateIndex: Uint16Array },
  labels: Uint8Array,
  predictions: Uint8Array,
): DrawnStyleTally[] {
  return MNIST_LACKING_STYLES.map((style) => {
    const { right, total, perTemplate } = tally(
      drawn.templateIndex,
      labels,
      predictions,
      (t) => drawnTemplates[t].style === style,
    );
    return { style, right, total, templates: perTemplate.length };
  });
}

/** The drawn set read right overall and per style MNIST lacks, from a model's predictions on it. */
export function drawnDigitsFigures(drawn: DrawnDigitsDataset, predictions: Uint8Array): DrawnDigitsFigures {
  const { right, total } = tally(drawn.templateIndex, drawn.labels, predictions, () => true);
  return { right, total, styles: styleTallies(drawn, drawn.labels, predictions) };
}

/** How many rows of `[n, classes]` logits the model's decision rejects, and each row's score. */
export function rejectionOfLogits(
  rejection: ModelRejection,
  logits: ArrayLike<number>,
  classes: number,
): { rejected: number; total: number; scores: Float64Array } {
  const scores = rejectionScores(rejection.score, logits, classes, rejection.temperature);
  return { rejected: rejectedCount(scores, rejection.threshold), total: scores.length, scores };
}

/** How many of `data` the model's decision rejects, and each image's score. */
export function rejectionTally(
  model: Sequential,
  rejection: ModelRejection,
  data: Dataset,
): { rejected: number; total: number; scores: Float64Array } {
  const { logits } = evaluate(model, data, { keepLogits: true });
  return rejectionOfLogits(rejection, logits!, model.classes);
}
