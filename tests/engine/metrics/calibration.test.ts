import { describe, expect, it } from 'vitest';
import { CALIBRATION_BINS, expectedCalibrationError, reliabilityBins } from '../../../src/engine/metrics/calibration';

describe('reliabilityBins and expectedCalibrationError', () => {
  // Four samples of three classes, worked by hand with M = 15 bins of width 1/15:
  //   [0.9, 0.05, 0.05] label 0: confidence 0.9, right  -> bin 13 (0.867, 0.933]
  //   [0.1, 0.9, 0.0]   label 0: confidence 0.9, wrong  -> bin 13
  //   [0.45, 0.3, 0.25] label 2: confidence 0.45, wrong -> bin 6 (0.4, 0.467]
  //   [0.2, 0.7, 0.1]   label 1: confidence 0.7, right  -> bin 10 (0.667, 0.733]
  // ECE = 2/4·|0.5 − 0.9| + 1/4·|0 − 0.45| + 1/4·|1 − 0.7| = 0.2 + 0.1125 + 0.075 = 0.3875
  const probabilities = [0.9, 0.05, 0.05, 0.1, 0.9, 0, 0.45, 0.3, 0.25, 0.2, 0.7, 0.1];
  const labels = [0, 0, 2, 1];

  it('puts each sample in the bin of its largest probability and averages confidence and accuracy there', () => {
    const bins = reliabilityBins(probabilities, labels, 3);
    expect(bins).toHaveLength(CALIBRATION_BINS);
    expect(bins.map((b) => b.count)).toEqual([0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 2, 0]);
    expect(bins[13]).toMatchObject({ count: 2, accuracy: 0.5 });
    expect(bins[13].confidence).toBeCloseTo(0.9, 12);
    expect(bins[13].lower).toBeCloseTo(13 / 15, 12);
    expect(bins[13].upper).toBeCloseTo(14 / 15, 12);
    expect(bins[6]).toMatchObject({ count: 1, accuracy: 0, confidence: 0.45 });
    expect(bins[10]).toMatchObject({ count: 1, accuracy: 1, confidence: 0.7 });
    expect(bins[0]).toMatchObject({ count: 0, accuracy: 0, confidence: 0 });
  });

  it('gives the hand-computed ECE', () => {
    expect(expectedCalibrationError(reliabilityBins(probabilities, labels, 3))).toBeCloseTo(0.3875, 12);
  });

  it('puts a confidence of exactly m/M in the bin it closes, and 1 in the last', () => {
    // 0.6 = 9/15 closes bin 8, (8/15, 9/15]; 1 closes bin 14.
    const bins = reliabilityBins([0.6, 0.4, 1, 0], [0, 0], 2);
    expect(bins[8].count).toBe(1);
    expect(bins[14].count).toBe(1);
  });

  it('is 0 for a model whose confidence matches its accuracy, and for no samples', () => {
    // Ten samples at confidence 0.7, seven of them right.
    const p = Array.from({ length: 10 }, () => [0.7, 0.3]).flat();
    const y = [0, 0, 0, 0, 0, 0, 0, 1, 1, 1];
    expect(expectedCalibrationError(reliabilityBins(p, y, 2))).toBeCloseTo(0, 12);
    expect(expectedCalibrationError(reliabilityBins([], [], 10))).toBe(0);
  });

  it('refuses probabilities that do not match the labels', () => {
    expect(() => reliabilityBins([0.5, 0.5, 1], [0, 1], 2)).toThrow(RangeError);
  });
});
