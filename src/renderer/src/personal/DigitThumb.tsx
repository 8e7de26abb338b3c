import { useEffect, useRef } from 'react';

const SIDE = 28;

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
  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context) return;
    const image = context.createImageData(SIDE, SIDE);
    for (let i = 0; i < SIDE * SIDE; i++) {
      const value = dark ? input[i] : 255 - input[i];
      image.data.set([value, value, value, 255], i * 4);
    }
    context.putImageData(image, 0, 0);
  }, [input, dark]);
  return <canvas ref={canvas} width={SIDE} height={SIDE} className="digit-thumb" role="img" aria-label={label} />;
}
