/**
 * The team lead's side in real Firefox: the options page saves a threshold that reaches a call
 * already on hold; the store build (no host access at install) is given a softphone site from
 * the options page, which asks Firefox for the origin (an optional host permission), and then
 * coaches a call there; and an enterprise policy file read at Firefox's start is applied,
 * locked on the options page, and what breaks the product's schema is reported.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'puppeteer-core';
import type { BrowserContext, Page as ChromiumPage } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hangupAll, launchPhoneBrowser, openPhone } from '../e2e/sip-lab/browsers';
import { startSipLab, type SipLab } from '../e2e/sip-lab/lab';
import {
  DIST,
  extensionProbe,
  geckoId,
  hangupAllFirefox,
  launchFirefox,
  openExtensionPage,
  openFirefoxPhone,
  phoneMark,
  setConfig,
  waitForFirefoxPhoneEvent,
  waitForNudge,
  callRecords,
  type FirefoxSession,
} from './firefox';

/** The Firefox store build (`vite build --mode firefox`): asks for no host at install. */
const STORE_DIST = path.resolve(process.env.EXT_DIST_FIREFOX_STORE ?? 'dist-firefox');
/** Debian's firefox-esr reads this policy file (not /etc/firefox-esr/policies/), at start only. */
const POLICY_FILE = '/etc/firefox/policies/policies.json';
const OPTIONS_PAGE = 'src/ui/options/index.html';

let lab: SipLab;
let callerBrowser: BrowserContext;
let caller: ChromiumPage;

beforeAll(async () => {
  [lab, callerBrowser] = await Promise.all([startSipLab(), launchPhoneBrowser()]);
  caller = await openPhone(callerBrowser, 'jssip', lab.phoneParams('caller-firefox-cfg'));
});

afterAll(async () => {
  await callerBrowser?.close();
  await lab?.stop();
});

/** The caller dials `user` on the Firefox phone page, which answers. */
async function answeredCall(agent: Page, user: string): Promise<void> {
  const mark = await phoneMark(agent);
  await caller.evaluate((target) => window.phone.call(target), `sip:${user}@${lab.sip.domain}`);
  await waitForFirefoxPhoneEvent(agent, 'incoming', mark);
  await agent.evaluate(() => window.phone.answer());
  await waitForFirefoxPhoneEvent(agent, 'confirmed', mark);
}

async function openOptions(session: FirefoxSession): Promise<Page> {
  const options = await openExtensionPage(session.browser, OPTIONS_PAGE);
  await options.waitForSelector('[data-testid="options"]', { timeout: 15_000 });
  return options;
}

const testId = (id: string) => `[data-testid="${id}"]`;

describe('the options page in Firefox', () => {
  it('saves a shorter check-back that reaches a call already on hold', async () => {
    const session = await launchFirefox();
    let agent: Page | undefined;
    try {
      await setConfig(await extensionProbe(session.browser), { version: 1 });
      agent = await openFirefoxPhone(session.browser, 'jssip', lab.phoneParams('agent-firefox-options'));
      await answeredCall(agent, 'agent-firefox-options');
      await agent.evaluate(() => window.phone.hold()); // default check-back: 45 s
      await waitForNudge(agent, 'hold-permission', 5_000);

      const options = await openOptions(session);
      const field = testId('field-rules.hold-check-back.intervalSeconds');
      await options.locator(field).fill('4');
      await expect
        .poll(() => options.$eval(testId('status-rules.hold-check-back.intervalSeconds'), (el) => el.getAttribute('data-state')))
        .toBe('saved');
      const savedAt = Date.now();
      await waitForNudge(agent, 'hold-check-back', 8_000);
      expect(Date.now() - savedAt).toBeLessThan(10_000); // not the 45 s the hold started with
      expect(await options.$eval(field, (el) => (el as HTMLInputElement).value)).toBe('4');
    } finally {
      if (agent) await hangupAllFirefox(agent).catch(() => undefined);
      await hangupAll(caller).catch(() => undefined);
      await session.close();
    }
  });

  it('adds a softphone site to the store build: Firefox grants the origin asked for, and the site is coached', async () => {
    const session = await launchFirefox({ extensionDir: STORE_DIST });
    let agent: Page | undefined;
    try {
      const options = await openOptions(session);
      const hasAccess = () =>
        options.evaluate(() =>
          (globalThis as unknown as { browser: { permissions: { contains(p: { origins: string[] }): Promise<boolean> } } }).browser.permissions.contains({
            origins: ['http://127.0.0.1/*'],
          }),
        );
      expect(await hasAccess()).toBe(false); // the store build holds no host at install
      await options.locator(testId('site-add-pattern')).fill('http://127.0.0.1/*');
      await options.locator(testId('site-add-adapter-sip-websocket')).click();
      await options.locator(testId('site-add-submit')).click(); // a user gesture: permissions.request may run
      await options.waitForSelector(testId('site-added'), { timeout: 10_000 });
      expect(await hasAccess()).toBe(true);
      await options.waitForSelector(`[data-testid="site"][data-pattern="http://127.0.0.1/*"] [data-testid="site-registered"]`, { timeout: 10_000 });

      agent = await openFirefoxPhone(session.browser, 'jssip', lab.phoneParams('agent-firefox-store'));
      await answeredCall(agent, 'agent-firefox-store');
      await agent.evaluate(() => window.phone.hold());
      // The store build's shadow root is closed to the page (README, "What a page can and cannot do"),
      // so what was shown is read from the coach's own record of the call.
      await expect
        .poll(() => agent!.evaluate(() => document.querySelector('second-ring-coach') !== null && document.querySelector('second-ring-coach')?.shadowRoot === null), { timeout: 5_000 })
        .toBe(true);
      await expect
        .poll(
          async () =>
            (await callRecords(options))
              .flatMap((r) => (r.nudges as { ruleId: string; kind: string }[] | undefined) ?? [])
              .find((n) => n.ruleId === 'hold-permission')?.kind,
          { timeout: 5_000 },
        )
        .toBe('question');
    } finally {
      if (agent) await hangupAllFirefox(agent).catch(() => undefined);
      await hangupAll(caller).catch(() => undefined);
      await session.close();
    }
  });
});

describe('an enterprise policy in Firefox', () => {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const policy = {
    language: 'lv',
    region: 'mars',
    rules: { 'hold-check-back': { intervalSeconds: 30, severity: 'loud' } },
  };

  /**
   * As root, the system-wide file Debian's Firefox reads (what was there is put back); otherwise
   * the per-user managed-storage manifest in the profile's HOME, which reaches the same API.
   */
  function writePolicy(): { where: string; home?: (home: string) => void; restore: () => void } {
    if (!root) {
      return {
        where: '$HOME/.mozilla/managed-storage',
        home: (home) => {
          const dir = path.join(home, '.mozilla', 'managed-storage');
          fs.mkdirSync(dir, { recursive: true });
          fs.writeFileSync(path.join(dir, `${geckoId()}.json`), JSON.stringify({ name: geckoId(), type: 'storage', data: policy }));
        },
        restore: () => undefined,
      };
    }
    const before = fs.existsSync(POLICY_FILE) ? fs.readFileSync(POLICY_FILE) : undefined;
    const createdDir = fs.mkdirSync(path.dirname(POLICY_FILE), { recursive: true }); // the first folder it made, if any
    fs.writeFileSync(POLICY_FILE, JSON.stringify({ policies: { '3rdparty': { Extensions: { [geckoId()]: policy } } } }));
    restorePolicy = () => {
      if (before) fs.writeFileSync(POLICY_FILE, before);
      else fs.rmSync(POLICY_FILE, { force: true });
      if (createdDir) fs.rmSync(createdDir, { recursive: true, force: true });
      restorePolicy = () => undefined;
    };
    return { where: POLICY_FILE, restore: () => restorePolicy() };
  }

  it(`is read at start, applied, shown locked, and what breaks the schema is reported (${root ? POLICY_FILE : 'per-user managed storage'})`, async () => {
    const written = writePolicy();
    let session: FirefoxSession | undefined;
    try {
      const startedAt = Date.now();
      session = await launchFirefox({ extensionDir: DIST, prepareHome: written.home });
      // Nothing waits for a policy change that Firefox never sends: the sites are registered at once.
      await setConfig(await extensionProbe(session.browser), { version: 1 });
      expect(Date.now() - startedAt).toBeLessThan(20_000);

      const options = await openOptions(session);
      const field = testId('field-rules.hold-check-back.intervalSeconds');
      await expect.poll(() => options.$eval(field, (el) => (el as HTMLInputElement).value), { timeout: 15_000 }).toBe('30');
      expect(await options.$eval(field, (el) => (el as HTMLInputElement).disabled)).toBe(true);
      expect(await options.$$eval('[data-testid="locked"][data-path="rules.hold-check-back.intervalSeconds"]', (els) => els.length)).toBe(1);
      expect(await options.$eval(testId('options'), (el) => el.getAttribute('data-language'))).toBe('lv');
      const policyErrors = await options.$eval(testId('errors-policy'), (el) => (el as HTMLElement).innerText);
      expect(policyErrors).toContain('region');
      expect(policyErrors).toContain('rules.hold-check-back.severity');
    } finally {
      written.restore();
      await session?.close();
    }
  });
});

let restorePolicy: () => void = () => undefined;
// Keep the machine clean whatever happens above.
process.on('exit', () => restorePolicy());
