import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // fast-check's seed for every property: fixed unless FUZZ_SEED says otherwise (test/fuzz-options.ts).
    setupFiles: ['test/fast-check-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores on CI: keep file-level parallelism modest so worker-thread tests are not starved.
    maxWorkers: 2,
  },
});
