/** Thrown when the caller aborts a training run; nothing is saved. */
export class TrainingCancelledError extends Error {
  constructor(readonly step: number) {
    super(`training cancelled at step ${step}`);
    this.name = 'TrainingCancelledError';
  }
}

/**
 * Thrown when the loss stops being a finite number. The weights are garbage from
 * then on, so the run ends and the model must not be saved.
 */
export class TrainingDivergedError extends Error {
  constructor(
    readonly step: number,
    readonly loss: number,
    readonly learningRate: number,
  ) {
    super(
      `training diverged at step ${step}: the loss became ${loss}. ` +
        `The learning rate (${learningRate}) is probably too high; try ${learningRate / 10} ` +
        'or an adaptive optimiser such as adam.',
    );
    this.name = 'TrainingDivergedError';
  }
}
