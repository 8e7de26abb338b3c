import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Stroke } from '../../src/digits/preprocess/strokes';
import { tegaki } from './run-tegaki';

const model = join(import.meta.dirname, '../../resources/default-model.tgk');


/** Clearly drawn digits in a 100-high box (x 0..60), moved `dx` right. */
const shapes: Record<string, Stroke[]> = {
  '1': [
    [
      [30, 0],
      [30, 100],
    ],
  ],
  '4': [
    [
      [40, 0],
      [0, 65],
      [60, 65],
    ],
    [
      [45, 30],
      [45, 100],
    ],
  ],
  '7': [
    [
      [0, 0],
      [60, 0],
    ],
    [
      [60, 0],
      [20, 100],
    ],
  ],
};
const at = (dx: number, strokes: Stroke[]): Stroke[] =>
  strokes.map((s) => s.map(([x, y]) => [x + dx, y] as [number, number]));

describe('tegaki predict --number (real process, the shipped model)', () => {
  let dir: string;
  let strokesFile: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tegaki-number-'));
    strokesFile = join(dir, 'numbers.json');
    const number = [...at(0, shapes['7']), ...at(90, shapes['4']), ...at(180, shapes['1'])];
    await writeFile(
      strokesFile,
      JSON.stringify([
        { id: 'seven-four-one', strokes: number },
        { id: 'just-a-four', strokes: shapes['4'] },
        { id: 'blank', strokes: [] },
      ]),
    );
  });

  it('--json gives the digit string and a "digits" array with each digit\'s probabilities and strokes', async () => {
    const { stdout, code, stderr } = await tegaki('predict', model, strokesFile, '--number', '--json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const [number, single, blank] = JSON.parse(stdout) as {
      id: string;
      number: string;
      digits: { label: number; probabilities: number[]; strokes: number[] }[];
    }[];
    expect(number.id).toBe('seven-four-one');
    expect(number.number).toBe('741');
    expect(number.digits.map((d) => d.strokes)).toEqual([[0, 1], [2, 3], [4]]);
    for (const digit of number.digits) {
      expect(digit.probabilities).toHaveLength(10);
      expect(digit.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      expect(Math.max(...digit.probabilities)).toBe(digit.probabilities[digit.label]);
    }
    // A blank drawing has no digits, and no error.
    expect(blank).toEqual({ id: 'blank', number: '', digits: [] });
    // A single digit is a number of one digit, read exactly as without --number.
    expect(single.number).toBe('4');
    const plain = JSON.parse((await tegaki('predict', model, strokesFile, '--json')).stdout) as {
      probabilities: number[];
    }[];
    expect(single.digits[0].probabilities).toEqual(plain[1].probabilities);
  });

  it('prints the number and one line of probabilities per digit', async () => {
    const { stdout, code } = await tegaki('predict', model, strokesFile, '--number');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe('seven-four-one: 741');
    expect(lines[1]).toMatch(/^ {2}7 +\d+\.\d% \| 0:\d+\.\d 1:/);
    expect(lines.slice(1, 4).map((l) => l.trim()[0])).toEqual(['7', '4', '1']);
    expect(lines[4]).toBe('just-a-four: 4');
    expect(lines[6]).toBe('blank: (no ink)');
  });

  it('refuses a PNG with --number, naming it', async () => {
    const png = join(dir, 'digit.png');
    await writeFile(png, Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'));
    const { stderr, code } = await tegaki('predict', model, png, '--number');
    expect(code).toBe(1);
    expect(stderr).toContain('--number splits strokes files into digits, not images');
  });
});
