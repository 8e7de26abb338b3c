import { describe, expect, it } from 'vitest';
import {
  classificationReport,
  formatClassificationReport,
  formatConfusionMatrix,
  formatFixed,
} from '../../../src/engine/metrics/classification-report';
import { confusionMatrix } from '../../../src/engine/metrics/confusion';

/**
 * Ten samples over classes 0..3 (of 10). Rows = true class, columns = predicted:
 *
 *        p0 p1 p2 p3   support
 *   t0 [  3, 1, 0, 0 ]  4
 *   t1 [  1, 2, 1, 0 ]  4
 *   t2 [  0, 0, 0, 0 ]  0   never true, predicted once
 *   t3 [  1, 1, 0, 0 ]  2   never predicted
 *   predicted: 5  4  1  0
 *
 * Classes 4..9 occur nowhere, so (as in sklearn) they are not in the report.
 */
const actual = [0, 0, 0, 0, 1, 1, 1, 1, 3, 3];
const predicted = [0, 0, 0, 1, 0, 1, 1, 2, 0, 1];

describe('classificationReport', () => {
  const report = classificationReport(confusionMatrix(actual, predicted));

  it('computes per-class precision, recall, F1 and support by hand', () => {
    expect(report.classes).toEqual([
      // precision 3/5, recall 3/4, F1 = 2*3 / (4 + 5) = 2/3
      { label: 0, precision: 0.6, recall: 0.75, f1: 2 / 3, support: 4 },
      // precision 2/4, recall 2/4, F1 = 2*2 / (4 + 4)
      { label: 1, precision: 0.5, recall: 0.5, f1: 0.5, support: 4 },
      // precision 0/1; recall 0/0 -> 0 (zero_division=0); F1 = 0 / (0 + 1)
      { label: 2, precision: 0, recall: 0, f1: 0, support: 0 },
      // precision 0/0 -> 0; recall 0/2; F1 = 0 / (2 + 0)
      { label: 3, precision: 0, recall: 0, f1: 0, support: 2 },
    ]);
  });

  it('computes accuracy and the averages by hand', () => {
    // trace / total = (3 + 2) / 10
    expect(report.accuracy).toBe(0.5);
    // macro: unweighted mean over the four classes, the zero rows included
    //   precision (0.6 + 0.5 + 0 + 0) / 4 = 0.275
    //   recall    (0.75 + 0.5 + 0 + 0) / 4 = 0.3125
    //   f1        (2/3 + 1/2 + 0 + 0) / 4 = 7/24
    expect(report.macroAvg.precision).toBeCloseTo(0.275, 15);
    expect(report.macroAvg.recall).toBe(0.3125);
    expect(report.macroAvg.f1).toBeCloseTo(7 / 24, 15);
    expect(report.macroAvg.support).toBe(10);
    // weighted by support (4, 4, 0, 2) over 10:
    //   precision (0.6*4 + 0.5*4) / 10 = 0.44
    //   recall    (0.75*4 + 0.5*4) / 10 = 0.5 (always equals accuracy)
    //   f1        (2/3*4 + 0.5*4) / 10 = 14/30
    expect(report.weightedAvg.precision).toBeCloseTo(0.44, 15);
    expect(report.weightedAvg.recall).toBe(0.5);
    expect(report.weightedAvg.f1).toBeCloseTo(14 / 30, 15);
    expect(report.weightedAvg.support).toBe(10);
  });

  it('averages in numpy pairwise order, as sklearn does', () => {
    // Eight classes with precisions 0, 0, 0, 1/2, 0, 3/5, 0, 3/10 (tp / column sum).
    // numpy adds ((0 + 0) + (0 + 0.5)) + ((0 + 0.6) + (0 + 0.3)) = 1.4, so the mean is
    // the double nearest 0.175, which lies just below it and prints as 0.17. Adding
    // left to right gives 1.4000000000000001, a mean of 0.17500000000000002 and 0.18.
    const confusion = [
      [0, 3, 0, 0, 0, 1, 0, 3],
      [1, 0, 3, 0, 1, 0, 0, 0],
      [1, 2, 0, 0, 0, 0, 1, 0],
      [1, 0, 1, 3, 1, 0, 3, 3],
      [2, 0, 2, 0, 0, 0, 3, 1],
      [0, 0, 0, 0, 0, 3, 0, 0],
      [0, 0, 0, 1, 2, 1, 0, 0],
      [1, 1, 3, 2, 0, 0, 2, 3],
    ];
    const macro = classificationReport(confusion).macroAvg.precision;
    expect(macro).toBe(0.175);
    expect(formatFixed(macro, 2)).toBe('0.17');
  });

  it('is empty, with zero averages, when there are no samples', () => {
    const empty = classificationReport(confusionMatrix([], [], 3));
    expect(empty.classes).toEqual([]);
    expect(empty.accuracy).toBe(0);
    expect(empty.macroAvg).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
  });

  it('rejects a confusion matrix that is not square', () => {
    expect(() => classificationReport([[1, 0], [0]])).toThrow(RangeError);
  });
});

describe('formatClassificationReport', () => {
  const report = classificationReport(confusionMatrix(actual, predicted));

  it("prints sklearn's layout exactly", () => {
    // From classification_report(actual, predicted, zero_division=0). The macro
    // precision 0.275 is stored as 0.27500000000000002 and so prints 0.28.
    expect(formatClassificationReport(report)).toBe(
      [
        '              precision    recall  f1-score   support',
        '',
        '           0       0.60      0.75      0.67         4',
        '           1       0.50      0.50      0.50         4',
        '           2       0.00      0.00      0.00         0',
        '           3       0.00      0.00      0.00         2',
        '',
        '    accuracy                           0.50        10',
        '   macro avg       0.28      0.31      0.29        10',
        'weighted avg       0.44      0.50      0.47        10',
        '',
      ].join('\n'),
    );
  });

  it('rounds exact ties to even with more digits, as Python does', () => {
    // Macro recall 0.3125 is exact in binary: Python prints 0.312, toFixed 0.313.
    expect(formatClassificationReport(report, { digits: 3 })).toBe(
      [
        '              precision    recall  f1-score   support',
        '',
        '           0      0.600     0.750     0.667         4',
        '           1      0.500     0.500     0.500         4',
        '           2      0.000     0.000     0.000         0',
        '           3      0.000     0.000     0.000         2',
        '',
        '    accuracy                          0.500        10',
        '   macro avg      0.275     0.312     0.292        10',
        'weighted avg      0.440     0.500     0.467        10',
        '',
      ].join('\n'),
    );
  });

  it('names classes with the given labels and widens for long ones', () => {
    const labels = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
    const text = formatClassificationReport(report, { labels });
    expect(text.split('\n').slice(2, 6)).toEqual([
      '        zero       0.60      0.75      0.67         4',
      '         one       0.50      0.50      0.50         4',
      '         two       0.00      0.00      0.00         0',
      '       three       0.00      0.00      0.00         2',
    ]);
    const long = formatClassificationReport(report, { labels: ['the digit zero, ok'] });
    expect(long.split('\n')[2]).toBe('the digit zero, ok       0.60      0.75      0.67         4');
    expect(long.split('\n')[0]).toBe(`${' '.repeat(18)}  precision    recall  f1-score   support`);
  });
});

describe('formatFixed', () => {
  it('rounds exact binary ties to even, as Python format does', () => {
    expect(formatFixed(0.125, 2)).toBe('0.12');
    expect(formatFixed(0.375, 2)).toBe('0.38');
    expect(formatFixed(0.625, 2)).toBe('0.62');
    expect(formatFixed(0.875, 2)).toBe('0.88');
    expect(formatFixed(2.5, 0)).toBe('2');
    expect(formatFixed(3.5, 0)).toBe('4');
  });

  it('rounds values that only look like ties by their exact binary value', () => {
    // 0.145 is stored as 0.14499999999999999, 0.165 as 0.16500000000000001.
    expect(formatFixed(0.145, 2)).toBe('0.14');
    expect(formatFixed(0.165, 2)).toBe('0.17');
    expect(formatFixed(1 / 3, 4)).toBe('0.3333');
    expect(formatFixed(1, 2)).toBe('1.00');
  });
});

describe('formatConfusionMatrix', () => {
  it('right-aligns counts under a predicted header with true rows', () => {
    const confusion = confusionMatrix(actual, predicted, 4);
    confusion[0][0] = 120;
    expect(formatConfusionMatrix(confusion)).toBe(
      [
        '     predicted', //
        'true    0    1    2    3',
        '   0  120    1    0    0',
        '   1    1    2    1    0',
        '   2    0    0    0    0',
        '   3    1    1    0    0',
      ].join('\n'),
    );
  });

  it('uses the given labels for rows and columns', () => {
    const text = formatConfusionMatrix(
      [
        [5, 1],
        [0, 7],
      ],
      ['cat', 'dog'],
    );
    expect(text).toBe(['     predicted', 'true  cat  dog', ' cat    5    1', ' dog    0    7'].join('\n'));
  });
});
