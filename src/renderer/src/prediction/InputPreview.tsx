import { useEffect, useRef } from 'react';
import { DIGIT_SIDE, paintDigit } from '../app/paint-digit';
import { useT } from '../i18n/use-t';

/** The 28x28 network input, magnified with square pixels: what the network sees. `children` lie over it (the heat map). */
export function InputPreview({
  input,
  dark,
  children,
}: {
  input: Float32Array;
  dark: boolean;
  children?: React.ReactNode;
}): React.JSX.Element {
  const t = useT();
  const canvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => paintDigit(canvas.current, input, 1, dark), [input, dark]);

  return (
    <figure className="input-preview">
      <div className="input-preview-stack">
        <canvas
          ref={canvas}
          width={DIGIT_SIDE}
          height={DIGIT_SIDE}
          data-testid="input-preview"
          role="img"
          aria-label={t('predict.previewLabel')}
        />
        {children}
      </div>
      <figcaption>{t('predict.preview')}</figcaption>
    </figure>
  );
}
