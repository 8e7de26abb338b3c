import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { LayerActivation, LayerParameters, TensorStats } from '../../../shared/inspection';
import { ActionButton } from '../app/ActionButton';
import { DIGIT_SIDE, paintDigit } from '../app/paint-digit';
import { useStores } from '../app/stores-context';
import { useColorScheme } from '../app/use-color-scheme';
import { useShortcuts } from '../app/use-shortcuts';
import { useStore } from '../app/use-store';
import type { MessageKey } from '../i18n/messages';
import type { Translate } from '../i18n/use-t';
import { useT } from '../i18n/use-t';
import { createDrawingActions } from '../drawing/actions';
import { DrawCanvas } from '../drawing/DrawCanvas';
import { ProbabilityBars } from '../prediction/ProbabilityBars';
import { toPrediction } from '../prediction/prediction-store';
import type { ModelActivations } from './network-store';
import type { SheetLayout, UnitRef } from './network-math';
import {
  INPUT_SIDE,
  denseColumn,
  describeShape,
  formatNumber,
  mapShapeOf,
  parameterCount,
  readsInput,
  receptiveField,
  sheetLayout,
  sourceLayer,
  unitFormula,
  valueAt,
} from './network-math';
import { ExperimentPanel } from './ExperimentPanel';
import { SheetCanvas, UnitsSheet } from './Sheets';
import { StepPanel } from './StepPanel';
import { TimelinePanel } from './TimelinePanel';
import './network.css';

const CANVAS_SIZE = 240;
/** The input as every layer's formula reads it: one 28x28 map. */
const INPUT_SHAPE = [1, INPUT_SIDE, INPUT_SIDE];

const kindKey = (kind: LayerActivation['kind']): MessageKey => `network.kind.${kind}` as MessageKey;

/**
 * Inside the active model, for the drawing: its layers in a row with their shapes and
 * parameter counts, every layer's activations (maps as grey images, dense layers as a
 * strip of units, the softmax as the bars), the learned filters or, for an MLP, each first
 * hidden unit's 28x28 template, and for the unit under the pointer or the keyboard focus
 * its value, what feeds it and its formula with the numbers.
 */
export function NetworkScreen(): React.JSX.Element {
  const t = useT();
  const dark = useColorScheme() === 'dark';
  const { drawing, tools, network, models } = useStores();
  const { activations, input, drawingVersion, answeredVersion, parameters, error } = useStore(network);
  const modelName = useStore(models).models.find((m) => m.active)?.name;
  const [selected, setSelected] = useState<UnitRef | undefined>();
  const actions = useMemo(() => createDrawingActions(drawing, tools), [drawing, tools]);
  const byName = useMemo(() => new Map(actions.map((a) => [a.name, a])), [actions]);
  useShortcuts(actions);

  useEffect(() => network.start(), [network]);

  const layers = activations?.layers;
  const byLayer =
    parameters?.modelId === activations?.modelId && parameters?.snapshot === activations?.snapshot
      ? parameters?.byLayer
      : undefined;
  // A unit chosen on another model's layers may no longer exist.
  const unit = selected && layers && selected.layer < layers.length ? selected : undefined;

  return (
    <section
      className="network-screen"
      aria-label={t('tab.network')}
      data-testid="network-screen"
      data-drawing-version={drawingVersion}
      data-answered-version={answeredVersion ?? ''}
      data-model-id={activations?.modelId ?? ''}
    >
      <div className="network-side">
        <p className="hint network-intro">{t('network.intro')}</p>
        <div className="toolbar" role="toolbar" aria-label={t('draw.tools')}>
          <ActionButton action={byName.get('undo')!} />
          <ActionButton action={byName.get('clear')!} testId="clear-button" />
        </div>
        <DrawCanvas store={drawing} toolStore={tools} size={CANVAS_SIZE} />
        {modelName && <p className="model-name">{t('predict.model', { name: modelName })}</p>}
        {input && layers && (
          <UnitPanel unit={unit} layers={layers} input={input} parameters={byLayer} dark={dark} t={t} />
        )}
      </div>
      <div className="network-main">
        {error && (
          <p className="error" role="alert" data-testid="network-error">
            {t('network.error', { message: error.message })}
          </p>
        )}
        {!layers && !error && <p className="hint">{t('network.loading')}</p>}
        {activations && input && (
          <NetworkLayers
            activations={activations}
            parameters={byLayer}
            unit={unit}
            onSelect={setSelected}
            modelName={modelName}
            dark={dark}
            t={t}
          />
        )}
      </div>
    </section>
  );
}

/**
 * The panels and every layer for one answer. The drawing changes far more often than the
 * answers come (each pointer move bumps its version), so this renders again only when
 * the answer, the parameters, the chosen unit or the language change.
 */
const NetworkLayers = memo(function NetworkLayers({
  activations,
  parameters,
  unit,
  onSelect,
  modelName,
  dark,
  t,
}: {
  activations: ModelActivations;
  parameters: ReadonlyMap<number, LayerParameters> | undefined;
  unit: UnitRef | undefined;
  onSelect: (unit: UnitRef) => void;
  modelName: string | undefined;
  dark: boolean;
  t: Translate;
}): React.JSX.Element {
  const { layers } = activations;
  return (
    <>
      <TimelinePanel t={t} />
      <ExperimentPanel layers={layers} live={activations} selected={unit} modelName={modelName} t={t} />
      <StepPanel dark={dark} t={t} />
      {activations.originalProbabilities && (
        <p className="network-experiment-on" role="status" data-testid="experiment-on">
          {t('experiment.on')}
        </p>
      )}
      <Architecture layers={layers} t={t} />
      <ol className="network-layers">
        {layers.map((layer) => (
          <LayerCard
            key={`${activations.modelId}-${layer.index}`}
            layer={layer}
            layers={layers}
            parameters={parameters?.get(layer.index)}
            selected={unit?.layer === layer.index ? unit : undefined}
            onSelect={onSelect}
            dark={dark}
            t={t}
          />
        ))}
        <li className="network-layer" data-testid="network-softmax">
          <h3>{t('network.softmax')}</h3>
          <ProbabilityBars prediction={toPrediction(activations.probabilities)} />
        </li>
      </ol>
    </>
  );
});

/** The layers in a row: input, then each layer's kind, output shape and learned parameters. */
function Architecture({ layers, t }: { layers: readonly LayerActivation[]; t: Translate }): React.JSX.Element {
  const counts = layers.map((_, i) => parameterCount(layers, i, INPUT_SHAPE));
  const total = counts.reduce((a, b) => a + b, 0);
  return (
    <section className="network-architecture" aria-label={t('network.architecture')}>
      <h2>{t('network.architecture')}</h2>
      <ol data-testid="network-architecture">
        <li>
          <span className="kind">{t('network.input')}</span>
          <span className="shape">{describeShape(INPUT_SHAPE)}</span>
        </li>
        {layers.map((layer, i) => (
          <li key={layer.index} data-testid={`architecture-layer-${layer.index}`} data-kind={layer.kind}>
            <span className="kind">{t(kindKey(layer.kind))}</span>
            <span className="shape">{describeShape(layer.fullShape)}</span>
            {counts[i] > 0 && (
              <span className="params" data-parameters={counts[i]}>
                {t('network.parameters', { count: counts[i].toLocaleString() })}
              </span>
            )}
          </li>
        ))}
      </ol>
      <p className="hint">{t('network.totalParameters', { count: total.toLocaleString() })}</p>
    </section>
  );
}

/** The grey levels a layer's sheet spans: from its lowest value (or 0) to its highest. */
function range(layer: LayerActivation): { lo: number; hi: number } {
  return { lo: Math.min(0, layer.stats.min), hi: Math.max(0, layer.stats.max) };
}

/** One layer's card; a unit chosen on another layer does not render it again. */
const LayerCard = memo(function LayerCard({
  layer,
  layers,
  parameters,
  selected,
  onSelect,
  dark,
  t,
}: {
  layer: LayerActivation;
  layers: readonly LayerActivation[];
  parameters: LayerParameters | undefined;
  selected: UnitRef | undefined;
  onSelect: (unit: UnitRef) => void;
  dark: boolean;
  t: Translate;
}): React.JSX.Element {
  const layout = useMemo(() => sheetLayout(mapShapeOf(layer.shape)), [layer.shape]);
  const kind = t(kindKey(layer.kind));
  const { lo, hi } = range(layer);
  const shape = describeShape(layer.fullShape);
  return (
    <li className="network-layer" data-testid={`network-layer-${layer.index}`} data-kind={layer.kind}>
      <h3>
        {t('network.layerHeading', { index: layer.index, kind })} <span className="shape">{shape}</span>
      </h3>
      <UnitsSheet
        layerIndex={layer.index}
        layout={layout}
        values={layer.values}
        lo={lo}
        hi={hi}
        dark={dark}
        selected={selected}
        onSelect={onSelect}
        label={t('network.unitsLabel', { index: layer.index, kind, shape })}
      />
      {layer.truncated && (
        <p className="hint">{t('network.truncated', { shown: layer.shape[0], total: layer.fullShape[0] })}</p>
      )}
      {layer.kind === 'dropout' && <p className="hint">{t('network.dropoutNote')}</p>}
      {parameters && layer.kind === 'conv2d' && <Filters parameters={parameters} dark={dark} t={t} />}
      {parameters && readsInput(layers, layer.index) && <Templates parameters={parameters} dark={dark} t={t} />}
    </li>
  );
});

/** Conv filters [F, C, k, k] as a sheet: one row per filter, its C input channels side by side. */
function Filters({
  parameters,
  dark,
  t,
}: {
  parameters: LayerParameters;
  dark: boolean;
  t: Translate;
}): React.JSX.Element | null {
  const weights = parameters.tensors.find((p) => p.name === 'weights');
  const layout = useMemo(() => {
    if (!weights) return undefined;
    const [filters, channels, k] = weights.shape;
    if (channels === 1) return { ...sheetLayout({ count: filters, height: k, width: k }), scale: 6 };
    // One row per filter, its input channels side by side.
    const base = sheetLayout({ count: filters * channels, height: k, width: k });
    return {
      ...base,
      columns: channels,
      rows: filters,
      pixelWidth: channels * (k + 1) - 1,
      pixelHeight: filters * (k + 1) - 1,
      scale: 2,
    };
  }, [weights]);
  if (!weights || !layout) return null;
  return (
    <WeightSheet
      stats={weights.stats}
      values={weights.values}
      layout={layout}
      dark={dark}
      label={t('network.filtersLabel', { index: parameters.index })}
      testId={`layer-filters-${parameters.index}`}
      caption={t('network.filters', { shape: describeShape(weights.fullShape) })}
    />
  );
}

/** A first dense layer's weights [784, units] as one 28x28 template per unit. */
function Templates({
  parameters,
  dark,
  t,
}: {
  parameters: LayerParameters;
  dark: boolean;
  t: Translate;
}): React.JSX.Element | null {
  const weights = parameters.tensors.find((p) => p.name === 'weights');
  const transposed = useMemo(() => {
    if (!weights) return undefined;
    const [inputs, units] = weights.shape;
    const out = new Float32Array(inputs * units);
    for (let i = 0; i < inputs; i++)
      for (let u = 0; u < units; u++) out[u * inputs + i] = weights.values[i * units + u];
    return out;
  }, [weights]);
  if (!weights || !transposed || weights.shape[0] !== INPUT_SIDE * INPUT_SIDE) return null;
  const layout = { ...sheetLayout({ count: weights.shape[1], height: INPUT_SIDE, width: INPUT_SIDE }), scale: 1 };
  return (
    <WeightSheet
      stats={weights.stats}
      values={transposed}
      layout={layout}
      dark={dark}
      label={t('network.templatesLabel', { index: parameters.index })}
      testId={`layer-templates-${parameters.index}`}
      caption={t('network.templates')}
    />
  );
}

/** A layer's weights as a sheet of small images, on a scale symmetric about 0 (blue below, red above). */
function WeightSheet({
  stats,
  values,
  layout,
  dark,
  label,
  testId,
  caption,
}: {
  stats: TensorStats;
  values: Float32Array;
  layout: SheetLayout;
  dark: boolean;
  label: string;
  testId: string;
  caption: string;
}): React.JSX.Element {
  const reach = Math.max(Math.abs(stats.min), Math.abs(stats.max));
  return (
    <figure className="network-parameters">
      <SheetCanvas
        layout={layout}
        values={values}
        lo={-reach}
        hi={reach}
        dark={dark}
        diverging
        label={label}
        testId={testId}
      />
      <figcaption>{caption}</figcaption>
    </figure>
  );
}

/** The chosen unit: where it is, its value, what feeds it and its formula with the numbers. */
const UnitPanel = memo(function UnitPanel({
  unit,
  layers,
  input,
  parameters,
  dark,
  t,
}: {
  unit: UnitRef | undefined;
  layers: readonly LayerActivation[];
  input: Float32Array;
  parameters: ReadonlyMap<number, LayerParameters> | undefined;
  dark: boolean;
  t: Translate;
}): React.JSX.Element {
  const layer = unit ? layers[unit.layer] : undefined;
  const value = unit && layer ? valueAt(layer, unit) : undefined;
  const formula = unit ? unitFormula(layers, input, parameters, unit) : undefined;
  const source = unit ? sourceLayer(layers, unit.layer) : undefined;
  const template =
    unit && source !== undefined && readsInput(layers, source)
      ? (() => {
          const weights = parameters?.get(source)?.tensors.find((p) => p.name === 'weights');
          return weights ? denseColumn(weights, unit.channel) : undefined;
        })()
      : undefined;
  const whole = unit && !template && layers.slice(0, unit.layer + 1).some((l) => l.kind === 'dense');
  const region = unit && !template && !whole ? receptiveField(layers, unit, INPUT_SHAPE) : undefined;
  const kind = layer ? t(kindKey(layer.kind)) : '';
  const flat = layer ? layer.shape.length === 1 : false;
  return (
    <section
      className="network-unit"
      aria-label={t('network.unit')}
      aria-live="polite"
      data-testid="unit-detail"
      data-layer={unit?.layer ?? ''}
      data-channel={unit?.channel ?? ''}
      data-y={unit?.y ?? ''}
      data-x={unit?.x ?? ''}
      data-value={value ?? ''}
      data-result={formula?.result ?? ''}
    >
      {!unit || !layer ? (
        <p className="hint">{t('network.pick')}</p>
      ) : (
        <>
          <h3 data-testid="unit-name">
            {flat
              ? t('network.unitFlat', { index: unit.layer, kind, unit: unit.channel })
              : t('network.unitMap', { index: unit.layer, kind, channel: unit.channel, y: unit.y, x: unit.x })}
          </h3>
          <dl>
            <dt>{t('network.value')}</dt>
            <dd data-testid="unit-value">{value === undefined ? '–' : formatNumber(value)}</dd>
            <dt>{t('network.formula')}</dt>
            <dd>
              {formula ? (
                <code className="network-formula" data-testid="unit-formula">
                  {formula.text}
                </code>
              ) : (
                <span className="hint">{t('network.formulaWaiting')}</span>
              )}
              {formula?.terms !== undefined && (
                <span className="hint"> {t('network.terms', { count: formula.terms })}</span>
              )}
            </dd>
          </dl>
          <Feeds input={input} template={template} region={region} dark={dark} t={t} />
          <p className="hint" data-testid="unit-feeds">
            {template
              ? t('network.template')
              : region
                ? t('network.receptiveField', { ...region })
                : t('network.wholeInput')}
          </p>
        </>
      )}
    </section>
  );
});

/** The 28x28 input with the receptive field outlined, or the unit's weight template in its place. */
function Feeds({
  input,
  template,
  region,
  dark,
  t,
}: {
  input: Float32Array;
  template: Float32Array | undefined;
  region: { top: number; left: number; bottom: number; right: number } | undefined;
  dark: boolean;
  t: Translate;
}): React.JSX.Element {
  const canvas = useRef<HTMLCanvasElement>(null);
  const layout = useMemo(() => ({ ...sheetLayout({ count: 1, height: DIGIT_SIDE, width: DIGIT_SIDE }), scale: 4 }), []);
  const reach = template ? template.reduce((m, v) => Math.max(m, Math.abs(v)), 0) : 0;
  useLayoutEffect(() => {
    if (!template) paintDigit(canvas.current, input, 1, dark);
  }, [input, template, dark]);
  const percent = (v: number): string => `${(v / DIGIT_SIDE) * 100}%`;
  return (
    <div className="network-feeds" data-testid="unit-feeds-image">
      {template ? (
        <SheetCanvas
          layout={layout}
          values={template}
          lo={-reach}
          hi={reach}
          dark={dark}
          diverging
          label={t('network.template')}
          testId="unit-template"
        />
      ) : (
        <canvas ref={canvas} width={DIGIT_SIDE} height={DIGIT_SIDE} role="img" aria-label={t('network.feedsLabel')} />
      )}
      {region && (
        <span
          className="network-field"
          data-testid="unit-receptive-field"
          style={{
            left: percent(region.left),
            top: percent(region.top),
            width: percent(region.right - region.left + 1),
            height: percent(region.bottom - region.top + 1),
          }}
        />
      )}
    </div>
  );
}
