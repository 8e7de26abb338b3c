/**
 * The fuzzing campaign (tests/fuzz/) with more inputs than CI tries:
 *
 *   npm run fuzz -- --runs 100000 [--seed 42]
 *
 * --runs N tries N inputs of every kind (IPC requests, HTTP requests, model files,
 * strokes files, PNGs, IDX headers, store states); --seed picks another sequence. A
 * failure prints fast-check's seed and path, which reproduce it.
 */
import { spawnSync } from 'node:child_process';
import { Command, InvalidArgumentError } from 'commander';

const positiveInteger = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
};

const program = new Command('fuzz')
  .description('Run the fuzzing campaign (tests/fuzz) with a chosen number of inputs and seed')
  .option('--runs <n>', 'inputs of every kind to try (default: the CI counts)', positiveInteger)
  .option('--seed <n>', 'fast-check seed (default: the CI seed)', (v) => {
    if (!Number.isInteger(Number(v))) throw new InvalidArgumentError('expected an integer');
    return Number(v);
  })
  .argument('[files...]', 'only these campaign files (default: all of tests/fuzz)')
  .parse();
const flags = program.opts<{ runs?: number; seed?: number }>();
const files = program.args;
const env = { ...process.env };
if (flags.runs !== undefined) env.TEGAKI_FUZZ_RUNS = String(flags.runs);
if (flags.seed !== undefined) env.TEGAKI_FUZZ_SEED = String(flags.seed);
const result = spawnSync(
  'npx',
  ['vitest', 'run', '--project', 'unit', '--testTimeout', String(24 * 3600 * 1000), ...(files.length > 0 ? files : ['tests/fuzz'])],
  { stdio: 'inherit', env },
);
process.exit(result.status ?? 1);
