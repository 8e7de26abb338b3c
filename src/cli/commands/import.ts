import { writeFileAtomicSync } from '../../digits/io/atomic-write';
import { readModelFileBytes } from '../../digits/io/model-file';
import { digitModelProblem, tryModelBytes } from '../../digits/io/saved-model';
import { describeArchitecture } from '../../engine/training/architecture';
import { emitJson } from '../output';

export interface ImportFlags {
  out: string;
  json?: boolean;
}

/**
 * `tegaki import MODEL.onnx --out MODEL.tgk`: an ONNX digit classifier trained elsewhere
 * as a Tegaki model, after the same checks the app's import makes (digits/io/onnx/
 * import-onnx.ts: supported operators, limits, one forward pass). Every command also
 * reads an .onnx directly; the .tgk keeps the report and fine-tunes.
 */
export async function importCommand(inputPath: string, flags: ImportFlags): Promise<void> {
  const original = await readModelFileBytes(inputPath);
  const trial = tryModelBytes(original, inputPath);
  const problem = digitModelProblem(trial);
  if (problem) throw new Error(`${inputPath} ${problem}`);
  // A .tgk given here is already a Tegaki model: it is copied as it is.
  const bytes = trial.modelFile ?? original;
  writeFileAtomicSync(flags.out, bytes);
  const summary = {
    type: 'import',
    from: inputPath,
    format: trial.format,
    out: flags.out,
    name: trial.metadata.name,
    architecture: describeArchitecture(trial.spec),
    producer: trial.metadata.importedFrom?.producer,
    opset: trial.metadata.importedFrom?.opset,
  };
  if (flags.json) {
    emitJson(summary);
    return;
  }
  const from = summary.producer ? ` (made by ${summary.producer}, opset ${summary.opset})` : '';
  process.stdout.write(`wrote ${flags.out}: "${summary.name}", ${summary.architecture}${from}\n`);
}
