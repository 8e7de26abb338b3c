import { randomUUID } from 'node:crypto';
import type { ErrorCode } from '../../shared/errors';
import type { Hyperparameters } from '../../shared/hyperparameters';
import type {
  EngineMessage,
  EngineRequest,
  EngineResults,
  EvaluationResult,
  FineTuneRequest,
  PersonalImages,
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
}

export type SpawnEngine = (config: EngineSpawnConfig) => EngineChild;

export interface EngineHostConfig {
  spawn: SpawnEngine;
  entryPath: string;
  env?: Record<string, string>;
  serviceName?: string;
  /** After a cancel, how long the job may take to stop before the process is killed. */
  cancelGraceMs?: number;
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
  kind: keyof EngineResults;
  resolve(value: unknown): void;
  reject(error: EngineJobError): void;
  handlers?: TrainHandlers;
  cancelled: boolean;
  cancelTimer?: ReturnType<typeof setTimeout>;
}

interface Running {
  child: EngineChild;
  ready: Promise<void>;
  exited: Promise<EngineExit>;
}

/**
 * The engine process behind one class (after VS Code's UtilityProcess): started on the
 * first job, restarted on the job after a crash, killed if it ignores a cancel or a
 * shutdown. Jobs are promises; a job whose process dies rejects with 'engine-crashed'
 * and nothing else happens: the host has no files, so a crash cannot touch saved data.
 */
export class EngineHost {
  private running: Running | undefined;
  private readonly jobs = new Map<string, PendingJob>();
  private disposed = false;
  private readonly config: Required<Omit<EngineHostConfig, 'env'>> & { env: Record<string, string> };

  constructor(config: EngineHostConfig) {
    this.config = {
      env: {},
      serviceName: 'tegaki-engine',
      cancelGraceMs: 5_000,
      startTimeoutMs: 30_000,
      killTimeoutMs: 3_000,
      log: (line) => console.log(line),
      ...config,
    };
  }

  /** The running engine's process id, if one is running. */
  get pid(): number | undefined {
    return this.running?.child.pid;
  }

  train(
    hyperparameters: Hyperparameters,
    handlers: TrainHandlers = {},
    options: { testSize?: number; personal?: PersonalTraining & { images: PersonalImages }; fineTune?: FineTuneRequest } = {},
  ): TrainingJob {
    const jobId = randomUUID();
    const { testSize, personal, fineTune } = options;
    const result = this.run<'train'>('train', { type: 'train', jobId, hyperparameters, testSize, personal, fineTune }, handlers);
    return { jobId, result };
  }

  evaluate(modelPath: string, testSize?: number): Promise<EvaluationResult> {
    return this.run('evaluate', { type: 'evaluate', jobId: randomUUID(), modelPath, testSize });
  }

  /** Decodes a model file and runs it once, in the engine: a file that crashes it rejects with 'engine-crashed'. */
  tryModel(bytes: Uint8Array, source?: string): Promise<ModelTrial> {
    return this.run('try-model', { type: 'try-model', jobId: randomUUID(), bytes, source });
  }

  /** Drawings -> network inputs (`count x 784` bytes) in the engine, off the main process. */
  async rasterise(drawings: Stroke[][]): Promise<Uint8Array> {
    return (await this.run('rasterise', { type: 'rasterise', jobId: randomUUID(), drawings })).inputs;
  }

  ping(): Promise<{ pid: number }> {
    return this.run('ping', { type: 'ping', jobId: randomUUID() });
  }

  /** Asks the job to stop; if it has not within the grace period, the process is killed. */
  cancel(jobId: string): boolean {
    const job = this.jobs.get(jobId);
    const running = this.running;
    if (!job || !running) return false;
    job.cancelled = true;
    // After `ready`, like the job's own request, so a cancel never overtakes what it cancels.
    running.ready.then(
      () => running.child.postMessage({ type: 'cancel', jobId }),
      () => undefined,
    );
    job.cancelTimer = setTimeout(() => {
      this.config.log(`[engine] job ${jobId} ignored its cancel for ${this.config.cancelGraceMs} ms; killing the engine`);
      running.child.kill();
    }, this.config.cancelGraceMs);
    return true;
  }

  /** Ends every job, asks the process to exit and kills it if it has not in time; no new process afterwards. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const running = this.running;
    if (!running) return;
    this.failAll('engine-crashed', 'the app is closing');
    running.child.postMessage({ type: 'shutdown' });
    const timer = setTimeout(() => running.child.kill(), this.config.killTimeoutMs);
    await Promise.race([running.exited, new Promise((r) => setTimeout(r, this.config.killTimeoutMs * 2))]);
    clearTimeout(timer);
  }

  private run<K extends keyof EngineResults>(kind: K, request: JobRequest, handlers?: TrainHandlers): Promise<EngineResults[K]> {
    if (this.disposed) return Promise.reject(new EngineJobError('engine-crashed', 'the engine has been shut down'));
    const running = this.ensureRunning();
    return new Promise<EngineResults[K]>((resolve, reject) => {
      this.jobs.set(request.jobId, { kind, resolve: resolve as (v: unknown) => void, reject, handlers, cancelled: false });
      running.ready.then(
        () => {
          if (this.jobs.has(request.jobId)) running.child.postMessage(request);
        },
        () => undefined, // the exit handler fails every job of this process
      );
    });
  }

  private ensureRunning(): Running {
    if (this.running) return this.running;
    const { spawn, entryPath, env, serviceName, log, startTimeoutMs } = this.config;
    const child = spawn({ entryPath, env, serviceName });
    pipeLines(child.stdout, (line) => log(`[engine] ${line}`));
    pipeLines(child.stderr, (line) => log(`[engine:err] ${line}`));

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
        if (this.running?.child === child) this.running = undefined;
        log(`[engine] process ${child.pid ?? '?'} exited (code ${exit.code}, signal ${exit.signal}${exit.reason ? `, ${exit.reason}` : ''})`);
        this.failAll('engine-crashed', crashMessage(exit));
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

    this.running = { child, ready, exited };
    return this.running;
  }

  private finish(jobId: string, job: PendingJob, settle: () => void): void {
    clearTimeout(job.cancelTimer);
    this.jobs.delete(jobId);
    settle();
  }

  private failAll(code: ErrorCode, message: string): void {
    for (const [jobId, job] of this.jobs) {
      this.finish(jobId, job, () =>
        job.reject(job.cancelled ? new EngineJobError('cancelled', 'training cancelled') : new EngineJobError(code, message)),
      );
    }
  }
}

function crashMessage(exit: EngineExit): string {
  const how = exit.reason ?? (exit.signal ? `was killed (${exit.signal})` : `exited with code ${exit.code}`);
  return `The engine process stopped unexpectedly: it ${how}. The job was lost but nothing saved was touched; the next job starts a fresh engine.`;
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
