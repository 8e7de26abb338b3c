import { modelNameSchema } from '../../../shared/ipc/contract';
import type { ImportedFrom } from '../../../shared/model-metadata';
import { MODEL_FORMAT_NAMES } from '../../../shared/model-metadata';
import type { Translate } from '../i18n/use-t';

export type NameCheck =
  { ok: true; name: string } | { ok: false; problem: 'required' } | { ok: false; problem: 'tooLong'; max: number };

/** A new model name checked with the schema main checks it with, so the form and IPC agree. */
export function checkModelName(input: string): NameCheck {
  const parsed = modelNameSchema.safeParse(input);
  if (parsed.success) return { ok: true, name: parsed.data };
  const issue = parsed.error.issues[0];
  if (issue?.code === 'too_big') return { ok: false, problem: 'tooLong', max: Number(issue.maximum) };
  return { ok: false, problem: 'required' };
}

/** Test accuracy as the list shows it: 98.47%, or a dash for a model that does not say. */
export function formatAccuracy(accuracy: number | undefined): string {
  return accuracy === undefined ? '—' : `${(accuracy * 100).toFixed(2)}%`;
}

/** When a model was made, in the UI's language; a dash for a missing or bogus date. */
export function formatCreatedAt(iso: string, locale: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime()) || date.getTime() <= 0) return '—';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

/** Where a model trained elsewhere came from: "Imported from ONNX · pytorch 1.13.0 · opset 13". */
export function describeOrigin(origin: ImportedFrom, t: Translate): string {
  return [
    t('models.importedFrom', { format: MODEL_FORMAT_NAMES[origin.format] }),
    origin.producer,
    origin.opset === undefined ? undefined : t('models.opset', { opset: origin.opset }),
  ]
    .filter(Boolean)
    .join(' · ');
}
