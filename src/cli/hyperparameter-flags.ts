import type { Command } from 'commander';
import { Option } from 'commander';
import {
  activationKinds,
  hyperparameterHelp,
  HyperparameterError,
  hyperparametersSchema,
  parseHyperparameters,
} from '../shared/hyperparameters';
import type { Augmentation, ConvBlock, HyperparameterName, Hyperparameters } from '../shared/hyperparameters';
import { isPresetName, preset, presetNames } from '../shared/presets';
import {
  ALIAS_HELP_GROUP,
  aliasOption,
  flagFor,
  parseNumber,
  resolveAliases,
  schemaFields,
  schemaOption,
} from './schema-flags';

/** The schema's leaves by their flag names (augmentationShift, ...), with bounds. */
const fields = schemaFields(hyperparametersSchema);

/** The settings given as text in their own syntax rather than as one value. */
type CompoundName = 'hiddenLayers' | 'convBlocks';
type ScalarName = Exclude<HyperparameterName, CompoundName>;

/** Today's short flags, kept working: alias → the setting it stands for. */
export const hyperparameterAliases = {
  lr: 'learningRate',
  lrDecay: 'learningRateDecay',
  batch: 'batchSize',
  conv: 'convBlocks',
  shift: 'augmentationShift',
  rotation: 'augmentationRotation',
  scale: 'augmentationScale',
  strokeWidth: 'augmentationStrokeWidth',
  elastic: 'augmentationElastic',
} as const satisfies Record<string, HyperparameterName>;

type ScalarFlags = { [K in Exclude<keyof Hyperparameters, CompoundName | 'augmentation'>]?: Hyperparameters[K] } & {
  [K in keyof Augmentation as `augmentation${Capitalize<K>}`]?: Augmentation[K];
};
type NamedFlags = ScalarFlags & {
  preset?: string;
  /** Hidden layer sizes joined by dashes, or 'none'. */
  hiddenLayers?: string;
  /** FILTERSxKERNEL[:valid] joined by commas, or 'none'. */
  convBlocks?: string;
  activation?: Hyperparameters['hiddenLayers'][number]['activation'];
  batchNorm?: boolean;
  pool?: number;
};
type Aliases = typeof hyperparameterAliases;

/**
 * The raw flags as commander parses them, every one optional: the settings by their
 * schema names, and today's short names, which mean the same.
 */
export type HyperparameterFlags = NamedFlags & { [A in keyof Aliases]?: NamedFlags[Aliases[A]] } & {
  /** The whole network's sizes, input to output: --hidden-layers with 784 and 10 around it. */
  arch?: string;
};

const scalarNames = (Object.keys(hyperparameterHelp) as HyperparameterName[]).filter(
  (name): name is ScalarName => name !== 'hiddenLayers' && name !== 'convBlocks',
);

function field(name: HyperparameterName) {
  const entry = fields.get(name);
  if (!entry) throw new Error(`hyperparametersSchema has no ${name}`);
  return entry;
}

/** Adds one flag per hyperparameter to a command, named after its schema key, and today's short aliases. */
export function addHyperparameterFlags(command: Command): Command {
  const aliasesOf = (name: HyperparameterName) =>
    Object.entries(hyperparameterAliases)
      .filter(([, target]) => target === name)
      .map(([alias]) => alias);
  const hiddenMax = field('hiddenLayers').field.maxItems;
  const convMax = field('convBlocks').field.maxItems;
  command
    .addOption(new Option('--preset <name>', 'start from a named preset').choices(presetNames))
    .addOption(
      new Option(
        '--hidden-layers <sizes>',
        `${hyperparameterHelp.hiddenLayers} joined by dashes, e.g. 128-64 ("none" for none; at most ${hiddenMax})`,
      ),
    )
    .addOption(
      new Option('--activation <kind>', 'activation of every hidden layer and conv block').choices(activationKinds),
    )
    .addOption(
      new Option(
        '--conv-blocks <blocks>',
        `${hyperparameterHelp.convBlocks}, FILTERSxKERNEL[:valid] joined by commas, e.g. 32x3,64x3 ("none" for an MLP; at most ${convMax})`,
      ),
    )
    .option('--batch-norm', 'batch normalisation in every conv block')
    .option('--no-batch-norm', 'no batch normalisation in the conv blocks')
    .option('--pool <n>', 'max pooling n x n after every conv block (1 = none; default 2)', parseNumber('--pool'));
  for (const name of scalarNames) command.addOption(schemaOption(name, field(name).field, hyperparameterHelp[name]));
  command.addOption(
    new Option(
      '--arch <sizes>',
      `= ${flagFor('hiddenLayers')} with 784 and 10 around it, e.g. 784-128-64-10`,
    ).helpGroup(ALIAS_HELP_GROUP),
  );
  for (const name of [...scalarNames, 'convBlocks'] as const) {
    for (const alias of aliasesOf(name)) {
      const option =
        name === 'convBlocks'
          ? new Option(`${flagFor(alias)} <blocks>`, `= ${flagFor(name)}`).helpGroup(ALIAS_HELP_GROUP)
          : aliasOption(alias, name, field(name).field);
      command.addOption(option);
    }
  }
  return command;
}

/** `--arch 784-128-10` as `--hidden-layers 128`, keeping today's messages. */
function archToHiddenLayers(arch: string): string {
  const sizes = arch.split('-').map((s) => Number(s));
  if (sizes.length < 2 || sizes.some((s) => !Number.isInteger(s) || s < 1)) {
    throw new HyperparameterError(`--arch expects sizes joined by dashes, like 784-128-10; got "${arch}"`);
  }
  if (sizes[0] !== 784 || sizes.at(-1) !== 10) {
    throw new HyperparameterError(`--arch must start with 784 inputs and end with 10 classes; got "${arch}"`);
  }
  return sizes.length === 2 ? 'none' : sizes.slice(1, -1).join('-');
}

function parseHiddenLayers(text: string): number[] {
  if (text === 'none') return [];
  const sizes = text.split('-').map((s) => Number(s));
  if (sizes.some((s) => !Number.isInteger(s) || s < 1)) {
    throw new HyperparameterError(
      `--hidden-layers expects hidden layer sizes joined by dashes, like 128-64, or "none"; got "${text}"`,
    );
  }
  return sizes;
}

/**
 * `--conv-blocks 32x3,64x5:valid` as conv blocks: each FILTERSxKERNEL with 'same' padding
 * unless ':valid' follows. Activation, batch norm and pooling come from their own
 * flags, else from the blocks already there (a preset's), else relu, none and 2.
 */
function parseConvBlocks(text: string, previous: ConvBlock[], flags: NamedFlags, flag: string): ConvBlock[] {
  if (text === 'none') return [];
  return text.split(',').map((part, i) => {
    const match = /^(\d+)x(\d+)(?::(same|valid))?$/.exec(part.trim());
    if (!match) {
      throw new HyperparameterError(`${flag} expects blocks like 32x3 or 64x5:valid joined by commas; got "${part}"`);
    }
    const like = previous[i] ?? previous.at(-1);
    return {
      filters: Number(match[1]),
      kernelSize: Number(match[2]),
      padding: (match[3] as ConvBlock['padding'] | undefined) ?? 'same',
      activation: flags.activation ?? like?.activation ?? 'relu',
      batchNorm: flags.batchNorm ?? like?.batchNorm ?? false,
      pool: flags.pool ?? like?.pool ?? 2,
    };
  });
}

/**
 * Builds the hyperparameters: a preset (or `recommended`), then a config file's
 * values, then each flag given on the command line, later ones winning.
 */
export function resolveHyperparameters(given: HyperparameterFlags, config?: Partial<Hyperparameters>): Hyperparameters {
  const convFlag = given.conv !== undefined ? flagFor('conv') : flagFor('convBlocks');
  const { arch, ...rest } = given;
  if (arch !== undefined && rest.hiddenLayers !== undefined) {
    throw new HyperparameterError('--arch is another way to give --hidden-layers: give one of them');
  }
  const flags: NamedFlags = resolveAliases(
    arch !== undefined ? { ...rest, hiddenLayers: archToHiddenLayers(arch) } : rest,
    hyperparameterAliases,
  );
  const presetName = flags.preset ?? 'recommended';
  if (!isPresetName(presetName)) throw new HyperparameterError(`unknown preset "${presetName}"`);
  const h: Record<string, unknown> = { ...preset(presetName), ...config };
  if (config?.epochs !== undefined && config.iterations === undefined) delete h.iterations;
  if (config?.iterations !== undefined && config.epochs === undefined) delete h.epochs;

  if (flags.hiddenLayers !== undefined) {
    const activation = flags.activation ?? (h.hiddenLayers as Hyperparameters['hiddenLayers'])[0]?.activation ?? 'relu';
    h.hiddenLayers = parseHiddenLayers(flags.hiddenLayers).map((units) => ({ units, activation }));
  } else if (flags.activation !== undefined) {
    h.hiddenLayers = (h.hiddenLayers as Hyperparameters['hiddenLayers']).map((l) => ({
      ...l,
      activation: flags.activation!,
    }));
  }
  const blocks = (h.convBlocks as ConvBlock[] | undefined) ?? [];
  if (flags.convBlocks !== undefined) {
    h.convBlocks = parseConvBlocks(flags.convBlocks, blocks, flags, convFlag);
  } else if (blocks.length > 0) {
    h.convBlocks = blocks.map((block) => ({
      ...block,
      activation: flags.activation ?? block.activation,
      batchNorm: flags.batchNorm ?? block.batchNorm,
      pool: flags.pool ?? block.pool,
    }));
  } else if (flags.batchNorm || flags.pool !== undefined) {
    throw new HyperparameterError(
      '--batch-norm and --pool apply to conv blocks: add --conv-blocks, e.g. --conv-blocks 32x3,64x3',
    );
  }
  if ((h.convBlocks as ConvBlock[] | undefined)?.length === 0) delete h.convBlocks;
  if (flags.epochs !== undefined && flags.iterations !== undefined) {
    throw new HyperparameterError('give --epochs or --iterations, not both');
  }
  if (flags.epochs !== undefined) delete h.iterations;
  if (flags.iterations !== undefined) delete h.epochs;
  // One-cycle sets the rate at every step, a per-epoch decay is the other way: the one given last wins.
  const decayOrSchedule = (given: { learningRateSchedule?: string; learningRateDecay?: number } | undefined) => {
    if (given?.learningRateSchedule === 'one-cycle' && given.learningRateDecay === undefined)
      delete h.learningRateDecay;
    if (given?.learningRateDecay !== undefined && given.learningRateSchedule === undefined)
      delete h.learningRateSchedule;
  };
  decayOrSchedule(config);
  decayOrSchedule(flags);
  for (const name of scalarNames) {
    const value = flags[name];
    if (value === undefined) continue;
    const [key, nested] = field(name).path;
    if (nested === undefined) h[key] = value;
    else h[key] = { ...(h[key] as Record<string, unknown> | undefined), [nested]: value };
  }
  return parseHyperparameters(h);
}
