/** MNIST's side: every image the app shows is 28x28. */
export const DIGIT_SIDE = 28;

/**
 * Paints a 28x28 image (or `side` x `side`) onto a canvas of that size, one square pixel
 * per value: `ink[i] / full` is how much ink pixel i has (0..1). Dark ink on paper in the
 * light theme, light ink on black in the dark one, as MNIST shows it.
 */
export function paintDigit(
  canvas: HTMLCanvasElement | null,
  ink: ArrayLike<number>,
  full: number,
  dark: boolean,
  side: number = DIGIT_SIDE,
): void {
  const context = canvas?.getContext('2d');
  if (!context) return;
  const image = context.createImageData(side, side);
  for (let i = 0; i < side * side; i++) {
    const amount = Math.max(0, Math.min(1, (ink[i] ?? 0) / full));
    const value = Math.round(255 * (dark ? amount : 1 - amount));
    image.data.set([value, value, value, 255], i * 4);
  }
  context.putImageData(image, 0, 0);
}
