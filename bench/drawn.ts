/**
 * `npm run bench -- --only drawn [--models a.tgk,b.tgk]`: how models read digits as the
 * app sees them, beside their MNIST test accuracy. The shipped default model is judged
 * by these figures (resources/default-model-report.md says which won and why).
 *
 * Three sets: MNIST's test images; the same images distorted only in ways the app's
 * preprocessing does not undo (bench/drawn-set/distorted-mnist.ts: turned, slanted, narrowed
 * or widened, wobbled, then cropped, rescaled and re-centred as the app does; no shift,
 * scale or stroke-width change, which preprocessing removes); and synthetic canvas
 * drawings of hand-written stroke templates (bench/drawn-digits.ts), with the styles
 * MNIST lacks broken out.
 *
 * Every figure carries a 95% Wilson score interval on its image or drawing count and,
 * for drawings, the number of distinct templates behind it. The drawings of one template
 * are correlated (same shape, different hand), so the interval is too narrow for what a
 * figure says about unseen styles: read it with the template count.
 */
import { basename } from 'node:path';
import { loadMnist } from '../src/digits/data/mnist';
import { loadModel } from '../src/digits/io/saved-model';
import { describeArchitecture } from '../src/engine/training/architecture';
import { evaluate } from '../src/engine/training/evaluate';
import { wilsonInterval } from './drawn-set/confidence';
import { describeDistortion, distortedDataset, drawnLikeDistortion } from './drawn-set/distorted-mnist';
import { MNIST_LACKING_STYLES, drawnDigitsDataset, drawnTemplates } from './drawn-digits';

export { describeDistortion, distortedDataset, drawnLikeDistortion } from './drawn-set/distorted-mnist';
export type { DrawnLikeDistortion } from './drawn-set/distorted-mnist';

/** "97.30% [96.81, 97.72]": the accuracy and its 95% Wilson interval, in percent. */
export function formatAccuracy(right: number, total: number): string {
  const { low, high } = wilsonInterval(right, total);
  return `${((right / total) * 100).toFixed(2)}% [${(low * 100).toFixed(2)}, ${(high * 100).toFixed(2)}]`;
}

/** Right answers and totals over the drawings whose template passes `include`. */
function tally(
  templateIndex: Uint16Array,
  labels: Uint8Array,
  predictions: Uint8Array,
  include: (template: number) => boolean,
): { right: number; total: number; templates: number } {
  let right = 0;
  let total = 0;
  const templates = new Set<number>();
  templateIndex.forEach((template, i) => {
    if (!include(template)) return;
    total++;
    templates.add(template);
    if (predictions[i] === labels[i]) right++;
  });
  return { right, total, templates: templates.size };
}

export async function runDrawnBench(modelPaths: string[]): Promise<void> {
  const mnist = await loadMnist();
  const drawn = drawnDigitsDataset();
  const distorted = distortedDataset(mnist.test, drawnLikeDistortion);
  const perDigitTemplates = Array.from({ length: 10 }, (_, d) => drawnTemplates.filter((t) => t.digit === d).length);
  console.log(
    `Drawn digits: ${drawn.count.toLocaleString('en-US')} synthetic canvas drawings (seed 2026) of ${drawnTemplates.length}` +
      ` hand-written stroke templates (${Math.min(...perDigitTemplates)}-${Math.max(...perDigitTemplates)} per digit,` +
      ` bench/drawn-set/templates.ts), through the app's preprocessing`,
  );
  console.log(
    `Distorted MNIST test: each test image once with ${describeDistortion(drawnLikeDistortion)} (seed 12345),` +
      ' then cropped, scaled to 20 px and centred by mass as the app does',
  );
  console.log(
    'Accuracy [95% Wilson interval] on the image or drawing count. Drawings of one template are correlated,' +
      ' so the template count matters as much as the drawing count.',
  );
  for (const path of modelPaths) {
    const { model } = await loadModel(path);
    const onMnist = evaluate(model, mnist.test);
    const onDistorted = evaluate(model, distorted);
    const onDrawn = evaluate(model, drawn);
    const count = (x: number, what: string) => `${x.toLocaleString('en-US')} ${what}`;
    const drawnFigure = (include: (template: number) => boolean): string => {
      const { right, total, templates } = tally(drawn.templateIndex, onDrawn.labels, onDrawn.predictions, include);
      return `${formatAccuracy(right, total).padEnd(23)} ${count(total, 'drawings')}, ${templates} templates`;
    };
    const right = (e: { accuracy: number; count: number }) => Math.round(e.accuracy * e.count);
    console.log(`${basename(path)}: ${describeArchitecture(model.spec)}`);
    console.log(
      `  MNIST test       ${formatAccuracy(right(onMnist), onMnist.count).padEnd(23)} ${count(onMnist.count, 'images')}`,
    );
    console.log(
      `  distorted MNIST  ${formatAccuracy(right(onDistorted), onDistorted.count).padEnd(23)} ${count(onDistorted.count, 'images')}`,
    );
    console.log(`  drawn            ${drawnFigure(() => true)}`);
    for (let digit = 0; digit < 10; digit++) {
      console.log(`    digit ${digit}        ${drawnFigure((t) => drawnTemplates[t].digit === digit)}`);
    }
    console.log('  drawn, styles MNIST lacks:');
    for (const style of MNIST_LACKING_STYLES) {
      console.log(`    ${style.padEnd(24)} ${drawnFigure((t) => drawnTemplates[t].style === style)}`);
    }
  }
}
