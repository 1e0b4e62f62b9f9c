import { defineConfig } from 'vitest/config';

// Real-Firefox tests: Debian's firefox-esr with the Firefox test build, driven over WebDriver
// BiDi (puppeteer-core), a real Kamailio and the SIP lab's phones. One file at a time: they
// share ports, and browsers are heavy on 2 cores.
export default defineConfig({
  test: {
    include: ['test/e2e-firefox/**/*.firefox.test.ts'],
    environment: 'node',
    testTimeout: 90_000,
    hookTimeout: 90_000,
    fileParallelism: false,
    globalSetup: ['test/e2e-firefox/global-setup.ts'],
  },
});
