import { useEffect, useMemo, useRef } from 'react';
import { useColorScheme } from '../app/use-color-scheme';
import { useElementSize } from '../app/use-element-size';
import { useStore } from '../app/use-store';
import { useT } from '../i18n/use-t';
import { CorrectionBar } from '../personal/CorrectionBar';
import type { Notify } from '../personal/CorrectionBar';
import { ExplanationOverlay, ExplanationToggle } from '../personal/Explanation';
import type { ExplanationStore } from '../personal/explanation-store';
import type { PersonalStore } from '../personal/personal-store';
import { InputPreview } from '../prediction/InputPreview';
import type { PredictionStore } from '../prediction/prediction-store';
import { ProbabilityBars, formatPercent } from '../prediction/ProbabilityBars';
import type { DrawingAction, DrawingActionName } from './actions';
import { createDrawingActions, describeBinding, findAction, isEditableTarget } from './actions';
import { DrawCanvas } from './DrawCanvas';
import type { StrokeStore } from './stroke-store';
import type { ToolStore } from './tools';
import { BRUSH_SIZES } from './tools';

const MIN_CANVAS = 200;
const MAX_CANVAS = 560;
const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

interface Props {
  store: StrokeStore;
  toolStore: ToolStore;
  prediction: PredictionStore;
  /** The active model's name, shown under the prediction. */
  modelName: string | undefined;
  /** "That's wrong: it is N" and the explanation heat map. */
  personal?: { samples: PersonalStore; explanation: ExplanationStore; notify: Notify };
}

export function DrawScreen({ store, toolStore, prediction, modelName, personal }: Props): React.JSX.Element {
  const t = useT();
  const dark = useColorScheme() === 'dark';
  const { canUndo, canRedo, strokes, active } = useStore(store);
  const { tool, brushSize } = useStore(toolStore);
  const { input, prediction: result, error } = useStore(prediction);
  const actions = useMemo(() => createDrawingActions(store, toolStore), [store, toolStore]);
  const byName = useMemo(() => new Map(actions.map((a) => [a.name, a])), [actions]);
  const area = useRef<HTMLDivElement>(null);
  const { width, height } = useElementSize(area);
  const size = Math.floor(Math.max(MIN_CANVAS, Math.min(MAX_CANVAS, width, height)));
  const blank = strokes.length === 0 && !active;

  useEffect(() => prediction.start(), [prediction]);

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent): void => {
      if (event.defaultPrevented || isEditableTarget(event.target)) return;
      // Escape and Backspace belong to an open dialog.
      if (document.querySelector('dialog[open]')) return;
      const action = findAction(actions, event);
      if (!action) return;
      event.preventDefault();
      action.perform();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [actions]);

  const title = (name: DrawingActionName): string => {
    const action = byName.get(name) as DrawingAction;
    return `${t(action.label)} (${action.keys.map((k) => describeBinding(k, isMac)).join(', ')})`;
  };

  return (
    <section className="draw-screen" aria-label={t('tab.draw')}>
      <div className="draw-left">
        <div className="toolbar" role="toolbar" aria-label={t('draw.tools')}>
          <div className="segmented" role="radiogroup" aria-label={t('draw.tool')}>
            <button
              type="button"
              role="radio"
              aria-checked={tool === 'pen'}
              data-testid="pen-button"
              onClick={() => toolStore.setTool('pen')}
            >
              {t('draw.pen')}
            </button>
            <button
              type="button"
              role="radio"
              aria-checked={tool === 'eraser'}
              data-testid="eraser-button"
              title={title('toggleEraser')}
              onClick={() => toolStore.setTool('eraser')}
            >
              {t('draw.eraser')}
            </button>
          </div>
          <label className="brush-size">
            {t('draw.brushSize')}
            <input
              type="range"
              min={0}
              max={BRUSH_SIZES.length - 1}
              step={1}
              value={Math.max(
                0,
                BRUSH_SIZES.findIndex((s) => s >= brushSize),
              )}
              onChange={(event) => toolStore.setBrushSize(BRUSH_SIZES[Number(event.target.value)])}
              data-testid="brush-size"
              title={`${title('brushSmaller')} / ${title('brushLarger')}`}
            />
          </label>
          <span className="spacer" />
          <button
            type="button"
            disabled={!canUndo}
            onClick={() => byName.get('undo')?.perform()}
            title={title('undo')}
            data-testid="undo-button"
          >
            {t('draw.undo')}
          </button>
          <button
            type="button"
            disabled={!canRedo}
            onClick={() => byName.get('redo')?.perform()}
            title={title('redo')}
            data-testid="redo-button"
          >
            {t('draw.redo')}
          </button>
          <button
            type="button"
            onClick={() => byName.get('clear')?.perform()}
            title={title('clear')}
            data-testid="clear-button"
          >
            {t('draw.clear')}
          </button>
        </div>
        <div className="canvas-area" ref={area}>
          <DrawCanvas store={store} toolStore={toolStore} size={size} />
        </div>
        <p className="hint">{t('draw.hint')}</p>
      </div>
      <aside
        className="prediction-panel"
        aria-label={t('predict.title')}
        aria-live="polite"
        data-testid="prediction-panel"
        data-drawing-version={prediction.drawingVersion}
        data-answered-version={result?.drawingVersion ?? ''}
      >
        <div className="prediction-head">
          <div className="prediction-top-box">
            <span className="label">{t('predict.title')}</span>
            <output className="prediction-top" data-testid="prediction-top">
              {result ? String(result.top) : ''}
            </output>
            <span className="confidence" data-testid="prediction-confidence">
              {result ? formatPercent(result.confidence) : blank ? t('predict.blank') : ''}
            </span>
          </div>
          <InputPreview input={input} dark={dark}>
            {personal && <ExplanationOverlay explanation={personal.explanation} />}
          </InputPreview>
        </div>
        {personal && <ExplanationToggle explanation={personal.explanation} />}
        {result?.lowConfidence && (
          <p className="low-confidence" data-testid="low-confidence" role="status">
            {t('predict.lowConfidence')}
          </p>
        )}
        {error && (
          <p className="error" role="alert" data-testid="prediction-error">
            {t('predict.error', { message: error.message })}
          </p>
        )}
        <ProbabilityBars prediction={result} />
        {personal && <CorrectionBar drawing={store} prediction={prediction} personal={personal.samples} notify={personal.notify} />}
        {modelName && <p className="model-name">{t('predict.model', { name: modelName })}</p>}
      </aside>
    </section>
  );
}
