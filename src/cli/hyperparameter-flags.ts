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
import type { Hyperparameters } from '../shared/hyperparameters';
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
    .option('--validation-split <fraction>', 'hold out this fraction for validation', number('--validation-split'));
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
