import { SingleBar } from 'cli-progress';
import type { TrainingOutcome } from '../digits/io/model-metadata';
import type { ModelCalibration, ModelRejection } from '../shared/model-metadata';
import type { TrainingProgress } from '../shared/training-progress';

/** One JSON object per line on stdout, for scripts (`--json`). */
export function emitJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** A progress bar on stderr when it is a terminal; silent otherwise (CI logs stay readable). */
export function createProgressBar(): { update(p: TrainingProgress): void; stop(): void } {
  if (!process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new SingleBar({
    stream: process.stderr,
    format:
      ' {bar} {percentage}% | epoch {epoch}/{epochs} | step {value}/{total} | loss {loss} | {speed} samples/s | ETA {eta_human}',
    hideCursor: true,
    etaBuffer: 50,
  });
  let started = false;
  return {
    update(p) {
      const payload = {
        epoch: p.epoch,
        epochs: p.totalEpochs,
        loss: p.loss === null ? '-' : p.loss.toFixed(4),
        speed: Math.round(p.samplesPerSecond),
        eta_human: formatDuration(p.etaSeconds),
      };
      if (!started) {
        bar.start(p.totalSteps, p.step, payload);
        started = true;
      } else bar.update(p.step, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/** A model file's calibration in one line, as train, calibrate and evaluate print it. */
export function describeCalibration(calibration: ModelCalibration | undefined): string {
  if (!calibration) return 'calibration: none (temperature 1: no validation set to fit it on; `tegaki calibrate` fits one)';
  return (
    `calibration: temperature ${calibration.temperature.toFixed(3)} fitted on the last ${calibration.validationCount} training images (held out); ` +
    `expected calibration error there ${calibration.eceBefore.toFixed(4)} before, ${calibration.eceAfter.toFixed(4)} after (15 bins)`
  );
}

/** "not a digit: max-probability below 0.5082 (...)": the model's rejection and what it rejects of each set. */
export function describeRejection(rejection: ModelRejection | undefined): string {
  if (!rejection) return 'not a digit: never said (no threshold fitted; `tegaki calibrate` fits one)';
  const share = ({ rejected, count }: { rejected: number; count: number }) =>
    `${rejected} of ${count} (${((rejected / count) * 100).toFixed(2)}%)`;
  const { validation, drawn } = rejection.digitRejection;
  const scores = rejection.separation
    .map((s) => `${s.score} ${share(s.nonDigits)}, AUROC ${s.auroc.toFixed(4)}`)
    .join('; ');
  return (
    `not a digit: ${rejection.score} below ${rejection.threshold.toFixed(4)} (at temperature ${rejection.temperature.toFixed(3)}); ` +
    `rejects ${share(validation)} validation images and ${share(drawn)} drawn digits (at most ${rejection.maxDigitRejection * 100}% each)\n` +
    `  fitting non-digits rejected at each score's threshold: ${scores}`
  );
}

/** The `--json` line that ends `tegaki train` and `tegaki finetune`, in the IPC's 'training:done' names. */
export function doneLine(outcome: TrainingOutcome, modelPath: string): Record<string, unknown> {
  return {
    type: 'done',
    validationAccuracy: outcome.validation?.accuracy ?? null,
    validationLoss: outcome.validation?.loss ?? null,
    validationCount: outcome.validation?.count ?? 0,
    testAccuracy: outcome.test.accuracy,
    testLoss: outcome.test.loss,
    samplesPerSecond: Math.round(outcome.samplesPerSecond),
    trainingSeconds: outcome.trainingSeconds,
    personalTestAccuracy: outcome.personalTest?.accuracy ?? null,
    personalTestCount: outcome.personalTest?.count ?? 0,
    calibration: outcome.calibration ?? null,
    model: modelPath,
  };
}
