import { describe, expect, it } from 'vitest';
import {
  parseStrokesJson,
  serialiseStrokeSamples,
  strokeSampleSchema,
} from '../../../src/digits/preprocess/strokes-file';

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
