/**
 * Drawings synthesised from strokes for training, what the hyperparameters `styleDrawings`
 * and `nonDigitDrawings` ask for (src/shared/hyperparameters.ts): digits in the styles MNIST
 * lacks, from the training templates (training-templates.ts), and non-digits, from the
 * 'training' and 'fitting' templates of non-digits.ts, labelled NO_CLASS_LABEL so the loss
 * trains them towards equal probabilities for every digit. The seeded hand (hand.ts) draws
 * them and the app's preprocessing (strokesToInput) turns them into network inputs, as it
 * does a person's drawing.
 *
 * What judges the result is never drawn here: the drawn-digit bench's templates
 * (templates.ts) and the held-out non-digit templates are disjoint from these, so the bench
 * measures how well the training generalises to strokes it never saw.
 */
import type { Dataset } from '../../engine/data/dataset';
import { NO_CLASS_LABEL, concatDatasets } from '../../engine/data/dataset';
import { Random } from '../../engine/random';
import type { Hyperparameters } from '../../shared/hyperparameters';
import { strokesToInput } from '../preprocess/strokes';
import { drawTemplate } from './hand';
import { nonDigitTemplatesOf } from './non-digits';
import type { TemplateStroke } from './templates';
import { trainingDigitTemplates } from './training-templates';

/** The templates non-digit training drawings come from: every split but the held-out one. */
export const trainingNonDigitTemplates = () => [...nonDigitTemplatesOf('training'), ...nonDigitTemplatesOf('fitting')];

/** `count` drawings of the templates in turn, labelled by `labelOf`, as a Dataset of uint8 pixels. */
function drawings<T extends { strokes: TemplateStroke[] }>(
  templates: readonly T[],
  count: number,
  labelOf: (template: T) => number,
  random: Random,
): Dataset {
  const images = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const template = templates[i % templates.length];
    const input = strokesToInput(drawTemplate(template.strokes, random));
    for (let p = 0; p < 784; p++) images[i * 784 + p] = Math.round(input[p] * 255);
    labels[i] = labelOf(template);
  }
  return { images, labels, count, rows: 28, cols: 28 };
}

let last: { key: string; data: Dataset | undefined } | undefined;

/**
 * The run's synthesised drawings, or none when it asks for none. The same seed and counts
 * give the same drawings; the last set is kept, since an engine process trains again and again.
 */
export function synthesisedDrawings(
  h: Pick<Hyperparameters, 'styleDrawings' | 'nonDigitDrawings' | 'seed'>,
): Dataset | undefined {
  const styles = h.styleDrawings ?? 0;
  const nonDigits = h.nonDigitDrawings ?? 0;
  const key = `${styles}/${nonDigits}/${h.seed}`;
  if (last?.key === key) return last.data;
  const random = new Random(h.seed).fork('synthesis');
  const parts = [
    drawings(trainingDigitTemplates, styles, (template) => template.digit, random.fork('styles')),
    drawings(trainingNonDigitTemplates(), nonDigits, () => NO_CLASS_LABEL, random.fork('non-digits')),
  ].filter((part) => part.count > 0);
  const data = parts.length === 0 ? undefined : concatDatasets(parts);
  last = { key, data };
  return data;
}
