import { describe, expect, it } from 'vitest';
import { strokesToInput } from '../../../src/digits/preprocess/strokes';
import { drawTemplate } from '../../../src/digits/synthetic/hand';
import { MNIST_LACKING_STYLES, drawnTemplates } from '../../../src/digits/synthetic/templates';
import { trainingDigitTemplates } from '../../../src/digits/synthetic/training-templates';
import { Random } from '../../../src/engine/random';
import { SAME_TEMPLATE_BELOW, nearest, nudgedCopy, renderTemplate, templateDistance } from './template-distance';

describe('training digit templates: the styles MNIST lacks, apart from the bench', () => {
  it('every template, drawn by the seeded hand, is an inked 28x28 input', () => {
    const random = new Random(1);
    for (const template of trainingDigitTemplates) {
      for (let k = 0; k < 5; k++) {
        const input = strokesToInput(drawTemplate(template.strokes, random));
        expect(input.length).toBe(784);
        expect(
          input.reduce((sum, v) => sum + v, 0),
          template.style,
        ).toBeGreaterThan(20);
      }
    }
  });

  it('every style MNIST lacks has at least 4 templates, each of the digit the bench writes in that style', () => {
    for (const style of MNIST_LACKING_STYLES) {
      const digits = new Set(drawnTemplates.filter((t) => t.style === style).map((t) => t.digit));
      expect(digits.size, style).toBe(1);
      const ofStyle = trainingDigitTemplates.filter((t) => t.style === style);
      expect(ofStyle.length, style).toBeGreaterThanOrEqual(4);
      for (const template of ofStyle) expect(template.digit, style).toBe([...digits][0]);
    }
    for (const template of trainingDigitTemplates) expect(MNIST_LACKING_STYLES).toContain(template.style);
  });

  it('the distance catches a bench template copied with tiny offsets', () => {
    const random = new Random(2);
    for (const template of drawnTemplates) {
      const copy = renderTemplate(nudgedCopy(template.strokes, 0.02, random));
      expect(templateDistance(renderTemplate(template.strokes), copy), template.style).toBeLessThan(
        SAME_TEMPLATE_BELOW,
      );
    }
  });

  it('no template is a copy or near-copy of any bench template', () => {
    nearest(trainingDigitTemplates, drawnTemplates).forEach(({ distance, index }, i) => {
      const what = `training ${i} (${trainingDigitTemplates[i].style}) vs bench ${index} (${drawnTemplates[index].style})`;
      expect(distance, what).toBeGreaterThanOrEqual(SAME_TEMPLATE_BELOW);
    });
  });

  it('no two templates of one style are copies of each other', () => {
    // Across styles a continental 1 and the same 1 with a base may be close: the base is the difference.
    const rendered = trainingDigitTemplates.map((t) => renderTemplate(t.strokes));
    rendered.forEach((a, i) =>
      rendered.forEach((b, j) => {
        if (j <= i || trainingDigitTemplates[i].style !== trainingDigitTemplates[j].style) return;
        expect(templateDistance(a, b), `${i} vs ${j}`).toBeGreaterThanOrEqual(SAME_TEMPLATE_BELOW);
      }),
    );
  });
});
