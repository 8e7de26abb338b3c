import { describe, expect, it } from 'vitest';
import { modelMetadataFor } from '../../../src/digits/io/model-metadata';
import { classificationReport } from '../../../src/engine/metrics/classification-report';
import { modelMetadataSchema } from '../../../src/shared/model-metadata';
import { fakeTrainedModel } from '../../backend/fixtures';

describe('modelMetadataFor', () => {
  it('builds metadata that its own schema accepts unchanged, with the report from the confusion matrix', () => {
    const calibration = { temperature: 1.3, validationCount: 5000, eceBefore: 0.02, eceAfter: 0.01 };
    const trained = { ...fakeTrainedModel(2), personalTest: { accuracy: 0.75, count: 8 }, calibration };
    const metadata = modelMetadataFor(trained, {
      name: 'mine (fine-tuned)',
      personal: { mode: 'fine-tune', weight: 20, testSplit: 0.25 },
      fineTunedFrom: 'base.tgk',
      createdAt: new Date('2026-01-02T03:04:05.000Z'),
    });
    expect(metadata).toMatchObject({
      name: 'mine (fine-tuned)',
      createdAt: '2026-01-02T03:04:05.000Z',
      hyperparameters: trained.hyperparameters,
      personal: { mode: 'fine-tune' },
      fineTunedFrom: 'base.tgk',
      calibration,
      metrics: {
        testAccuracy: 0.9,
        testLoss: 0.3,
        confusion: trained.test.confusion,
        report: classificationReport(trained.test.confusion),
        personalTestAccuracy: 0.75,
        personalTestCount: 8,
      },
    });
    const roundTrip = modelMetadataSchema.parse(JSON.parse(JSON.stringify(metadata)));
    expect(roundTrip).toEqual(JSON.parse(JSON.stringify(metadata)));
  });
});
