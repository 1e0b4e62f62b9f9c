/**
 * Helpers for driving the built extension in Chromium: its service worker, stopping and
 * starting it like MV3 idle termination (CDP), its storage, and the nudges it shows on a page.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Locator, Page, Worker } from 'playwright-core';

/** The test build (`vite build --mode e2e`): loopback host access and a fixed id; see vite.config.ts. */
export const DIST = path.resolve(process.env.EXT_DIST ?? 'dist-e2e');

/** The softphone site every coaching test uses: the SIP lab serves its phones on loopback. */
export const LAB_SITES = [{ pattern: 'http://127.0.0.1/*', adapter: 'sip-websocket' }] as const;

export function assertBuilt(dist = DIST): string {
  if (!fs.existsSync(path.join(dist, 'manifest.json'))) {
    throw new Error(`no built extension at ${dist}: run "npx vite build --mode e2e" first (npm test does)`);
  }
  return dist;
}

export async function extensionWorker(context: BrowserContext, timeout = 15_000): Promise<Worker> {
  const found = context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'));
  return found ?? context.waitForEvent('serviceworker', { timeout });
}

/** NB: new URL('chrome-extension://id/x').origin is the string 'null' in Node. */
export const extensionScope = (sw: Worker) => `chrome-extension://${new URL(sw.url()).host}/`;

/** Stop/start the extension's service worker through a page CDP session (ServiceWorker domain). */
export async function serviceWorkerControl(context: BrowserContext, page: Page, scope: string) {
  const cdp = await context.newCDPSession(page);
  const versions = new Map<string, { scriptURL: string; runningStatus: string }>();
  // Every status our worker passed through since `stop` asked: a stopped worker that a message
  // woke again between two polls (a content script's call event, a tab's tick) was stopped all the same.
  const passed = new Set<string>();
  cdp.on('ServiceWorker.workerVersionUpdated', ({ versions: vs }) => {
    for (const v of vs) {
      versions.set(v.versionId, v);
      if (v.scriptURL.startsWith(scope)) passed.add(v.runningStatus);
    }
  });
  await cdp.send('ServiceWorker.enable');
  const status = () =>
    [...versions.values()].filter((v) => v.scriptURL.startsWith(scope)).map((v) => v.runningStatus);
  /** Until `reached()` (polled every 25 ms), else an error naming status `s`. */
  const waitFor = async (s: string, reached: () => boolean, timeout = 5_000) => {
    for (const end = Date.now() + timeout; Date.now() < end; await new Promise((r) => setTimeout(r, 25))) {
      if (reached()) return;
    }
    throw new Error(`service worker never reached '${s}' (now ${status().join(',')})`);
  };
  const waitStatus = (s: string, timeout = 5_000) => waitFor(s, () => status().includes(s), timeout);
  return {
    status,
    waitStatus,
    /** Like MV3 idle termination. Never call worker.evaluate() while it is stopped: it hangs. */
    stop: async () => {
      passed.clear();
      await cdp.send('ServiceWorker.stopAllWorkers');
      await waitFor('stopped', () => passed.has('stopped'));
    },
    start: async () => {
      await cdp.send('ServiceWorker.startWorker', { scopeURL: scope });
      await waitStatus('running');
    },
  };
}

/** Our nudge host on a softphone page; Playwright's CSS locators pierce its open shadow root. */
export const nudges = (page: Page): Locator => page.locator('second-ring-coach .nudge');
export const nudgeFor = (page: Page, ruleId: string): Locator =>
  page.locator(`second-ring-coach .nudge[data-rule="${ruleId}"]`);
export const ringCounter = (page: Page): Locator => page.locator('second-ring-coach .ring');

/** Every nudge the page has shown so far, with its timing, read from a MutationObserver log. */
export async function recordNudges(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const log: { key: string; rule: string; firedAt: number; shownAt: number; text: string }[] = [];
    (window as unknown as { __nudgeLog: typeof log }).__nudgeLog = log;
    const seen = new Set<string>();
    const scan = () => {
      const host = document.querySelector('second-ring-coach');
      host?.shadowRoot?.querySelectorAll<HTMLElement>('.nudge').forEach((el) => {
        const key = el.dataset.key ?? '';
        if (seen.has(key)) return;
        seen.add(key);
        log.push({
          key,
          rule: el.dataset.rule ?? '',
          firedAt: Number(el.dataset.firedAt),
          shownAt: Number(el.dataset.shownAt),
          text: el.textContent ?? '',
        });
      });
    };
    setInterval(scan, 20);
  });
}

export interface LoggedNudge {
  key: string;
  rule: string;
  firedAt: number;
  shownAt: number;
  text: string;
}

export const nudgeLog = (page: Page): Promise<LoggedNudge[]> =>
  page.evaluate(() => (window as unknown as { __nudgeLog?: LoggedNudge[] }).__nudgeLog ?? []);

/** Set the coaching configuration the way the options page will: storage.local `config`. */
/** The slice of `chrome` the tests use inside the worker (functions passed to evaluate run there). */
interface WorkerChrome {
  storage: {
    local: { get(key: string): Promise<Record<string, unknown>>; set(items: Record<string, unknown>): Promise<void> };
  };
  alarms: { getAll(): Promise<{ name: string; scheduledTime: number }[]> };
  scripting: { getRegisteredContentScripts(): Promise<{ id: string; matches?: string[] }[]> };
}

/**
 * Set the team configuration the way the options page does (storage.local `config`), with the
 * lab's site unless the config names its own, and wait until the scripts are registered for
 * those sites: pages loaded after this get the extension.
 */
export async function setConfig(sw: Worker, config: Record<string, unknown>): Promise<void> {
  const value = { sites: LAB_SITES, ...config };
  await sw.evaluate(async (v) => {
    await (globalThis as unknown as { chrome: WorkerChrome }).chrome.storage.local.set({ config: v });
  }, value);
  const patterns = (value.sites as readonly { pattern: string }[]).map((s) => s.pattern).sort();
  for (const end = Date.now() + 10_000; ; await new Promise((r) => setTimeout(r, 50))) {
    const registered = await sw.evaluate(async () => {
      const scripts = await (globalThis as unknown as { chrome: WorkerChrome }).chrome.scripting.getRegisteredContentScripts();
      return scripts.find((s) => s.id === 'second-ring-content')?.matches ?? [];
    });
    if (JSON.stringify([...registered].sort()) === JSON.stringify(patterns)) return;
    if (Date.now() > end) throw new Error(`content scripts registered for [${registered.join(', ')}], expected [${patterns.join(', ')}]`);
  }
}

/**
 * The call records in the history (IndexedDB `second-ring-history`, store `calls`), read in the
 * worker. Opened without a version so as not to upgrade it; a database that does not exist yet
 * is not created (its upgrade is aborted): the extension creates it with its schema.
 */
export async function callLog(sw: Worker): Promise<unknown[]> {
  return historyStore(sw, 'calls');
}

export async function historyStore(sw: Worker, store: 'calls' | 'messages' | 'returnCalls'): Promise<unknown[]> {
  return sw.evaluate(
    (name) =>
      new Promise<unknown[]>((resolve, reject) => {
        const request = indexedDB.open('second-ring-history');
        request.onupgradeneeded = () => request.transaction?.abort();
        request.onerror = () => resolve([]);
        request.onsuccess = () => {
          const db = request.result;
          if (!db.objectStoreNames.contains(name)) {
            db.close();
            resolve([]);
            return;
          }
          const all = db.transaction(name).objectStore(name).getAll();
          all.onsuccess = () => {
            db.close();
            resolve(all.result as unknown[]);
          };
          all.onerror = () => {
            db.close();
            reject(all.error);
          };
        };
      }),
    store,
  );
}

export async function alarms(sw: Worker): Promise<{ name: string; scheduledTime: number }[]> {
  return sw.evaluate(() => (globalThis as unknown as { chrome: WorkerChrome }).chrome.alarms.getAll());
}
