/**
 * `npm run train:default`: makes the model the app ships with, resources/default-model.tgk,
 * and its report, resources/default-model-report.md. It trains the `recommended` preset
 * (fixed seed 1) on all of MNIST, so a rerun gives the same weights on the same machine;
 * only the timings and the date in the metadata change.
 */
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadMnist } from '../src/engine/data/mnist';
import { encodeModelFile, modelDigest, writeFileAtomic } from '../src/engine/io/model-file';
import { classificationReport, formatClassificationReport, formatConfusionMatrix } from '../src/engine/metrics/classification-report';
import { describeArchitecture } from '../src/engine/training/architecture';
import { train } from '../src/engine/training/trainer';
import { parseHyperparameters } from '../src/shared/hyperparameters';
import { preset } from '../src/shared/presets';

const resources = resolve(import.meta.dirname, '..', 'resources');
const PRESET = 'recommended';

async function main(): Promise<void> {
  const h = parseHyperparameters(preset(PRESET));
  const data = await loadMnist({ trainSize: h.trainSize });
  process.stderr.write(`training the ${PRESET} preset (seed ${h.seed}) on ${data.train.count} images\n`);
  let lastLine = 0;
  const result = await train(h, data, {
    onProgress: (p) => {
      if (performance.now() - lastLine < 2000) return;
      lastLine = performance.now();
      process.stderr.write(`  epoch ${p.epoch}/${p.totalEpochs} step ${p.step}/${p.totalSteps} loss ${p.loss.toFixed(4)} eta ${p.etaSeconds.toFixed(0)} s\n`);
    },
    onEpoch: (r) => process.stderr.write(`epoch ${r.epoch}: test accuracy ${r.testAccuracy.toFixed(4)}, loss ${r.testLoss.toFixed(4)}\n`),
  });
  const report = classificationReport(result.test.confusion);
  const architecture = describeArchitecture(result.spec);
  const bytes = encodeModelFile({
    spec: result.spec,
    tensors: result.model.exportWeights(),
    metadata: {
      name: `Built-in (${PRESET} preset)`,
      createdAt: new Date().toISOString(),
      hyperparameters: h,
      history: result.history,
      lossCurve: result.lossCurve,
      metrics: {
        testAccuracy: result.test.accuracy,
        testLoss: result.test.loss,
        confusion: result.test.confusion,
        report,
        samplesPerSecond: result.samplesPerSecond,
        trainingSeconds: result.trainingSeconds,
      },
    },
  });
  await writeFileAtomic(join(resources, 'default-model.tgk'), bytes);

  const history = result.history
    .map((r) => `| ${r.epoch} | ${r.trainLoss.toFixed(4)} | ${r.trainAccuracy.toFixed(4)} | ${r.testLoss.toFixed(4)} | ${r.testAccuracy.toFixed(4)} |`)
    .join('\n');
  const markdown = `# The built-in model

Made by \`npm run train:default\` (scripts/train-default.ts): the \`${PRESET}\` preset of
src/shared/presets.ts, seed ${h.seed}, trained on all ${data.train.count} MNIST training images and
tested on the ${data.test.count} test images.

- Architecture: ${architecture}
- Test accuracy: ${(result.test.accuracy * 100).toFixed(2)} %, test loss ${result.test.loss.toFixed(4)}
- Training: ${result.trainingSeconds.toFixed(0)} s at ${Math.round(result.samplesPerSecond)} images/s (Node ${process.version}, ${process.platform}/${process.arch})
- Model file SHA-256: \`${modelDigest(bytes)}\`

## Hyperparameters

\`\`\`json
${JSON.stringify(h, null, 2)}
\`\`\`

## Per epoch

| epoch | train loss | train accuracy | test loss | test accuracy |
| ----: | ---------: | -------------: | --------: | ------------: |
${history}

## Classification report (test set)

\`\`\`
${formatClassificationReport(report, { digits: 4 })}\`\`\`

## Confusion matrix (rows: true digit, columns: predicted)

\`\`\`
${formatConfusionMatrix(result.test.confusion)}
\`\`\`
`;
  await writeFile(join(resources, 'default-model-report.md'), markdown);
  process.stderr.write(`wrote resources/default-model.tgk (${bytes.length} bytes) and resources/default-model-report.md\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
