import { defineConfig } from 'vitest/config';

// Real-browser tests: Debian Chromium with the built extension, a real Kamailio and real
// SIP.js/JsSIP phones. One file at a time: they share ports, browsers are heavy on 2 cores.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    environment: 'node',
    testTimeout: 90_000,
    hookTimeout: 90_000,
    fileParallelism: false,
    globalSetup: ['test/e2e/global-setup.ts'],
    // A line as each file and test starts, and each result as it comes (browser tests are long).
    reporters: ['verbose', './test/e2e/progress-reporter.ts'],
  },
});
