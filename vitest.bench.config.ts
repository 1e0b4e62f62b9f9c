import { defineConfig } from 'vitest/config';

// `npm run bench` (scripts/bench.mjs): the benchmarks of quality-bar.md. One file at a time
// (browsers are heavy on 2 cores and A/B figures need a quiet machine), one fork, long
// timeouts. The files measure and write their figures; scripts/bench.mjs decides.
export default defineConfig({
  test: {
    include: ['test/bench/**/*.bench.test.ts'],
    environment: 'node',
    testTimeout: 240_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
