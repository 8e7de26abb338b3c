import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { HyperparameterFlags } from '../../src/cli/hyperparameter-flags';
import { addHyperparameterFlags, resolveHyperparameters } from '../../src/cli/hyperparameter-flags';
import type { FineTuneFlags } from '../../src/cli/personal-flags';
import { addFineTuneFlags, addPersonalFlags, fineTuneOptions, personalOptions } from '../../src/cli/personal-flags';
import { hyperparametersSchema } from '../../src/shared/hyperparameters';
import { fineTuneOptionsSchema, personalTrainingSchema } from '../../src/shared/personal-training';
import { preset } from '../../src/shared/presets';

describe('tegaki train flags', () => {
  it('without flags, trains the recommended preset', () => {
    expect(resolveHyperparameters({})).toEqual(preset('recommended'));
  });

  it('flags override the preset', () => {
    const h = resolveHyperparameters({ preset: 'seed-classic', lr: 0.1, batch: 20, seed: 9 });
    expect(h).toMatchObject({ learningRate: 0.1, batchSize: 20, seed: 9, iterations: 2000, init: 'uniform' });
  });

  it('--arch sets the hidden layers; --activation applies to each', () => {
    const h = resolveHyperparameters({ arch: '784-128-64-10', activation: 'tanh' });
    expect(h.hiddenLayers).toEqual([
      { units: 128, activation: 'tanh' },
      { units: 64, activation: 'tanh' },
    ]);
    expect(resolveHyperparameters({ arch: '784-10' }).hiddenLayers).toEqual([]);
  });

  it('--epochs replaces a preset measured in iterations, and vice versa', () => {
    const h = resolveHyperparameters({ preset: 'seed-classic', epochs: 3 });
    expect(h.epochs).toBe(3);
    expect(h.iterations).toBeUndefined();
    const g = resolveHyperparameters({ preset: 'recommended', iterations: 50 });
    expect(g.iterations).toBe(50);
    expect(g.epochs).toBeUndefined();
  });

  it("--learning-rate-schedule one-cycle replaces a preset's per-epoch decay, and --lr-decay a preset's one-cycle", () => {
    const h = resolveHyperparameters({ preset: 'recommended', learningRateSchedule: 'one-cycle', labelSmoothing: 0.1 });
    expect(h).toMatchObject({ learningRateSchedule: 'one-cycle', labelSmoothing: 0.1 });
    expect(h.learningRateDecay).toBeUndefined();
    const fromConfig = resolveHyperparameters({}, { learningRateSchedule: 'one-cycle' });
    expect(fromConfig.learningRateDecay).toBeUndefined();
    const g = resolveHyperparameters({ lrDecay: 0.9 }, { learningRateSchedule: 'one-cycle' });
    expect(g).toMatchObject({ learningRateDecay: 0.9 });
    expect(g.learningRateSchedule).toBeUndefined();
    expect(() => resolveHyperparameters({ learningRateSchedule: 'one-cycle', lrDecay: 0.9 })).toThrow(
      /one-cycle schedule sets the learning rate at every step/,
    );
  });

  it('a config file sits between the preset and the flags', () => {
    const h = resolveHyperparameters({ lr: 0.05 }, { learningRate: 0.2, optimizer: 'momentum', iterations: 100 });
    expect(h).toMatchObject({ learningRate: 0.05, optimizer: 'momentum', iterations: 100 });
    expect(h.epochs).toBeUndefined();
  });

  it('bad values fail with a message naming the flag or field', () => {
    expect(() => resolveHyperparameters({ arch: '784-x-10' })).toThrow(/--arch expects sizes/);
    expect(() => resolveHyperparameters({ arch: '100-10' })).toThrow(/start with 784/);
    expect(() => resolveHyperparameters({ epochs: 2, iterations: 3 })).toThrow(/not both/);
    expect(() => resolveHyperparameters({ lr: 0 })).toThrow(/learningRate/);
    expect(() => resolveHyperparameters({ preset: 'nope' })).toThrow(/unknown preset/);
  });
});

describe('tegaki train flags for conv nets and augmentation', () => {
  it('--conv builds blocks with same padding, relu and 2x2 pooling unless told otherwise', () => {
    const h = resolveHyperparameters({ conv: '32x3,64x5:valid', batchNorm: true });
    expect(h.convBlocks).toEqual([
      { filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', batchNorm: true, pool: 2 },
      { filters: 64, kernelSize: 5, padding: 'valid', activation: 'relu', batchNorm: true, pool: 2 },
    ]);
    expect(resolveHyperparameters({ conv: '8x5', pool: 1, activation: 'tanh' }).convBlocks).toEqual([
      { filters: 8, kernelSize: 5, padding: 'same', activation: 'tanh', batchNorm: false, pool: 1 },
    ]);
  });

  it('--batch-norm, --no-batch-norm and --pool change a conv preset; --conv none makes it an MLP', () => {
    expect(resolveHyperparameters({ preset: 'lenet', batchNorm: true }).convBlocks?.every((b) => b.batchNorm)).toBe(
      true,
    );
    expect(resolveHyperparameters({ preset: 'lenet', pool: 1 }).convBlocks?.map((b) => b.pool)).toEqual([1, 1]);
    expect(resolveHyperparameters({ preset: 'lenet', conv: 'none' }).convBlocks).toBeUndefined();
    expect(resolveHyperparameters({ preset: 'lenet' }).convBlocks).toEqual(preset('lenet').convBlocks);
  });

  it('augmentation flags fill the augmentation settings', () => {
    const h = resolveHyperparameters({ shift: 2, rotation: 10, scale: 0.1, strokeWidth: 0.5, elastic: 3 });
    expect(h.augmentation).toEqual({ shift: 2, rotation: 10, scale: 0.1, strokeWidth: 0.5, elastic: 3 });
    expect(resolveHyperparameters({}).augmentation).toBeUndefined();
  });

  it('bad conv and augmentation values fail with a message naming the flag or field', () => {
    expect(() => resolveHyperparameters({ conv: '32by3' })).toThrow(/--conv expects blocks like 32x3/);
    expect(() => resolveHyperparameters({ pool: 2 })).toThrow(/add --conv/);
    expect(() => resolveHyperparameters({ conv: '32x9' })).toThrow(/kernelSize/);
    expect(() => resolveHyperparameters({ rotation: 90 })).toThrow(/rotation/);
  });
});

/** 'strokeWidth' → 'stroke-width', written here apart from the code under test. */
const kebab = (path: string[]) => `--${path.map((p) => p.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)).join('-')}`;
const camel = (path: string[]) => path.map((p, i) => (i === 0 ? p : p[0].toUpperCase() + p.slice(1))).join('');

/** Every leaf of an object schema as its key path; arrays are leaves, nested objects are walked. */
function keyPaths(schema: z.ZodObject, prefix: string[] = []): { path: string[]; array: boolean }[] {
  return Object.entries(schema.shape).flatMap(([key, value]) => {
    let inner = value as z.ZodType;
    while (inner instanceof z.ZodOptional || inner instanceof z.ZodDefault) inner = inner.unwrap() as z.ZodType;
    if (inner instanceof z.ZodObject) return keyPaths(inner, [...prefix, key]);
    return [{ path: [...prefix, key], array: inner instanceof z.ZodArray }];
  });
}

function trainFlags(args: string[]): HyperparameterFlags {
  const command = addHyperparameterFlags(new Command().exitOverride());
  command.parse(args, { from: 'user' });
  return command.opts<HyperparameterFlags>();
}

const longFlags = (command: Command) => new Map(command.options.map((o) => [o.long, o]));

describe('flags named after the schema keys', () => {
  it("every hyperparametersSchema key has a flag: its path's kebab-case, setting its camelCase attribute", () => {
    const options = longFlags(addHyperparameterFlags(new Command()));
    const paths = keyPaths(hyperparametersSchema);
    expect(paths.length).toBeGreaterThanOrEqual(24);
    for (const { path } of paths) {
      const option = options.get(kebab(path));
      expect(option, `no ${kebab(path)} for ${path.join('.')}`).toBeDefined();
      expect(option!.attributeName()).toBe(camel(path));
    }
    expect(paths.filter((p) => p.array).map((p) => kebab(p.path))).toEqual(['--conv-blocks', '--hidden-layers']);
  });

  it('--validation-size sets the held-out tail of the training file; the old --validation-split is gone', () => {
    const options = longFlags(addHyperparameterFlags(new Command()));
    expect(options.has('--validation-size')).toBe(true);
    expect(options.has('--validation-split')).toBe(false);
    expect(resolveHyperparameters(trainFlags(['--validation-size', '1000', '--train-size', '59000']))).toMatchObject({
      trainSize: 59_000,
      validationSize: 1000,
    });
    expect(() => resolveHyperparameters(trainFlags(['--train-size', '60000']))).toThrow(
      /trainSize: the 60000 training images and the last 5000 held out for validation overlap/,
    );
    expect(resolveHyperparameters(trainFlags(['--train-size', '60000', '--validation-size', '0'])).trainSize).toBe(
      60_000,
    );
  });

  it("each of today's short flags gives the same hyperparameters as its long name", () => {
    const pairs: [string[], string[]][] = [
      [
        ['--lr', '0.1'],
        ['--learning-rate', '0.1'],
      ],
      [
        ['--lr-decay', '0.9'],
        ['--learning-rate-decay', '0.9'],
      ],
      [
        ['--batch', '20'],
        ['--batch-size', '20'],
      ],
      [
        ['--arch', '784-128-64-10'],
        ['--hidden-layers', '128-64'],
      ],
      [
        ['--arch', '784-10'],
        ['--hidden-layers', 'none'],
      ],
      [
        ['--conv', '32x3,64x5:valid'],
        ['--conv-blocks', '32x3,64x5:valid'],
      ],
      [
        ['--shift', '2'],
        ['--augmentation-shift', '2'],
      ],
      [
        ['--rotation', '10'],
        ['--augmentation-rotation', '10'],
      ],
      [
        ['--scale', '0.1'],
        ['--augmentation-scale', '0.1'],
      ],
      [
        ['--stroke-width', '0.5'],
        ['--augmentation-stroke-width', '0.5'],
      ],
      [
        ['--elastic', '3'],
        ['--augmentation-elastic', '3'],
      ],
    ];
    const recommended = resolveHyperparameters({});
    for (const [alias, long] of pairs) {
      const viaAlias = resolveHyperparameters(trainFlags(alias));
      expect(viaAlias, alias.join(' ')).not.toEqual(recommended);
      expect(resolveHyperparameters(trainFlags(long)), long.join(' ')).toEqual(viaAlias);
    }
    expect(resolveHyperparameters(trainFlags(['--learning-rate', '0.1', '--batch-size', '20']))).toMatchObject({
      learningRate: 0.1,
      batchSize: 20,
    });
  });

  it('the long names work as flags objects too, equal to the aliases', () => {
    expect(resolveHyperparameters({ preset: 'seed-classic', learningRate: 0.1, batchSize: 20 })).toEqual(
      resolveHyperparameters({ preset: 'seed-classic', lr: 0.1, batch: 20 }),
    );
    expect(resolveHyperparameters({ augmentationShift: 2, augmentationStrokeWidth: 1 }).augmentation).toEqual({
      shift: 2,
      strokeWidth: 1,
    });
    expect(resolveHyperparameters({ hiddenLayers: '64', activation: 'tanh' }).hiddenLayers).toEqual([
      { units: 64, activation: 'tanh' },
    ]);
  });

  it('an alias and its long name with different values, or bad hidden sizes, fail with a message', () => {
    expect(() => resolveHyperparameters({ lr: 0.1, learningRate: 0.2 })).toThrow(
      /--lr is another name for --learning-rate/,
    );
    expect(resolveHyperparameters({ lr: 0.1, learningRate: 0.1 }).learningRate).toBe(0.1);
    expect(() => resolveHyperparameters({ arch: '784-10', hiddenLayers: 'none' })).toThrow(/give one/);
    expect(() => resolveHyperparameters({ hiddenLayers: '128-x' })).toThrow(/--hidden-layers expects/);
    expect(() => resolveHyperparameters({ convBlocks: '32by3' })).toThrow(/--conv-blocks expects blocks/);
    expect(() => trainFlags(['--learning-rate', 'fast'])).toThrow(/--learning-rate expects a number/);
  });

  it('--help shows the long names with the schema bounds, and lists the short aliases', () => {
    const help = addHyperparameterFlags(new Command('train')).helpInformation();
    expect(help).toMatch(/--learning-rate <x> +learning rate \(0 < x ≤ 10\)/);
    expect(help).toMatch(/--batch-size <n> +mini-batch size \(1 ≤ n ≤ 4096\)/);
    const [main, aliases] = help.split('Short aliases (same as the long flags):');
    expect(main).not.toMatch(/--lr /);
    expect(aliases).toMatch(/--lr <x> += --learning-rate\n/);
    expect(help).toMatch(/--arch <sizes> .*--hidden-layers/);
  });
});

describe('personal and fine-tune flags named after their schema keys', () => {
  it('--personal-* flags cover personalTrainingSchema (the mode comes from the command)', () => {
    const options = longFlags(addPersonalFlags(new Command()));
    for (const { path } of keyPaths(personalTrainingSchema).filter((p) => p.path[0] !== 'mode')) {
      const option = options.get(kebab(['personal', ...path]));
      expect(option, path.join('.')).toBeDefined();
      expect(option!.attributeName()).toBe(camel(['personal', ...path]));
    }
    expect(personalOptions({ personalWeight: 5, personalTestSplit: 0.5 }, 'include')).toEqual({
      mode: 'include',
      weight: 5,
      testSplit: 0.5,
    });
  });

  it('finetune takes fineTuneOptionsSchema keys as flags, with --lr and --mnist-size as aliases', () => {
    const options = longFlags(addFineTuneFlags(new Command()));
    for (const { path } of keyPaths(fineTuneOptionsSchema))
      expect(options.get(kebab(path)), path.join('.')).toBeDefined();
    const parse = (args: string[]) => {
      const command = addFineTuneFlags(new Command().exitOverride());
      command.parse(args, { from: 'user' });
      return fineTuneOptions(command.opts<FineTuneFlags>());
    };
    const viaAlias = parse(['--lr', '0.01', '--mnist-size', '500', '--epochs', '2']);
    expect(viaAlias).toEqual({ learningRate: 0.01, trainSize: 500, epochs: 2 });
    expect(parse(['--learning-rate', '0.01', '--train-size', '500', '--epochs', '2'])).toEqual(viaAlias);
    expect(() => parse(['--epochs', '100'])).toThrow(/epochs/);
  });
});
