import { useState } from 'react';
import type { ModelSummary } from '../../../shared/ipc/contract';
import { useStores } from '../app/stores-context';
import { useT } from '../i18n/use-t';

/** On a model that kept a training timeline: deletes its snapshots (the model stays), saying how much room that frees. */
export function DeleteTimelineButton({ model, describedBy }: { model: ModelSummary; describedBy: string }): React.JSX.Element | null {
  const t = useT();
  const { api, models, notices } = useStores();
  const [busy, setBusy] = useState(false);
  if (model.timelineBytes === undefined) return null;
  const megabytes = (model.timelineBytes / (1024 * 1024)).toFixed(1);
  const remove = async (): Promise<void> => {
    setBusy(true);
    const result = await api.timeline.delete(model.id);
    setBusy(false);
    if (!result.ok) notices.push('error', t('models.failed', { action: t('timeline.delete'), message: result.error.message }));
    else notices.push('info', t('timeline.deleted', { name: model.name }));
    void models.refresh();
  };
  return (
    <button
      type="button"
      disabled={busy}
      onClick={() => void remove()}
      data-testid={`delete-timeline-${model.id}`}
      aria-describedby={describedBy}
      title={t('timeline.deleteTitle', { megabytes })}
    >
      {t('timeline.delete')}
    </button>
  );
}
