import { useEffect, useRef } from 'react';
import { useColorScheme } from '../app/use-color-scheme';
import { useStore } from '../app/use-store';
import { useT } from '../i18n/use-t';
import type { ExplanationStore } from './explanation-store';
import './personal.css';

const SIDE = 28;
const HOT = [220, 38, 38];
const COLD = [37, 99, 235];

/**
 * Gradient x input over the 28x28 preview: red where a pixel pushed toward the top
 * class, blue where it pushed away, stronger colour for a stronger push (scaled to the
 * strongest pixel). The drawing shows faintly underneath, so the colours read against
 * the strokes they belong to.
 */
export function ExplanationOverlay({ explanation }: { explanation: ExplanationStore }): React.JSX.Element | null {
  const t = useT();
  const dark = useColorScheme() === 'dark';
  const { enabled, attribution, label, input } = useStore(explanation);
  const canvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context || !attribution || !input) return;
    let scale = 0;
    for (const v of attribution) scale = Math.max(scale, Math.abs(v));
    const paper = dark ? 27 : 255;
    const ink = dark ? 120 : 150;
    const image = context.createImageData(SIDE, SIDE);
    for (let i = 0; i < SIDE * SIDE; i++) {
      const v = scale > 0 ? attribution[i] / scale : 0;
      const strength = Math.sqrt(Math.min(1, Math.abs(v)));
      const heat = v >= 0 ? HOT : COLD;
      const base = paper + (ink - paper) * Math.min(1, input[i] ?? 0);
      const pixel = heat.map((c) => Math.round(base + (c - base) * strength));
      image.data.set([...pixel, 255], i * 4);
    }
    context.putImageData(image, 0, 0);
  }, [attribution, input, dark]);

  if (!enabled || !attribution || label === undefined) return null;
  return (
    <canvas
      ref={canvas}
      width={SIDE}
      height={SIDE}
      className="explain-heatmap"
      data-testid="explain-heatmap"
      data-label={label}
      role="img"
      aria-label={t('explain.heatmapLabel', { digit: label })}
    />
  );
}

/** The switch for the heat map, and what its colours mean while it shows. */
export function ExplanationToggle({ explanation }: { explanation: ExplanationStore }): React.JSX.Element {
  const t = useT();
  const { enabled, label, error } = useStore(explanation);
  return (
    <div className="explain-controls">
      <label className="explain-toggle">
        <input type="checkbox" checked={enabled} onChange={() => explanation.toggle()} data-testid="explain-toggle" />
        {t('explain.toggle')}
      </label>
      {enabled && label !== undefined && <p className="explain-legend">{t('explain.legend', { digit: label })}</p>}
      {enabled && error && (
        <p className="error" role="alert">
          {t('explain.failed', { message: error.message })}
        </p>
      )}
    </div>
  );
}
