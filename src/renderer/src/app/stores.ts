import { NavigationStore } from './navigation';
import { NoticeStore } from './notices';
import { drawing } from '../drawing/stroke-store';
import { tools } from '../drawing/tools';
import { ModelsStore } from '../models/models-store';
import { PredictionStore } from '../prediction/prediction-store';
import { ExplanationStore } from '../personal/explanation-store';
import { PersonalStore } from '../personal/personal-store';
import { TrainingFormStore } from '../training/form-store';
import { TrainingStore } from '../training/training-store';
import { GalleryStore } from '../report/gallery-store';
import { ReportStore } from '../report/report-store';

/**
 * The app's long-lived state, created once outside React so it survives tab switches
 * and re-renders. window.tegaki exists by the time this module is imported (main.tsx
 * installs the web bridge first).
 */
export const api = window.tegaki;
export const models = new ModelsStore(api);
export const prediction = new PredictionStore(drawing, (pixels) => api.predict(pixels));
export { drawing, tools };
export const notices = new NoticeStore();
export const navigation = new NavigationStore();
/** The person's corrected drawings, and the heat map of which pixels decided. */
export const personal = new PersonalStore(api);
export const explanation = new ExplanationStore(prediction, (pixels) => api.explain(pixels));
export const trainingForm = new TrainingFormStore();
export const training = new TrainingStore(api);
// A finished job opens its report when the person is watching it train; on another tab
// they are left where they are, and the training outcome bar offers the report instead.
training.onDone((model) => {
  if (navigation.getSnapshot().tab === 'train') navigation.openReport(model.id);
});
/** Evaluations cached per model id: the whole 10,000-image test set takes a moment. */
export const reports = new ReportStore(api);
export const gallery = new GalleryStore(api);
