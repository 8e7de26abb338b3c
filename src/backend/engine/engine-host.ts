import { randomUUID } from 'node:crypto';
import type { ErrorCode } from '../../shared/errors';
import type { Hyperparameters } from '../../shared/hyperparameters';
import type { ExperimentEdit, ExperimentResult } from '../../shared/experiment';
import type { Activations, LayerParameters } from '../../shared/inspection';
import type { StepRecord, StepSession } from '../../shared/step-mode';
import type { SnapshotEvaluation, Timeline } from '../../shared/timeline';
import type { SnapshotRef } from '../../engine-process/timeline';
import type { NamedTensor } from '../../engine/model/sequential';
import type {
  EngineMessage,
  EngineRequest,
  EngineResults,
  EvaluationResult,
  FineTuneRequest,
  PersonalImages,
  TestOnlyRequestType,
  TrainedModel,
} from '../../engine-process/protocol';
import type { ModelTrial } from '../../digits/io/saved-model';
import type { Stroke } from '../../digits/preprocess/strokes';
import type { PersonalTraining } from '../../shared/personal-training';
import type { EpochRecord, TrainingProgress } from '../../shared/training-progress';

/** How the engine process died, as far as the launcher can tell. */
export interface EngineExit {
  code: number | null;
  signal: string | null;
  /** Electron's child-process-gone reason ('oom', 'crashed', 'killed'...), when known. */
  reason?: string;
}

/** The one shape both launchers give the host: Electron's UtilityProcess or Node's ChildProcess. */
export interface EngineChild {
  readonly pid: number | undefined;
  postMessage(message: EngineRequest): void;
  onMessage(listener: (message: EngineMessage) => void): void;
  onExit(listener: (exit: EngineExit) => void): void;
  kill(): void;
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
}

export interface EngineSpawnConfig {
  entryPath: string;
  /** Extra environment for the engine (TEGAKI_MNIST_DIR). */
  env: Record<string, string>;
  serviceName: string;
  /** Flags for the engine's Node/V8 (the heap budget, --max-old-space-size). */
  execArgv: string[];
}

export type JobKind = keyof EngineResults;
/** Every kind of job but training, which runs as long as the person lets it and is cancelled by them. */
export type TimedJobKind = Exclude<JobKind, 'train'>;

/**
 * How long each kind of job may take, from when the engine is sent it. Evaluating is a
 * forward pass over up to 10,000 test images: a minute for the largest model the form
 * builds on a slow machine, while a file within MODEL_FILE_LIMITS may cost seconds an
 * image, so ten minutes bounds it (the report screen cancels sooner when the person
 * leaves). Trying a model or inspecting one is one forward pass (seconds at most, by the same limits);
 * rasterising is linear in DRAWING_LIMITS' 2,000,000 points a file; a ping is instant.
 */
export const DEFAULT_JOB_TIMEOUT_MS: Readonly<Record<Exclude<TimedJobKind, TestOnlyRequestType>, number>> = {
  evaluate: 10 * 60_000,
  // A fine-tune's frozen features: a forward pass of the conv layers over about 22,000 images, like an evaluation.
  'prepare-fine-tune': 10 * 60_000,
  'try-model': 60_000,
  rasterise: 60_000,
  'inspect-activations': 60_000,
  'inspect-parameters': 60_000,
  // An experiment evaluates its edited copy (and once per model and size, the model itself) on up to 10,000 test images.
  experiment: 10 * 60_000,
  'experiment-weights': 60_000,
  // Reading a timeline of at most 64 MiB; a snapshot's evaluation is an evaluation.
  timeline: 60_000,
  'evaluate-snapshot': 10 * 60_000,
  // Reading MNIST and synthesising the drawings the hyperparameters ask for; a step of a network within STEP_LIMITS is milliseconds.
  'step-start': 5 * 60_000,
  'step-next': 60_000,
  ping: 10_000,
};

/**
 * The engine's V8 heap (--max-old-space-size), in MiB. Its big data are typed arrays,
 * which live outside the V8 heap: MNIST (55 MB), the kernels' fixed 256 MiB WebAssembly
 * memory and the weights; what the heap holds (the objects around them, a drawing file's
 * points while it is rasterised) stays well under this. It bounds a runaway job, not those.
 */
export const DEFAULT_ENGINE_HEAP_MB = 1024;

export type SpawnEngine = (config: EngineSpawnConfig) => EngineChild;

export interface EngineHostConfig {
  spawn: SpawnEngine;
  entryPath: string;
  env?: Record<string, string>;
  serviceName?: string;
  /** After a cancel, how long the job may take to stop before the process is killed. */
  cancelGraceMs?: number;
  /**
   * How long a job may run before it fails with 'timeout' (see DEFAULT_JOB_TIMEOUT_MS; a
   * kind left out has no limit). The engine is then killed, so the next job gets a fresh
   * one, unless other jobs share it: then it is asked to stop the job, and killed only if
   * it has not within cancelGraceMs.
   */
  jobTimeoutMs?: Partial<Record<TimedJobKind, number>>;
  /** The engine's V8 heap budget in MiB (DEFAULT_ENGINE_HEAP_MB); 0 leaves V8's default. */
  maxOldSpaceSizeMb?: number;
  /** How long a fresh process may take to say it is ready. */
  startTimeoutMs?: number;
  /** On dispose, how long to wait for the process to exit after asking. */
  killTimeoutMs?: number;
  /** Where the engine's stdout and stderr lines, and the host's own notes, go. */
  log?: (line: string) => void;
}

/** A job that ended without a result: cancelled, diverged, engine crashed... */
export class EngineJobError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EngineJobError';
  }
}

export interface TrainHandlers {
  onProgress?: (progress: TrainingProgress) => void;
  onEpoch?: (record: EpochRecord) => void;
}

export interface TrainingJob {
  jobId: string;
  result: Promise<TrainedModel>;
}

type JobRequest = Exclude<EngineRequest, { type: 'shutdown' | 'cancel' }>;

interface PendingJob {
  kind: JobKind;
  /** The process the job was given to. */
  engine: Running;
  resolve(value: unknown): void;
  reject(error: EngineJobError): void;
  handlers?: TrainHandlers;
  cancelled: boolean;
  /** Its promise has settled (the job timed out) while the engine may still be running it. */
  settled: boolean;
  timers: ReturnType<typeof setTimeout>[];
}

interface Running {
  child: EngineChild;
  ready: Promise<void>;
  exited: Promise<EngineExit>;
  /** The host killed it on purpose, and why (a job past its time, a cancel ignored). */
  killedFor?: string;
  /** Its stderr said the V8 heap was exhausted (Node's fatal 'heap out of memory'). */
  outOfMemory: boolean;
}

/** What Node (and V8) print before dying of a full heap. */
const OUT_OF_MEMORY_LINE = /heap out of memory|Reached heap limit|Fatal (JavaScript|process) out of memory/i;

/**
 * The engine process behind one class (after VS Code's UtilityProcess): started on the
 * first job, restarted on the job after a crash, killed if it ignores a cancel or a
 * shutdown or a job runs past its time. Jobs are promises; a job whose process dies
 * rejects with 'engine-crashed', naming the jobs it was running and why it died, and
 * nothing else happens: the host has no files, so a crash cannot touch saved data.
 */
export class EngineHost {
  private running: Running | undefined;
  private readonly jobs = new Map<string, PendingJob>();
  private disposed = false;
  private readonly config: Required<Omit<EngineHostConfig, 'env' | 'jobTimeoutMs'>> & {
    env: Record<string, string>;
    jobTimeoutMs: Partial<Record<TimedJobKind, number>>;
  };

  constructor(config: EngineHostConfig) {
    this.config = {
      env: {},
      serviceName: 'tegaki-engine',
      cancelGraceMs: 5_000,
      startTimeoutMs: 30_000,
      killTimeoutMs: 3_000,
      maxOldSpaceSizeMb: DEFAULT_ENGINE_HEAP_MB,
      log: (line) => console.log(line),
      ...config,
      jobTimeoutMs: { ...DEFAULT_JOB_TIMEOUT_MS, ...config.jobTimeoutMs },
    };
  }

  /** The running engine's process id, if one is running. */
  get pid(): number | undefined {
    return this.running?.child.pid;
  }

  train(
    hyperparameters: Hyperparameters,
    handlers: TrainHandlers = {},
    options: {
      testSize?: number;
      personal?: PersonalTraining & { images: PersonalImages };
      fineTune?: FineTuneRequest;
      keepSnapshots?: boolean;
      /** Threads that share each batch (shared/threads.ts); default: the engine's, every core but one. */
      threads?: number;
    } = {},
  ): TrainingJob {
    const jobId = randomUUID();
    const { testSize, personal, fineTune, keepSnapshots, threads } = options;
    const result = this.run<'train'>(
      'train',
      { type: 'train', jobId, hyperparameters, testSize, personal, fineTune, keepSnapshots, threads },
      handlers,
    );
    return { jobId, result };
  }

  /**
   * Computes what the first head fine-tune of `fineTune.modelPath` would compute first (its
   * frozen features), so that fine-tune starts at once; cancellable like an evaluation.
   */
  prepareFineTune(fineTune: FineTuneRequest): { jobId: string; result: Promise<{ prepared: boolean }> } {
    const jobId = randomUUID();
    return { jobId, result: this.run('prepare-fine-tune', { type: 'prepare-fine-tune', jobId, fineTune }) };
  }

  /** Cancellable: `cancel(jobId)` stops it between two batches. */
  evaluate(modelPath: string, testSize?: number): { jobId: string; result: Promise<EvaluationResult> } {
    const jobId = randomUUID();
    return { jobId, result: this.run('evaluate', { type: 'evaluate', jobId, modelPath, testSize }) };
  }

  /** Decodes a model file and runs it once, in the engine: a file that crashes it rejects with 'engine-crashed'. */
  tryModel(bytes: Uint8Array, source?: string): Promise<ModelTrial> {
    return this.run('try-model', { type: 'try-model', jobId: randomUUID(), bytes, source });
  }

  /** Drawings -> network inputs (`count x 784` bytes) in the engine, off the main process. */
  async rasterise(drawings: Stroke[][]): Promise<Uint8Array> {
    return (await this.run('rasterise', { type: 'rasterise', jobId: randomUUID(), drawings })).inputs;
  }

  /**
   * Every layer's output for one input through the model at `modelPath` (engine/model/inspect.ts),
   * or through its copy with `edits` applied, then with the model's own probabilities beside.
   */
  inspectActivations(
    modelPath: string,
    pixels: Float32Array,
    maxValues?: number,
    edits?: ExperimentEdit[],
    snapshot?: SnapshotRef,
  ): Promise<Activations & { originalProbabilities?: number[] }> {
    return this.run('inspect-activations', {
      type: 'inspect-activations',
      jobId: randomUUID(),
      modelPath,
      pixels,
      maxValues,
      edits,
      snapshot,
    });
  }

  /** Layer `layer`'s learned tensors in the model at `modelPath` (or its copy with `edits`), for display. */
  inspectParameters(
    modelPath: string,
    layer: number,
    maxValues?: number,
    edits?: ExperimentEdit[],
    snapshot?: SnapshotRef,
  ): Promise<LayerParameters> {
    return this.run('inspect-parameters', {
      type: 'inspect-parameters',
      jobId: randomUUID(),
      modelPath,
      layer,
      maxValues,
      edits,
      snapshot,
    });
  }

  /** The training timeline kept at `snapshotPath` for the model at `modelPath`: its snapshots, none if it kept none. */
  timeline(modelPath: string, snapshotPath: string): Promise<Timeline> {
    return this.run('timeline', { type: 'timeline', jobId: randomUUID(), modelPath, snapshotPath });
  }

  /** One snapshot of a timeline on the first `testSize` test images (measured once, then kept by the engine). */
  evaluateSnapshot(modelPath: string, snapshot: SnapshotRef, testSize?: number): Promise<SnapshotEvaluation> {
    return this.run('evaluate-snapshot', {
      type: 'evaluate-snapshot',
      jobId: randomUUID(),
      modelPath,
      snapshot,
      testSize,
    });
  }

  /** "Break it": the model at `modelPath` with `edits` against itself, on `pixels` and the first `testSize` test images. */
  experiment(
    modelPath: string,
    edits: ExperimentEdit[],
    pixels: Float32Array,
    testSize?: number,
  ): Promise<ExperimentResult> {
    return this.run('experiment', { type: 'experiment', jobId: randomUUID(), modelPath, edits, pixels, testSize });
  }

  /** The tensors of the model at `modelPath` with `edits` applied, to save as a new model. */
  async experimentWeights(modelPath: string, edits: ExperimentEdit[]): Promise<NamedTensor[]> {
    return (await this.run('experiment-weights', { type: 'experiment-weights', jobId: randomUUID(), modelPath, edits }))
      .tensors;
  }

  /** Step mode: a run of a small network from the hyperparameters' seed, kept in the engine (replacing any before). */
  stepStart(hyperparameters: Hyperparameters): Promise<StepSession> {
    return this.run('step-start', { type: 'step-start', jobId: randomUUID(), hyperparameters });
  }

  /** The step-mode run's next mini-batch, and what it did. */
  stepNext(): Promise<StepRecord> {
    return this.run('step-next', { type: 'step-next', jobId: randomUUID() });
  }

  ping(): Promise<{ pid: number }> {
    return this.run('ping', { type: 'ping', jobId: randomUUID() });
  }

  /**
   * For the host's own tests: a job that hangs, or one that exhausts the heap. The engine
   * refuses both unless it was started with TEGAKI_ENGINE_TEST_REQUESTS=1 in its env.
   */
  runTestOnly(type: TestOnlyRequestType): Promise<never> {
    return this.run(type, { type, jobId: randomUUID() });
  }

  /**
   * Asks the job to stop (training, evaluating and rasterising heed it between steps);
   * if it has not within the grace period, the process is killed.
   */
  cancel(jobId: string): boolean {
    const job = this.jobs.get(jobId);
    if (!job || job.settled || job.cancelled) return false;
    job.cancelled = true;
    this.stopJob(jobId, job, `${job.kind} ignored its cancel for ${this.config.cancelGraceMs} ms`);
    return true;
  }

  /** Ends every job, asks the process to exit and kills it if it has not in time; no new process afterwards. */
  async dispose(): Promise<void> {
    this.disposed = true;
    for (const engine of new Set([...this.jobs.values()].map((job) => job.engine)))
      this.failJobsOf(engine, 'the app is closing');
    const running = this.running;
    if (!running) return;
    running.child.postMessage({ type: 'shutdown' });
    const timer = setTimeout(() => running.child.kill(), this.config.killTimeoutMs);
    await Promise.race([running.exited, new Promise((r) => setTimeout(r, this.config.killTimeoutMs * 2))]);
    clearTimeout(timer);
  }

  private run<K extends keyof EngineResults>(
    kind: K,
    request: JobRequest,
    handlers?: TrainHandlers,
  ): Promise<EngineResults[K]> {
    if (this.disposed) return Promise.reject(new EngineJobError('engine-crashed', 'the engine has been shut down'));
    const running = this.ensureRunning();
    return new Promise<EngineResults[K]>((resolve, reject) => {
      const job: PendingJob = {
        kind,
        engine: running,
        resolve: resolve as (v: unknown) => void,
        reject,
        handlers,
        cancelled: false,
        settled: false,
        timers: [],
      };
      this.jobs.set(request.jobId, job);
      running.ready.then(
        () => {
          if (this.jobs.get(request.jobId) !== job) return;
          running.child.postMessage(request);
          const limit = kind === 'train' ? undefined : this.config.jobTimeoutMs[kind as TimedJobKind];
          if (limit !== undefined) job.timers.push(setTimeout(() => this.timeOut(request.jobId, job, limit), limit));
        },
        () => undefined, // the exit handler fails every job of this process
      );
    });
  }

  /**
   * A job past its time fails with 'timeout' at once. Alone on its engine, the engine is
   * killed (a job that ignores its time would keep it busy) and the next job starts a fresh
   * one; beside other jobs (a training run), it is asked to stop first, as a cancel is.
   */
  private timeOut(jobId: string, job: PendingJob, limitMs: number): void {
    if (job.settled || this.jobs.get(jobId) !== job) return;
    job.settled = true;
    const why = `${job.kind} ran past its time limit of ${duration(limitMs)}`;
    job.reject(
      new EngineJobError(
        'timeout',
        `The job (${job.kind}) did not finish within its time limit of ${duration(limitMs)} and was stopped; the next job works as usual.`,
      ),
    );
    const others = [...this.jobs.values()].some(
      (other) => other !== job && other.engine === job.engine && !other.settled,
    );
    if (others) this.stopJob(jobId, job, `${why} and did not stop within ${duration(this.config.cancelGraceMs)}`);
    else this.restart(job.engine, why);
  }

  /** Sends the engine a cancel for the job and kills the engine if the job has not ended within the grace period. */
  private stopJob(jobId: string, job: PendingJob, killedFor: string): void {
    const { engine } = job;
    // After `ready`, like the job's own request, so a cancel never overtakes what it cancels.
    engine.ready.then(
      () => engine.child.postMessage({ type: 'cancel', jobId }),
      () => undefined,
    );
    job.timers.push(setTimeout(() => this.restart(engine, killedFor), this.config.cancelGraceMs));
  }

  /** Kills the engine; new jobs go to a fresh one at once, its own jobs fail when it has exited. */
  private restart(engine: Running, killedFor: string): void {
    if (engine.killedFor) return;
    engine.killedFor = killedFor;
    this.config.log(`[engine] ${killedFor}; killing process ${engine.child.pid ?? '?'}`);
    if (this.running === engine) this.running = undefined;
    engine.child.kill();
  }

  private ensureRunning(): Running {
    if (this.running) return this.running;
    const { spawn, entryPath, env, serviceName, log, startTimeoutMs, maxOldSpaceSizeMb } = this.config;
    const execArgv = maxOldSpaceSizeMb > 0 ? [`--max-old-space-size=${maxOldSpaceSizeMb}`] : [];
    const child = spawn({ entryPath, env, serviceName, execArgv });
    pipeLines(child.stdout, (line) => log(`[engine] ${line}`));
    pipeLines(child.stderr, (line) => {
      if (OUT_OF_MEMORY_LINE.test(line)) engine.outOfMemory = true;
      log(`[engine:err] ${line}`);
    });

    let markReady!: () => void;
    let markFailed!: (error: Error) => void;
    const ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      markFailed = reject;
    });
    ready.catch(() => undefined);
    const startTimer = setTimeout(() => {
      log(`[engine] no ready message after ${startTimeoutMs} ms; killing it`);
      markFailed(new Error('engine did not start'));
      child.kill();
    }, startTimeoutMs);

    const exited = new Promise<EngineExit>((resolve) => {
      child.onExit((exit) => {
        clearTimeout(startTimer);
        markFailed(new Error('engine exited'));
        if (this.running === engine) this.running = undefined;
        log(
          `[engine] process ${child.pid ?? '?'} exited (code ${exit.code}, signal ${exit.signal}${exit.reason ? `, ${exit.reason}` : ''})`,
        );
        const kinds = [
          ...new Set([...this.jobs.values()].filter((job) => job.engine === engine).map((job) => job.kind)),
        ];
        this.failJobsOf(engine, crashMessage(exit, kinds, engine, maxOldSpaceSizeMb));
        resolve(exit);
      });
    });

    child.onMessage((message) => {
      if (message.type === 'ready') {
        clearTimeout(startTimer);
        markReady();
        return;
      }
      const job = this.jobs.get(message.jobId);
      if (!job) return;
      if (message.type === 'progress') job.handlers?.onProgress?.(message.progress);
      else if (message.type === 'epoch') job.handlers?.onEpoch?.(message.record);
      else if (message.type === 'result') this.finish(message.jobId, job, () => job.resolve(message.value));
      else if (message.type === 'failed') {
        const error = new EngineJobError(message.error.code, message.error.message);
        this.finish(message.jobId, job, () => job.reject(error));
      }
    });

    const engine: Running = { child, ready, exited, outOfMemory: false };
    this.running = engine;
    return engine;
  }

  /** Settles the job unless it already has (a timed-out job whose engine answers late). */
  private finish(jobId: string, job: PendingJob, settle: () => void): void {
    for (const timer of job.timers) clearTimeout(timer);
    this.jobs.delete(jobId);
    if (job.settled) return;
    job.settled = true;
    settle();
  }

  /** Fails the jobs given to `engine`: 'cancelled' for those the person cancelled, 'engine-crashed' for the rest. */
  private failJobsOf(engine: Running, message: string): void {
    for (const [jobId, job] of this.jobs) {
      if (job.engine !== engine) continue;
      this.finish(jobId, job, () =>
        job.reject(
          job.cancelled
            ? new EngineJobError('cancelled', `${job.kind === 'train' ? 'training' : job.kind} cancelled`)
            : new EngineJobError('engine-crashed', message),
        ),
      );
    }
  }
}

/**
 * Why the engine died and what it was doing: the job kinds it was running and how it
 * ended (killed by the host and why, out of memory, a signal, an exit code, Electron's
 * child-process-gone reason).
 */
function crashMessage(exit: EngineExit, kinds: JobKind[], engine: Running, heapMb: number): string {
  const during = kinds.length > 0 ? ` while running ${kinds.join(' and ')}` : '';
  const after = 'The job was lost but nothing saved was touched; the next job starts a fresh engine.';
  if (engine.killedFor) return `The engine process was restarted${during}: ${engine.killedFor}. ${after}`;
  if (engine.outOfMemory || exit.reason === 'oom') {
    const budget = heapMb > 0 ? ` (its heap budget is ${heapMb} MB)` : '';
    return `The engine process ran out of memory${during}${budget}. ${after}`;
  }
  const code = exit.code !== null ? `exit code ${exit.code}` : '';
  const how = exit.reason
    ? `stopped (${[exit.reason, code].filter(Boolean).join(', ')})`
    : exit.signal
      ? `was killed (${exit.signal})`
      : `exited with ${code}`;
  return `The engine process stopped unexpectedly${during}: it ${how}. ${after}`;
}

function duration(ms: number): string {
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 60_000) return `${ms / 1_000} s`;
  return `${Math.round(ms / 6_000) / 10} min`;
}

function pipeLines(stream: NodeJS.ReadableStream | null, write: (line: string) => void): void {
  if (!stream) return;
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) write(line);
  });
  stream.on('end', () => {
    if (buffered.trim()) write(buffered);
  });
}
