import { useCallback, useEffect, useState } from 'react';
import { useStore } from '../app/use-store';
import { isEditableTarget } from '../drawing/actions';
import type { StrokeStore } from '../drawing/stroke-store';
import { useT } from '../i18n/use-t';
import type { PredictionStore } from '../prediction/prediction-store';
import { correctionShortcutDigit, describeCorrectionShortcut } from './correction';
import type { PersonalStore } from './personal-store';
import './personal.css';

const DIGITS = Array.from({ length: 10 }, (_, d) => d);
const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

export type Notify = (level: 'info' | 'warning' | 'error', message: string) => void;

interface Props {
  drawing: StrokeStore;
  prediction: PredictionStore;
  personal: PersonalStore;
  notify: Notify;
}

/**
 * "That's wrong: it is N": saves the drawing on the canvas, strokes and all, to the
 * person's samples with the digit they say it is. One button per digit, and Alt+digit.
 */
export function CorrectionBar({ drawing, prediction, personal, notify }: Props): React.JSX.Element {
  const t = useT();
  const { prediction: result } = useStore(prediction);
  const { counts } = useStore(personal);
  const [saving, setSaving] = useState(false);
  const canCorrect = result !== undefined && !saving;

  const save = useCallback(
    async (digit: number) => {
      const strokes = drawing.inputStrokes();
      if (strokes.length === 0) return;
      setSaving(true);
      const saved = await personal.add(strokes, digit);
      setSaving(false);
      if (saved.ok) notify('info', t('correct.saved', { digit, count: saved.value.counts[digit] }));
      else notify('error', t('correct.failed', { message: saved.error.message }));
    },
    [drawing, personal, notify, t],
  );

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent): void => {
      if (event.defaultPrevented || isEditableTarget(event.target) || document.querySelector('dialog[open]')) return;
      const digit = correctionShortcutDigit(event);
      if (digit === undefined) return;
      event.preventDefault();
      if (canCorrect) void save(digit);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [canCorrect, save]);

  return (
    <div className="correction" role="group" aria-labelledby="correction-title" data-testid="correction">
      <span className="correction-head">
        <span id="correction-title" className="correction-title">
          {t('correct.title')}
        </span>
        <kbd className="correction-shortcut">{describeCorrectionShortcut(0, isMac).replace('0', '0–9')}</kbd>
      </span>
      <div className="correction-digits">
        {DIGITS.map((digit) => (
          <button
            key={digit}
            type="button"
            disabled={!canCorrect}
            data-testid={`correct-${digit}`}
            aria-label={t('correct.button', { digit })}
            title={`${t('correct.button', { digit })} (${describeCorrectionShortcut(digit, isMac)}) · ${t('correct.count', { count: counts[digit] })}`}
            onClick={() => void save(digit)}
          >
            {digit}
          </button>
        ))}
      </div>
    </div>
  );
}
