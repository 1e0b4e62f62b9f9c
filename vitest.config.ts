import { defineConfig } from 'vitest/config';

// Unit tests: node by default (the pure core needs nothing else); DOM tests opt in per file
// with `// @vitest-environment happy-dom`. The crx() plugin is deliberately not loaded here.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/unit/**/*.test.tsx'],
    environment: 'node',
    setupFiles: ['test/unit/setup.ts'],
  },
  // The test build's flag (vite.config.ts): the coach's shadow root is open, as in the browser tests.
  define: { __TEST_BUILD__: 'true' },
  resolve: {
    alias: { 'webextension-polyfill': '@webext-core/fake-browser' },
  },
});
