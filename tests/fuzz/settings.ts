import type { Parameters } from 'fast-check';

/**
 * The campaign's seed and run counts. CI runs the defaults with this fixed seed, so a
 * failure there reproduces on any machine; `npm run fuzz -- --runs N [--seed S]`
 * (scripts/fuzz.ts) sets TEGAKI_FUZZ_RUNS and TEGAKI_FUZZ_SEED for long runs, and
 * fast-check prints the seed and the failing path of any counterexample.
 */
export const FUZZ_SEED = Number(process.env.TEGAKI_FUZZ_SEED ?? 15_08_2025);

const runsOverride = process.env.TEGAKI_FUZZ_RUNS === undefined ? undefined : Number(process.env.TEGAKI_FUZZ_RUNS);

/** How many inputs of one kind to try: the default in CI, or every kind N for `npm run fuzz -- --runs N`. */
export function inputsToTry(defaultCount: number): number {
  return runsOverride ?? defaultCount;
}

/** fast-check's parameters for `numRuns` runs from the campaign's seed. */
export function fuzzParameters(numRuns: number): Parameters<unknown> {
  return { seed: FUZZ_SEED, numRuns, endOnFailure: true };
}

/** A figure for README's Reliability and security section, said in the run's output. */
export function reportFigure(line: string): void {
  console.log(`[fuzz] ${line} (seed ${FUZZ_SEED})`);
}

/** A test's time limit for `inputs` tries at `msPerInput`, never under a minute. */
export function timeLimitFor(inputs: number, msPerInput: number): number {
  return Math.max(60_000, inputs * msPerInput);
}
