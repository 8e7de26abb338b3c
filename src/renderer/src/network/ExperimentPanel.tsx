import { useEffect, useId, useState } from 'react';
import type { ExperimentEdit } from '../../../shared/experiment';
import { EXPERIMENT_LIMITS } from '../../../shared/experiment';
import type { LayerActivation } from '../../../shared/inspection';
import { useStores } from '../app/stores-context';
import { useStore } from '../app/use-store';
import type { MessageKey } from '../i18n/messages';
import type { Translate } from '../i18n/use-t';
import { formatPercent } from '../prediction/ProbabilityBars';
import { toPrediction } from '../prediction/prediction-store';
import { EXPERIMENT_TEST_SIZES } from './experiment-store';
import type { UnitRef } from './network-math';
import { formatNumber } from './network-math';

const BREAKABLE = new Set<LayerActivation['kind']>(['dense', 'conv2d']);

/** One edit in words: "Layer 0: unit 3 off". */
function describeEdit(edit: ExperimentEdit, sigma: number | undefined, t: Translate): string {
  if (edit.kind === 'weight-noise') {
    const shown = sigma === undefined ? '…' : formatNumber(sigma);
    return t('experiment.edit.weight-noise', { layer: edit.layer, scale: edit.scale, sigma: shown, seed: edit.seed });
  }
  if (edit.kind === 'unit-off') return t('experiment.edit.unit-off', { layer: edit.layer, unit: edit.unit });
  return t('experiment.edit.biases-off', { layer: edit.layer });
}

/** "7 (98.1%)": the top class of ten probabilities. */
function reading(probabilities: readonly number[], t: Translate): string {
  const { top, confidence } = toPrediction(probabilities);
  return t('experiment.reading', { digit: top, percent: formatPercent(confidence) });
}

/**
 * "Break it" (issue #18 item 4): switch off a dense unit or a conv filter, a layer's biases,
 * or add seeded noise to a layer's weights, and read the drawing's prediction and the test
 * accuracy before and after; Restore gives the model back exactly, "Save as new model"
 * keeps the broken copy. Every control is a native one, so Tab and Enter or Space work
 * them; choosing a unit on the screen (pointer or arrow keys) fills in its layer and unit.
 */
export function ExperimentPanel({
  layers,
  live,
  selected,
  modelName,
  t,
}: {
  layers: readonly LayerActivation[];
  /** The activations' probabilities (the broken copy's while an experiment is on) and the model's own. */
  live: { probabilities: readonly number[]; originalProbabilities?: readonly number[] };
  selected: UnitRef | undefined;
  modelName: string | undefined;
  t: Translate;
}): React.JSX.Element {
  const { experiment } = useStores();
  const { edits, result, busy, error, saved, testSize } = useStore(experiment);
  const breakable = layers.filter((l) => BREAKABLE.has(l.kind));
  const [layerIndex, setLayerIndex] = useState<number | undefined>(breakable[0]?.index);
  const [unit, setUnit] = useState(0);
  const [scale, setScale] = useState(0.5);
  const [seed, setSeed] = useState(1);
  const [name, setName] = useState('');
  const id = useId();
  // Folded away until opened (by Enter or Space on its summary too), open while an experiment is on.
  const [open, setOpen] = useState(() => experiment.getSnapshot().edits.length > 0);

  useEffect(() => experiment.start(), [experiment]);
  // A unit chosen on the screen is the one the form switches off (state adjusted while rendering, as React advises).
  const [followed, setFollowed] = useState(selected);
  if (selected !== followed) {
    setFollowed(selected);
    if (selected && BREAKABLE.has(layers[selected.layer]?.kind)) {
      setLayerIndex(selected.layer);
      setUnit(selected.channel);
    }
  }

  const layer = breakable.find((l) => l.index === layerIndex) ?? breakable[0];
  if (!layer) {
    return (
      <section className="network-experiment" aria-label={t('experiment.title')} data-testid="experiment-panel">
        <h2>{t('experiment.title')}</h2>
        <p className="hint">{t('experiment.noLayers')}</p>
      </section>
    );
  }
  const units = layer.fullShape[0];
  const chosenUnit = Math.min(Math.max(0, Math.trunc(unit) || 0), units - 1);
  const full = edits.length >= EXPERIMENT_LIMITS.edits;
  const scaleOk = scale > 0 && scale <= EXPERIMENT_LIMITS.noiseScale;
  const seedOk = Number.isInteger(seed) && seed >= 0;
  const on = edits.length > 0;
  const defaultName = t('experiment.defaultName', { name: modelName ?? '' }).slice(0, 80);

  return (
    <details
      className="network-experiment"
      open={open}
      onToggle={(e) => setOpen(e.currentTarget.open)}
      data-testid="experiment-panel"
      data-busy={busy}
      data-edits={edits.length}
    >
      <summary data-testid="experiment-toggle">
        <h2>{t('experiment.title')}</h2>
      </summary>
      <p className="hint">{t('experiment.intro')}</p>
      <div className="experiment-controls">
        <label className="field">
          <span>{t('experiment.layer')}</span>
          <select
            value={layer.index}
            onChange={(e) => setLayerIndex(Number(e.target.value))}
            data-testid="experiment-layer"
          >
            {breakable.map((l) => (
              <option key={l.index} value={l.index}>
                {t('experiment.layerOption', {
                  index: l.index,
                  kind: t(`network.kind.${l.kind}` as MessageKey),
                  units: l.fullShape[0],
                })}
              </option>
            ))}
          </select>
        </label>
        <div className="experiment-row">
          <label className="field">
            <span>{t('experiment.unit', { last: units - 1 })}</span>
            <input
              type="number"
              min={0}
              max={units - 1}
              step={1}
              value={chosenUnit}
              onChange={(e) => setUnit(Number(e.target.value))}
              data-testid="experiment-unit"
            />
          </label>
          <button
            type="button"
            disabled={busy || full}
            onClick={() => void experiment.add({ kind: 'unit-off', layer: layer.index, unit: chosenUnit })}
            data-testid="experiment-switch-off"
          >
            {t('experiment.switchOff')}
          </button>
          <button
            type="button"
            disabled={busy || full}
            onClick={() => void experiment.add({ kind: 'biases-off', layer: layer.index })}
            data-testid="experiment-biases-off"
          >
            {t('experiment.biasesOff')}
          </button>
        </div>
        <div className="experiment-row">
          <label className="field">
            <span>{t('experiment.noiseScale', { max: EXPERIMENT_LIMITS.noiseScale })}</span>
            <input
              type="number"
              min={0.05}
              max={EXPERIMENT_LIMITS.noiseScale}
              step={0.05}
              value={scale}
              onChange={(e) => setScale(Number(e.target.value))}
              aria-invalid={!scaleOk}
              data-testid="experiment-noise-scale"
            />
          </label>
          <label className="field">
            <span>{t('experiment.seed')}</span>
            <input
              type="number"
              min={0}
              step={1}
              value={seed}
              onChange={(e) => setSeed(Number(e.target.value))}
              aria-invalid={!seedOk}
              data-testid="experiment-seed"
            />
          </label>
          <button
            type="button"
            disabled={busy || full || !scaleOk || !seedOk}
            onClick={() => void experiment.add({ kind: 'weight-noise', layer: layer.index, scale, seed })}
            data-testid="experiment-add-noise"
          >
            {t('experiment.addNoise')}
          </button>
        </div>
        <label className="field">
          <span>{t('experiment.testSize')}</span>
          <select
            value={testSize}
            disabled={busy}
            onChange={(e) => void experiment.setTestSize(Number(e.target.value))}
            data-testid="experiment-test-size"
          >
            {EXPERIMENT_TEST_SIZES.map((size) => (
              <option key={size} value={size}>
                {t(`experiment.testSize.${size}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
      </div>

      <h3 id={`${id}-edits`}>{t('experiment.edits')}</h3>
      {on ? (
        <ol className="experiment-edits" aria-labelledby={`${id}-edits`} data-testid="experiment-edits">
          {edits.map((edit, i) => {
            const text = describeEdit(edit, result?.applied[i]?.sigma, t);
            return (
              <li key={i} data-testid={`experiment-edit-${i}`} data-kind={edit.kind}>
                <span>{text}</span>
                <button
                  type="button"
                  disabled={busy}
                  onClick={() => void experiment.remove(i)}
                  aria-label={t('experiment.removeLabel', { edit: text })}
                >
                  {t('experiment.remove')}
                </button>
              </li>
            );
          })}
        </ol>
      ) : (
        <p className="hint" data-testid="experiment-none">
          {t('experiment.none')}
        </p>
      )}
      {full && <p className="hint">{t('experiment.limit', { count: EXPERIMENT_LIMITS.edits })}</p>}

      <div aria-live="polite">
        {busy && <p className="hint">{t('experiment.measuring')}</p>}
        {error && (
          <p className="error" role="alert" data-testid="experiment-error">
            {t('experiment.error', { message: error.message })}
          </p>
        )}
        {on && result && (
          <>
            <p
              data-testid="experiment-accuracy"
              data-original={result.originalTestAccuracy}
              data-broken={result.testAccuracy}
              data-count={result.testCount}
            >
              {t('experiment.accuracy', {
                count: result.testCount.toLocaleString(),
                original: formatPercent(result.originalTestAccuracy, 2),
                broken: formatPercent(result.testAccuracy, 2),
              })}
            </p>
            {live.originalProbabilities && (
              <p
                data-testid="experiment-drawing"
                data-original={toPrediction(live.originalProbabilities).top}
                data-broken={toPrediction(live.probabilities).top}
              >
                {t('experiment.drawing', {
                  original: reading(live.originalProbabilities, t),
                  broken: reading(live.probabilities, t),
                })}
              </p>
            )}
          </>
        )}
        {saved && (
          <p className="hint" data-testid="experiment-saved">
            {t('experiment.saved', { name: saved.name })}
          </p>
        )}
      </div>

      <div className="experiment-row">
        <button type="button" disabled={!on} onClick={() => void experiment.restore()} data-testid="experiment-restore">
          {t('experiment.restore')}
        </button>
      </div>
      {on && result && (
        <form
          className="experiment-row"
          onSubmit={(e) => {
            e.preventDefault();
            void experiment.save(name.trim() || defaultName);
          }}
        >
          <label className="field">
            <span>{t('experiment.name')}</span>
            <input
              value={name}
              placeholder={defaultName}
              maxLength={80}
              onChange={(e) => setName(e.target.value)}
              data-testid="experiment-name"
            />
          </label>
          <button type="submit" disabled={busy} data-testid="experiment-save">
            {t('experiment.save')}
          </button>
        </form>
      )}
    </details>
  );
}
