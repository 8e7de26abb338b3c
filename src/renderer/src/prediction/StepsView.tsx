import { useEffect, useId, useRef } from 'react';
import { DIGIT_BOX_SIDE, INPUT_SIDE, pasteInInput } from '../../../digits/preprocess/image';
import type { PreprocessSteps } from '../../../digits/preprocess/strokes';
import { FRAME_IN_MIDDLE } from '../../../digits/preprocess/strokes';
import { describeAction } from '../app/actions';
import { paintDigit } from '../app/paint-digit';
import { useStores } from '../app/stores-context';
import { useColorScheme } from '../app/use-color-scheme';
import { useStore } from '../app/use-store';
import type { DrawnStroke } from '../drawing/eraser';
import { CANVAS_UNITS } from '../drawing/tools';
import { useT } from '../i18n/use-t';
import type { StepsFigures, StepsViewAction } from './steps-view';
import { stepsCaptions, stepsFigures, stepsShown } from './steps-view';
import './steps-view.css';

/** Each picture's side on screen, CSS px: 4 px per pixel of the network's 28x28 input. */
const PICTURE = 112;
const PIXEL = PICTURE / INPUT_SIDE;

/** The button that opens and closes the steps beside the canvas (V). */
export function StepsToggle({ action }: { action: StepsViewAction }): React.JSX.Element {
  const t = useT();
  const { open } = useStore(useStores().stepsView);
  return (
    <button
      type="button"
      className="steps-toggle"
      aria-expanded={open}
      aria-controls="steps-view"
      title={describeAction(action, t)}
      data-testid="steps-toggle"
      onClick={() => action.perform()}
    >
      {t('steps.title')}
    </button>
  );
}

/**
 * "How the network sees it": the preprocessing of the drawing (or of a number's selected
 * digit) in four pictures, from the steps of the very pass that made the network's input,
 * so they follow the pen and cannot disagree with the preview. Closed, it renders nothing.
 */
export function StepsView(): React.JSX.Element | null {
  const { open } = useStore(useStores().stepsView);
  return open ? <StepsPanel /> : null;
}

function StepsPanel(): React.JSX.Element {
  const t = useT();
  const dark = useColorScheme() === 'dark';
  const { drawing, prediction, numbers } = useStores();
  const { strokes, active } = useStore(drawing);
  const shown = stepsShown(useStore(prediction), useStore(numbers));
  const { steps } = shown;
  // A few thousand additions a frame: cheaper than keeping them.
  const figures = steps && stepsFigures(steps);
  const captions = figures && stepsCaptions(figures, t);
  const drawn = active ? [...strokes, active] : strokes;
  return (
    <section
      id="steps-view"
      className="steps-view"
      aria-label={t('steps.title')}
      data-testid="steps-view"
      data-scope={shown.scope}
      data-shift-dx={figures?.shift.dx}
      data-shift-dy={figures?.shift.dy}
    >
      <h3>{t('steps.title')}</h3>
      {shown.scope === 'digit' && (
        <p className="steps-note">{t('steps.digit', { index: shown.index + 1, count: shown.count })}</p>
      )}
      {!steps && <p className="steps-note">{t('steps.blank')}</p>}
      <div className="steps-grid">
        <figure>
          <DrawingWithBox strokes={drawn} figures={figures} />
          <figcaption data-testid="steps-caption-box">{captions?.box}</figcaption>
        </figure>
        <figure>
          <FramePicture steps={steps} dark={dark} />
          <figcaption data-testid="steps-caption-scale">{captions?.scale}</figcaption>
        </figure>
        <figure>
          <PlacementPicture steps={steps} figures={figures} dark={dark} />
          <figcaption data-testid="steps-caption-shift">{captions?.shift}</figcaption>
        </figure>
        <figure>
          <InputPicture steps={steps} dark={dark} />
          <figcaption data-testid="steps-caption-input">{captions?.input}</figcaption>
        </figure>
      </div>
    </section>
  );
}

/** 1. The drawing, small, with the box round the points the preprocessing starts from. */
function DrawingWithBox({
  strokes,
  figures,
}: {
  strokes: readonly DrawnStroke[];
  figures: StepsFigures | undefined;
}): React.JSX.Element {
  const t = useT();
  const box = figures?.box;
  return (
    <svg
      className="steps-picture steps-drawing"
      viewBox={`0 0 ${CANVAS_UNITS} ${CANVAS_UNITS}`}
      width={PICTURE}
      height={PICTURE}
      role="img"
      aria-label={t('steps.drawingLabel')}
      data-testid="steps-drawing"
    >
      {strokes.map((stroke, i) =>
        stroke.points.length === 1 ? (
          <circle
            key={i}
            cx={stroke.points[0][0]}
            cy={stroke.points[0][1]}
            r={stroke.width / 2}
            className="steps-ink-fill"
          />
        ) : (
          <polyline
            key={i}
            points={stroke.points.map(([x, y]) => `${x},${y}`).join(' ')}
            strokeWidth={stroke.width}
            className="steps-ink"
          />
        ),
      )}
      {box && (
        <rect
          x={box.minX}
          y={box.minY}
          width={box.width}
          height={box.height}
          className="steps-box"
          vectorEffect="non-scaling-stroke"
          data-testid="steps-ink-box"
        />
      )}
    </svg>
  );
}

/** 2. The 20x20 frame the ink was drawn into, the inked box (points plus pen) dashed. */
function FramePicture({ steps, dark }: { steps: PreprocessSteps | undefined; dark: boolean }): React.JSX.Element {
  const t = useT();
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => paintDigit(canvas.current, steps?.frame ?? [], 1, dark, DIGIT_BOX_SIDE), [steps, dark]);
  const side = DIGIT_BOX_SIDE * PIXEL;
  const inked = steps?.inkedSize;
  return (
    <div className="steps-picture" role="img" aria-label={t('steps.frameLabel')}>
      <div className="steps-stack" style={{ width: side, height: side }}>
        <canvas ref={canvas} width={DIGIT_BOX_SIDE} height={DIGIT_BOX_SIDE} data-testid="steps-frame" />
        <svg viewBox={`0 0 ${DIGIT_BOX_SIDE} ${DIGIT_BOX_SIDE}`} aria-hidden="true">
          {inked && (
            <rect
              x={(DIGIT_BOX_SIDE - inked.width) / 2}
              y={(DIGIT_BOX_SIDE - inked.height) / 2}
              width={inked.width}
              height={inked.height}
              className="steps-box dashed"
              vectorEffect="non-scaling-stroke"
            />
          )}
        </svg>
      </div>
    </div>
  );
}

/**
 * 3. The frame in the middle of 28x28, its centre of mass (ring), the whole-pixel shift
 * (arrow) to where it lands (dot), and the target (14, 14) (cross). Pixel i covers
 * [i, i + 1] in the overlay, so a pixel index's point is at index + 0.5.
 */
function PlacementPicture({
  steps,
  figures,
  dark,
}: {
  steps: PreprocessSteps | undefined;
  figures: StepsFigures | undefined;
  dark: boolean;
}): React.JSX.Element {
  const t = useT();
  const arrow = useId();
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const middle = steps
      ? pasteInInput(steps.frame, DIGIT_BOX_SIDE, DIGIT_BOX_SIDE, { x: FRAME_IN_MIDDLE, y: FRAME_IN_MIDDLE })
      : [];
    paintDigit(canvas.current, middle, 1, dark);
  }, [steps, dark]);
  const { before, after } = figures ?? {};
  const target = 14.5;
  return (
    <div className="steps-picture" role="img" aria-label={t('steps.placementLabel')}>
      <div className="steps-stack" style={{ width: PICTURE, height: PICTURE }}>
        <canvas ref={canvas} width={INPUT_SIDE} height={INPUT_SIDE} data-testid="steps-placement" />
        <svg viewBox={`0 0 ${INPUT_SIDE} ${INPUT_SIDE}`} aria-hidden="true">
          <defs>
            <marker id={arrow} viewBox="0 0 6 6" refX="5" refY="3" markerWidth="4" markerHeight="4" orient="auto">
              <path d="M0,0 L6,3 L0,6 z" className="steps-arrow-head" />
            </marker>
          </defs>
          <rect
            x={FRAME_IN_MIDDLE}
            y={FRAME_IN_MIDDLE}
            width={DIGIT_BOX_SIDE}
            height={DIGIT_BOX_SIDE}
            className="steps-box dashed"
            vectorEffect="non-scaling-stroke"
          />
          <path
            d={`M${target - 3.5},${target} H${target + 3.5} M${target},${target - 3.5} V${target + 3.5}`}
            className="steps-target"
            vectorEffect="non-scaling-stroke"
          />
          {before && after && (
            <g data-testid="steps-centre-marks">
              <circle
                cx={before.x + 0.5}
                cy={before.y + 0.5}
                r={1.5}
                className="steps-before"
                vectorEffect="non-scaling-stroke"
              />
              {(before.x !== after.x || before.y !== after.y) && (
                <line
                  x1={before.x + 0.5}
                  y1={before.y + 0.5}
                  x2={after.x + 0.5}
                  y2={after.y + 0.5}
                  className="steps-arrow"
                  markerEnd={`url(#${arrow})`}
                  vectorEffect="non-scaling-stroke"
                />
              )}
              <circle cx={after.x + 0.5} cy={after.y + 0.5} r={0.9} className="steps-after" />
            </g>
          )}
        </svg>
      </div>
    </div>
  );
}

/** 4. The 28x28 input itself, painted as the preview beside paints it. */
function InputPicture({ steps, dark }: { steps: PreprocessSteps | undefined; dark: boolean }): React.JSX.Element {
  const t = useT();
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => paintDigit(canvas.current, steps?.input ?? [], 1, dark), [steps, dark]);
  return (
    <div className="steps-picture">
      <canvas
        ref={canvas}
        width={INPUT_SIDE}
        height={INPUT_SIDE}
        style={{ width: PICTURE, height: PICTURE }}
        role="img"
        aria-label={t('steps.inputLabel')}
        data-testid="steps-input"
      />
    </div>
  );
}
