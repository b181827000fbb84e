/**
 * Run counts and seeds of the hostile-input fuzz tests (docs/reliability.md, "Hostile input").
 *
 * By default every property runs with a fixed seed, a few hundred runs and a time limit, so that the suite is
 * reproducible and fast. Two environment variables make deeper runs possible locally:
 *
 * - `FUZZ_SEED=<integer>` runs every property with that seed instead (`FUZZ_SEED=random` picks one and prints it);
 * - `FUZZ_RUNS=<n>` runs every property n times and lifts the time limit, e.g.
 *   `FUZZ_RUNS=100000 FUZZ_SEED=random npx vitest run test/sql/fuzz-statements.test.ts`.
 *
 * A failure prints fast-check's seed, path and shrunk counterexample; `FUZZ_SEED` plus fast-check's `path`
 * replays it. When the process itself dies (out of memory, a native crash) there is no counterexample: then
 * `FUZZ_TRACE=<file>` appends every input to the file before it runs, and the file's last line is the culprit.
 */
import { appendFileSync } from 'node:fs';
import type fc from 'fast-check';

const defaultSeed = 20261122;
/** Wall-clock budget of one property in a default run: it stops early (and passes) when the budget is spent. */
const defaultTimeLimitMilliseconds = 3000;

function seedFromEnvironment(): number {
  const text = process.env.FUZZ_SEED;
  if (text === undefined || text === '') return defaultSeed;
  if (text === 'random') {
    const seed = Math.floor(Math.random() * 0x7fffffff);
    console.log(`FUZZ_SEED=${seed}`);
    return seed;
  }
  const seed = Number(text);
  if (!Number.isSafeInteger(seed)) throw new Error(`FUZZ_SEED must be an integer or "random", not ${JSON.stringify(text)}`);
  return seed;
}

function runsFromEnvironment(): number | undefined {
  const text = process.env.FUZZ_RUNS;
  if (text === undefined || text === '') return undefined;
  const runs = Number(text);
  if (!Number.isSafeInteger(runs) || runs < 1) throw new Error(`FUZZ_RUNS must be a positive integer, not ${JSON.stringify(text)}`);
  return runs;
}

export const fuzzSeed = seedFromEnvironment();
const fuzzRuns = runsFromEnvironment();

/** True when FUZZ_RUNS asks for a deep run (tests may then also widen their inputs). */
export const deepFuzzing = fuzzRuns !== undefined;

/**
 * fast-check parameters of one property: `runs` runs (FUZZ_RUNS overrides) with the run's seed offset by `salt`,
 * so that properties of one file do not all draw the same values.
 */
export function fuzzParameters<Values>(runs: number, salt: number): fc.Parameters<Values> {
  return {
    seed: (fuzzSeed + salt * 7919) | 0,
    numRuns: fuzzRuns ?? runs,
    ...(fuzzRuns === undefined ? { interruptAfterTimeLimit: defaultTimeLimitMilliseconds } : {}),
  };
}

/** A per-test timeout for vitest that leaves room for the property's time limit, or none in a deep run. */
export const fuzzTestTimeout = deepFuzzing ? 24 * 60 * 60 * 1000 : 60_000;

const traceFile = process.env.FUZZ_TRACE;

/** Appends `input` to the FUZZ_TRACE file, if one is set (synchronously: the next step may kill the process). */
export function traceInput(input: string): void {
  if (traceFile !== undefined && traceFile !== '') appendFileSync(traceFile, `${JSON.stringify(input)}\n`);
}
