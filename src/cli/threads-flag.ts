import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { MAX_THREADS, defaultThreads, threadsSchema } from '../shared/threads';
import type { Threads } from '../shared/threads';

export interface ThreadsFlags {
  threads?: Threads;
}

/**
 * `--threads N`: how many threads share each batch (shared/threads.ts), every core by
 * default. `note` ends the help line (where the command uses the threads, when not always).
 */
export function addThreadsFlag(command: Command, note?: string): Command {
  return command.option(
    '--threads <n>',
    `threads that share each training batch, 1 to ${MAX_THREADS} (default: every core, ${cliDefaultThreads()} here); with the seed it fixes the weights${note ? `; ${note}` : ''}`,
    (value: string) => {
      const parsed = threadsSchema.safeParse(Number(value));
      if (!parsed.success) throw new InvalidArgumentError(`a whole number from 1 to ${MAX_THREADS}`);
      return parsed.data;
    },
  );
}

export function threadsOf(flags: ThreadsFlags): Threads {
  return flags.threads ?? cliDefaultThreads();
}

const cliDefaultThreads = (): Threads => defaultThreads(availableParallelism(), false);
