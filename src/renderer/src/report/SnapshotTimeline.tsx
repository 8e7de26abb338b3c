import { useEffect, useState } from 'react';
import type { IpcError, ModelSummary } from '../../../shared/ipc/contract';
import type { SnapshotEvaluation, SnapshotPoint } from '../../../shared/timeline';
import { TIMELINE_LIMITS } from '../../../shared/timeline';
import { useStores } from '../app/stores-context';
import { useT } from '../i18n/use-t';
import { describePoint } from '../network/TimelinePanel';
import { formatPercent } from '../prediction/ProbabilityBars';
import { ConfusionMatrix } from './ConfusionMatrix';
import '../network/timeline.css';

/** Each snapshot's evaluation once fetched, by model and index: a model's timeline never changes under its id. */
const evaluations = new Map<string, SnapshotEvaluation>();

/**
 * A model's training timeline in its report, folded until opened: a slider over its
 * snapshots, and the test accuracy and confusion matrix at the one chosen, on the first
 * 1,000 test images (TIMELINE_LIMITS.defaultTestSize), beside the last snapshot's on the
 * same images. The engine measures each snapshot once, when first asked.
 */
export function SnapshotTimeline({ model }: { model: ModelSummary }): React.JSX.Element {
  const t = useT();
  const { api } = useStores();
  const [open, setOpen] = useState(false);
  const [snapshots, setSnapshots] = useState<readonly SnapshotPoint[] | undefined>();
  const [index, setIndex] = useState<number | undefined>();
  const [shown, setShown] = useState<{ at: SnapshotEvaluation; last: SnapshotEvaluation } | undefined>();
  const [error, setError] = useState<IpcError | undefined>();

  useEffect(() => {
    if (!open || snapshots) return;
    let live = true;
    void api.timeline.list(model.id).then((result) => {
      if (!live) return;
      if (!result.ok) setError(result.error);
      else setSnapshots(result.value.snapshots);
    });
    return () => {
      live = false;
    };
  }, [open, snapshots, api, model.id]);

  const count = snapshots?.length ?? 0;
  const position = index ?? count - 1;

  useEffect(() => {
    if (!open || count === 0) return;
    let live = true;
    const evaluate = async (i: number): Promise<SnapshotEvaluation> => {
      const key = `${model.id}:${i}`;
      const kept = evaluations.get(key);
      if (kept) return kept;
      const result = await api.timeline.evaluate(i, model.id);
      if (!result.ok) throw result.error;
      evaluations.set(key, result.value);
      return result.value;
    };
    Promise.all([evaluate(position), evaluate(count - 1)]).then(
      ([at, last]) => live && (setShown({ at, last }), setError(undefined)),
      (failure: IpcError) => live && setError(failure),
    );
    return () => {
      live = false;
    };
  }, [open, count, position, api, model.id]);

  const point = snapshots?.[position];
  const current = shown && shown.at.index === position ? shown : undefined;
  return (
    <details
      className="report-timeline"
      data-testid={`report-timeline-${model.id}`}
      open={open}
      onToggle={(event) => setOpen(event.currentTarget.open)}
    >
      <summary>{t('timeline.title')}</summary>
      {open && (
        <>
          <p className="hint">{t('timeline.reportIntro', { count: TIMELINE_LIMITS.defaultTestSize.toLocaleString() })}</p>
          {error && (
            <p className="error" role="alert">
              {t('timeline.error', { message: error.message })}
            </p>
          )}
          {snapshots && count === 0 && <p className="hint">{t('timeline.none')}</p>}
          {point && (
            <div className="timeline-slider">
              <label htmlFor={`report-timeline-slider-${model.id}`}>{t('timeline.slider')}</label>
              <input
                id={`report-timeline-slider-${model.id}`}
                type="range"
                min={0}
                max={count - 1}
                step={1}
                value={position}
                onChange={(event) => setIndex(Number(event.target.value))}
                aria-valuetext={describePoint(point, count, t)}
                data-testid="report-timeline-slider"
              />
              <p>{describePoint(point, count, t)}</p>
            </div>
          )}
          {point && !current && !error && <p className="hint">{t('report.evaluating')}</p>}
          {current && (
            <>
              <p
                data-testid="report-timeline-accuracy"
                data-index={current.at.index}
                data-accuracy={current.at.accuracy}
                data-final={current.last.accuracy}
                aria-live="polite"
              >
                {t('timeline.accuracy', {
                  accuracy: formatPercent(current.at.accuracy, 1),
                  count: current.at.count.toLocaleString(),
                  final: formatPercent(current.last.accuracy, 1),
                })}
              </p>
              <ConfusionMatrix confusion={current.at.confusion} view="counts" onOpenCell={() => undefined} />
            </>
          )}
        </>
      )}
    </details>
  );
}
