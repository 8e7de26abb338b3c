import { useEffect, useState } from 'react';
import type { ModelSummary } from '../../../shared/ipc/contract';
import type { SnapshotPoint } from '../../../shared/timeline';
import { useStores } from '../app/stores-context';
import { useStore } from '../app/use-store';
import type { Translate } from '../i18n/use-t';
import { MAX_MODEL_NAME } from '../../../shared/ipc/contract';
import './timeline.css';

/** An epoch as people say it: 0, 0.35, 2. */
export function formatEpoch(epoch: number): string {
  return Number(epoch.toFixed(2)).toString();
}

/** Where a slider position is in training, as the slider's text and its screen-reader value. */
export function describePoint(point: SnapshotPoint, count: number, t: Translate): string {
  const where = t('timeline.point', { index: point.index + 1, count, step: point.step.toLocaleString(), epoch: formatEpoch(point.epoch) });
  return point.index === count - 1 ? `${where} ${t('timeline.final')}` : where;
}

/** A replay's name: the model's with "(replay)", within the longest name a model may have. */
export function replayName(model: ModelSummary, t: Translate): string {
  const suffix = ` ${t('timeline.replaySuffix')}`;
  return `${model.name.slice(0, MAX_MODEL_NAME - suffix.length)}${suffix}`;
}

/**
 * The training timeline on the Network screen: a slider over the snapshots the active
 * model's training kept (arrow keys, Page Up/Down, Home and End move it), the layers, the
 * filters and the drawing's prediction below following it; Replay to train the same run
 * again from its seed (or with a change, through the Train form), and deleting the
 * snapshots. A model that kept none can be replayed with them kept.
 */
export function TimelinePanel({ t }: { t: Translate }): React.JSX.Element | null {
  const { timeline, models, network, training, trainingForm, navigation } = useStores();
  const { modelId, snapshots, bytes, index, loading, error } = useStore(timeline);
  const shown = useStore(network).activations?.snapshot;
  const active = useStore(models).models.find((m) => m.active);

  // Open by itself when the model has snapshots, closed when it has none, until the person folds it.
  const [toggled, setToggled] = useState<boolean | undefined>();
  useEffect(() => timeline.start(), [timeline]);

  if (!active || active.id !== modelId) return null;
  const count = snapshots.length;
  const position = index ?? count - 1;
  const point = snapshots[position];
  const h = active.hyperparameters;
  const open = toggled ?? count > 0;

  const replay = (): void => {
    if (!h) return;
    void training.start({ hyperparameters: h, name: replayName(active, t), keepSnapshots: true });
    navigation.show('train');
  };
  const changeAndReplay = (): void => {
    if (!h) return;
    trainingForm.loadHyperparameters(h, replayName(active, t));
    navigation.show('train');
  };

  return (
    <details
      className="network-timeline"
      data-testid="timeline-panel"
      data-count={count}
      data-index={index ?? ''}
      data-shown-snapshot={shown ?? ''}
      open={open}
    >
      {/* Only the person's own clicks (and Enter or Space) fold it: a list arriving must not. */}
      <summary
        onClick={(event) => {
          event.preventDefault();
          setToggled(!open);
        }}
      >
        {t('timeline.title')}
      </summary>
      <p className="hint">{t('timeline.intro')}</p>
      {loading && <p className="hint">{t('common.loading')}</p>}
      {error && (
        <p className="error" role="alert" data-testid="timeline-error">
          {t('timeline.error', { message: error.message })}
        </p>
      )}
      {!loading && count === 0 && !error && (
        <p className="hint" data-testid="timeline-none">
          {t('timeline.none')}
        </p>
      )}
      {count > 0 && point && (
        <div className="timeline-slider">
          <label htmlFor="timeline-slider">{t('timeline.slider')}</label>
          <input
            id="timeline-slider"
            type="range"
            min={0}
            max={count - 1}
            step={1}
            value={position}
            onChange={(event) => timeline.select(Number(event.target.value))}
            aria-valuetext={describePoint(point, count, t)}
            data-testid="timeline-slider"
          />
          <p data-testid="timeline-point" aria-live="polite">
            {describePoint(point, count, t)}
          </p>
          <p className="hint">
            {t('timeline.size', { count, megabytes: (bytes / (1024 * 1024)).toFixed(1) })}
            {index !== undefined && ` ${t('timeline.uncalibrated')}`}
          </p>
        </div>
      )}
      <div className="toolbar">
        {h && (
          <>
            <button type="button" onClick={replay} data-testid="timeline-replay">
              {t('timeline.replay')}
            </button>
            <button type="button" onClick={changeAndReplay} data-testid="timeline-change-replay">
              {t('timeline.changeAndReplay')}
            </button>
          </>
        )}
        {count > 0 && active.source !== 'default' && (
          <button type="button" className="danger" onClick={() => void timeline.deleteTimeline()} data-testid="timeline-delete">
            {t('timeline.delete')}
          </button>
        )}
      </div>
      {h && <p className="hint">{t('timeline.replayHint')}</p>}
    </details>
  );
}
