import { useEffect, useMemo, useRef } from 'react';
import { ActionButton } from '../app/ActionButton';
import { describeAction } from '../app/actions';
import { useStores } from '../app/stores-context';
import { useColorScheme } from '../app/use-color-scheme';
import { useElementSize } from '../app/use-element-size';
import { useShortcuts } from '../app/use-shortcuts';
import { useStore } from '../app/use-store';
import { useT } from '../i18n/use-t';
import { CorrectionBar } from '../personal/CorrectionBar';
import { ExplanationOverlay, ExplanationToggle } from '../personal/Explanation';
import { useCorrection } from '../personal/use-correction';
import { InputPreview } from '../prediction/InputPreview';
import { createNumberActions } from '../prediction/number-actions';
import { NumberReading } from '../prediction/NumberReading';
import { ProbabilityBars, formatPercent } from '../prediction/ProbabilityBars';
import { createStepsViewActions } from '../prediction/steps-view';
import { StepsToggle, StepsView } from '../prediction/StepsView';
import type { DrawingAction, DrawingActionName } from './actions';
import { createDrawingActions } from './actions';
import { DrawCanvas } from './DrawCanvas';
import { BRUSH_SIZES } from './tools';

const MIN_CANVAS = 200;
const MAX_CANVAS = 560;

/** The canvas and its tools, the prediction with its explanation, and "That's wrong: it is N". */
export function DrawScreen(): React.JSX.Element {
  const t = useT();
  const dark = useColorScheme() === 'dark';
  const { drawing, tools, prediction, explanation, models, numbers, stepsView } = useStores();
  const { canUndo, canRedo, strokes, active } = useStore(drawing);
  const { tool, brushSize } = useStore(tools);
  const { input, prediction: result, error } = useStore(prediction);
  // The active model's name, shown under the prediction.
  const modelName = useStore(models).models.find((m) => m.active)?.name;
  const actions = useMemo(() => createDrawingActions(drawing, tools), [drawing, tools]);
  const byName = useMemo(() => new Map(actions.map((a) => [a.name, a])), [actions]);
  const correction = useCorrection();
  // Several digits side by side are read one by one; one digit is read as it always was.
  const reading = useStore(numbers);
  const numberMode = reading.digits.length > 1;
  const numberActions = useMemo(() => createNumberActions(numbers), [numbers]);
  const stepsActions = useMemo(() => createStepsViewActions(stepsView), [stepsView]);
  // One keydown handler for every shortcut on the screen. "That's wrong: it is N" is for one digit.
  useShortcuts(
    useMemo(
      () => [...actions, ...stepsActions, ...(numberMode ? numberActions : correction.actions)],
      [actions, stepsActions, numberMode, numberActions, correction.actions],
    ),
  );
  const area = useRef<HTMLDivElement>(null);
  const { width, height } = useElementSize(area);
  const size = Math.floor(Math.max(MIN_CANVAS, Math.min(MAX_CANVAS, width, height)));
  const blank = strokes.length === 0 && !active;

  useEffect(() => prediction.start(), [prediction]);
  useEffect(() => numbers.start(), [numbers]);

  const title = (name: DrawingActionName): string => describeAction(byName.get(name) as DrawingAction, t);

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
              onClick={() => tools.setTool('pen')}
            >
              {t('draw.pen')}
            </button>
            <button
              type="button"
              role="radio"
              aria-checked={tool === 'eraser'}
              data-testid="eraser-button"
              title={title('toggleEraser')}
              onClick={() => tools.setTool('eraser')}
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
              onChange={(event) => tools.setBrushSize(BRUSH_SIZES[Number(event.target.value)])}
              data-testid="brush-size"
              title={`${title('brushSmaller')} / ${title('brushLarger')}`}
            />
          </label>
          <span className="spacer" />
          <ActionButton action={byName.get('undo')!} disabled={!canUndo} testId="undo-button" />
          <ActionButton action={byName.get('redo')!} disabled={!canRedo} testId="redo-button" />
          <ActionButton action={byName.get('clear')!} testId="clear-button" />
        </div>
        <div className="canvas-row">
          <div className="canvas-area" ref={area}>
            <DrawCanvas
              store={drawing}
              toolStore={tools}
              size={size}
              digitBoxes={
                numberMode
                  ? reading.digits.map((d, i) => ({
                      box: d.box,
                      label: d.prediction ? String(d.prediction.top) : '',
                      selected: i === reading.selected,
                    }))
                  : undefined
              }
            />
          </div>
          <StepsView />
        </div>
        <div className="draw-footer">
          <p className="hint">{t('draw.hint')}</p>
          <StepsToggle action={stepsActions[0]} />
        </div>
      </div>
      <aside
        className="prediction-panel"
        aria-label={t('predict.title')}
        aria-live="polite"
        data-testid="prediction-panel"
        data-drawing-version={prediction.drawingVersion}
        data-answered-version={result?.drawingVersion ?? ''}
      >
        {numberMode ? (
          <NumberReading store={numbers} actions={numberActions} dark={dark} />
        ) : (
          <>
            <div className="prediction-head">
              <div className="prediction-top-box">
                <span className="label">{t('predict.title')}</span>
                <output
                  className={result?.notADigit ? 'prediction-top not-a-digit' : 'prediction-top'}
                  data-testid="prediction-top"
                  data-not-a-digit={result?.notADigit ?? false}
                >
                  {result ? (result.notADigit ? t('predict.notADigit') : String(result.top)) : ''}
                </output>
                <span className="confidence" data-testid="prediction-confidence">
                  {result && !result.notADigit ? formatPercent(result.confidence) : blank ? t('predict.blank') : ''}
                </span>
              </div>
              <InputPreview input={input} dark={dark}>
                <ExplanationOverlay explanation={explanation} />
              </InputPreview>
            </div>
            <ExplanationToggle explanation={explanation} />
            {result?.notADigit && (
              <p className="low-confidence" data-testid="not-a-digit" role="status">
                {t('predict.notADigitNote')}
              </p>
            )}
            {result?.lowConfidence && !result.notADigit && (
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
            <CorrectionBar actions={correction.actions} canCorrect={correction.canCorrect} />
          </>
        )}
        {modelName && <p className="model-name">{t('predict.model', { name: modelName })}</p>}
      </aside>
    </section>
  );
}
