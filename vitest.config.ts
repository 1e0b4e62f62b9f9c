import { defineConfig } from 'vitest/config';
import { longestFirst } from './test/longest-first-sequencer';

// Unit tests: node by default (the pure core needs nothing else); DOM tests opt in per file
// with `// @vitest-environment happy-dom`. The crx() plugin is deliberately not loaded here.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/unit/**/*.test.tsx'],
    environment: 'node',
    setupFiles: ['test/unit/setup.ts'],
    // The two longest files (the flood of 20,000 events, the worker stopped at every await) first,
    // so that with two workers (npm test) they do not end up last.
    sequence: { sequencer: longestFirst(['test/unit/background/coach-flood.test.ts', 'test/unit/background/worker-stop.test.ts']) },
  },
  // The test build's flag (vite.config.ts): the coach's shadow root is open, as in the browser tests.
  define: { __TEST_BUILD__: 'true' },
  resolve: {
    alias: { 'webextension-polyfill': '@webext-core/fake-browser' },
  },
});
