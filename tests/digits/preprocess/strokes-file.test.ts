import { describe, expect, it } from 'vitest';
import {
  parseStrokesJson,
  serialiseStrokeSamples,
  strokeSampleSchema,
} from '../../../src/digits/preprocess/strokes-file';
import { DRAWING_LIMITS, drawingsToInputBytes, strokesSchema } from '../../../src/digits/preprocess/strokes-file';
import { strokesToInput } from '../../../src/digits/preprocess/strokes';
import { cornerToCornerDrawing } from './hostile-inputs';

describe('parseStrokesJson', () => {
  it('accepts a single sample object', () => {
    const samples = parseStrokesJson('{"id":"a","strokes":[[[0,0],[1,2]],[[5,5]]]}');
    expect(samples).toEqual([
      {
        id: 'a',
        strokes: [
          [
            [0, 0],
            [1, 2],
          ],
          [[5, 5]],
        ],
      },
    ]);
  });

  it('accepts an array of samples, with and without labels', () => {
    const samples = parseStrokesJson(
      JSON.stringify([
        {
          id: 'seven',
          label: 7,
          strokes: [
            [
              [0, 0],
              [10, 0],
              [3, 20],
            ],
          ],
        },
        { id: 'blank', strokes: [] },
      ]),
    );
    expect(samples.map((s) => [s.id, s.label])).toEqual([
      ['seven', 7],
      ['blank', undefined],
    ]);
    expect('label' in samples[1]).toBe(false);
  });

  it('names the source and the path of a bad point', () => {
    const text = JSON.stringify([
      {
        id: 'a',
        strokes: [
          [[0, 0]],
          [
            [0, 0],
            [1, 1],
            [2, 2],
            [3, 3, 3],
          ],
        ],
      },
    ]);
    expect(() => parseStrokesJson(text, 'digits.json')).toThrow(
      'digits.json: [0].strokes[1][3]: expected a pair [x, y]',
    );
  });

  it('names the path of a bad field in the object form', () => {
    expect(() => parseStrokesJson('{"id":"a","strokes":[[[0,"x"]]]}', 'one.json')).toThrow(
      'one.json: strokes[0][0][1]: expected a finite number',
    );
    expect(() => parseStrokesJson('{"id":"a","strokes":[],"label":12}', 'one.json')).toThrow(
      'one.json: label: expected a digit 0..9',
    );
    expect(() => parseStrokesJson('{"strokes":[]}', 'one.json')).toThrow('one.json: id: expected a string');
  });

  it('rejects duplicate ids in the array form', () => {
    const text = '[{"id":"a","strokes":[]},{"id":"a","strokes":[]}]';
    expect(() => parseStrokesJson(text, 'twice.json')).toThrow('twice.json: [1].id: duplicate id "a"');
  });

  it('rejects invalid JSON and a document of the wrong shape', () => {
    expect(() => parseStrokesJson('{"id":', 'broken.json')).toThrow(/^broken\.json: invalid JSON: /);
    expect(() => parseStrokesJson('42', 'number.json')).toThrow(/^number\.json: \(root\): /);
  });
});

describe('serialiseStrokeSamples', () => {
  it('round-trips through parseStrokesJson, one sample per line', () => {
    const samples = [
      {
        id: 'a',
        label: 3,
        strokes: [
          [
            [0, 0],
            [1.5, 2],
          ],
        ] as [number, number][][],
      },
      { id: 'b', strokes: [[[4, 4]]] as [number, number][][] },
    ];
    const text = serialiseStrokeSamples(samples);
    expect(text).toBe('[\n  {"id":"a","label":3,"strokes":[[[0,0],[1.5,2]]]},\n  {"id":"b","strokes":[[[4,4]]]}\n]\n');
    expect(parseStrokesJson(text)).toEqual(samples);
  });

  it('writes an empty list as []', () => {
    expect(parseStrokesJson(serialiseStrokeSamples([]))).toEqual([]);
  });
});

describe('strokeSampleSchema', () => {
  it('is usable on its own, e.g. to validate one sample from the app', () => {
    expect(strokeSampleSchema.safeParse({ id: 'x', strokes: [[[1, 2]]] }).success).toBe(true);
    expect(strokeSampleSchema.safeParse({ id: 'x', strokes: [[]] }).success).toBe(false);
  });
});

describe('drawing limits', () => {
  it('a 1,000 x 20,000-point drawing is refused by counting, before a point is parsed, naming the limit', () => {
    const result = strokesSchema.safeParse(cornerToCornerDrawing());
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toEqual(['a drawing has at most 10000 points; this one has 20000000']);
    expect(strokesSchema.safeParse(cornerToCornerDrawing(DRAWING_LIMITS.strokes + 1, 1)).error?.issues[0].message).toBe(
      'a drawing has at most 1000 strokes; this one has 1001',
    );
    expect(strokesSchema.safeParse(cornerToCornerDrawing(1, DRAWING_LIMITS.pointsPerDrawing)).success).toBe(true);
  });

  it('a file over its point budget is refused whole, naming the limit', () => {
    const sample = { id: 'x', label: 1, strokes: cornerToCornerDrawing(1, DRAWING_LIMITS.pointsPerDrawing) };
    const samples = Array.from({ length: DRAWING_LIMITS.pointsPerFile / DRAWING_LIMITS.pointsPerDrawing + 1 }, (_, i) => ({ ...sample, id: `s${i}` }));
    expect(() => parseStrokesJson(JSON.stringify(samples), 'big.json')).toThrow(
      'big.json: (root): a file holds at most 2000000 points; this one has 2010000',
    );
  });

  it('drawingsToInputBytes gives each drawing as strokesToInput does, as bytes, and refuses one beyond the limits', () => {
    const seven = [[[10, 10], [90, 10], [40, 140]]] as [number, number][][];
    const bytes = drawingsToInputBytes([seven, []]);
    expect(bytes).toHaveLength(2 * 784);
    expect(Array.from(bytes.subarray(0, 784))).toEqual(Array.from(strokesToInput(seven), (v) => Math.round(v * 255)));
    expect(bytes.subarray(784).every((v) => v === 0)).toBe(true);
    expect(() => drawingsToInputBytes([seven, cornerToCornerDrawing(2, 6000)])).toThrow('drawing 2: a drawing has at most 10000 points; this one has 12000');
  });
});
