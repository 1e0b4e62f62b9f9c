/**
 * Driving Debian's Firefox ESR with the Firefox test build, over WebDriver BiDi (puppeteer-core
 * speaks it to Firefox itself: no driver, no downloaded browser). The extension is installed as
 * a temporary add-on (BiDi `webExtension.install`) and its internal UUID is pinned by a pref, so
 * its pages have a known `moz-extension://` URL. Phones are the SIP lab's pages.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser, type ElementHandle, type Page } from 'puppeteer-core';
import type { PhoneKind, PhoneEvent, CallInfo } from '../sip-lab/phones/phone-common';
import { phoneUrl, type PhoneParams } from '../e2e/sip-lab/browsers';

export const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
/** The Firefox test build (`vite build --mode e2e-firefox`): loopback origins held from the start. */
export const DIST = path.resolve(process.env.EXT_DIST_FIREFOX ?? 'dist-e2e-firefox');
/** Pinned with `extensions.webextensions.uuids`, so extension pages live at a known origin. */
export const EXTENSION_UUID = '5ec0d21a-0000-4000-8000-000000000001';
export const EXTENSION_ORIGIN = `moz-extension://${EXTENSION_UUID}/`;
export const LAB_SITES = [{ pattern: 'http://127.0.0.1/*', adapter: 'sip-websocket' }] as const;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function geckoId(dist = DIST): string {
  const file = path.join(dist, 'manifest.json');
  if (!fs.existsSync(file)) throw new Error(`no Firefox build at ${dist}: run "npx vite build --mode e2e-firefox" first (npm test does)`);
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as { browser_specific_settings?: { gecko?: { id?: string } } };
  const id = manifest.browser_specific_settings?.gecko?.id;
  if (!id) throw new Error(`${file} has no browser_specific_settings.gecko.id`);
  return id;
}

export interface FirefoxSession {
  browser: Browser;
  /** The profile's HOME (per launch, removed on close). */
  home: string;
  close(): Promise<void>;
}

export interface LaunchFirefoxOptions {
  /** Install the extension from this build (default: the Firefox test build). false: none. */
  extensionDir?: string | false;
  prefs?: Record<string, string | number | boolean>;
  /** Called with the fresh HOME before Firefox starts (a managed-storage file, say). */
  prepareHome?: (home: string) => void;
}

export async function launchFirefox(options: LaunchFirefoxOptions = {}): Promise<FirefoxSession> {
  if (!fs.existsSync(FIREFOX)) throw new Error(`Firefox not found at ${FIREFOX} (apt-get install -y firefox-esr, or set FIREFOX_PATH)`);
  const dist = options.extensionDir === false ? undefined : path.resolve(options.extensionDir ?? DIST);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'second-ring-firefox-home-'));
  options.prepareHome?.(home);
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    args: ['--remote-allow-system-access'], // moz-extension:// pages can be opened and evaluated
    env: { ...process.env, HOME: home },
    extraPrefsFirefox: {
      ...(dist ? { 'extensions.webextensions.uuids': JSON.stringify({ [geckoId(dist)]: EXTENSION_UUID }) } : {}),
      'extensions.webextOptionalPermissionPrompts': false,
      // The phones: a fake microphone, no prompt, and ICE over loopback to the caller's browser.
      'media.navigator.streams.fake': true,
      'media.navigator.permission.disabled': true,
      'media.peerconnection.ice.loopback': true,
      'media.peerconnection.ice.obfuscate_host_addresses': false,
      'media.autoplay.default': 0,
      ...options.prefs,
    },
  });
  const close = async () => {
    await browser.close().catch(() => undefined);
    fs.rmSync(home, { recursive: true, force: true });
  };
  try {
    if (dist) await browser.installExtension(dist);
  } catch (error) {
    await close();
    throw error;
  }
  return { browser, home, close };
}

/**
 * Opens one of the extension's pages. BiDi reports no load events for `moz-extension:` pages,
 * so the navigation is not awaited; the page is ready when its document is complete.
 */
export async function openExtensionPage(browser: Browser, pagePath: string, timeoutMs = 15_000): Promise<Page> {
  const page = await browser.newPage();
  page.goto(`${EXTENSION_ORIGIN}${pagePath}`, { timeout: 1 }).catch(() => undefined);
  for (const end = Date.now() + timeoutMs; ; await sleep(50)) {
    const ready = await page
      .evaluate(() => location.protocol === 'moz-extension:' && document.readyState === 'complete')
      .catch(() => false);
    if (ready) return page;
    if (Date.now() > end) throw new Error(`extension page ${pagePath} did not load`);
  }
}

/** A page of the extension that stays open to reach its storage and history from the tests. */
export async function extensionProbe(browser: Browser): Promise<Page> {
  return openExtensionPage(browser, 'src/ui/popup/index.html');
}

interface ExtensionGlobal {
  browser: {
    storage: { local: { set(items: Record<string, unknown>): Promise<void> } };
    scripting: { getRegisteredContentScripts(): Promise<{ id: string; matches?: string[] }[]> };
  };
}

/**
 * Sets the team configuration the way the options page does (storage.local `config`), with the
 * lab's site unless the config names its own, and waits until the scripts are registered.
 */
export async function setConfig(probe: Page, config: Record<string, unknown>): Promise<void> {
  const value = { sites: LAB_SITES, ...config };
  await probe.evaluate(async (v) => {
    await (globalThis as unknown as ExtensionGlobal).browser.storage.local.set({ config: v });
  }, value);
  const patterns = (value.sites as readonly { pattern: string }[]).map((s) => s.pattern).sort();
  for (const end = Date.now() + 10_000; ; await sleep(50)) {
    const registered = await probe.evaluate(async () => {
      const scripts = await (globalThis as unknown as ExtensionGlobal).browser.scripting.getRegisteredContentScripts();
      return scripts.find((s) => s.id === 'second-ring-content')?.matches ?? [];
    });
    if (JSON.stringify([...registered].sort()) === JSON.stringify(patterns)) return;
    if (Date.now() > end) throw new Error(`content scripts registered for [${registered.join(', ')}], expected [${patterns.join(', ')}]`);
  }
}

/** The call records in the history (IndexedDB, same origin as the probe page); never creates it. */
export async function callRecords(probe: Page): Promise<{ callId: string; [key: string]: unknown }[]> {
  return probe.evaluate(
    () =>
      new Promise<{ callId: string }[]>((resolve, reject) => {
        const request = indexedDB.open('second-ring-history');
        request.onupgradeneeded = () => request.transaction?.abort();
        request.onerror = () => resolve([]);
        request.onsuccess = () => {
          const db = request.result;
          if (!db.objectStoreNames.contains('calls')) {
            db.close();
            resolve([]);
            return;
          }
          const all = db.transaction('calls').objectStore('calls').getAll();
          all.onsuccess = () => {
            db.close();
            resolve(all.result as { callId: string }[]);
          };
          all.onerror = () => {
            db.close();
            reject(all.error);
          };
        };
      }),
  );
}

// ---- the SIP lab's phone pages, driven through puppeteer ----------------------------------

/** Opens a phone page in Firefox, waits for `window.phone` and registers it. */
export async function openFirefoxPhone(browser: Browser, kind: PhoneKind, params: PhoneParams, timeoutMs = 15_000): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(phoneUrl(kind, params));
  await page.waitForFunction(() => document.body.dataset.ready === 'true' || document.body.dataset.ready === 'error', { timeout: timeoutMs, polling: 50 });
  if ((await page.evaluate(() => document.body.dataset.ready)) !== 'true') throw new Error(`phone page ${kind} reported an error`);
  await page.evaluate(() => window.phone.register());
  return page;
}

export const phoneMark = (page: Page): Promise<number> => page.evaluate(() => window.phone.eventLog.length);

export async function waitForFirefoxPhoneEvent(page: Page, name: string, since: number, timeoutMs = 10_000): Promise<PhoneEvent> {
  const handle = await page.waitForFunction(
    (n: string, s: number) => window.phone.eventLog.slice(s).find((e) => e.name === n) ?? false,
    { timeout: timeoutMs, polling: 50 },
    name,
    since,
  );
  return (await handle.jsonValue()) as PhoneEvent;
}

export const firefoxPhoneCalls = (page: Page): Promise<CallInfo[]> => page.evaluate(() => window.phone.state().calls);

/** Hangs up every live call of a Firefox phone page (test clean-up). */
export async function hangupAllFirefox(page: Page): Promise<void> {
  await page.evaluate(async () => {
    for (const call of window.phone.state().calls) {
      if (call.status !== 'ended' && call.status !== 'failed') await window.phone.hangup(call.id).catch(() => undefined);
    }
  });
}

// ---- nudges on a page: our host's open shadow root ----------------------------------------

export interface ShownNudge {
  key: string;
  rule: string;
  kind: string;
  text: string;
}

/** The nudges the page shows now. */
export function shownNudges(page: Page): Promise<ShownNudge[]> {
  return page.evaluate(() =>
    [...(document.querySelector('second-ring-coach')?.shadowRoot?.querySelectorAll<HTMLElement>('.nudge') ?? [])].map((el) => ({
      key: el.dataset.key ?? '',
      rule: el.dataset.rule ?? '',
      kind: el.dataset.kind ?? '',
      text: el.textContent ?? '',
    })),
  );
}

/** Every nudge key the page has shown since `watchNudges`, in order (a MutationObserver log). */
export async function watchNudges(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __seenNudges?: string[] };
    if (w.__seenNudges) return;
    const seen: string[] = (w.__seenNudges = []);
    const scan = () => {
      document
        .querySelector('second-ring-coach')
        ?.shadowRoot?.querySelectorAll<HTMLElement>('.nudge')
        .forEach((el) => {
          const key = el.dataset.key ?? '';
          if (!seen.includes(key)) seen.push(key);
        });
    };
    setInterval(scan, 20);
  });
}

export const seenNudges = (page: Page): Promise<string[]> =>
  page.evaluate(() => (window as unknown as { __seenNudges?: string[] }).__seenNudges ?? []);

export async function waitForNudge(page: Page, rule: string, timeoutMs: number): Promise<ShownNudge> {
  for (const end = Date.now() + timeoutMs; ; await sleep(50)) {
    const found = (await shownNudges(page)).find((n) => n.rule === rule);
    if (found) return found;
    if (Date.now() > end) throw new Error(`no '${rule}' nudge within ${timeoutMs} ms; shown: ${JSON.stringify(await shownNudges(page))}`);
  }
}

/** Clicks an element inside our shadow root (a real click: the page gets a trusted event). */
export async function clickInNudges(page: Page, selector: string): Promise<void> {
  const handle = await page.evaluateHandle(
    (s: string) => document.querySelector('second-ring-coach')?.shadowRoot?.querySelector(s) ?? null,
    selector,
  );
  const element = handle.asElement();
  if (!element) throw new Error(`nothing matches ${selector} in the nudges`);
  await (element as ElementHandle<Element>).click();
}
