import { useEffect, useId, useRef } from 'react';
import { useStore } from '../app/use-store';
import type { Translate } from '../i18n/use-t';
import { useT } from '../i18n/use-t';
import type { MessageKey } from '../i18n/messages';
import type { PersonalStore } from '../personal/personal-store';
import type { ConvBlockDraft, FieldErrors, LayerDraft, NumberField, PersonalField, TrainingForm } from './form';
import {
  activationKinds,
  augmentationFields,
  initKinds,
  isPresetName,
  learningRateScheduleKinds,
  lossKinds,
  momentumOptimizers,
  optimizerKinds,
  personalModes,
  presetNames,
  samplingKinds,
  scaledInits,
} from './form';
import type { FormStepRefusal, TrainingFormStore } from './form-store';
import type { Hyperparameters } from '../../../shared/hyperparameters';
import { MAX_CONV_BLOCKS, MAX_HIDDEN_LAYERS } from '../../../shared/hyperparameters';
import { MAX_MODEL_NAME } from '../../../shared/ipc/contract';
import type { TrainingStore } from './training-store';
import { isTrainingActive } from './training-store';

const CUSTOM = 'custom';

interface FieldProps {
  path: string;
  label: string;
  errors: FieldErrors;
  t: Translate;
  className?: string;
  hint?: string;
  children: (props: {
    id: string;
    'aria-invalid': boolean;
    'aria-describedby': string | undefined;
    'data-testid': string;
  }) => React.ReactNode;
}

/** A labelled control with its inline error underneath, tied together for screen readers. */
function Field({ path, label, errors, t, className, hint, children }: FieldProps): React.JSX.Element {
  const id = `train-${path.replace(/\./g, '-')}`;
  const error = errors[path];
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [error ? errorId : '', hint ? hintId : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field ${className ?? ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': !!error, 'aria-describedby': describedBy, 'data-testid': `field-${path}` })}
      {hint && (
        <span className="field-hint" id={hintId}>
          {hint}
        </span>
      )}
      {error && (
        <span className="field-error" id={errorId} data-testid={`field-error-${path}`}>
          {t(error.key, error.params)}
        </span>
      )}
    </div>
  );
}

interface NumberInputProps {
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  integer?: boolean;
}

type ControlProps = Parameters<FieldProps['children']>[0];

/**
 * A render function for Field. Text, not type=number: the form can then explain "1e"
 * or "0.5.1", where a number input would silently hand over an empty value.
 */
function numberInput({
  value,
  onChange,
  placeholder,
  integer,
}: NumberInputProps): (props: ControlProps) => React.JSX.Element {
  return function renderNumber(props) {
    return (
      <input
        {...props}
        type="text"
        inputMode={integer ? 'numeric' : 'decimal'}
        autoComplete="off"
        spellCheck={false}
        value={value}
        placeholder={placeholder}
        onChange={(event) => onChange(event.target.value)}
      />
    );
  };
}

/** A render function for Field: a select over fixed options. */
function selectInput<T extends string>({
  value,
  options,
  onChange,
  label,
}: {
  value: T;
  options: readonly T[];
  onChange: (value: T) => void;
  label?: (option: T) => string;
}): (props: ControlProps) => React.JSX.Element {
  return function renderSelect(props) {
    return (
      <select {...props} value={value} onChange={(event) => onChange(event.target.value as T)}>
        {options.map((option) => (
          <option key={option} value={option}>
            {label ? label(option) : option}
          </option>
        ))}
      </select>
    );
  };
}

interface Props {
  formStore: TrainingFormStore;
  training: TrainingStore;
  /** The person's corrected drawings: how many of each digit, and whether there are any. */
  personal: PersonalStore;
  /** "Step through this network": step mode on the Network screen with the form's hyperparameters. */
  onStepThrough: (hyperparameters: Hyperparameters) => void;
}

/** Why the form's network cannot be stepped through, in the person's language. */
function describeFormStepRefusal(refusal: FormStepRefusal, t: Translate): string {
  if (refusal.reason === 'too-many-parameters') {
    return t('train.stepRefused.too-many-parameters', {
      limit: refusal.limit.toLocaleString(),
      parameters: refusal.parameters.toLocaleString(),
    });
  }
  return t(`train.stepRefused.${refusal.reason}`);
}

/** Every hyperparameter the engine takes, validated as the person types with the IPC schema. */
export function TrainForm({ formStore, training, personal, onStepThrough }: Props): React.JSX.Element {
  const t = useT();
  const { form, read, preset, submitAttempted, step, machine } = useStore(formStore);
  const stepNoteId = useId();
  const { status } = useStore(training);
  const samples = useStore(personal);
  const sampleTotal = samples.counts.reduce((sum, n) => sum + n, 0);
  const personalHintId = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const summaryId = useId();
  const busy = isTrainingActive(status);
  const errors = read.errors;

  const number = (
    field: NumberField,
    label: MessageKey,
    options: { placeholder?: string; integer?: boolean; hint?: string; className?: string } = {},
  ): React.JSX.Element => (
    <Field path={field} label={t(label)} errors={errors} t={t} hint={options.hint} className={options.className}>
      {numberInput({
        value: form[field],
        onChange: (v) => formStore.set(field, v),
        placeholder: options.placeholder,
        integer: options.integer,
      })}
    </Field>
  );
  const personalNumber = (
    field: PersonalField,
    label: MessageKey,
    options: { integer?: boolean; hint?: string },
  ): React.JSX.Element => (
    <Field path={`personal.${field}`} label={t(label)} errors={errors} t={t} hint={options.hint}>
      {numberInput({
        value: form.personal[field],
        onChange: (v) => formStore.setPersonal(field, v),
        integer: options.integer,
      })}
    </Field>
  );
  const select = <K extends 'optimizer' | 'init' | 'loss' | 'sampling' | 'learningRateSchedule'>(
    field: K,
    label: MessageKey,
    options: readonly TrainingForm[K][],
    optionLabel?: (o: TrainingForm[K]) => string,
  ): React.JSX.Element => (
    <Field path={field} label={t(label)} errors={errors} t={t}>
      {selectInput({ value: form[field], options, onChange: (v) => formStore.set(field, v), label: optionLabel })}
    </Field>
  );

  const onSubmit = (event: React.FormEvent): void => {
    event.preventDefault();
    if (busy) return;
    const result = formStore.submit();
    if (!result.ok) {
      // Take the person to the first thing to fix (opening a collapsed section if need be).
      const first = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
      const details = first?.closest('details');
      if (details) details.open = true;
      first?.focus();
      return;
    }
    void training.start(result.request);
  };

  // The last drawing deleted (on the samples tab) leaves nothing to train on: back to MNIST only.
  const noSamples = samples.loaded && sampleTotal === 0;
  useEffect(() => {
    if (noSamples && formStore.getSnapshot().form.personal.mode !== 'none') formStore.setPersonal('mode', 'none');
  }, [noSamples, formStore]);

  const hasConvErrors = Object.keys(errors).some((p) => p.startsWith('convBlocks'));
  const hasAugErrors = Object.keys(errors).some((p) => p.startsWith('augmentation'));
  const augmentationOn = augmentationFields.some((f) => form.augmentation[f].trim() !== '');

  return (
    <form className="train-form" ref={formRef} onSubmit={onSubmit} noValidate aria-label={t('train.title')}>
      <fieldset className="train-fields" disabled={busy}>
        <div className="train-head">
          <div className="field">
            <label htmlFor="train-preset">{t('train.preset')}</label>
            <select
              id="train-preset"
              data-testid="preset-select"
              value={preset ?? CUSTOM}
              onChange={(event) => {
                if (isPresetName(event.target.value)) formStore.applyPreset(event.target.value);
              }}
            >
              {preset === undefined && <option value={CUSTOM}>{t('train.presetCustom')}</option>}
              {presetNames.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </div>
          <Field path="name" label={t('train.name')} errors={errors} t={t}>
            {(props) => (
              <input
                {...props}
                type="text"
                value={form.name}
                maxLength={MAX_MODEL_NAME}
                placeholder={t('train.namePlaceholderAuto')}
                onChange={(event) => formStore.set('name', event.target.value)}
              />
            )}
          </Field>
        </div>

        <fieldset className="train-group">
          <legend>{t('train.architecture')}</legend>
          <p className="group-help wide">{t('train.architectureHelp')}</p>
          <details className="wide optional-section" open={form.convBlocks.length > 0 || hasConvErrors || undefined}>
            <summary>
              {t('train.convBlocks')} <span className="muted">({t('train.optional')})</span>
            </summary>
            <p className="group-help">{t('train.convHelp')}</p>
            <ol className="layer-list">
              {form.convBlocks.map((block, index) => (
                <ConvBlockRow key={block.id} block={block} index={index} formStore={formStore} errors={errors} t={t} />
              ))}
            </ol>
            <button
              type="button"
              onClick={() => formStore.addConvBlock()}
              disabled={form.convBlocks.length >= MAX_CONV_BLOCKS}
              data-testid="add-conv-block"
            >
              + {t('train.addConvBlock')}
            </button>
          </details>
          <ol className="layer-list wide" aria-label={t('train.architecture')}>
            {form.hiddenLayers.map((layer, index) => (
              <LayerRow key={layer.id} layer={layer} index={index} formStore={formStore} errors={errors} t={t} />
            ))}
          </ol>
          {form.hiddenLayers.length === 0 && <p className="group-help wide">{t('train.noHidden')}</p>}
          {errors.hiddenLayers && (
            <span className="field-error wide" data-testid="field-error-hiddenLayers">
              {t(errors.hiddenLayers.key, errors.hiddenLayers.params)}
            </span>
          )}
          <div className="wide">
            <button
              type="button"
              onClick={() => formStore.addLayer()}
              disabled={form.hiddenLayers.length >= MAX_HIDDEN_LAYERS}
              data-testid="add-layer"
            >
              + {t('train.addLayer')}
            </button>
          </div>
        </fieldset>

        <fieldset className="train-group">
          <legend>{t('train.optimisation')}</legend>
          {select('optimizer', 'train.optimizer', optimizerKinds)}
          {number('learningRate', 'train.learningRate')}
          {momentumOptimizers.includes(form.optimizer) && number('momentum', 'train.momentum')}
          {select('learningRateSchedule', 'train.learningRateSchedule', learningRateScheduleKinds, (kind) =>
            t(`train.learningRateSchedule.${kind}`),
          )}
          {form.learningRateSchedule !== 'one-cycle' &&
            number('learningRateDecay', 'train.learningRateDecay', { placeholder: t('train.decayPlaceholder') })}
          {number('batchSize', 'train.batchSize', { integer: true })}
          <div className="field">
            <span id="train-length-label">{t('train.length')}</span>
            <div className="length-row">
              <div className="segmented" role="radiogroup" aria-labelledby="train-length-label">
                {(['epochs', 'iterations'] as const).map((kind) => (
                  <button
                    key={kind}
                    type="button"
                    role="radio"
                    aria-checked={form.lengthKind === kind}
                    tabIndex={form.lengthKind === kind ? 0 : -1}
                    data-testid={`length-${kind}`}
                    onClick={() => formStore.set('lengthKind', kind)}
                    onKeyDown={(event) => {
                      if (['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown'].includes(event.key)) {
                        event.preventDefault();
                        const next = kind === 'epochs' ? 'iterations' : 'epochs';
                        formStore.set('lengthKind', next);
                        (
                          event.currentTarget.parentElement?.querySelector(
                            `[data-testid="length-${next}"]`,
                          ) as HTMLElement | null
                        )?.focus();
                      }
                    }}
                  >
                    {t(kind === 'epochs' ? 'train.epochs' : 'train.iterations')}
                  </button>
                ))}
              </div>
            </div>
          </div>
          {form.lengthKind === 'epochs'
            ? number('epochs', 'train.epochs', { integer: true })
            : number('iterations', 'train.iterations', { integer: true })}
          {select('sampling', 'train.sampling', samplingKinds, (kind) => t(`train.sampling.${kind}`))}
          {select('loss', 'train.loss', lossKinds)}
          {number('labelSmoothing', 'train.labelSmoothing', { placeholder: t('train.smoothingPlaceholder') })}
        </fieldset>

        <fieldset className="train-group">
          <legend>{t('train.regularisation')}</legend>
          {number('weightDecay', 'train.weightDecay')}
          {number('l1', 'train.l1')}
          {number('dropout', 'train.dropout')}
          <details className="wide optional-section" open={augmentationOn || hasAugErrors || undefined}>
            <summary>
              {t('train.augmentation')} <span className="muted">({t('train.optional')})</span>
            </summary>
            <p className="group-help">{t('train.augmentationHelp')}</p>
            <div className="aug-grid">
              {augmentationFields.map((field) => (
                <Field key={field} path={`augmentation.${field}`} label={t(`train.aug.${field}`)} errors={errors} t={t}>
                  {numberInput({
                    value: form.augmentation[field],
                    onChange: (v) => formStore.setAugmentation(field, v),
                    placeholder: t('train.off'),
                  })}
                </Field>
              ))}
            </div>
          </details>
        </fieldset>

        <fieldset className="train-group">
          <legend>{t('train.initialisation')}</legend>
          {select('init', 'train.init', initKinds)}
          {scaledInits.includes(form.init) && number('initScale', 'train.initScale')}
        </fieldset>

        <fieldset className="train-group">
          <legend>{t('train.data')}</legend>
          {number('trainSize', 'train.trainSize', { integer: true })}
          {number('validationSize', 'train.validationSize', { integer: true, placeholder: t('train.validationNone') })}
          {number('testSize', 'train.testSize', { integer: true, placeholder: t('train.testSizeAll') })}
          {number('styleDrawings', 'train.styleDrawings', { integer: true, placeholder: t('train.off') })}
          {number('nonDigitDrawings', 'train.nonDigitDrawings', { integer: true, placeholder: t('train.off') })}
          {number('seed', 'train.seed', { integer: true })}
          {number('threads', 'train.threads', {
            integer: true,
            placeholder: machine ? String(machine.defaultThreads) : undefined,
            hint: machine ? t('train.threadsHint', { cores: machine.cores }) : t('train.threadsHintUnknown'),
          })}
          <div className="field checkbox-field wide">
            <label>
              <input
                type="checkbox"
                checked={form.keepSnapshots}
                onChange={(event) => formStore.set('keepSnapshots', event.target.checked)}
                data-testid="keep-snapshots"
              />{' '}
              {t('train.keepSnapshots')}
            </label>
            <span className="hint">{t('train.keepSnapshotsHint')}</span>
          </div>
        </fieldset>

        <fieldset className="train-group" data-testid="personal-group">
          <legend>{t('train.personal')}</legend>
          <div
            className="wide personal-modes"
            role="radiogroup"
            aria-label={t('train.personal')}
            aria-describedby={noSamples ? personalHintId : undefined}
          >
            {personalModes.map((mode) => (
              <label key={mode} className="personal-mode">
                <input
                  type="radio"
                  name="personal-mode"
                  value={mode}
                  checked={form.personal.mode === mode}
                  disabled={mode !== 'none' && sampleTotal === 0}
                  onChange={() => formStore.setPersonal('mode', mode)}
                  data-testid={`personal-mode-${mode}`}
                />
                {t(`train.personalMode.${mode}`)}
              </label>
            ))}
          </div>
          <span className="group-help wide" id={`${personalHintId}-counts`}>
            {t('samples.countsLabel')}
          </span>
          <ol
            className="wide personal-counts"
            aria-labelledby={`${personalHintId}-counts`}
            data-testid="personal-counts"
            data-total={sampleTotal}
          >
            {samples.counts.map((count, digit) => (
              <li key={digit} data-count={count} className={count === 0 ? 'empty' : undefined}>
                <span className="personal-count-digit">{digit}</span>
                <span>{count}</span>
              </li>
            ))}
          </ol>
          {noSamples && (
            <p className="group-help wide" id={personalHintId} data-testid="personal-empty">
              {t('train.personalEmpty')}
            </p>
          )}
          {form.personal.mode === 'fine-tune' && <p className="group-help wide">{t('train.fineTuneHelp')}</p>}
          {form.personal.mode !== 'none' && (
            <>
              {personalNumber('weight', 'train.personalWeight', { integer: true, hint: t('train.personalWeightHint') })}
              {personalNumber('testSplit', 'train.personalTestSplit', { hint: t('train.personalTestSplitHint') })}
            </>
          )}
        </fieldset>
      </fieldset>

      <div className="train-actions">
        <button
          type="submit"
          className="primary"
          data-testid="train-button"
          disabled={busy}
          aria-describedby={submitAttempted && !read.ok ? summaryId : undefined}
        >
          {t(form.personal.mode === 'fine-tune' ? 'train.startFineTune' : 'train.start')}
        </button>
        {submitAttempted && !read.ok && (
          <span className="field-error" id={summaryId} role="alert" data-testid="train-invalid">
            {t('train.invalid')}
          </span>
        )}
        {step && (
          <span className="train-step">
            <button
              type="button"
              data-testid="step-through-button"
              disabled={!step.ok}
              aria-describedby={stepNoteId}
              onClick={() => step.ok && onStepThrough(step.hyperparameters)}
            >
              {t('train.stepThrough')}
            </button>
            <span className="field-hint" id={stepNoteId} data-testid="step-through-note">
              {step.ok ? t('train.stepThroughHint') : describeFormStepRefusal(step.refusal, t)}
            </span>
          </span>
        )}
      </div>
    </form>
  );
}

interface RowProps {
  index: number;
  formStore: TrainingFormStore;
  errors: FieldErrors;
  t: Translate;
}

function LayerRow({ layer, index, formStore, errors, t }: RowProps & { layer: LayerDraft }): React.JSX.Element {
  const n = index + 1;
  return (
    <li className="layer-row" data-testid={`layer-${index}`}>
      <span className="layer-name">{t('train.layer', { n })}</span>
      <Field path={`hiddenLayers.${index}.units`} label={t('train.units')} errors={errors} t={t}>
        {numberInput({
          value: layer.units,
          onChange: (units) => formStore.updateLayer(layer.id, { units }),
          integer: true,
        })}
      </Field>
      <Field path={`hiddenLayers.${index}.activation`} label={t('train.activation')} errors={errors} t={t}>
        {selectInput({
          value: layer.activation,
          options: activationKinds,
          onChange: (activation) => formStore.updateLayer(layer.id, { activation }),
        })}
      </Field>
      <button
        type="button"
        className="remove"
        onClick={() => formStore.removeLayer(layer.id)}
        aria-label={t('train.removeLayer', { n })}
        title={t('train.removeLayer', { n })}
        data-testid={`remove-layer-${index}`}
      >
        ×
      </button>
    </li>
  );
}

function ConvBlockRow({ block, index, formStore, errors, t }: RowProps & { block: ConvBlockDraft }): React.JSX.Element {
  const n = index + 1;
  const update = (patch: Partial<Omit<ConvBlockDraft, 'id'>>): void => formStore.updateConvBlock(block.id, patch);
  const path = (field: string): string => `convBlocks.${index}.${field}`;
  return (
    <li className="conv-row" data-testid={`conv-block-${index}`}>
      <div className="conv-row-head">
        <span className="layer-name">{t('train.convBlock', { n })}</span>
        <button
          type="button"
          className="remove"
          onClick={() => formStore.removeConvBlock(block.id)}
          aria-label={t('train.removeConvBlock', { n })}
          title={t('train.removeConvBlock', { n })}
        >
          ×
        </button>
      </div>
      <div className="conv-grid">
        <Field path={path('filters')} label={t('train.filters')} errors={errors} t={t}>
          {numberInput({ value: block.filters, onChange: (filters) => update({ filters }), integer: true })}
        </Field>
        <Field path={path('kernelSize')} label={t('train.kernelSize')} errors={errors} t={t}>
          {numberInput({ value: block.kernelSize, onChange: (kernelSize) => update({ kernelSize }), integer: true })}
        </Field>
        <Field path={path('padding')} label={t('train.padding')} errors={errors} t={t}>
          {selectInput({
            value: block.padding,
            options: ['same', 'valid'] as const,
            onChange: (padding) => update({ padding }),
          })}
        </Field>
        <Field path={path('activation')} label={t('train.activation')} errors={errors} t={t}>
          {selectInput({
            value: block.activation,
            options: activationKinds,
            onChange: (activation) => update({ activation }),
          })}
        </Field>
        <Field path={path('pool')} label={t('train.pool')} errors={errors} t={t}>
          {numberInput({ value: block.pool, onChange: (pool) => update({ pool }), integer: true })}
        </Field>
        <div className="field checkbox-field">
          <label>
            <input
              type="checkbox"
              checked={block.batchNorm}
              onChange={(event) => update({ batchNorm: event.target.checked })}
            />{' '}
            {t('train.batchNorm')}
          </label>
        </div>
      </div>
    </li>
  );
}
