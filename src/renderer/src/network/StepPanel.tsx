import { useEffect, useMemo, useRef, useState } from 'react';
import type { LayerStep, StepRecord } from '../../../shared/step-mode';
import type { Action } from '../app/actions';
import { describeAction } from '../app/actions';
import { useStores } from '../app/stores-context';
import { useShortcuts } from '../app/use-shortcuts';
import { useStore } from '../app/use-store';
import type { MessageKey } from '../i18n/messages';
import type { Translate } from '../i18n/use-t';
import { sheetLayout } from './network-math';
import { SheetCanvas } from './Sheets';
import type { StepNetwork } from './step-store';
import { NOTES_NETWORKS } from './step-store';

/** Small numbers stay readable: four decimals from 0.01 up, else three significant digits; a true minus sign. */
export function formatValue(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  const text = a >= 0.01 && a < 1e4 ? v.toFixed(4) : v.toExponential(2);
  return text.replace('-', '−');
}

/** The backward pass of one dense layer as the notes write it, with the numbers of the batch's first image. */
function LayerEquations({
  layer,
  ordinal,
  count,
  batch,
  firstLabel,
  t,
}: {
  layer: LayerStep;
  /** l, counted from 1 over the dense layers; the output layer is L = count. */
  ordinal: number;
  count: number;
  batch: number;
  /** The label of the batch's first image, whose numbers these are. */
  firstLabel: number;
  t: Translate;
}): React.JSX.Element {
  const { numbers, gradient, update } = layer;
  const output = ordinal === count;
  const f = layer.activation ? t(`network.kind.${layer.activation}` as MessageKey) : '';
  const ratio = update.weightNorm > 0 ? update.weights / update.weightNorm : 0;
  return (
    <li className="step-layer" data-testid={`step-layer-${layer.index}`}>
      <h4>
        {output
          ? t('step.outputLayer', { l: ordinal, index: layer.index, inputs: layer.inputs, units: layer.units })
          : t('step.hiddenLayer', { l: ordinal, index: layer.index, inputs: layer.inputs, units: layer.units, f })}
      </h4>
      <code className="step-equation">
        {output
          ? numbers.probabilities
            ? `D(${ordinal}) = (P − onehot(t)) / N`
            : `D(${ordinal}) = ∂L/∂Z`
          : `D(${ordinal}) = f′(U(${ordinal})) ⊙ (D(${ordinal + 1})·W(${ordinal + 1})ᵀ)   ≡   f′(u(${ordinal})) * (W(${ordinal + 1})ᵀ D(${ordinal + 1}))`}
      </code>
      {layer.dropout !== undefined && <p className="hint">{t('step.dropoutNote', { rate: layer.dropout })}</p>}
      <p className="hint">{t('step.numbersFor', { label: firstLabel, count: numbers.units.length })}</p>
      <ul className="step-numbers" data-testid={`step-numbers-${layer.index}`}>
        {numbers.units.map((j, k) => (
          <li key={j}>
            <code>
              {output && numbers.probabilities
                ? `D${j} = (${formatValue(numbers.probabilities[k])} − ${numbers.target![k]}) / ${batch} = ${formatValue(numbers.delta[k])}`
                : numbers.derivative
                  ? `D${j} = f′(${formatValue(numbers.preActivation![k])}) × ${formatValue(numbers.fromAbove![k])} = ${formatValue(numbers.derivative[k])} × ${formatValue(numbers.fromAbove![k])} = ${formatValue(numbers.delta[k])}`
                  : `D${j} = ${formatValue(numbers.delta[k])}`}
            </code>
          </li>
        ))}
      </ul>
      <code className="step-equation">{`dW(${ordinal}) = X(${ordinal - 1})ᵀ·D(${ordinal})   [${layer.inputs}, N]·[N, ${layer.units}] → [${layer.inputs}, ${layer.units}]`}</code>
      <p data-testid={`step-gradient-${layer.index}`}>
        {t('step.gradientNorms', {
          norm: formatValue(gradient.weights.norm),
          mean: formatValue(gradient.weights.meanAbs),
          max: formatValue(gradient.weights.maxAbs),
        })}
      </p>
      <code className="step-equation">{`db(${ordinal}) = Σₙ D(${ordinal}):  ${numbers.units.map((j, k) => `db${j} = ${formatValue(numbers.biasGradient[k])}`).join(',  ')}`}</code>
      <p data-testid={`step-update-${layer.index}`}>
        {t('step.update', {
          update: formatValue(update.weights),
          norm: formatValue(update.weightNorm),
          ratio: formatValue(ratio),
          bias: formatValue(update.bias),
        })}
      </p>
    </li>
  );
}

/** The batch's first images as the network read them, with their labels and what it predicted before the step. */
function Batch({ record, dark, t }: { record: StepRecord; dark: boolean; t: Translate }): React.JSX.Element {
  const { batch } = record;
  const layout = useMemo(
    () => ({ ...sheetLayout({ count: batch.shown, height: 28, width: 28 }), scale: 2 }),
    [batch.shown],
  );
  return (
    <figure className="step-batch">
      <SheetCanvas
        layout={layout}
        values={batch.images}
        lo={0}
        hi={1}
        dark={dark}
        label={t('step.batchLabel', { shown: batch.shown, size: batch.size })}
        testId="step-batch"
      />
      <figcaption>
        {t('step.batch', { shown: batch.shown, size: batch.size })}
        <br />
        <span data-testid="step-labels">{t('step.labels', { labels: batch.labels.join(' ') })}</span>
        <br />
        <span>{t('step.predictions', { predictions: batch.predictions.join(' ') })}</span>
      </figcaption>
    </figure>
  );
}

/**
 * Step mode (issue #18 item 3): one of the notes' small networks, or the one set up on the
 * Train form ("Step through this network" there), trained from its seed
 * one mini-batch per press of Step (or N), showing the batch, the loss, each dense layer's
 * backward pass as the notes write it with the numbers of the batch's first image, the
 * gradient's size and the update's, and the first layer's weight gradient as 28x28 images.
 */
export function StepPanel({ dark, t }: { dark: boolean; t: Translate }): React.JSX.Element {
  const { step } = useStores();
  const { session, record, losses, busy, error, network, formHyperparameters, stepping } = useStore(step);
  const networks: readonly StepNetwork[] = formHyperparameters ? [...NOTES_NETWORKS, 'train-form'] : NOTES_NETWORKS;
  // Open on arrival with a run, or with one starting (the Train form's button brought the person here).
  const [open, setOpen] = useState(() => step.getSnapshot().session !== undefined || step.getSnapshot().busy);
  const summary = useRef<HTMLElement>(null);
  useEffect(() => {
    if (!step.getSnapshot().busy) return;
    summary.current?.focus();
    summary.current?.scrollIntoView({ block: 'start' });
  }, [step]);
  const actions = useMemo<Action[]>(
    () =>
      open && session
        ? [{ name: 'step', label: 'step.next', keys: [{ key: 'n' }], perform: () => void step.next() }]
        : [],
    [open, session, step],
  );
  useShortcuts(actions);
  const gradientLayout = useMemo(
    () => record && { ...sheetLayout({ count: record.firstLayerGradient.units, height: 28, width: 28 }), scale: 2 },
    [record],
  );
  const reach = record ? record.firstLayerGradient.values.reduce((m, v) => Math.max(m, Math.abs(v)), 0) : 0;
  const stepAction = actions[0];

  return (
    <details
      className="network-experiment network-step"
      open={open}
      onToggle={(e) => setOpen(e.currentTarget.open)}
      data-testid="step-panel"
      data-busy={busy}
    >
      <summary data-testid="step-toggle" ref={summary}>
        <h2>{t('step.title')}</h2>
      </summary>
      <p className="hint">{t('step.intro')}</p>
      <div className="experiment-row">
        <label className="field">
          <span>{t('step.network')}</span>
          <select
            value={network}
            onChange={(e) => step.choose(e.target.value as StepNetwork)}
            data-testid="step-network"
          >
            {networks.map((name) => (
              <option key={name} value={name}>
                {t(`step.network.${name}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <button type="button" disabled={busy} onClick={() => void step.start()} data-testid="step-start">
          {session ? t('step.restart') : t('step.start')}
        </button>
        <button
          type="button"
          disabled={busy || !session}
          onClick={() => void step.next()}
          title={stepAction ? describeAction(stepAction, t) : undefined}
          data-testid="step-next"
        >
          {t('step.next')}
        </button>
      </div>
      <div aria-live="polite">
        {error && (
          <p className="error" role="alert" data-testid="step-error">
            {t('step.error', { message: error.message })}
          </p>
        )}
        {stepping && (session || busy) && (
          <p data-testid="step-stepping" data-network={stepping}>
            {t('step.stepping', { network: t(`step.network.${stepping}` as MessageKey) })}
          </p>
        )}
        {session && (
          <p className="hint" data-testid="step-session">
            {t('step.session', {
              architecture: session.architecture,
              parameters: session.parameters.toLocaleString(),
              batch: session.batchSize,
              optimizer: session.optimizer,
            })}
          </p>
        )}
        {record && (
          <p data-testid="step-status" data-step={record.step} data-loss={record.loss}>
            {t('step.status', {
              step: record.step,
              epoch: record.epoch,
              loss: formatValue(record.loss),
              rate: formatValue(record.learningRate),
            })}
          </p>
        )}
      </div>
      {losses.length > 1 && (
        <p className="hint" data-testid="step-losses">
          {t('step.losses', { losses: losses.map((l) => `${l.step}: ${l.loss.toFixed(3)}`).join(', ') })}
        </p>
      )}
      {record && (
        <>
          <Batch record={record} dark={dark} t={t} />
          <ol className="step-layers">
            {[...record.layers].reverse().map((layer) => {
              const ordinal = record.layers.indexOf(layer) + 1;
              return (
                <LayerEquations
                  key={layer.index}
                  layer={layer}
                  ordinal={ordinal}
                  count={record.layers.length}
                  batch={record.batch.size}
                  firstLabel={record.batch.labels[0]}
                  t={t}
                />
              );
            })}
          </ol>
          {gradientLayout && (
            <figure className="network-parameters">
              <SheetCanvas
                layout={gradientLayout}
                values={record.firstLayerGradient.values}
                lo={-reach}
                hi={reach}
                dark={dark}
                diverging
                label={t('step.gradientImagesLabel', { units: record.firstLayerGradient.units })}
                testId="step-gradient-images"
              />
              <figcaption>{t('step.gradientImages', { units: record.firstLayerGradient.units })}</figcaption>
            </figure>
          )}
        </>
      )}
    </details>
  );
}
