import { useEffect, useRef } from 'react';
import { DIGIT_SIDE, paintDigit } from '../app/paint-digit';

/** A 28x28 byte image (0 = background) drawn with square pixels, ink dark on light or light on dark. */
export function DigitThumb({
  input,
  dark,
  label,
}: {
  input: Uint8Array;
  dark: boolean;
  label: string;
}): React.JSX.Element {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => paintDigit(canvas.current, input, 255, dark), [input, dark]);
  return (
    <canvas ref={canvas} width={DIGIT_SIDE} height={DIGIT_SIDE} className="digit-thumb" role="img" aria-label={label} />
  );
}
