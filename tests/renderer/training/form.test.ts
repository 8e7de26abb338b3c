import { describe, expect, it } from 'vitest';
import { PERSONAL_TRAINING_DEFAULTS } from '../../../src/shared/personal-training';
import { invokeContract } from '../../../src/shared/ipc/contract';
import { hyperparametersSchema } from '../../../src/shared/hyperparameters';
import { preset, presetNames } from '../../../src/shared/presets';
import { translate } from '../../../src/renderer/src/i18n/i18n';
import type { PersonalDraft, TrainingForm } from '../../../src/renderer/src/training/form';
import {
  formFromHyperparameters,
  formFromPreset,
  matchingPreset,
  newConvBlock,
  readForm,
  readNumber,
} from '../../../src/renderer/src/training/form';

/** The English message shown next to `path`, or undefined when the field is fine. */
function messageFor(form: TrainingForm, path: string): string | undefined {
  const error = readForm(form).errors[path];
  return error && translate('en', error.key, error.params);
}

const quick = (patch: Partial<TrainingForm> = {}): TrainingForm => ({ ...formFromPreset('quick'), ...patch });

describe('training form → hyperparameters', () => {
  it('every preset round-trips through the form unchanged, and the form knows which preset it is', () => {
    for (const name of presetNames) {
      const read = readForm(formFromPreset(name));
      expect(read.ok, name).toBe(true);
      if (!read.ok) continue;
      expect(read.request.hyperparameters, name).toEqual(preset(name));
      expect(matchingPreset(read.request.hyperparameters)).toBe(name);
    }
  });

  it('an edit makes the form custom', () => {
    const read = readForm(quick({ learningRate: '0.003' }));
    expect(read.ok && matchingPreset(read.request.hyperparameters)).toBeUndefined();
  });

  it('builds the request: name trimmed, test size, the chosen length only, momentum only for momentum optimisers', () => {
    const form = quick({
      name: '  small net ',
      testSize: '500',
      optimizer: 'nesterov',
      momentum: '0.8',
      lengthKind: 'iterations',
      iterations: '300',
    });
    const read = readForm(form);
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.request.name).toBe('small net');
    expect(read.request.testSize).toBe(500);
    expect(read.request.hyperparameters).toMatchObject({ optimizer: 'nesterov', momentum: 0.8, iterations: 300 });
    expect(read.request.hyperparameters.epochs).toBeUndefined();
    // The schema accepts what the form produced, as the IPC handler will.
    expect(hyperparametersSchema.safeParse(read.request.hyperparameters).success).toBe(true);

    const adam = readForm(quick({ optimizer: 'adam', momentum: 'nonsense' }));
    expect(adam.ok && adam.request.hyperparameters.momentum).toBeUndefined();
  });

  it('leaves out an empty name, test size, decay and augmentation rather than sending zeros', () => {
    const read = readForm(quick({ name: '   ', testSize: '', learningRateDecay: '' }));
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.request).not.toHaveProperty('name');
    expect(read.request).not.toHaveProperty('testSize');
    expect(read.request.hyperparameters).not.toHaveProperty('learningRateDecay');
    expect(read.request.hyperparameters).not.toHaveProperty('augmentation');
    expect(read.request.hyperparameters).not.toHaveProperty('convBlocks');
  });

  it('one-cycle replaces the per-epoch decay; label smoothing passes through, and is refused with squared error', () => {
    const read = readForm(
      quick({ learningRateSchedule: 'one-cycle', learningRateDecay: '0.8', labelSmoothing: '0.1' }),
    );
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.request.hyperparameters).toMatchObject({ learningRateSchedule: 'one-cycle', labelSmoothing: 0.1 });
    expect(read.request.hyperparameters).not.toHaveProperty('learningRateDecay');
    const constant = readForm(quick({ learningRateSchedule: 'constant', learningRateDecay: '0.8' }));
    expect(constant.ok && constant.request.hyperparameters).toMatchObject({ learningRateDecay: 0.8 });
    expect(constant.ok && constant.request.hyperparameters).not.toHaveProperty('learningRateSchedule');
    const back = formFromHyperparameters(read.request.hyperparameters);
    expect(back).toMatchObject({ learningRateSchedule: 'one-cycle', labelSmoothing: '0.1' });
    expect(readForm(quick({ labelSmoothing: '0.5' })).errors.labelSmoothing).toEqual({
      key: 'train.tooBig',
      params: { max: 0.3 },
    });
    expect(readForm(quick({ loss: 'squared-error', labelSmoothing: '0.1' })).errors.labelSmoothing).toEqual({
      key: 'train.smoothingNeedsCrossEntropy',
    });
  });

  it('passes conv blocks and augmentation through to the schema', () => {
    const block = { ...newConvBlock(), filters: '8', kernelSize: '5', batchNorm: true };
    const form = quick({
      convBlocks: [block],
      augmentation: { shift: '2', rotation: '10', scale: '', strokeWidth: '', elastic: '' },
    });
    const read = readForm(form);
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.request.hyperparameters.convBlocks).toEqual([
      { filters: 8, kernelSize: 5, padding: 'same', activation: 'relu', batchNorm: true, pool: 2 },
    ]);
    expect(read.request.hyperparameters.augmentation).toEqual({ shift: 2, rotation: 10 });
  });
});

describe('training form: a message next to each invalid field', () => {
  it('a negative learning rate, a zero batch and a zero-unit layer', () => {
    const form = quick({ learningRate: '-1', batchSize: '0' });
    const layers = form.hiddenLayers.map((l) => ({ ...l, units: '0' }));
    const withLayers = { ...form, hiddenLayers: layers };
    expect(readForm(withLayers).ok).toBe(false);
    expect(messageFor(withLayers, 'learningRate')).toBe('Must be more than 0.');
    expect(messageFor(withLayers, 'batchSize')).toBe('Must be at least 1.');
    expect(messageFor(withLayers, 'hiddenLayers.0.units')).toBe('Must be at least 1.');
    expect(messageFor(withLayers, 'dropout')).toBeUndefined();
  });

  it('upper bounds, inclusive and exclusive', () => {
    expect(messageFor(quick({ dropout: '1' }), 'dropout')).toBe('Must be less than 1.');
    expect(messageFor(quick({ learningRate: '11' }), 'learningRate')).toBe('Must be at most 10.');
    expect(messageFor(quick({ validationSize: '60000' }), 'validationSize')).toBe('Must be at most 59990.');
    expect(messageFor(quick({ testSize: '20000' }), 'testSize')).toBe('Must be at most 10000.');
  });

  it('text that is not a number, an empty required field, a fraction where a count goes', () => {
    expect(messageFor(quick({ learningRate: 'fast' }), 'learningRate')).toBe('Enter a number.');
    expect(messageFor(quick({ learningRate: '0x10' }), 'learningRate')).toBe('Enter a number.');
    expect(messageFor(quick({ epochs: '' }), 'epochs')).toBe('Required.');
    expect(messageFor(quick({ epochs: '2.5' }), 'epochs')).toBe('Must be a whole number.');
    expect(messageFor(quick({ seed: '-3' }), 'seed')).toBe('Must be at least 0.');
  });

  it('only the chosen length is checked, and hidden fields are not', () => {
    expect(readForm(quick({ lengthKind: 'epochs', iterations: 'x' })).ok).toBe(true);
    expect(messageFor(quick({ lengthKind: 'iterations', iterations: 'x' }), 'iterations')).toBe('Enter a number.');
    expect(readForm(quick({ init: 'he', initScale: '-1' })).ok).toBe(true);
    expect(messageFor(quick({ init: 'gaussian', initScale: '-1' }), 'initScale')).toBe('Must be more than 0.');
  });

  it('a batch larger than the training images, in numbers', () => {
    expect(messageFor(quick({ trainSize: '50', batchSize: '64' }), 'batchSize')).toBe(
      'The batch (64) is larger than the 50 training images.',
    );
  });

  it('training images that reach into the validation tail, in numbers; an empty validation size means none', () => {
    expect(quick().validationSize).toBe('5000');
    expect(messageFor(quick({ trainSize: '56000' }), 'trainSize')).toBe(
      'The first 56000 training images and the last 5000 held out for validation overlap: together they may be at most 60000.',
    );
    const all = readForm(quick({ trainSize: '60000', validationSize: '' }));
    expect(all.ok && all.request.hyperparameters.validationSize).toBeUndefined();
    expect(all.ok).toBe(true);
  });

  it('nested fields report under their own path', () => {
    const block = { ...newConvBlock(), kernelSize: '9' };
    const form = quick({
      convBlocks: [block],
      augmentation: { shift: '7', rotation: '', scale: '', strokeWidth: '', elastic: '' },
    });
    expect(messageFor(form, 'convBlocks.0.kernelSize')).toBe('Must be at most 7.');
    expect(messageFor(form, 'augmentation.shift')).toBe('Must be at most 6.');
  });

  it('a name that is too long', () => {
    expect(messageFor(quick({ name: 'x'.repeat(81) }), 'name')).toBe('Must be at most 80.');
  });

  it('messages exist in Japanese too', () => {
    const error = readForm(quick({ learningRate: '-1' })).errors.learningRate;
    expect(translate('ja', error.key, error.params)).toContain('0');
    expect(translate('ja', error.key, error.params)).not.toBe(translate('en', error.key, error.params));
  });

  it('readNumber accepts plain decimals and exponents only', () => {
    expect(readNumber('1e-3', true).value).toBe(0.001);
    expect(readNumber(' .5 ', true).value).toBe(0.5);
    expect(readNumber('', false)).toEqual({ value: undefined });
    expect(readNumber('1,5', true).error?.key).toBe('train.notANumber');
    expect(readNumber('Infinity', true).error?.key).toBe('train.notANumber');
  });
});

describe('training form: my samples', () => {
  const withPersonal = (personal: Partial<PersonalDraft>, patch: Partial<TrainingForm> = {}): TrainingForm => {
    const form = quick(patch);
    return { ...form, personal: { ...form.personal, ...personal } };
  };

  it('MNIST only by default: no personal options in the request, nor personal hyperparameters', () => {
    const form = quick();
    expect(form.personal.mode).toBe('none');
    // Hidden while MNIST only, so a bad value there is not held against the form.
    const read = readForm(withPersonal({ weight: 'lots' }));
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.request).not.toHaveProperty('personal');
    expect(read.request).not.toHaveProperty('fineTune');
    expect(read.request.hyperparameters).not.toHaveProperty('personalWeight');
    expect(read.request.hyperparameters).not.toHaveProperty('personalTestSplit');
  });

  it('"Include my samples" asks for them, with the weight and split in the request\'s personal options', () => {
    const read = readForm(withPersonal({ mode: 'include', weight: '50', testSplit: '0.3' }));
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.request.personal).toEqual({ mode: 'include', weight: 50, testSplit: 0.3 });
    expect(read.request).not.toHaveProperty('fineTune');
    expect(read.request.hyperparameters).not.toHaveProperty('personalWeight');
    // The IPC handler's own schema takes the request as the form built it.
    expect(invokeContract['training:start'].request.safeParse(read.request).success).toBe(true);
  });

  it('"Fine-tune" sends the mode with the weight and split, and leaves the recipe to the backend', () => {
    const read = readForm(withPersonal({ mode: 'fine-tune' }, { name: 'mine, tuned' }));
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.request.personal).toEqual({ ...PERSONAL_TRAINING_DEFAULTS, mode: 'fine-tune' });
    expect(read.request).not.toHaveProperty('fineTune');
    expect(read.request.name).toBe('mine, tuned');
    expect(invokeContract['training:start'].request.safeParse(read.request).success).toBe(true);
  });

  it("starts the weight and split at the schema's defaults", () => {
    expect(quick().personal).toEqual({
      mode: 'none',
      weight: String(PERSONAL_TRAINING_DEFAULTS.weight),
      testSplit: String(PERSONAL_TRAINING_DEFAULTS.testSplit),
    });
  });

  it('the weight and split are checked by the schema, with a message next to each', () => {
    const include = (personal: Partial<PersonalDraft>): TrainingForm => withPersonal({ mode: 'include', ...personal });
    expect(readForm(include({ weight: '0' })).ok).toBe(false);
    expect(messageFor(include({ weight: '0' }), 'personal.weight')).toBe('Must be at least 1.');
    expect(messageFor(include({ weight: '1001' }), 'personal.weight')).toBe('Must be at most 1000.');
    expect(messageFor(include({ weight: '2.5' }), 'personal.weight')).toBe('Must be a whole number.');
    expect(messageFor(include({ weight: '' }), 'personal.weight')).toBe('Required.');
    expect(messageFor(include({ testSplit: '0.95' }), 'personal.testSplit')).toBe('Must be at most 0.9.');
    expect(messageFor(include({ testSplit: '-0.1' }), 'personal.testSplit')).toBe('Must be at least 0.');
    expect(messageFor(withPersonal({ mode: 'fine-tune', testSplit: 'half' }), 'personal.testSplit')).toBe(
      'Enter a number.',
    );
    expect(messageFor(include({ testSplit: '0' }), 'personal.testSplit')).toBeUndefined();
  });

  it('the weight and split do not make a preset custom', () => {
    for (const name of presetNames) {
      const read = readForm(
        formFromPreset(name, { name: '', testSize: '', personal: { mode: 'include', weight: '5', testSplit: '0.5' } }),
      );
      expect(read.ok && matchingPreset(read.request.hyperparameters), name).toBe(name);
    }
  });
});
