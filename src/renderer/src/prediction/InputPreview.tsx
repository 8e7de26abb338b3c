import { useEffect, useRef } from 'react';
import { useT } from '../i18n/use-t';

const SIDE = 28;

/** The 28x28 network input, magnified with square pixels: what the network sees. `children` lie over it (the heat map). */
export function InputPreview({ input, dark, children }: { input: Float32Array; dark: boolean; children?: React.ReactNode }): React.JSX.Element {
  const t = useT();
  const canvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context) return;
    const image = context.createImageData(SIDE, SIDE);
    for (let i = 0; i < SIDE * SIDE; i++) {
      const ink = Math.max(0, Math.min(1, input[i] ?? 0));
      // Ink dark on light paper in the light theme, light on dark in the dark theme.
      const value = Math.round(255 * (dark ? ink : 1 - ink));
      image.data.set([value, value, value, 255], i * 4);
    }
    context.putImageData(image, 0, 0);
  }, [input, dark]);

  return (
    <figure className="input-preview">
      <div className="input-preview-stack">
        <canvas ref={canvas} width={SIDE} height={SIDE} data-testid="input-preview" role="img" aria-label={t('predict.previewLabel')} />
        {children}
      </div>
      <figcaption>{t('predict.preview')}</figcaption>
    </figure>
  );
}
