/**
 * The two arms of every browser A/B: the same Debian Chromium, same flags, one with the built
 * extension loaded and one without. Both stay open for a whole benchmark and are used in
 * alternation (ABBA order), so drift on a noisy shared machine hits both alike.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, CDPSession, Page, Worker } from 'playwright-core';
import { launchPhoneBrowser } from '../../e2e/sip-lab/browsers';

export type ArmName = 'with' | 'without';

export interface Arm {
  name: ArmName;
  context: BrowserContext;
}

/**
 * `ForceEagerMeasureMemory` makes performance.measureUserAgentSpecificMemory() answer at once
 * instead of at the next natural GC (up to 20 s later); it changes nothing else.
 */
const EXTRA_ARGS = ['--enable-blink-features=ForceEagerMeasureMemory'];

/**
 * The build under test: $BENCH_DIST, else the test build `dist-e2e` (same code as the store
 * build, plus loopback host access, which headless Chromium cannot grant at run time), else
 * `dist`. scripts/bench.mjs builds one when none exists and passes it in BENCH_DIST.
 */
export function benchDist(): string {
  const candidates = process.env.BENCH_DIST ? [process.env.BENCH_DIST] : ['dist-e2e', 'dist'];
  for (const c of candidates) {
    const dir = path.resolve(c);
    if (fs.existsSync(path.join(dir, 'manifest.json'))) return dir;
  }
  throw new Error(`no built extension in ${candidates.join(' or ')}: run "npm run bench" (it builds one)`);
}

/** The softphone site the benchmarks serve pages from (any port), for builds that take their sites from the configuration. */
const BENCH_CONFIG = { version: 1, sites: [{ pattern: 'http://127.0.0.1/*', adapter: 'sip-websocket' }] };

async function extensionWorker(context: BrowserContext): Promise<Worker> {
  const found = context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'));
  return found ?? context.waitForEvent('serviceworker', { timeout: 15_000 });
}

/**
 * Gives the extension the bench's site (builds that register their scripts for configured
 * sites) and waits until a fresh page on it gets the page hook (builds with static content
 * scripts have it at once).
 */
async function enableOnLoopback(context: BrowserContext, probeUrl: string): Promise<void> {
  const sw = await extensionWorker(context);
  const errors: string[] = [];
  sw.on('console', (m) => void (m.type() === 'error' || m.type() === 'warning' ? errors.push(m.text()) : undefined));
  await sw.evaluate(async (config) => {
    const c = (globalThis as unknown as { chrome: { storage: { local: { set(items: Record<string, unknown>): Promise<void> } } } }).chrome;
    await c.storage.local.set({ config });
  }, BENCH_CONFIG);
  let tries = 0;
  for (const end = Date.now() + 30_000; Date.now() < end; tries++) {
    const page = await context.newPage();
    try {
      await page.goto(probeUrl);
      if (await hookInstalled(page)) return;
    } finally {
      await page.close();
    }
    await sleep(250);
  }
  const registered = await sw
    .evaluate(async () => {
      const c = (globalThis as unknown as { chrome: { scripting?: { getRegisteredContentScripts(): Promise<{ id: string; matches?: string[] }[]> } } }).chrome;
      return JSON.stringify((await c.scripting?.getRegisteredContentScripts()) ?? 'no scripting API');
    })
    .catch((e: unknown) => String(e));
  throw new Error(
    `the extension (${benchDist()}) never ran on ${probeUrl} after ${tries} page loads; registered scripts: ${registered}; worker errors: ${errors.join(' | ') || 'none'}`,
  );
}

/** `probeUrl`: any page of the bench's server, to check that the extension runs there. */
export async function launchArms(probeUrl: string): Promise<{ arms: Record<ArmName, Arm>; dist: string; close(): Promise<void> }> {
  const dist = benchDist();
  const withExt = await launchPhoneBrowser({ extensionDir: dist, args: EXTRA_ARGS });
  const without = await launchPhoneBrowser({ args: EXTRA_ARGS });
  await enableOnLoopback(withExt, probeUrl);
  return {
    dist,
    arms: { with: { name: 'with', context: withExt }, without: { name: 'without', context: without } },
    close: async () => {
      await Promise.allSettled([withExt.close(), without.close()]);
    },
  };
}

/** One browser with the extension only: for figures that are the extension's alone (the coach's latency). */
export async function launchWithExtension(probeUrl: string): Promise<{ context: BrowserContext; worker: Worker; close(): Promise<void> }> {
  const context = await launchPhoneBrowser({ extensionDir: benchDist(), args: EXTRA_ARGS });
  await enableOnLoopback(context, probeUrl);
  return { context, worker: await extensionWorker(context), close: () => context.close() };
}

/** ABBA: round 0 → with, without; round 1 → without, with; … */
export function abOrder(round: number): ArmName[] {
  return round % 2 === 0 ? ['with', 'without'] : ['without', 'with'];
}

/** True when the extension's MAIN-world hook is installed in this page (it marks the window). */
export function hookInstalled(page: Page): Promise<boolean> {
  return page.evaluate(() => Symbol.for('second-ring.page-hook') in window);
}

export type Metrics = Record<string, number>;

/** CDP Performance.getMetrics as a name → value map (durations in seconds, sizes in bytes). */
export async function getMetrics(cdp: CDPSession): Promise<Metrics> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

/**
 * Waits until the renderer's main thread is idle: TaskDuration grows by less than `epsMs`
 * between two polls `intervalMs` apart (the extension's content script works off the
 * page's path, in later tasks, and must be finished before a figure is read).
 */
export async function waitIdle(cdp: CDPSession, { intervalMs = 150, epsMs = 1, maxMs = 5_000 } = {}): Promise<Metrics> {
  let last = await getMetrics(cdp);
  for (const end = Date.now() + maxMs; Date.now() < end; ) {
    await new Promise((r) => setTimeout(r, intervalMs));
    const now = await getMetrics(cdp);
    if (((now.TaskDuration ?? 0) - (last.TaskDuration ?? 0)) * 1000 < epsMs) return now;
    last = now;
  }
  return last;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
