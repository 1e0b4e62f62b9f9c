import { defineConfig } from 'vitest/config';

// Diagnostics of the benchmarks (not part of npm run bench): npx vitest run -c test/bench/diag/vitest.diag.config.ts
export default defineConfig({
  test: { include: ['test/bench/diag/*.diag.test.ts'], environment: 'node', testTimeout: 1_800_000, hookTimeout: 120_000, pool: 'forks' },
});
