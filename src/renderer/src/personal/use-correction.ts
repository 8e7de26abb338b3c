import { useCallback, useMemo, useState } from 'react';
import { useStores } from '../app/stores-context';
import { useStore } from '../app/use-store';
import { useT } from '../i18n/use-t';
import type { CorrectionAction, Digit } from './correction';
import { createCorrectionActions } from './correction';

/**
 * The correction actions for the drawing on the canvas: each saves it, strokes and all,
 * to the person's samples with its digit, once there is a prediction to correct and no
 * save is under way.
 */
export function useCorrection(): { actions: readonly CorrectionAction[]; canCorrect: boolean } {
  const t = useT();
  const { drawing, prediction, personal, notices } = useStores();
  const { prediction: result } = useStore(prediction);
  const [saving, setSaving] = useState(false);
  const canCorrect = result !== undefined && !saving;

  const save = useCallback(
    async (digit: Digit) => {
      const strokes = drawing.inputStrokes();
      if (strokes.length === 0) return;
      setSaving(true);
      const saved = await personal.add(strokes, digit);
      setSaving(false);
      if (saved.ok) notices.push('info', t('correct.saved', { digit, count: saved.value.counts[digit] }));
      else notices.push('error', t('correct.failed', { message: saved.error.message }));
    },
    [drawing, personal, notices, t],
  );

  const actions = useMemo(
    () =>
      createCorrectionActions((digit) => {
        if (canCorrect) void save(digit);
      }),
    [canCorrect, save],
  );
  return { actions, canCorrect };
}
