import { useLayoutEffect, useRef } from 'react';
import type { SheetLayout, UnitRef } from './network-math';
import { mapOrigin, moveUnit, unitAt } from './network-math';
import type { SheetColours } from './sheet-pixels';
import { sheetPixels } from './sheet-pixels';

/**
 * Paints maps laid out by `layout` onto one canvas, one canvas pixel per value
 * (sheetPixels' colours), through `image`, reused while the canvas keeps its size.
 */
function paintSheet(
  canvas: HTMLCanvasElement | null,
  image: { current: ImageData | undefined },
  layout: SheetLayout,
  values: ArrayLike<number>,
  colours: SheetColours,
): void {
  const context = canvas?.getContext('2d');
  if (!context) return;
  const { pixelWidth, pixelHeight } = layout;
  if (image.current?.width !== pixelWidth || image.current.height !== pixelHeight)
    image.current = context.createImageData(pixelWidth, pixelHeight);
  sheetPixels(layout, values, colours, image.current.data);
  context.putImageData(image.current, 0, 0);
}

/** A sheet of maps or units as one canvas, shown `layout.scale` times larger with square pixels. */
export function SheetCanvas({
  layout,
  values,
  lo,
  hi,
  dark,
  diverging,
  label,
  testId,
}: {
  layout: SheetLayout;
  values: ArrayLike<number>;
  lo: number;
  hi: number;
  dark: boolean;
  diverging?: boolean;
  label: string;
  testId: string;
}): React.JSX.Element {
  const canvas = useRef<HTMLCanvasElement>(null);
  const image = useRef<ImageData>(undefined);
  // Painted before the browser paints, so the page never shows a sheet older than its data.
  useLayoutEffect(
    () => paintSheet(canvas.current, image, layout, values, { lo, hi, dark, diverging }),
    [layout, values, lo, hi, dark, diverging],
  );
  return (
    <canvas
      ref={canvas}
      className="network-sheet"
      width={layout.pixelWidth}
      height={layout.pixelHeight}
      style={{ width: layout.pixelWidth * layout.scale }}
      role="img"
      aria-label={label}
      data-testid={testId}
    />
  );
}

/**
 * A layer's activations as a sheet the person can explore: hover a unit with the mouse,
 * or Tab to it and move with the arrow keys (Page Up/Down for the map, Home and End).
 * The chosen unit is outlined; what it computes shows in the unit panel (aria-live).
 */
export function UnitsSheet({
  layerIndex,
  layout,
  values,
  lo,
  hi,
  dark,
  selected,
  onSelect,
  label,
}: {
  layerIndex: number;
  layout: SheetLayout;
  values: ArrayLike<number>;
  lo: number;
  hi: number;
  dark: boolean;
  selected: UnitRef | undefined;
  onSelect: (unit: UnitRef) => void;
  label: string;
}): React.JSX.Element {
  const mine = selected?.layer === layerIndex ? selected : undefined;
  const pick = (event: React.MouseEvent<HTMLDivElement>): void => {
    const box = event.currentTarget.querySelector('canvas')?.getBoundingClientRect();
    if (!box || box.width === 0) return;
    const px = ((event.clientX - box.left) / box.width) * layout.pixelWidth;
    const py = ((event.clientY - box.top) / box.height) * layout.pixelHeight;
    const unit = unitAt(layout, px, py);
    if (unit && (unit.channel !== mine?.channel || unit.y !== mine.y || unit.x !== mine.x))
      onSelect({ layer: layerIndex, ...unit });
  };
  const onKeyDown = (event: React.KeyboardEvent): void => {
    const from = mine ?? { layer: layerIndex, channel: 0, y: 0, x: 0 };
    const next = moveUnit(from, event.key, layout);
    if (!next) return;
    event.preventDefault();
    onSelect(next);
  };
  const origin = mine ? mapOrigin(layout, mine.channel) : undefined;
  const percent = (v: number, of: number): string => `${(v / of) * 100}%`;
  return (
    <div
      className="network-units"
      tabIndex={0}
      role="group"
      aria-label={label}
      data-testid={`layer-units-${layerIndex}`}
      onMouseMove={pick}
      onFocus={() => {
        if (!mine) onSelect({ layer: layerIndex, channel: 0, y: 0, x: 0 });
      }}
      onKeyDown={onKeyDown}
    >
      <SheetCanvas
        layout={layout}
        values={values}
        lo={lo}
        hi={hi}
        dark={dark}
        label={label}
        testId={`layer-sheet-${layerIndex}`}
      />
      {mine && origin && (
        <span
          className="network-unit-outline"
          aria-hidden="true"
          style={{
            left: percent(origin.left + mine.x, layout.pixelWidth),
            top: percent(origin.top + mine.y, layout.pixelHeight),
            width: percent(1, layout.pixelWidth),
            height: percent(1, layout.pixelHeight),
          }}
        />
      )}
    </div>
  );
}
