import type Konva from 'konva';
import { memo, useEffect, useRef } from 'react';
import { Layer, Line, Stage } from 'react-konva';
import type { Point } from '../../../digits/preprocess/strokes';
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
}

/**
 * The square drawing surface. Pointer events cover mouse, touch and pen; strokes go to
 * the StrokeStore in canvas units (CANVAS_UNITS square), so the canvas can be any size.
 */
export function DrawCanvas({ store, toolStore, size }: Props): React.JSX.Element {
  const t = useT();
  const { strokes, active } = useStore(store);
  const { tool, brushSize } = useStore(toolStore);
  const scheme = useColorScheme();
  const ink = scheme === 'dark' ? '#f4f4f5' : '#18181b';
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
    >
      <Stage width={size} height={size} scaleX={scale} scaleY={scale} onPointerDown={onPointerDown} onPointerMove={onPointerMove}>
        <Layer listening={false}>
          {strokes.map((stroke, index) => (
            <StrokeLine key={index} stroke={stroke} color={ink} />
          ))}
          {active && <StrokeLine stroke={active} color={ink} />}
        </Layer>
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
