import type Konva from 'konva';
import { memo, useEffect, useRef } from 'react';
import { Layer, Line, Rect, Stage, Text } from 'react-konva';
import type { BoundingBox, Point } from '../../../digits/preprocess/strokes';
import { useColorScheme } from '../app/use-color-scheme';
import { useStore } from '../app/use-store';
import { useT } from '../i18n/use-t';
import type { DrawnStroke } from './eraser';
import type { StrokeStore } from './stroke-store';
import type { ToolStore } from './tools';
import { CANVAS_UNITS, ERASER_SCALE } from './tools';

/** Pointer moves closer than this (canvas units) to the last point are skipped. */
const MIN_POINT_SPACING = 1.5;
/** Konva's cardinal-spline tension: smooths the polyline between pointer samples. */
const TENSION = 0.4;

interface Props {
  store: StrokeStore;
  toolStore: ToolStore;
  /** The side on screen in CSS pixels. */
  size: number;
  /** The digits of a number drawn side by side, each boxed with what it was read as. */
  digitBoxes?: readonly DigitBox[];
}

export interface DigitBox {
  box: BoundingBox;
  /** What the digit was read as, if known. */
  label: string;
  selected: boolean;
}

/**
 * The square drawing surface. Pointer events cover mouse, touch and pen; strokes go to
 * the StrokeStore in canvas units (CANVAS_UNITS square), so the canvas can be any size.
 */
export function DrawCanvas({ store, toolStore, size, digitBoxes }: Props): React.JSX.Element {
  const t = useT();
  const { strokes, active } = useStore(store);
  const { tool, brushSize } = useStore(toolStore);
  const scheme = useColorScheme();
  const ink = scheme === 'dark' ? '#f4f4f5' : '#18181b';
  const accent = scheme === 'dark' ? '#6d9cff' : '#2563eb';
  const drawingPointer = useRef<number | null>(null);
  const scale = size / CANVAS_UNITS;

  // A stroke that leaves the canvas ends wherever the pointer is released.
  useEffect(() => {
    const finish = (event: PointerEvent): void => {
      if (drawingPointer.current !== event.pointerId) return;
      drawingPointer.current = null;
      store.endStroke();
      store.endErase();
    };
    window.addEventListener('pointerup', finish);
    window.addEventListener('pointercancel', finish);
    return () => {
      window.removeEventListener('pointerup', finish);
      window.removeEventListener('pointercancel', finish);
    };
  }, [store]);

  const pointOf = (event: Konva.KonvaEventObject<PointerEvent>): Point | undefined => {
    const position = event.target.getStage()?.getPointerPosition();
    if (!position) return undefined;
    const clamp = (v: number): number => Math.min(CANVAS_UNITS, Math.max(0, v / scale));
    return [clamp(position.x), clamp(position.y)];
  };

  const onPointerDown = (event: Konva.KonvaEventObject<PointerEvent>): void => {
    if (drawingPointer.current !== null || event.evt.button > 0) return;
    const point = pointOf(event);
    if (!point) return;
    event.evt.preventDefault();
    drawingPointer.current = event.evt.pointerId;
    if (tool === 'eraser') store.beginErase(point, (brushSize * ERASER_SCALE) / 2);
    else store.beginStroke(point, brushSize);
  };

  const onPointerMove = (event: Konva.KonvaEventObject<PointerEvent>): void => {
    if (drawingPointer.current !== event.evt.pointerId) return;
    const point = pointOf(event);
    if (!point) return;
    if (tool === 'eraser') {
      store.extendErase(point);
      return;
    }
    const points = store.getSnapshot().active?.points;
    const last = points?.[points.length - 1];
    if (last && Math.hypot(point[0] - last[0], point[1] - last[1]) < MIN_POINT_SPACING) return;
    store.extendStroke(point);
  };

  return (
    <div
      className={`draw-canvas tool-${tool}`}
      data-testid="draw-canvas"
      role="img"
      aria-label={t('draw.canvasLabel')}
      style={{ width: size, height: size }}
      data-digit-boxes={digitBoxes?.length ?? 0}
    >
      <Stage width={size} height={size} scaleX={scale} scaleY={scale} onPointerDown={onPointerDown} onPointerMove={onPointerMove}>
        <Layer listening={false}>
          {strokes.map((stroke, index) => (
            <StrokeLine key={index} stroke={stroke} color={ink} />
          ))}
          {active && <StrokeLine stroke={active} color={ink} />}
        </Layer>
        {digitBoxes && digitBoxes.length > 0 && <DigitBoxes boxes={digitBoxes} color={accent} scale={scale} />}
      </Stage>
    </div>
  );
}

const StrokeLine = memo(function StrokeLine({ stroke, color }: { stroke: DrawnStroke; color: string }): React.JSX.Element {
  // A single point is a dot: a zero-length line with round caps.
  const points = stroke.points.length === 1 ? [...stroke.points[0], ...stroke.points[0]] : stroke.points.flat();
  return (
    <Line
      points={points}
      stroke={color}
      strokeWidth={stroke.width}
      lineCap="round"
      lineJoin="round"
      tension={TENSION}
      listening={false}
      perfectDrawEnabled={false}
    />
  );
});

/** Dashed boxes round each digit of a number, the selected one solid, each labelled with its reading. */
function DigitBoxes({
  boxes,
  color,
  scale,
}: {
  boxes: readonly DigitBox[];
  color: string;
  scale: number;
}): React.JSX.Element {
  const fontSize = 13 / scale;
  return (
    <Layer listening={false}>
      {boxes.map(({ box, selected }, index) => (
        <Rect
          key={`box-${index}`}
          name="digit-box"
          x={box.minX}
          y={box.minY}
          width={box.maxX - box.minX}
          height={box.maxY - box.minY}
          stroke={color}
          strokeWidth={selected ? 2 : 1.25}
          strokeScaleEnabled={false}
          dash={selected ? undefined : [6 / scale, 4 / scale]}
          cornerRadius={4 / scale}
          listening={false}
        />
      ))}
      {boxes.map(({ box, label }, index) => (
        <Text
          key={`label-${index}`}
          name="digit-box-label"
          x={box.minX}
          y={Math.max(0, box.minY - fontSize * 1.2)}
          text={label}
          fontSize={fontSize}
          fill={color}
          listening={false}
        />
      ))}
    </Layer>
  );
}
