import { defineConfig } from 'vitest/config';
import { longestFirst } from './test/longest-first-sequencer';

/**
 * Files that write a machine-wide Chromium policy (/etc/chromium/policies/managed): every
 * Chromium running meanwhile would load it, so they run alone, after the others.
 */
const MACHINE_POLICY_FILES = ['test/e2e/configuration.e2e.test.ts', 'test/e2e/open-tabs.e2e.test.ts'];

/**
 * The longest files (a few minutes of the coach's timers each), started first so that the two
 * workers end together; the rest follow in vitest's own order (longest last time, or largest).
 */
const LONGEST_FIRST = [
  'test/e2e/practice-evidence.e2e.test.ts',
  'test/e2e/practice.e2e.test.ts',
  'test/e2e/coaching.e2e.test.ts',
  'test/e2e/flood.e2e.test.ts',
  'test/e2e/accessibility.e2e.test.ts',
  'test/e2e/cloud-softphones.e2e.test.ts',
];

// Real-browser tests: Debian Chromium with the built extension, a real Kamailio and real
// SIP.js/JsSIP phones. Each file has its own browsers, Kamailio (a free port) and phone pages,
// and most of a file's time is spent waiting for the coach's timers (rings, hold thresholds),
// so two files run at a time; the files that set a machine-wide policy then run one by one.
export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 90_000,
    hookTimeout: 90_000,
    globalSetup: ['test/e2e/global-setup.ts'],
    sequence: { sequencer: longestFirst(LONGEST_FIRST) },
    // A line as each file and test starts, and each result as it comes (browser tests are long).
    reporters: ['verbose', './test/e2e/progress-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'browsers',
          include: ['test/e2e/**/*.e2e.test.ts'],
          exclude: MACHINE_POLICY_FILES,
          fileParallelism: true,
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'browsers, machine policy',
          include: MACHINE_POLICY_FILES,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
