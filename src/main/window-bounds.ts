import type { WindowBounds } from '../backend/store/app-store';

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The bounds to reopen the window with: the saved ones if the window would still be
 * mostly visible on one of today's displays (a monitor may have been unplugged), otherwise
 * the saved size centred by the system. Never smaller than the minimum size.
 */
export function restoredBounds(
  saved: WindowBounds | undefined,
  workAreas: readonly Rectangle[],
  minimum: { width: number; height: number },
): Partial<Rectangle> & { width: number; height: number } | undefined {
  if (!saved) return undefined;
  const width = Math.max(saved.width, minimum.width);
  const height = Math.max(saved.height, minimum.height);
  if (saved.x === undefined || saved.y === undefined) return { width, height };
  const window = { x: saved.x, y: saved.y, width, height };
  const visible = workAreas.some((area) => overlap(window, area) >= 0.5 * Math.min(width * height, area.width * area.height));
  return visible ? window : { width, height };
}

function overlap(a: Rectangle, b: Rectangle): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}
