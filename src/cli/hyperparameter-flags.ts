import type { Command } from 'commander';
import { Option } from 'commander';
import {
  activationKinds,
  HyperparameterError,
  initKinds,
  lossKinds,
  optimizerKinds,
  parseHyperparameters,
  samplingKinds,
} from '../shared/hyperparameters';
import type { Augmentation, ConvBlock, Hyperparameters } from '../shared/hyperparameters';
import { isPresetName, preset, presetNames } from '../shared/presets';

/** The raw flags as commander parses them; every one is optional. */
export interface HyperparameterFlags {
  preset?: string;
  arch?: string;
  activation?: Hyperparameters['hiddenLayers'][number]['activation'];
  init?: Hyperparameters['init'];
  initScale?: number;
  loss?: Hyperparameters['loss'];
  optimizer?: Hyperparameters['optimizer'];
  lr?: number;
  lrDecay?: number;
  momentum?: number;
  batch?: number;
  epochs?: number;
  iterations?: number;
  sampling?: Hyperparameters['sampling'];
  weightDecay?: number;
  l1?: number;
  dropout?: number;
  seed?: number;
  trainSize?: number;
  validationSplit?: number;
  conv?: string;
  batchNorm?: boolean;
  pool?: number;
  shift?: number;
  rotation?: number;
  scale?: number;
  strokeWidth?: number;
  elastic?: number;
}

const number =
  (flag: string) =>
  (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n))
      throw new HyperparameterError(`${flag} expects a number, got "${value}"`);
    return n;
  };

/** Adds one flag per hyperparameter to a command. */
export function addHyperparameterFlags(command: Command): Command {
  return command
    .addOption(new Option('--preset <name>', 'start from a named preset').choices(presetNames))
    .option('--arch <sizes>', 'dense layer sizes, input to output, e.g. 784-128-10')
    .addOption(new Option('--activation <kind>', 'activation of every hidden layer').choices(activationKinds))
    .addOption(new Option('--init <kind>', 'weight initialiser').choices(initKinds))
    .option('--init-scale <x>', "gaussian's std or uniform's half-width", number('--init-scale'))
    .addOption(new Option('--loss <kind>', 'loss function').choices(lossKinds))
    .addOption(new Option('--optimizer <kind>', 'optimiser').choices(optimizerKinds))
    .option('--lr <rate>', 'learning rate', number('--lr'))
    .option('--lr-decay <factor>', 'multiply the learning rate by this after every epoch', number('--lr-decay'))
    .option('--momentum <alpha>', "momentum and nesterov's α", number('--momentum'))
    .option('--batch <size>', 'mini-batch size', number('--batch'))
    .option('--epochs <n>', 'passes over the training images', number('--epochs'))
    .option('--iterations <n>', 'mini-batch steps instead of epochs', number('--iterations'))
    .addOption(
      new Option('--sampling <kind>', 'shuffle each epoch, or draw batches with replacement').choices(samplingKinds),
    )
    .option('--weight-decay <lambda>', 'L2 weight decay λ (adds ½λ‖W‖²)', number('--weight-decay'))
    .option('--l1 <lambda>', 'L1 weight decay λ (adds λΣ|W|)', number('--l1'))
    .option('--dropout <rate>', 'dropout rate after each hidden layer', number('--dropout'))
    .option('--seed <n>', 'random seed', number('--seed'))
    .option('--train-size <n>', 'train on the first N of the 60,000 images', number('--train-size'))
    .option('--validation-split <fraction>', 'hold out this fraction for validation', number('--validation-split'))
    .option(
      '--conv <blocks>',
      'conv blocks before the dense layers, FILTERSxKERNEL[:valid] joined by commas, e.g. 32x3,64x3 ("none" for an MLP)',
    )
    .option('--batch-norm', 'batch normalisation in every conv block')
    .option('--no-batch-norm', 'no batch normalisation in the conv blocks')
    .option('--pool <n>', 'max pooling n x n after every conv block (1 = none; default 2)', number('--pool'))
    .option('--shift <pixels>', 'augmentation: random shift of up to this many pixels', number('--shift'))
    .option('--rotation <degrees>', 'augmentation: random rotation of up to this many degrees', number('--rotation'))
    .option('--scale <fraction>', 'augmentation: random resizing by up to this fraction, e.g. 0.1', number('--scale'))
    .option(
      '--stroke-width <pixels>',
      'augmentation: random thickening or thinning of the strokes by up to this many pixels',
      number('--stroke-width'),
    )
    .option('--elastic <alpha>', 'augmentation: elastic distortion of this strength in pixels', number('--elastic'));
}

/**
 * `--conv 32x3,64x5:valid` as conv blocks: each FILTERSxKERNEL with 'same' padding
 * unless ':valid' follows. Activation, batch norm and pooling come from their own
 * flags, else from the blocks already there (a preset's), else relu, none and 2.
 */
function parseConvBlocks(text: string, previous: ConvBlock[], flags: HyperparameterFlags): ConvBlock[] {
  if (text === 'none') return [];
  return text.split(',').map((part, i) => {
    const match = /^(\d+)x(\d+)(?::(same|valid))?$/.exec(part.trim());
    if (!match) {
      throw new HyperparameterError(`--conv expects blocks like 32x3 or 64x5:valid joined by commas; got "${part}"`);
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
export function resolveHyperparameters(flags: HyperparameterFlags, config?: Partial<Hyperparameters>): Hyperparameters {
  const presetName = flags.preset ?? 'recommended';
  if (!isPresetName(presetName)) throw new HyperparameterError(`unknown preset "${presetName}"`);
  const h: Record<string, unknown> = { ...preset(presetName), ...config };
  if (config?.epochs !== undefined && config.iterations === undefined) delete h.iterations;
  if (config?.iterations !== undefined && config.epochs === undefined) delete h.epochs;

  if (flags.arch !== undefined) {
    const sizes = flags.arch.split('-').map((s) => Number(s));
    if (sizes.length < 2 || sizes.some((s) => !Number.isInteger(s) || s < 1)) {
      throw new HyperparameterError(`--arch expects sizes joined by dashes, like 784-128-10; got "${flags.arch}"`);
    }
    if (sizes[0] !== 784 || sizes.at(-1) !== 10) {
      throw new HyperparameterError(`--arch must start with 784 inputs and end with 10 classes; got "${flags.arch}"`);
    }
    const activation = flags.activation ?? (h.hiddenLayers as Hyperparameters['hiddenLayers'])[0]?.activation ?? 'relu';
    h.hiddenLayers = sizes.slice(1, -1).map((units) => ({ units, activation }));
  } else if (flags.activation !== undefined) {
    h.hiddenLayers = (h.hiddenLayers as Hyperparameters['hiddenLayers']).map((l) => ({
      ...l,
      activation: flags.activation!,
    }));
  }
  const blocks = (h.convBlocks as ConvBlock[] | undefined) ?? [];
  if (flags.conv !== undefined) {
    h.convBlocks = parseConvBlocks(flags.conv, blocks, flags);
  } else if (blocks.length > 0) {
    h.convBlocks = blocks.map((block) => ({
      ...block,
      activation: flags.activation ?? block.activation,
      batchNorm: flags.batchNorm ?? block.batchNorm,
      pool: flags.pool ?? block.pool,
    }));
  } else if (flags.batchNorm || flags.pool !== undefined) {
    throw new HyperparameterError('--batch-norm and --pool apply to conv blocks: add --conv, e.g. --conv 32x3,64x3');
  }
  if ((h.convBlocks as ConvBlock[] | undefined)?.length === 0) delete h.convBlocks;
  const augmentation: Augmentation = { ...(h.augmentation as Augmentation | undefined) };
  for (const key of ['shift', 'rotation', 'scale', 'strokeWidth', 'elastic'] as const) {
    if (flags[key] !== undefined) augmentation[key] = flags[key];
  }
  if (Object.keys(augmentation).length > 0) h.augmentation = augmentation;
  if (flags.epochs !== undefined && flags.iterations !== undefined) {
    throw new HyperparameterError('give --epochs or --iterations, not both');
  }
  if (flags.epochs !== undefined) {
    h.epochs = flags.epochs;
    delete h.iterations;
  }
  if (flags.iterations !== undefined) {
    h.iterations = flags.iterations;
    delete h.epochs;
  }
  const direct: [keyof HyperparameterFlags, keyof Hyperparameters][] = [
    ['init', 'init'],
    ['initScale', 'initScale'],
    ['loss', 'loss'],
    ['optimizer', 'optimizer'],
    ['lr', 'learningRate'],
    ['lrDecay', 'learningRateDecay'],
    ['momentum', 'momentum'],
    ['batch', 'batchSize'],
    ['sampling', 'sampling'],
    ['weightDecay', 'weightDecay'],
    ['l1', 'l1'],
    ['dropout', 'dropout'],
    ['seed', 'seed'],
    ['trainSize', 'trainSize'],
    ['validationSplit', 'validationSplit'],
  ];
  for (const [flag, key] of direct) if (flags[flag] !== undefined) h[key] = flags[flag];
  return parseHyperparameters(h);
}
