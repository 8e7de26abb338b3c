import { explainPrediction } from '../../digits/explain/gradient-times-input';
import { loadModel } from '../../digits/io/saved-model';
import { emitJson } from '../output';
import { readInputs } from './predict';

export interface ExplainFlags {
  json?: boolean;
}

/**
 * `tegaki explain MODEL INPUT...`: which pixels pushed the prediction toward its top
 * class (gradient × input). The terminal view draws the 28x28 map with + for pixels
 * that argued for the class and - for those that argued against it.
 */
export async function explainCommand(modelPath: string, inputs: string[], flags: ExplainFlags): Promise<void> {
  const { model } = await loadModel(modelPath);
  const explanations = [];
  for (const path of inputs) {
    for (const { id, pixels } of await readInputs(path)) {
      const { label, probabilities, attribution } = explainPrediction(model, pixels);
      explanations.push({ id, label, probabilities, attribution: Array.from(attribution) });
    }
  }
  if (flags.json) {
    emitJson(explanations);
    return;
  }
  for (const e of explanations) {
    const scale = Math.max(...e.attribution.map(Math.abs)) || 1;
    const rows = [];
    for (let y = 0; y < 28; y++) {
      let row = '';
      for (let x = 0; x < 28; x++) {
        const v = e.attribution[y * 28 + x] / scale;
        row += v > 0.4 ? '#' : v > 0.1 ? '+' : v < -0.4 ? '=' : v < -0.1 ? '-' : '·';
      }
      rows.push(`  ${row}`);
    }
    process.stdout.write(
      `${e.id}: ${e.label} (${(e.probabilities[e.label] * 100).toFixed(1)}%)  # + for, - = against\n${rows.join('\n')}\n`,
    );
  }
}
