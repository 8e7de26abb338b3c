import type { Hyperparameters } from '../../../shared/hyperparameters';
import { MAX_CONV_BLOCKS, MAX_HIDDEN_LAYERS } from '../../../shared/hyperparameters';
import type { PresetName } from '../../../shared/presets';
import type { StepRefusal } from '../../../shared/step-mode';
import { stepRefusal } from '../../../shared/step-mode';
import type { AugmentationField, ConvBlockDraft, LayerDraft, PersonalDraft, ReadForm, TrainingForm } from './form';
import {
  DEFAULT_INIT_SCALE,
  DEFAULT_PRESET,
  formFromHyperparameters,
  formFromPreset,
  matchingPreset,
  newConvBlock,
  newLayer,
  defaultPersonalDraft,
  readForm,
} from './form';

/** The form plus what follows from it, computed once per edit rather than on every render. */
export interface TrainingFormState {
  form: TrainingForm;
  read: ReadForm;
  /** The preset the form matches exactly, else undefined ("Custom"). */
  preset: PresetName | undefined;
  /** Set by a refused submit, so the form summarises its errors only once the person tried. */
  submitAttempted: boolean;
  /** "Step through this network": absent while the form is invalid. */
  step: StepOffer | undefined;
  /** The machine training runs on ('app:machine'), once the page has heard: the Threads field's default and hint. */
  machine: Machine | undefined;
}

/** What the Threads field needs to know of the machine: its cores and the engine's default (every core but one). */
export interface Machine {
  cores: number;
  defaultThreads: number;
}

/** Why the form's network cannot be stepped through: step mode's own rule, or samples it does not train on. */
export type FormStepRefusal = StepRefusal | { reason: 'personal-samples' };

export type StepOffer = { ok: true; hyperparameters: Hyperparameters } | { ok: false; refusal: FormStepRefusal };

/**
 * Whether step mode takes the form's network, by the engine's own rule (stepRefusal), for
 * a valid form. Step mode trains on MNIST (and the drawings the hyperparameters
 * synthesise) only, so a form that brings in the person's samples is refused too.
 */
export function stepOffer(read: ReadForm): StepOffer | undefined {
  if (!read.ok) return undefined;
  const { hyperparameters, personal } = read.request;
  if (personal && personal.mode !== 'none') return { ok: false, refusal: { reason: 'personal-samples' } };
  const refusal = stepRefusal(hyperparameters);
  return refusal ? { ok: false, refusal } : { ok: true, hyperparameters };
}

/**
 * The training form's contents, outside React so a half-filled form survives switching
 * tabs. Every edit goes through a named method; the screen only renders and calls them.
 */
export class TrainingFormStore {
  private state: TrainingFormState;
  private readonly listeners = new Set<() => void>();

  constructor(initial: TrainingForm = formFromPreset(DEFAULT_PRESET)) {
    this.state = { ...derive(initial, false), machine: undefined };
  }

  /**
   * The machine the engine trains on: the Threads field takes its default, every core but
   * one, unless the person has already typed a count of their own.
   */
  setMachine(machine: Machine): void {
    if (!Number.isInteger(machine.defaultThreads)) return;
    const previous = this.state.machine;
    const untouched = this.state.form.threads.trim() === '' || this.state.form.threads === String(previous?.defaultThreads);
    const form = untouched ? { ...this.state.form, threads: String(machine.defaultThreads) } : this.state.form;
    this.publish({ ...derive(form, this.state.submitAttempted), machine });
  }

  getSnapshot = (): TrainingFormState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** Fills every hyperparameter from a preset; the model name, test-set size, personal-sample choices and threads stay. */
  applyPreset(name: PresetName): void {
    const { name: modelName, testSize, personal, keepSnapshots, threads } = this.state.form;
    this.replace(formFromPreset(name, { name: modelName, testSize, personal, keepSnapshots, threads }));
  }

  /**
   * Fills every hyperparameter from a trained model's (a replay with a change to make),
   * with its snapshots kept and `name` as the new model's name; the test-set size and threads stay.
   */
  loadHyperparameters(h: Hyperparameters, name: string): void {
    const { testSize, threads } = this.state.form;
    this.replace(formFromHyperparameters(h, { name, testSize, personal: defaultPersonalDraft(), keepSnapshots: true, threads }));
  }

  set<K extends keyof TrainingForm>(field: K, value: TrainingForm[K]): void {
    const form = { ...this.state.form, [field]: value };
    // A scale-free initialiser switched to gaussian or uniform gets that one's usual scale.
    if ((form.init === 'gaussian' || form.init === 'uniform') && field === 'init' && form.initScale.trim() === '') {
      form.initScale = String(DEFAULT_INIT_SCALE[form.init]);
    }
    this.replace(form);
  }

  setPersonal<K extends keyof PersonalDraft>(field: K, value: PersonalDraft[K]): void {
    this.replace({ ...this.state.form, personal: { ...this.state.form.personal, [field]: value } });
  }

  setAugmentation(field: AugmentationField, value: string): void {
    this.replace({ ...this.state.form, augmentation: { ...this.state.form.augmentation, [field]: value } });
  }

  addLayer(): void {
    const layers = this.state.form.hiddenLayers;
    if (layers.length >= MAX_HIDDEN_LAYERS) return;
    // A new layer narrows like the one before it, which is the usual shape of an MLP.
    const last = layers.at(-1);
    const units = last && Number(last.units) > 1 ? Math.max(10, Math.round(Number(last.units) / 2)) : 64;
    this.replace({ ...this.state.form, hiddenLayers: [...layers, newLayer(units, last?.activation ?? 'relu')] });
  }

  removeLayer(id: number): void {
    this.replace({ ...this.state.form, hiddenLayers: this.state.form.hiddenLayers.filter((l) => l.id !== id) });
  }

  updateLayer(id: number, patch: Partial<Omit<LayerDraft, 'id'>>): void {
    this.replace({
      ...this.state.form,
      hiddenLayers: this.state.form.hiddenLayers.map((l) => (l.id === id ? { ...l, ...patch } : l)),
    });
  }

  addConvBlock(): void {
    const blocks = this.state.form.convBlocks;
    if (blocks.length >= MAX_CONV_BLOCKS) return;
    this.replace({ ...this.state.form, convBlocks: [...blocks, newConvBlock()] });
  }

  removeConvBlock(id: number): void {
    this.replace({ ...this.state.form, convBlocks: this.state.form.convBlocks.filter((b) => b.id !== id) });
  }

  updateConvBlock(id: number, patch: Partial<Omit<ConvBlockDraft, 'id'>>): void {
    this.replace({
      ...this.state.form,
      convBlocks: this.state.form.convBlocks.map((b) => (b.id === id ? { ...b, ...patch } : b)),
    });
  }

  /** Records a submit; returns the request when the form is valid. */
  submit(): ReadForm {
    if (!this.state.read.ok) this.publish({ ...this.state, submitAttempted: true });
    return this.state.read;
  }

  private replace(form: TrainingForm): void {
    this.publish({ ...derive(form, this.state.submitAttempted), machine: this.state.machine });
  }

  private publish(next: TrainingFormState): void {
    this.state = next;
    for (const listener of [...this.listeners]) listener();
  }
}

function derive(form: TrainingForm, submitAttempted: boolean): Omit<TrainingFormState, 'machine'> {
  const read = readForm(form);
  return {
    form,
    read,
    preset: read.ok ? matchingPreset(read.request.hyperparameters) : undefined,
    // Once the form is valid again, the next mistake is shown inline only.
    submitAttempted: submitAttempted && !read.ok,
    step: stepOffer(read),
  };
}
