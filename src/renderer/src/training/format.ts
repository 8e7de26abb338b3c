import type { IpcError } from '../../../shared/ipc/contract';
import type { Translate } from '../i18n/use-t';

/** Seconds as a clock reads them: 0:07, 12:05, 1:02:03 (never negative, never NaN). */
export function formatDuration(seconds: number): string {
  const total = Number.isFinite(seconds) ? Math.max(0, Math.round(seconds)) : 0;
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const secs = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${secs}` : `${minutes}:${secs}`;
}

/** Done fraction of a job in 0..1; 0 while the total is still unknown. */
export function progressFraction(step: number, totalSteps: number): number {
  if (!(totalSteps > 0)) return 0;
  return Math.min(1, Math.max(0, step / totalSteps));
}

/** A whole number with the locale's grouping: 12,345 or 12,345 (ja uses the same). */
export function formatCount(value: number, locale: string): string {
  return Math.round(value).toLocaleString(locale);
}

/** Why a job failed, in the person's words: what happened and what to try. */
export function describeFailure(error: IpcError, t: Translate): string {
  switch (error.code) {
    case 'busy':
      return t('train.busy');
    case 'diverged':
      return t('train.diverged', { message: error.message });
    case 'engine-crashed':
      return t('train.engineCrashed', { message: error.message });
    case 'save-failed':
      return t('train.saveFailed', { message: error.message });
    default:
      return t('train.failed', { message: error.message });
  }
}
