/**
 * vitest setup: every fast-check property of the suite runs with the seed of test/fuzz-options.ts (fixed by
 * default, `FUZZ_SEED=<n>` or `FUZZ_SEED=random` to explore), so that a run of `npm test` is reproducible and a
 * red CI run replays locally. Properties that pass their own seed (the fuzz tests' `fuzzParameters`) keep it.
 */
import fc from 'fast-check';
import { fuzzSeed } from './fuzz-options.js';

fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: fuzzSeed });
