import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { PersonalImages } from '../../engine-process/protocol';
import type { Stroke } from '../../digits/preprocess/strokes';
import { parseStrokesJson, serialiseStrokeSamples, strokeSampleSchema } from '../../digits/preprocess/strokes-file';
import type { EventOf } from '../../shared/ipc/contract';
import { writeFileAtomicSync } from '../../digits/io/atomic-write';
import { ServiceError } from './errors';

export const PERSONAL_SAMPLES_FILE = 'personal-samples.json';
const INPUT_SIZE = 784;
/** More than anyone draws by hand; a bigger import is a wrong file rather than a hand. */
export const MAX_PERSONAL_SAMPLES = 20_000;

/** One corrected drawing: what was drawn, what the network saw, and what it really is. */
export interface PersonalSample {
  id: string;
  label: number;
  createdAt: string;
  strokes: Stroke[];
  /** The 28x28 network input as bytes (0 = background), as MNIST stores its images. */
  input: Uint8Array;
}

/** What lists and galleries get: everything but the strokes. */
export type PersonalSampleSummary = Omit<PersonalSample, 'strokes'>;

const storedSampleSchema = strokeSampleSchema.extend({
  label: z.number().int().min(0).max(9),
  createdAt: z.string(),
  input: z.array(z.number().int().min(0).max(255)).length(INPUT_SIZE),
});
const storedFileSchema = z.object({ version: z.literal(1), samples: z.array(storedSampleSchema) });

export interface PersonalSampleStoreOptions {
  /** The set lives in `<userDataDir>/personal-samples.json`. */
  userDataDir: string;
  notify?: (notice: EventOf<'notice'>) => void;
  /**
   * Drawings -> their 28x28 inputs as bytes, `count x 784` (drawingsToInputBytes), off
   * the main process: in the app, the engine process (EngineHost.rasterise).
   */
  rasterise: (drawings: Stroke[][]) => Promise<Uint8Array>;
}

/**
 * A person's corrected drawings, kept in one JSON file in the user-data folder. Every
 * change writes the whole file atomically (temp file, fsync, rename) before the
 * in-memory copy changes, so a failed or interrupted write leaves both as they were.
 * Changes run one after another, so two quick corrections cannot lose each other.
 */
export class PersonalSampleStore {
  readonly path: string;
  private samples: readonly PersonalSample[] | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<() => void>();

  constructor(private readonly options: PersonalSampleStoreOptions) {
    this.path = join(options.userDataDir, PERSONAL_SAMPLES_FILE);
  }

  /** Called after every change. */
  onChanged(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async list(): Promise<PersonalSampleSummary[]> {
    return (await this.run(async (samples) => samples)).map(({ id, label, createdAt, input }) => ({
      id,
      label,
      createdAt,
      input,
    }));
  }

  /** How many samples each digit 0..9 has. */
  async counts(): Promise<number[]> {
    return countByDigit(await this.run(async (samples) => samples));
  }

  /** Saves a drawing with its label; its network input comes from the shared preprocessing. */
  add(strokes: Stroke[], label: number): Promise<PersonalSampleSummary> {
    return this.run(async (samples) => {
      const input = await this.inputsOf([strokes]);
      if (input.every((v) => v === 0))
        throw new ServiceError('invalid-payload', 'the drawing is empty; draw a digit first');
      if (samples.length >= MAX_PERSONAL_SAMPLES) {
        throw new ServiceError(
          'invalid-payload',
          `the set already holds ${MAX_PERSONAL_SAMPLES} samples; delete some first`,
        );
      }
      const sample: PersonalSample = { id: newSampleId(), label, createdAt: new Date().toISOString(), strokes, input };
      this.write([...samples, sample]);
      const { id, createdAt } = sample;
      return { id, label, createdAt, input };
    });
  }

  delete(id: string): Promise<void> {
    return this.run(async (samples) => {
      if (!samples.some((s) => s.id === id)) throw new ServiceError('not-found', `there is no personal sample "${id}"`);
      this.write(samples.filter((s) => s.id !== id));
    });
  }

  /** The command line's strokes format, each sample with its "label": `tegaki train --personal` reads it. */
  async exportJson(): Promise<{ json: string; count: number }> {
    const samples = await this.run(async (all) => all);
    return {
      json: serialiseStrokeSamples(samples.map(({ id, label, strokes }) => ({ id, label, strokes }))),
      count: samples.length,
    };
  }

  /**
   * Adds the samples of a strokes file. The whole file is checked first; a bad one is
   * refused with the reason and nothing changes. Samples whose id is already in the set
   * are skipped, so importing an export again adds nothing twice.
   */
  importJson(text: string, source = 'the file'): Promise<{ added: number; skipped: number }> {
    return this.run(async (samples) => {
      let parsed;
      try {
        parsed = parseStrokesJson(text, source);
      } catch (error) {
        throw new ServiceError('invalid-payload', (error as Error).message);
      }
      const unlabelled = parsed.filter((s) => s.label === undefined).map((s) => s.id);
      if (unlabelled.length > 0) {
        throw new ServiceError(
          'invalid-payload',
          `${source}: every sample needs a "label" (0-9); missing on ${unlabelled.slice(0, 5).join(', ')}`,
        );
      }
      const known = new Set(samples.map((s) => s.id));
      const fresh = parsed.filter((s) => !known.has(s.id));
      if (samples.length + fresh.length > MAX_PERSONAL_SAMPLES) {
        throw new ServiceError(
          'invalid-payload',
          `${source}: the set would hold more than ${MAX_PERSONAL_SAMPLES} samples`,
        );
      }
      const createdAt = new Date().toISOString();
      const added: PersonalSample[] = [];
      const inputs = await this.inputsOf(fresh.map((s) => s.strokes));
      for (const [i, { id, strokes, label }] of fresh.entries()) {
        const input = inputs.slice(i * INPUT_SIZE, (i + 1) * INPUT_SIZE);
        if (input.every((v) => v === 0))
          throw new ServiceError('invalid-payload', `${source}: sample "${id}" has no ink`);
        added.push({ id, label: label!, createdAt, strokes, input });
      }
      if (added.length > 0) this.write([...samples, ...added]);
      return { added: added.length, skipped: parsed.length - fresh.length };
    });
  }

  /** Every sample as the engine trains on it: 28x28 bytes and labels. */
  async images(): Promise<PersonalImages> {
    const samples = await this.run(async (all) => all);
    const images = new Uint8Array(samples.length * INPUT_SIZE);
    samples.forEach((s, i) => images.set(s.input, i * INPUT_SIZE));
    return { images, labels: Uint8Array.from(samples, (s) => s.label) };
  }

  /** The drawings' network inputs, rasterised where options.rasterise runs (the engine process); a refusal is invalid-payload. */
  private async inputsOf(drawings: Stroke[][]): Promise<Uint8Array> {
    try {
      return await this.options.rasterise(drawings);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      throw new ServiceError(code === 'invalid-payload' ? 'invalid-payload' : 'internal', `the drawing could not be read: ${(error as Error).message}`);
    }
  }

  /** Runs `task` on the current set after every earlier task has finished. */
  private run<T>(task: (samples: readonly PersonalSample[]) => Promise<T>): Promise<T> {
    const next = this.queue.then(async () => task(await this.load()));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async load(): Promise<readonly PersonalSample[]> {
    if (this.samples) return this.samples;
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      this.samples = [];
      return this.samples;
    }
    try {
      const stored = storedFileSchema.parse(JSON.parse(text));
      this.samples = stored.samples.map((s) => ({ ...s, input: Uint8Array.from(s.input) }));
    } catch (error) {
      // Never overwrite what we cannot read: set it aside, start empty, and say so.
      const aside = `${this.path}.unreadable-${Date.now()}`;
      await rename(this.path, aside);
      this.samples = [];
      this.options.notify?.({
        level: 'warning',
        message: `Your personal samples could not be read (${firstLine(error)}); the file was kept as ${aside} and a new, empty set started.`,
      });
    }
    return this.samples;
  }

  private write(samples: readonly PersonalSample[]): void {
    const stored = { version: 1, samples: samples.map((s) => ({ ...s, input: Array.from(s.input) })) };
    mkdirSync(this.options.userDataDir, { recursive: true });
    writeFileAtomicSync(this.path, `${JSON.stringify(stored)}\n`);
    this.samples = samples;
    for (const listener of this.listeners) listener();
  }
}

export function countByDigit(samples: readonly { label: number }[]): number[] {
  const counts = new Array<number>(10).fill(0);
  for (const { label } of samples) counts[label]++;
  return counts;
}

function newSampleId(): string {
  return `s-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

function firstLine(error: unknown): string {
  const text =
    error instanceof z.ZodError ? error.issues[0]?.message : error instanceof Error ? error.message : String(error);
  return (text ?? 'unknown problem').split('\n')[0].slice(0, 200);
}
