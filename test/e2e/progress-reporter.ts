/**
 * Progress of the browser tests as they run: a line when a file starts (its set-up launches
 * browsers and a SIP server), one when each test starts, with the time since the run began.
 * The verbose reporter beside it prints each result as it comes; together nothing stays silent
 * for the length of a test.
 */
import path from 'node:path';
import type { Reporter, TestCase, TestModule } from 'vitest/node';

export default class ProgressReporter implements Reporter {
  private readonly started = Date.now();

  private stamp(): string {
    return `[${((Date.now() - this.started) / 1000).toFixed(0).padStart(4)} s]`;
  }

  onTestModuleStart(module: TestModule): void {
    process.stdout.write(`${this.stamp()} ▶ ${path.relative(process.cwd(), module.moduleId)}: setting up\n`);
  }

  onTestCaseReady(test: TestCase): void {
    process.stdout.write(`${this.stamp()}   … ${test.fullName}\n`);
  }
}
