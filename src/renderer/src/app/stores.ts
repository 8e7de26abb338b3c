import type { TegakiApi } from '../../../shared/ipc/api';
import { NavigationStore } from './navigation';
import { NoticeStore } from './notices';
import { StrokeStore } from '../drawing/stroke-store';
import { ToolStore } from '../drawing/tools';
import { ModelsStore } from '../models/models-store';
import { ExperimentStore } from '../network/experiment-store';
import { NetworkStore } from '../network/network-store';
import { StepStore } from '../network/step-store';
import { TimelineStore } from '../network/timeline-store';
import { NumberStore } from '../prediction/number-store';
import { PredictionStore } from '../prediction/prediction-store';
import { StepsViewStore } from '../prediction/steps-view';
import { ExplanationStore } from '../personal/explanation-store';
import { PersonalStore } from '../personal/personal-store';
import { TrainingFormStore } from '../training/form-store';
import { TrainingStore } from '../training/training-store';
import { GalleryStore } from '../report/gallery-store';
import { ReportStore } from '../report/report-store';

/**
 * The app's long-lived state: plain TypeScript outside React, so it survives tab switches
 * and re-renders. Screens take what they need with useStores() (stores-context.tsx).
 */
export interface AppStores {
  readonly api: TegakiApi;
  /** The app's one drawing, and the pen or eraser drawing it. */
  readonly drawing: StrokeStore;
  readonly tools: ToolStore;
  readonly prediction: PredictionStore;
  /** The same drawing read as several digits side by side, when it is. */
  readonly numbers: NumberStore;
  /** Every layer of the active model for the same drawing: the Network screen's data. */
  readonly network: NetworkStore;
  /** "Break it" on the active model, shown on the Network screen. */
  readonly experiment: ExperimentStore;
  /** Step mode: a small network trained one mini-batch at a time, on the Network screen. */
  readonly step: StepStore;
  /** The active model's training timeline, which the Network screen scrubs through. */
  readonly timeline: TimelineStore;
  /** Whether "How the network sees it" shows the preprocessing beside the canvas. */
  readonly stepsView: StepsViewStore;
  /** The person's corrected drawings, and the heat map of which pixels decided. */
  readonly personal: PersonalStore;
  readonly explanation: ExplanationStore;
  readonly models: ModelsStore;
  readonly navigation: NavigationStore;
  readonly notices: NoticeStore;
  readonly trainingForm: TrainingFormStore;
  readonly training: TrainingStore;
  /** Evaluations cached per model id: the whole 10,000-image test set takes a moment. */
  readonly reports: ReportStore;
  readonly gallery: GalleryStore;
}

/** Created once, from window.tegaki in the app (main.tsx) or a fake api in a test. */
export function createAppStores(api: TegakiApi): AppStores {
  const drawing = new StrokeStore();
  const prediction = new PredictionStore(drawing, (pixels) => api.predict(pixels));
  const navigation = new NavigationStore();
  const training = new TrainingStore(api);
  // A finished job opens its report when the person is watching it train; on another tab
  // they are left where they are, and the training outcome bar offers the report instead.
  training.onDone((model) => {
    if (navigation.getSnapshot().tab === 'train') navigation.openReport(model.id);
  });
  const network = new NetworkStore(drawing, {
    activations: (pixels, snapshot) => api.inspect.activations(pixels, snapshot?.modelId, snapshot?.index),
    parameters: (layer, id, snapshot) => api.inspect.parameters(layer, id, snapshot),
    onModelsChanged: (listener) => api.models.onChanged(listener),
  });
  const models = new ModelsStore(api);
  const trainingForm = new TrainingFormStore();
  // The Threads field's default is the engine's, every core but one of the machine it runs on.
  void api.machine().then((result) => {
    if (result.ok) trainingForm.setMachine(result.value);
  });
  return {
    api,
    drawing,
    tools: new ToolStore(),
    prediction,
    numbers: new NumberStore(drawing, (pixels) => api.predict(pixels)),
    network,
    experiment: new ExperimentStore(api.network, network),
    step: new StepStore(api.step),
    timeline: new TimelineStore(api.timeline, network, models),
    stepsView: new StepsViewStore(),
    personal: new PersonalStore(api),
    explanation: new ExplanationStore(prediction, (pixels) => api.explain(pixels)),
    models,
    navigation,
    notices: new NoticeStore(),
    trainingForm,
    training,
    reports: new ReportStore(api),
    gallery: new GalleryStore(api),
  };
}
