import { useLayoutEffect, useRef } from 'react';
import type { SheetLayout, UnitRef } from './network-math';
import { mapOrigin, moveUnit, unitAt } from './network-math';

const HOT = [220, 38, 38];
const COLD = [37, 99, 235];

/**
 * Paints maps laid out by `layout` onto one canvas, one canvas pixel per value: grey from
 * paper (lowest) to ink (highest) between `lo` and `hi`, as the 28x28 preview shows the
 * input; or, `diverging`, red for positive and blue for negative, scaled to the largest |v|.
 */
function paintSheet(
  canvas: HTMLCanvasElement | null,
  layout: SheetLayout,
  values: ArrayLike<number>,
  options: { lo: number; hi: number; dark: boolean; diverging?: boolean },
): void {
  const context = canvas?.getContext('2d');
  if (!context) return;
  const { pixelWidth, pixelHeight, height, width, count } = layout;
  const image = context.createImageData(pixelWidth, pixelHeight);
  const paper = options.dark ? 27 : 246;
  const ink = options.dark ? 245 : 24;
  const gap = options.dark ? 60 : 200;
  for (let i = 0; i < image.data.length; i += 4) image.data.set([gap, gap, gap, 255], i);
  const span = options.hi - options.lo || 1;
  const reach = Math.max(Math.abs(options.lo), Math.abs(options.hi)) || 1;
  const mapSize = height * width;
  for (let c = 0; c < count; c++) {
    const { left, top } = mapOrigin(layout, c);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const v = values[c * mapSize + y * width + x] ?? 0;
        let pixel: number[];
        if (options.diverging) {
          const strength = Math.min(1, Math.abs(v) / reach);
          const hue = v >= 0 ? HOT : COLD;
          pixel = hue.map((h) => Math.round(paper + (h - paper) * strength));
        } else {
          const amount = Math.max(0, Math.min(1, (v - options.lo) / span));
          const grey = Math.round(paper + (ink - paper) * amount);
          pixel = [grey, grey, grey];
        }
        image.data.set([...pixel, 255], ((top + y) * pixelWidth + left + x) * 4);
      }
  }
  context.putImageData(image, 0, 0);
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
  // Painted before the browser paints, so the page never shows a sheet older than its data.
  useLayoutEffect(
    () => paintSheet(canvas.current, layout, values, { lo, hi, dark, diverging }),
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
