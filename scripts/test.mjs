#!/usr/bin/env node
// `npm test`: everything that must hold before main moves, in one command, on a fresh machine.
// Set-up, type-check, lint, unit tests, the extension build with its size budget, and the
// real-browser tests (Debian Chromium with the built extension, a real Kamailio, real SIP.js
// and JsSIP phones), then the same in Debian's Firefox ESR: the Firefox build, `web-ext lint` on
// it, and the Firefox tests. Ends with one line "N passed, N failed" over all test runs.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

const results = [];
function run(label, command, args, { optional = false } = {}) {
  const started = Date.now();
  console.log(`\n▶ ${label}: ${command} ${args.join(' ')}`);
  const { status } = spawnSync(command, args, { stdio: 'inherit', env: process.env });
  console.log(`◀ ${label}: ${status === 0 ? 'ok' : `failed (exit ${status})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (status !== 0 && !optional) finish(status ?? 1);
}

function count(file) {
  try {
    const report = JSON.parse(fs.readFileSync(file, 'utf8'));
    return { passed: report.numPassedTests ?? 0, failed: report.numFailedTests ?? 0, skipped: report.numPendingTests ?? 0 };
  } catch {
    return { passed: 0, failed: 0, skipped: 0 };
  }
}

function finish(code) {
  const totals = results.map(count).reduce(
    (a, b) => ({ passed: a.passed + b.passed, failed: a.failed + b.failed, skipped: a.skipped + b.skipped }),
    { passed: 0, failed: 0, skipped: 0 },
  );
  if (code !== 0 && totals.failed === 0) totals.failed = 1; // a step failed outside the test runners
  console.log(`\n${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
  process.exit(code);
}

fs.rmSync('test-results', { recursive: true, force: true });
fs.mkdirSync('test-results', { recursive: true });
run('set-up', 'bash', ['scripts/setup.sh']);
run('type-check', 'npx', ['tsc', '--noEmit']);
run('lint', 'npx', ['eslint', '.']);
results.push('test-results/unit.json');
// Two workers, one a core: the unit tests are CPU-bound and vitest's default here is one.
run('unit tests', 'npx', ['vitest', 'run', '--maxWorkers=2', '--reporter=default', '--reporter=json', '--outputFile.json=test-results/unit.json']);
run('build', 'npx', ['vite', 'build', '--logLevel', 'warn']);
run('size budget', 'node', ['scripts/check-build.mjs']);
run('test build', 'npx', ['vite', 'build', '--mode', 'e2e', '--logLevel', 'warn']);
results.push('test-results/e2e.json');
run('browser tests', 'npx', ['vitest', 'run', '-c', 'vitest.e2e.config.ts', '--reporter=verbose', '--reporter=./test/e2e/progress-reporter.ts', '--reporter=json', '--outputFile.json=test-results/e2e.json']);
// Firefox: the same source built for it, linted as AMO would (0 errors), and tested in firefox-esr.
run('Firefox build', 'npx', ['vite', 'build', '--mode', 'firefox', '--logLevel', 'warn']);
run('Firefox size budget', 'node', ['scripts/check-build.mjs', 'dist-firefox']);
run('Firefox lint', 'npx', ['web-ext', 'lint', '--source-dir', 'dist-firefox', '--no-input']);
run('Firefox test build', 'npx', ['vite', 'build', '--mode', 'e2e-firefox', '--logLevel', 'warn']);
results.push('test-results/firefox.json');
run('Firefox tests', 'npx', ['vitest', 'run', '-c', 'vitest.firefox.config.ts', '--reporter=default', '--reporter=json', '--outputFile.json=test-results/firefox.json']);
finish(0);
