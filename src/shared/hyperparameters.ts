import { z } from 'zod';

/**
 * Every training choice a person can make, as one schema. The command line, the app's
 * training form and the IPC handlers all validate with it, so an out-of-range value
 * gets the same clear message wherever it comes from.
 */
export const activationKinds = ['relu', 'sigmoid', 'tanh', 'leaky-relu'] as const;
export const initKinds = ['uniform', 'gaussian', 'xavier', 'he'] as const;
export const optimizerKinds = ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam'] as const;
export const samplingKinds = ['shuffle', 'replacement'] as const;
export const lossKinds = ['softmax-cross-entropy', 'squared-error'] as const;
/** How the learning rate moves during a run (src/engine/training/learning-rate-schedule.ts defines each). */
export const learningRateScheduleKinds = ['constant', 'one-cycle'] as const;

export const MNIST_TRAIN_SIZE = 60_000;
/**
 * The validation set every preset, the training form and model selection use: the last
 * 5,000 of MNIST's 60,000 training images. Fixed, so every run and every model is judged
 * on the same images, and never trained on; MNIST's test set stays for the final figure.
 */
export const MNIST_VALIDATION_SIZE = 5_000;
/** The most drawings of each kind synthesised from strokes for one run (styleDrawings, nonDigitDrawings). */
export const MAX_SYNTHESISED_DRAWINGS = 20_000;
export const MAX_HIDDEN_LAYERS = 8;
export const MAX_CONV_BLOCKS = 4;
/** The initial scale of the initialisers that take one, when none is given (the notes' values). */
export const DEFAULT_INIT_SCALE = { gaussian: 0.01, uniform: 1 } as const;

export const hiddenLayerSchema = z.object({
  units: z.number().int().min(1, 'a layer needs at least 1 unit').max(4096, 'at most 4096 units per layer'),
  activation: z.enum(activationKinds),
});

/**
 * One convolutional block, applied to the 28x28 image before the dense layers:
 * Conv2D (`filters` of `kernelSize`², stride 1, 'same' or 'valid' padding), optional
 * batch normalisation, the activation, then optional max pooling (pool 2 = 2x2, stride 2).
 */
export const convBlockSchema = z.object({
  filters: z
    .number()
    .int()
    .min(1, 'a conv block needs at least 1 filter')
    .max(128, 'at most 128 filters per conv block'),
  kernelSize: z.number().int().min(1).max(7, 'kernels are at most 7x7'),
  padding: z.enum(['same', 'valid']),
  activation: z.enum(activationKinds),
  batchNorm: z.boolean(),
  /** Max-pooling window and stride (1 = no pooling). */
  pool: z.number().int().min(1).max(4),
});

/**
 * Random distortions applied to each training image on the fly, from the run's seed.
 * 0 (or absent) turns one off. They imitate how drawn digits differ from MNIST's.
 */
export const augmentationSchema = z.object({
  /** Largest shift in pixels, in x and y independently. */
  shift: z.number().min(0).max(6, 'shift at most 6 pixels').optional(),
  /** Largest rotation in degrees, either way. */
  rotation: z.number().min(0).max(45, 'rotate at most 45 degrees').optional(),
  /** Largest relative change of size, e.g. 0.15 for 85%..115%. */
  scale: z.number().min(0).max(0.5, 'scale by at most 50%').optional(),
  /** Largest stroke thickening or thinning, in pixels (grey-scale dilation or erosion). */
  strokeWidth: z.number().min(0).max(2, 'change the stroke width by at most 2 pixels').optional(),
  /** Elastic distortion's strength α in pixels (Simard et al. 2003, σ = 4). */
  elastic: z.number().min(0).max(10, 'elastic strength at most 10 pixels').optional(),
});

export const hyperparametersSchema = z
  .object({
    /** Convolutional blocks on the 28x28 image, before the hidden dense layers (none = an MLP). */
    convBlocks: z.array(convBlockSchema).max(MAX_CONV_BLOCKS, `at most ${MAX_CONV_BLOCKS} conv blocks`).optional(),
    /** On-the-fly distortions of the training images. */
    augmentation: augmentationSchema.optional(),
    /**
     * Digits drawn from stroke templates in styles MNIST lacks (a slashed zero, the
     * continental 1, a crossed 7, an open-top 4, a 9 with a straight stem) by a seeded hand,
     * through the app's preprocessing, joined to the training images (absent = 0, none).
     * src/digits/synthetic/training-set.ts draws them; the bench's templates are never among them.
     */
    styleDrawings: z
      .number()
      .int()
      .min(0)
      .max(MAX_SYNTHESISED_DRAWINGS, `at most ${MAX_SYNTHESISED_DRAWINGS} synthesised drawings`)
      .optional(),
    /**
     * Drawings that are no digit (letters, symbols, shapes, scribbles), drawn the same way
     * and trained towards equal probabilities for every digit, so the model learns to be
     * unsure of them and "not a digit" can be said (absent = 0, none).
     */
    nonDigitDrawings: z
      .number()
      .int()
      .min(0)
      .max(MAX_SYNTHESISED_DRAWINGS, `at most ${MAX_SYNTHESISED_DRAWINGS} synthesised drawings`)
      .optional(),
    /** Hidden dense layers between the 784 pixels and the 10 classes. */
    hiddenLayers: z.array(hiddenLayerSchema).max(MAX_HIDDEN_LAYERS, `at most ${MAX_HIDDEN_LAYERS} hidden layers`),
    init: z.enum(initKinds),
    /** Gaussian's standard deviation, or uniform's half-width; ignored by xavier and he. */
    initScale: z.number().positive('the initial scale must be positive').max(10).optional(),
    loss: z.enum(lossKinds),
    optimizer: z.enum(optimizerKinds),
    learningRate: z
      .number()
      .positive('the learning rate must be positive')
      .max(10, 'a learning rate above 10 always diverges'),
    /** Multiplies the learning rate after every epoch (1 = constant). */
    learningRateDecay: z
      .number()
      .gt(0, 'the learning-rate decay must be above 0')
      .max(1, 'the learning-rate decay must be at most 1')
      .optional(),
    /**
     * 'constant' (absent): the learning rate, times learningRateDecay after each epoch when
     * given. 'one-cycle' (Smith & Topin 2019): a cosine warm-up from learningRate / 25 to
     * learningRate over the first 30% of the steps, then a cosine descent to learningRate / 250,000.
     */
    learningRateSchedule: z.enum(learningRateScheduleKinds).optional(),
    /** Label smoothing ε: softmax-cross-entropy aims at (1 − ε)·onehot + ε/10 (absent = 0). */
    labelSmoothing: z.number().min(0).max(0.3, 'label smoothing at most 0.3').optional(),
    /** Momentum and Nesterov's α. */
    momentum: z.number().min(0).lt(1, 'momentum must be below 1').optional(),
    batchSize: z.number().int().min(1).max(4096, 'the batch size must be at most 4096'),
    /** Length of training: whole passes over the data, or a number of mini-batches. */
    epochs: z.number().int().min(1).max(1000).optional(),
    iterations: z.number().int().min(1).max(10_000_000).optional(),
    /** 'shuffle' visits every image once per epoch; 'replacement' draws each batch at random (the notes). */
    sampling: z.enum(samplingKinds),
    /** L2 decay λ: adds ½λ‖W‖² to the loss, λW to the gradient. */
    weightDecay: z.number().min(0).max(1, 'weight decay above 1 erases the weights'),
    /** L1 decay λ: adds λΣ|W| to the loss, λ·sign(W) to the gradient. */
    l1: z.number().min(0).max(1),
    /** Dropout rate after each hidden activation (0 = none). */
    dropout: z.number().min(0).lt(1, 'the dropout rate must be below 1'),
    seed: z.number().int().min(0).max(0xffffffff),
    /** How many of MNIST's 60,000 training images to train on (the first N). */
    trainSize: z.number().int().min(10, 'train on at least 10 images').max(MNIST_TRAIN_SIZE),
    /**
     * How many images at the end of MNIST's 60,000-image training file form the validation
     * set (absent = 0, none). Tune and choose models on it; the test set gives the final figure.
     */
    validationSize: z
      .number()
      .int()
      .min(0)
      .max(MNIST_TRAIN_SIZE - 10)
      .optional(),
  })
  .superRefine((h, ctx) => {
    if ((h.epochs === undefined) === (h.iterations === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['epochs'], message: 'give exactly one of epochs or iterations' });
    }
    if (h.learningRateSchedule === 'one-cycle' && h.learningRateDecay !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['learningRateDecay'],
        message: 'the one-cycle schedule sets the learning rate at every step: leave out the per-epoch decay',
      });
    }
    if ((h.labelSmoothing ?? 0) > 0 && h.loss !== 'softmax-cross-entropy') {
      ctx.addIssue({
        code: 'custom',
        path: ['labelSmoothing'],
        message: 'label smoothing is for the softmax-cross-entropy loss',
      });
    }
    const validationSize = h.validationSize ?? 0;
    if (h.trainSize + validationSize > MNIST_TRAIN_SIZE) {
      ctx.addIssue({
        code: 'custom',
        path: ['trainSize'],
        message: `the ${h.trainSize} training images and the last ${validationSize} held out for validation overlap: together at most ${MNIST_TRAIN_SIZE}`,
      });
    }
    if (h.batchSize > h.trainSize) {
      ctx.addIssue({
        code: 'custom',
        path: ['batchSize'],
        message: `the batch size (${h.batchSize}) is larger than the ${h.trainSize} training images`,
      });
    }
  });

export type Hyperparameters = z.infer<typeof hyperparametersSchema>;
export type HiddenLayer = z.infer<typeof hiddenLayerSchema>;
export type ConvBlock = z.infer<typeof convBlockSchema>;
export type Augmentation = z.infer<typeof augmentationSchema>;

/** Turns zod's issues into one readable line per problem: `learningRate: must be positive`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('\n');
}

export class HyperparameterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HyperparameterError';
  }
}

/** Validates untrusted input; throws HyperparameterError listing every problem. */
export function parseHyperparameters(input: unknown): Hyperparameters {
  const result = hyperparametersSchema.safeParse(input);
  if (!result.success) throw new HyperparameterError(`invalid hyperparameters:\n${describeIssues(result.error)}`);
  return result.data;
}

/** A setting's name outside the schema's nesting: its path joined in camelCase (augmentation.shift → augmentationShift). */
export type HyperparameterName =
  Exclude<keyof Hyperparameters, 'augmentation'> | `augmentation${Capitalize<keyof Augmentation>}`;

/**
 * One line of help per setting, beside the schema that holds its bounds. The command
 * line's flags take their names from these keys (kebab-case: `--learning-rate`), their
 * help from here and their bounds from the schema; a new key needs its line here.
 */
export const hyperparameterHelp = {
  hiddenLayers: 'hidden dense layer sizes',
  convBlocks: 'conv blocks before the dense layers',
  init: 'weight initialiser',
  initScale: "gaussian's std or uniform's half-width",
  loss: 'loss function',
  optimizer: 'optimiser',
  learningRate: 'learning rate',
  learningRateDecay: 'multiply the learning rate by this after every epoch',
  learningRateSchedule: "'one-cycle': warm up to the learning rate over 30% of the steps, then anneal towards 0",
  labelSmoothing: 'label smoothing ε: aim at (1 − ε)·onehot + ε/10 instead of the one-hot target',
  momentum: "momentum and nesterov's α",
  batchSize: 'mini-batch size',
  epochs: 'passes over the training images',
  iterations: 'mini-batch steps instead of epochs',
  sampling: 'shuffle each epoch, or draw batches with replacement',
  weightDecay: 'L2 weight decay λ (adds ½λ‖W‖²)',
  l1: 'L1 weight decay λ (adds λΣ|W|)',
  dropout: 'dropout rate after each hidden layer',
  seed: 'random seed',
  trainSize: 'train on the first N of the 60,000 images',
  validationSize: 'validate on the last N of the 60,000 training images (not trained on)',
  augmentationShift: 'random shift of up to this many pixels',
  augmentationRotation: 'random rotation of up to this many degrees',
  augmentationScale: 'random resizing by up to this fraction, e.g. 0.1',
  augmentationStrokeWidth: 'random thickening or thinning of the strokes by up to this many pixels',
  augmentationElastic: 'elastic distortion of this strength in pixels',
  styleDrawings: 'join N digits drawn from strokes in styles MNIST lacks (slashed 0, continental 1, crossed 7, ...)',
  nonDigitDrawings: 'join N drawings of non-digits (letters, symbols, scribbles), trained towards "unsure"',
} as const satisfies Record<HyperparameterName, string>;
