import { readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MNIST_LACKING_STYLES, drawnDigits, drawnDigitsDataset, drawnTemplates } from '../../../src/digits/synthetic/drawn-digits';
import { loadModel } from '../../../src/digits/io/saved-model';
import { evaluate } from '../../../src/engine/training/evaluate';

const root = resolve(import.meta.dirname, '../../..');

/** Every file `entry` reaches through relative imports, itself included, relative to the repository. */
function importClosure(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const [, specifier] of text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const base = resolve(dirname(file), specifier);
      const found = [base, `${base}.ts`].find((candidate) => statSync(candidate, { throwIfNoEntry: false })?.isFile());
      if (found) visit(found);
    }
  };
  visit(resolve(root, entry));
  return [...seen].map((file) => relative(root, file));
}

describe('drawn digits: synthetic canvas drawings for judging models', () => {
  it('the same seed draws the same set, another seed a different one', () => {
    const a = drawnDigits(5, 7);
    expect(drawnDigits(5, 7).inputs).toEqual(a.inputs);
    expect(drawnDigits(5, 8).inputs).not.toEqual(a.inputs);
    expect(Array.from(a.labels.slice(0, 10))).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
  });

  it('every digit has at least 8 templates, each with a style name, and each is drawn', () => {
    for (let digit = 0; digit < 10; digit++) {
      const ofDigit = drawnTemplates.filter((t) => t.digit === digit);
      expect(ofDigit.length, `digit ${digit}`).toBeGreaterThanOrEqual(8);
      for (const template of ofDigit) expect(template.style.trim()).not.toBe('');
    }
    const { templateIndex, labels, count } = drawnDigits(20);
    expect(new Set(templateIndex).size).toBe(drawnTemplates.length);
    for (let n = 0; n < count; n++) expect(drawnTemplates[templateIndex[n]].digit).toBe(labels[n]);
  });

  it('has the styles MNIST lacks: slashed zero, continental 1 with and without base, open-top 4, crossed 7, 9 with a straight stem', () => {
    const expected: [string, number][] = [
      ['slashed zero', 0],
      ['continental 1', 1],
      ['continental 1 with base', 1],
      ['open-top 4', 4],
      ['crossed 7', 7],
      ['straight stem', 9],
    ];
    expect([...MNIST_LACKING_STYLES].sort()).toEqual(expected.map(([style]) => style).sort());
    for (const [style, digit] of expected) {
      const ofStyle = drawnTemplates.filter((t) => t.style === style);
      expect(ofStyle.length, style).toBeGreaterThanOrEqual(2);
      for (const template of ofStyle) expect(template.digit).toBe(digit);
    }
  });

  it('the generator shares no code with the training augmentation', () => {
    const reached = importClosure('src/digits/synthetic/drawn-digits.ts');
    expect(reached).toContain('src/digits/synthetic/hand.ts');
    expect(reached.filter((file) => file.startsWith('src/engine/training'))).toEqual([]);
    expect(
      importClosure('bench/drawn-set/distorted-mnist.ts').filter((f) => f.startsWith('src/engine/training')),
    ).toEqual([]);
  });

  it('every drawing is inked and centred by the app preprocessing', () => {
    const { inputs, count } = drawnDigits(3);
    for (let n = 0; n < count; n++) {
      const image = inputs.subarray(n * 784, (n + 1) * 784);
      let mass = 0;
      let cx = 0;
      let cy = 0;
      image.forEach((v, i) => {
        mass += v;
        cx += v * (i % 28);
        cy += v * Math.floor(i / 28);
      });
      expect(mass).toBeGreaterThan(20);
      expect(Math.abs(cx / mass - 13.5)).toBeLessThan(1.5);
      expect(Math.abs(cy / mass - 13.5)).toBeLessThan(1.5);
    }
  });

  it('the shipped default model reads at least 90% of the drawings in styles MNIST has', async () => {
    const { model } = await loadModel('resources/default-model.tgk');
    const drawn = drawnDigitsDataset(50);
    const lacking = new Set<string>(MNIST_LACKING_STYLES);
    const indices = Array.from({ length: drawn.count }, (_, i) => i).filter(
      (i) => !lacking.has(drawnTemplates[drawn.templateIndex[i]].style),
    );
    expect(evaluate(model, drawn, { indices }).accuracy).toBeGreaterThanOrEqual(0.9);
  });
});
