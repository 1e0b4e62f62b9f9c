/**
 * For a test that makes the code under test report a problem on purpose: what it writes to one
 * console method during that test is captured (kept out of the run's output, where it would
 * read like a failure) and returned, so the test checks it was said.
 */
import { onTestFinished, vi } from 'vitest';

export function expectedConsole(method: 'error' | 'warn' | 'info'): string[] {
  const lines: string[] = [];
  const spy = vi.spyOn(console, method).mockImplementation((...parts: unknown[]) => {
    lines.push(parts.map((p) => (typeof p === 'string' ? p : p instanceof Error ? p.message : JSON.stringify(p))).join(' '));
  });
  onTestFinished(() => spy.mockRestore());
  return lines;
}
