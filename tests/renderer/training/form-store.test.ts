import { describe, expect, it } from 'vitest';
import { MAX_HIDDEN_LAYERS } from '../../../src/shared/hyperparameters';
import { preset } from '../../../src/shared/presets';
import { TrainingFormStore } from '../../../src/renderer/src/training/form-store';

describe('TrainingFormStore: the form outside React', () => {
  it('starts on the quick preset, valid', () => {
    const store = new TrainingFormStore();
    expect(store.getSnapshot().preset).toBe('quick');
    expect(store.getSnapshot().read.ok).toBe(true);
  });

  it('a preset fills every hyperparameter and keeps the name and test size', () => {
    const store = new TrainingFormStore();
    store.set('name', 'mine');
    store.set('testSize', '500');
    store.set('learningRate', '0.5');
    expect(store.getSnapshot().preset).toBeUndefined();
    store.applyPreset('seed-classic');
    const { form, preset } = store.getSnapshot();
    expect(preset).toBe('seed-classic');
    expect(form).toMatchObject({
      name: 'mine',
      testSize: '500',
      learningRate: '0.4',
      lengthKind: 'iterations',
      iterations: '2000',
      init: 'uniform',
      initScale: '1',
    });
    expect(form.hiddenLayers.map((l) => [l.units, l.activation])).toEqual([['100', 'sigmoid']]);
  });

  it('a preset keeps the personal-sample mode, weight and split', () => {
    const store = new TrainingFormStore();
    store.setPersonal('mode', 'fine-tune');
    store.setPersonal('weight', '40');
    store.setPersonal('testSplit', '0.5');
    store.applyPreset('lenet');
    const { form, preset, read } = store.getSnapshot();
    expect(preset).toBe('lenet');
    expect(form.personal).toEqual({ mode: 'fine-tune', weight: '40', testSplit: '0.5' });
    expect(read.ok && read.request.personal).toEqual({ mode: 'fine-tune', weight: 40, testSplit: 0.5 });

    store.setPersonal('mode', 'include');
    store.applyPreset('quick');
    const after = store.getSnapshot().read;
    expect(after.ok && after.request.personal).toEqual({ mode: 'include', weight: 40, testSplit: 0.5 });
  });

  it('back to MNIST only, a bad weight no longer blocks training', () => {
    const store = new TrainingFormStore();
    store.setPersonal('mode', 'include');
    store.setPersonal('weight', '0');
    expect(store.submit().ok).toBe(false);
    expect(store.getSnapshot().read.errors['personal.weight']?.key).toBe('train.tooSmall');
    store.setPersonal('mode', 'none');
    const read = store.submit();
    expect(read.ok).toBe(true);
    expect(read.ok && read.request).not.toHaveProperty('personal');
  });

  it('adds, edits and removes hidden layers by id, up to the schema limit', () => {
    const store = new TrainingFormStore();
    let notified = 0;
    store.subscribe(() => notified++);
    store.addLayer();
    const [first, second] = store.getSnapshot().form.hiddenLayers;
    expect(second.units).toBe('32');
    store.updateLayer(second.id, { activation: 'tanh', units: '20' });
    store.removeLayer(first.id);
    expect(store.getSnapshot().form.hiddenLayers.map((l) => [l.id, l.units, l.activation])).toEqual([
      [second.id, '20', 'tanh'],
    ]);
    expect(notified).toBe(3);
    for (let i = 0; i < 20; i++) store.addLayer();
    expect(store.getSnapshot().form.hiddenLayers).toHaveLength(MAX_HIDDEN_LAYERS);
  });

  it('a refused submit is remembered until the form is valid again', () => {
    const store = new TrainingFormStore();
    store.set('batchSize', '0');
    expect(store.submit().ok).toBe(false);
    expect(store.getSnapshot().submitAttempted).toBe(true);
    store.set('batchSize', '32');
    expect(store.getSnapshot().submitAttempted).toBe(false);
    const read = store.submit();
    expect(read.ok && read.request.hyperparameters.batchSize).toBe(32);
  });

  it('switching to a scaled initialiser fills in its usual scale', () => {
    const store = new TrainingFormStore();
    store.applyPreset('recommended');
    expect(store.getSnapshot().form.initScale).toBe('');
    store.set('init', 'gaussian');
    expect(store.getSnapshot().form.initScale).toBe('0.01');
    const read = store.getSnapshot().read;
    expect(read.ok && read.request.hyperparameters.initScale).toBe(0.01);
  });

  it('conv blocks and augmentation are edited like the rest', () => {
    const store = new TrainingFormStore();
    store.addConvBlock();
    const [block] = store.getSnapshot().form.convBlocks;
    store.updateConvBlock(block.id, { filters: '200' });
    expect(store.getSnapshot().read.errors['convBlocks.0.filters']?.key).toBe('train.tooBig');
    store.removeConvBlock(block.id);
    store.setAugmentation('rotation', '15');
    const read = store.getSnapshot().read;
    expect(read.ok && read.request.hyperparameters.augmentation).toEqual({ rotation: 15 });
  });

  it("threads: empty until the machine is known, then its cores minus one; a count typed by hand stays; sent beside the hyperparameters", () => {
    const store = new TrainingFormStore();
    expect(store.getSnapshot().form.threads).toBe('');
    let read = store.submit();
    // The engine's default then: no count in the request.
    expect(read.ok && 'threads' in read.request).toBe(false);

    store.setMachine({ cores: 8, defaultThreads: 7 });
    expect(store.getSnapshot().form.threads).toBe('7');
    expect(store.getSnapshot().machine).toEqual({ cores: 8, defaultThreads: 7 });
    read = store.submit();
    expect(read.ok && read.request.threads).toBe(7);
    expect(read.ok && 'threads' in read.request.hyperparameters).toBe(false);

    store.set('threads', '2');
    // A preset, a model's hyperparameters or the machine heard again leave the person's choice alone.
    store.applyPreset('lenet');
    store.loadHyperparameters(preset('quick'), 'again');
    store.setMachine({ cores: 8, defaultThreads: 7 });
    read = store.submit();
    expect(read.ok && read.request.threads).toBe(2);
  });

  it('threads out of 1..64, or not a whole number, is an error on the field and blocks the start', () => {
    const store = new TrainingFormStore();
    store.setMachine({ cores: 4, defaultThreads: 3 });
    const cases: [string, string][] = [
      ['0', 'train.tooSmall'],
      ['65', 'train.tooBig'],
      ['1.5', 'train.notInteger'],
      ['two', 'train.notANumber'],
    ];
    for (const [typed, key] of cases) {
      store.set('threads', typed);
      const read = store.submit();
      expect(read.ok, typed).toBe(false);
      expect(read.errors.threads?.key, typed).toBe(key);
    }
    store.set('threads', '64');
    expect(store.submit().ok).toBe(true);
  });

  it("offers 'Step through this network' for a valid MLP, and says why not for a conv net, a large one or the person's samples", () => {
    const store = new TrainingFormStore();
    const offer = () => store.getSnapshot().step;
    const read = store.getSnapshot().read;
    expect(offer()).toEqual({ ok: true, hyperparameters: read.ok && read.request.hyperparameters });

    store.addConvBlock();
    expect(offer()).toEqual({ ok: false, refusal: { reason: 'convolution' } });
    store.removeConvBlock(store.getSnapshot().form.convBlocks[0].id);

    const [layer] = store.getSnapshot().form.hiddenLayers;
    store.updateLayer(layer.id, { units: '378' });
    expect(offer()).toEqual({
      ok: false,
      refusal: { reason: 'too-many-parameters', parameters: 300_520, limit: 300_000 },
    });
    store.updateLayer(layer.id, { units: '377' });
    expect(offer()?.ok).toBe(true);

    store.setPersonal('mode', 'include');
    expect(offer()).toEqual({ ok: false, refusal: { reason: 'personal-samples' } });
    store.setPersonal('mode', 'none');

    // An invalid form offers nothing: the button is not shown.
    store.updateLayer(layer.id, { units: '' });
    expect(offer()).toBeUndefined();
  });
});
