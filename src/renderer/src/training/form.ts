import type { z } from 'zod';
import type { ConvBlock, Hyperparameters } from '../../../shared/hyperparameters';
import {
  activationKinds,
  DEFAULT_INIT_SCALE,
  hyperparametersSchema,
  initKinds,
  learningRateScheduleKinds,
  lossKinds,
  MNIST_TRAIN_SIZE,
  optimizerKinds,
  samplingKinds,
} from '../../../shared/hyperparameters';
import type { RequestOf } from '../../../shared/ipc/contract';
import { invokeContract, modelNameSchema } from '../../../shared/ipc/contract';
import { PERSONAL_TRAINING_DEFAULTS, personalModes, personalTrainingSchema } from '../../../shared/personal-training';
import type { PersonalMode, PersonalTraining } from '../../../shared/personal-training';
import { isPresetName, preset, presetNames } from '../../../shared/presets';
import { threadsSchema } from '../../../shared/threads';
import type { PresetName } from '../../../shared/presets';
import type { MessageParams } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';

/**
 * The training form as the person edits it. Numbers stay the text they typed, so a
 * half-typed "0." or an empty box is kept as it is and explained, not silently turned
 * into 0; `readForm` turns the whole form into hyperparameters or per-field errors.
 */
export type Activation = (typeof activationKinds)[number];

export interface LayerDraft {
  /** Stable across edits and removals, for React keys and focus. */
  id: number;
  units: string;
  activation: Activation;
}

export interface ConvBlockDraft {
  id: number;
  filters: string;
  kernelSize: string;
  padding: ConvBlock['padding'];
  activation: Activation;
  batchNorm: boolean;
  pool: string;
}

export const augmentationFields = ['shift', 'rotation', 'scale', 'strokeWidth', 'elastic'] as const;
export type AugmentationField = (typeof augmentationFields)[number];

export type LengthKind = 'epochs' | 'iterations';
export type LearningRateSchedule = (typeof learningRateScheduleKinds)[number];

/** The personal-training choices as typed: the mode, and the weight and split as text. */
export interface PersonalDraft {
  mode: PersonalMode;
  weight: string;
  testSplit: string;
}
export type PersonalField = 'weight' | 'testSplit';

export { personalModes };
export type { PersonalMode };

export interface TrainingForm {
  name: string;
  convBlocks: readonly ConvBlockDraft[];
  hiddenLayers: readonly LayerDraft[];
  /** Empty means that distortion is off. */
  augmentation: Readonly<Record<AugmentationField, string>>;
  init: Hyperparameters['init'];
  initScale: string;
  loss: Hyperparameters['loss'];
  optimizer: Hyperparameters['optimizer'];
  learningRate: string;
  /** 'constant' is sent as absent, as the presets have it. */
  learningRateSchedule: LearningRateSchedule;
  /** Empty means a constant learning rate; one-cycle hides it (it sets the rate itself). */
  learningRateDecay: string;
  /** Empty means none. */
  labelSmoothing: string;
  momentum: string;
  batchSize: string;
  lengthKind: LengthKind;
  epochs: string;
  iterations: string;
  sampling: Hyperparameters['sampling'];
  weightDecay: string;
  l1: string;
  dropout: string;
  seed: string;
  trainSize: string;
  /** Empty means no validation set. */
  validationSize: string;
  /** Digits drawn from strokes in styles MNIST lacks; empty means none. */
  styleDrawings: string;
  /** Non-digits drawn from strokes, trained towards "unsure"; empty means none. */
  nonDigitDrawings: string;
  /** Empty means all 10,000 test images. */
  testSize: string;
  /** Whether and how the person's drawings take part: the request's `personal`. */
  personal: PersonalDraft;
  /** Keep snapshots of the weights as it trains, for the training timeline: the request's `keepSnapshots`. */
  keepSnapshots: boolean;
  /**
   * Threads that share each batch: the request's `threads`, not a hyperparameter
   * (shared/threads.ts). Empty means the engine's default, every core but one.
   */
  threads: string;
}

/** What a preset leaves alone: the request's own options and the choice of data (snapshots kept unless said). */
export type KeptFields = Pick<TrainingForm, 'name' | 'testSize' | 'personal'> &
  Partial<Pick<TrainingForm, 'keepSnapshots' | 'threads'>>;

/** The text fields that hold one number, by the path their errors are reported under. */
export type NumberField =
  | 'initScale'
  | 'learningRate'
  | 'learningRateDecay'
  | 'labelSmoothing'
  | 'momentum'
  | 'batchSize'
  | 'epochs'
  | 'iterations'
  | 'weightDecay'
  | 'l1'
  | 'dropout'
  | 'seed'
  | 'trainSize'
  | 'validationSize'
  | 'styleDrawings'
  | 'nonDigitDrawings'
  | 'testSize'
  | 'threads';

export const DEFAULT_PRESET: PresetName = 'quick';
/** The optimisers that use `momentum`; the others ignore it, so the form hides it. */
export const momentumOptimizers: readonly Hyperparameters['optimizer'][] = ['momentum', 'nesterov'];
/** The initialisers that use `initScale` (xavier and he derive theirs from the layer sizes). */
export const scaledInits: readonly Hyperparameters['init'][] = ['gaussian', 'uniform'];
export const DEFAULT_MOMENTUM = 0.9;
export const MNIST_TEST_SIZE = 10_000;
/** A new form's personal choices: the schema's defaults. */
export function defaultPersonalDraft(): PersonalDraft {
  const { mode, weight, testSplit } = PERSONAL_TRAINING_DEFAULTS;
  return { mode, weight: String(weight), testSplit: String(testSplit) };
}

export {
  activationKinds,
  DEFAULT_INIT_SCALE,
  initKinds,
  learningRateScheduleKinds,
  lossKinds,
  optimizerKinds,
  samplingKinds,
  presetNames,
};

let nextDraftId = 1;
const draftId = (): number => nextDraftId++;

const text = (value: number | undefined): string => (value === undefined ? '' : String(value));

export function newLayer(units = 64, activation: Activation = 'relu'): LayerDraft {
  return { id: draftId(), units: String(units), activation };
}

export function newConvBlock(): ConvBlockDraft {
  return {
    id: draftId(),
    filters: '16',
    kernelSize: '3',
    padding: 'same',
    activation: 'relu',
    batchNorm: false,
    pool: '2',
  };
}

/** The form showing `h`; the model name, test-set size and personal-sample choices are kept. */
export function formFromHyperparameters(h: Hyperparameters, keep?: KeptFields): TrainingForm {
  const scaled = h.init === 'gaussian' || h.init === 'uniform';
  return {
    keepSnapshots: true,
    threads: '',
    ...(keep ?? { name: '', testSize: '', personal: defaultPersonalDraft() }),
    convBlocks: (h.convBlocks ?? []).map((b) => ({
      id: draftId(),
      filters: String(b.filters),
      kernelSize: String(b.kernelSize),
      padding: b.padding,
      activation: b.activation,
      batchNorm: b.batchNorm,
      pool: String(b.pool),
    })),
    hiddenLayers: h.hiddenLayers.map((l) => newLayer(l.units, l.activation)),
    augmentation: {
      shift: text(h.augmentation?.shift),
      rotation: text(h.augmentation?.rotation),
      scale: text(h.augmentation?.scale),
      strokeWidth: text(h.augmentation?.strokeWidth),
      elastic: text(h.augmentation?.elastic),
    },
    init: h.init,
    initScale: text(h.initScale ?? (scaled ? DEFAULT_INIT_SCALE[h.init as 'gaussian' | 'uniform'] : undefined)),
    loss: h.loss,
    optimizer: h.optimizer,
    learningRate: String(h.learningRate),
    learningRateSchedule: h.learningRateSchedule ?? 'constant',
    learningRateDecay: text(h.learningRateDecay),
    labelSmoothing: text(h.labelSmoothing),
    momentum: text(h.momentum ?? DEFAULT_MOMENTUM),
    batchSize: String(h.batchSize),
    lengthKind: h.iterations !== undefined ? 'iterations' : 'epochs',
    // The other length keeps a sensible value, so switching between them needs no typing.
    epochs: text(h.epochs ?? 1),
    iterations: text(h.iterations ?? 1000),
    sampling: h.sampling,
    weightDecay: String(h.weightDecay),
    l1: String(h.l1),
    dropout: String(h.dropout),
    seed: String(h.seed),
    trainSize: String(h.trainSize),
    validationSize: text(h.validationSize),
    styleDrawings: text(h.styleDrawings),
    nonDigitDrawings: text(h.nonDigitDrawings),
  };
}

export function formFromPreset(name: PresetName, keep?: KeptFields): TrainingForm {
  return formFromHyperparameters(preset(name), keep);
}

/** A message key with its parameters; the screen translates it, tests read it directly. */
export interface FieldMessage {
  key: MessageKey;
  params?: MessageParams;
}

/**
 * Errors by field path, as the schema names them: `learningRate`, `hiddenLayers.0.units`,
 * `augmentation.shift`, plus `name` and `testSize`, which belong to the request.
 */
export type FieldErrors = Readonly<Record<string, FieldMessage>>;

export type ReadForm =
  | { ok: true; request: RequestOf<'training:start'> & { hyperparameters: Hyperparameters }; errors: FieldErrors }
  | { ok: false; errors: FieldErrors };

type NumberReading = { value: number | undefined; error?: FieldMessage };

/** '' is "not given" (an error only when required); anything else must be a finite number. */
export function readNumber(raw: string, required: boolean): NumberReading {
  const trimmed = raw.trim();
  if (trimmed === '') return required ? { value: undefined, error: { key: 'train.required' } } : { value: undefined };
  // Number('') and Number(' ') are 0, and Number('0x10') is 16: accept plain decimals only.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(trimmed))
    return { value: undefined, error: { key: 'train.notANumber' } };
  const value = Number(trimmed);
  return Number.isFinite(value) ? { value } : { value: undefined, error: { key: 'train.notANumber' } };
}

/** One schema issue as a message in the person's language, with the bound it broke. */
export function issueMessage(issue: z.core.$ZodIssue): FieldMessage {
  switch (issue.code) {
    case 'too_small':
      return {
        key: issue.inclusive === false ? 'train.tooSmallExclusive' : 'train.tooSmall',
        params: { min: Number(issue.minimum) },
      };
    case 'too_big':
      return {
        key: issue.inclusive === false ? 'train.tooBigExclusive' : 'train.tooBig',
        params: { max: Number(issue.maximum) },
      };
    case 'invalid_type':
      return issue.expected === 'int' ? { key: 'train.notInteger' } : { key: 'train.required' };
    default:
      return { key: 'train.invalidValue' };
  }
}

export const fieldPath = (path: readonly PropertyKey[]): string => path.map(String).join('.');

/**
 * The form as a training request, or every problem with it by field. Text that is not a
 * number is reported as such; everything else is judged by hyperparametersSchema (the
 * schema the IPC handler applies), so the form refuses exactly what the engine would.
 */
export function readForm(form: TrainingForm): ReadForm {
  const errors: Record<string, FieldMessage> = {};
  const number = (path: string, raw: string, required: boolean): number | undefined => {
    const reading = readNumber(raw, required);
    if (reading.error) errors[path] = reading.error;
    return reading.value;
  };

  const augmentation: Partial<Record<AugmentationField, number>> = {};
  for (const field of augmentationFields) {
    const value = number(`augmentation.${field}`, form.augmentation[field], false);
    if (value !== undefined) augmentation[field] = value;
  }
  const usesMomentum = momentumOptimizers.includes(form.optimizer);
  const usesInitScale = scaledInits.includes(form.init);
  const oneCycle = form.learningRateSchedule === 'one-cycle';
  const candidate = {
    convBlocks:
      form.convBlocks.length === 0
        ? undefined
        : form.convBlocks.map((b, i) => ({
            filters: number(`convBlocks.${i}.filters`, b.filters, true),
            kernelSize: number(`convBlocks.${i}.kernelSize`, b.kernelSize, true),
            padding: b.padding,
            activation: b.activation,
            batchNorm: b.batchNorm,
            pool: number(`convBlocks.${i}.pool`, b.pool, true),
          })),
    augmentation: Object.keys(augmentation).length === 0 ? undefined : augmentation,
    hiddenLayers: form.hiddenLayers.map((l, i) => ({
      units: number(`hiddenLayers.${i}.units`, l.units, true),
      activation: l.activation,
    })),
    init: form.init,
    initScale: usesInitScale ? number('initScale', form.initScale, true) : undefined,
    loss: form.loss,
    optimizer: form.optimizer,
    learningRate: number('learningRate', form.learningRate, true),
    learningRateSchedule: oneCycle ? form.learningRateSchedule : undefined,
    learningRateDecay: oneCycle ? undefined : number('learningRateDecay', form.learningRateDecay, false),
    labelSmoothing: number('labelSmoothing', form.labelSmoothing, false),
    momentum: usesMomentum ? number('momentum', form.momentum, true) : undefined,
    batchSize: number('batchSize', form.batchSize, true),
    epochs: form.lengthKind === 'epochs' ? number('epochs', form.epochs, true) : undefined,
    iterations: form.lengthKind === 'iterations' ? number('iterations', form.iterations, true) : undefined,
    sampling: form.sampling,
    weightDecay: number('weightDecay', form.weightDecay, true),
    l1: number('l1', form.l1, true),
    dropout: number('dropout', form.dropout, true),
    seed: number('seed', form.seed, true),
    styleDrawings: number('styleDrawings', form.styleDrawings, false),
    nonDigitDrawings: number('nonDigitDrawings', form.nonDigitDrawings, false),
    trainSize: number('trainSize', form.trainSize, true),
    validationSize: number('validationSize', form.validationSize, false),
  };
  const parsed = hyperparametersSchema.safeParse(dropUndefined(candidate));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = fieldPath(issue.path);
      // A field that is not even a number already says so.
      if (path in errors) continue;
      errors[path] = issue.code === 'custom' ? customIssueMessage(path, candidate) : issueMessage(issue);
    }
  }

  const name = form.name.trim() === '' ? undefined : modelNameSchema.safeParse(form.name);
  if (name && !name.success) errors.name = issueMessage(name.error.issues[0]);
  const testSize = number('testSize', form.testSize, false);
  if (testSize !== undefined) {
    const checked = invokeContract['training:start'].request.shape.testSize.safeParse(testSize);
    if (!checked.success) errors.testSize = issueMessage(checked.error.issues[0]);
  }

  const personal = readPersonal(form.personal, errors);
  const threads = number('threads', form.threads, false);
  if (threads !== undefined) {
    const checked = threadsSchema.safeParse(threads);
    if (!checked.success) errors.threads = issueMessage(checked.error.issues[0]);
  }

  if (!parsed.success || Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    errors,
    request: {
      hyperparameters: parsed.data,
      ...(name?.success ? { name: name.data } : {}),
      ...(testSize !== undefined ? { testSize } : {}),
      // Fine-tuning follows the backend's recipe (FINE_TUNE_DEFAULTS): no overrides from the form.
      ...(personal ? { personal } : {}),
      keepSnapshots: form.keepSnapshots,
      ...(threads !== undefined ? { threads } : {}),
    },
  };
}

/** The personal choices checked by personalTrainingSchema, errors under `personal.weight` and `personal.testSplit`. */
function readPersonal(draft: PersonalDraft, errors: Record<string, FieldMessage>): PersonalTraining | undefined {
  if (draft.mode === 'none') return undefined;
  const weight = readNumber(draft.weight, true);
  const testSplit = readNumber(draft.testSplit, true);
  if (weight.error) errors['personal.weight'] = weight.error;
  if (testSplit.error) errors['personal.testSplit'] = testSplit.error;
  const parsed = personalTrainingSchema.safeParse({
    mode: draft.mode,
    weight: weight.value,
    testSplit: testSplit.value,
  });
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    const path = `personal.${fieldPath(issue.path)}`;
    if (!(path in errors)) errors[path] = issueMessage(issue);
  }
  return undefined;
}

/** The schema's cross-field checks, in words the form can translate. */
function customIssueMessage(
  path: string,
  h: { batchSize?: number; trainSize?: number; validationSize?: number },
): FieldMessage {
  if (path === 'batchSize' && h.batchSize !== undefined && h.trainSize !== undefined) {
    return { key: 'train.batchTooLarge', params: { batch: h.batchSize, images: h.trainSize } };
  }
  if (path === 'trainSize' && h.trainSize !== undefined) {
    return {
      key: 'train.validationOverlap',
      params: { train: h.trainSize, validation: h.validationSize ?? 0, total: MNIST_TRAIN_SIZE },
    };
  }
  if (path === 'epochs') return { key: 'train.lengthRequired' };
  if (path === 'labelSmoothing') return { key: 'train.smoothingNeedsCrossEntropy' };
  return { key: 'train.invalidValue' };
}

/** Optional keys left out rather than set to undefined, as the presets and model files have them. */
function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** The preset these hyperparameters are exactly, else undefined: the picker then says "Custom". */
export function matchingPreset(h: Hyperparameters): PresetName | undefined {
  const mine = canonical(h);
  return presetNames.find((name) => canonical(preset(name)) === mine);
}

/** JSON with sorted keys, so key order does not matter when comparing. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

export { isPresetName };
export type { PresetName };
