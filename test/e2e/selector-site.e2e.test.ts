/**
 * A team lead adds an in-house softphone as a site with the selector adapter: the extension
 * starts there only from the tab's next load (registered scripts), and then coaches the page's
 * plain buttons: a missed call, the hold and transfer reminders as the agent reaches for the
 * buttons, and the closing checklist as the agent reaches for Hang up.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page, Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchPhoneBrowser } from './sip-lab/browsers';
import { startStaticServer, type StaticServer } from './sip-lab/static-server';
import { assertBuilt, extensionWorker, LAB_SITES, nudgeFor, nudges, setConfig } from './extension';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const SELECTOR_SITE = {
  pattern: 'http://localhost/*',
  adapter: 'selectors',
  selectors: {
    ringing: '.incoming-call',
    answer: '[data-action="answer"]',
    hold: '[data-action="hold"]',
    resume: '[data-action="resume"]',
    transfer: '[data-action="transfer"]',
    hangup: '[data-action="hangup"]',
  },
};

let browser: BrowserContext;
let sw: Worker;
let server: StaticServer;
let page: Page;
const url = () => `http://localhost:${server.port}/selector-phone.html`;

beforeAll(async () => {
  [browser, server] = await Promise.all([launchPhoneBrowser({ extensionDir: assertBuilt() }), startStaticServer(FIXTURES)]);
  sw = await extensionWorker(browser);
  await setConfig(sw, { version: 1 });
  page = await browser.newPage();
  await page.goto(url());
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('an in-house softphone watched through selectors', () => {
  it('is not touched before it is a site, and coached in the open tab as soon as it becomes one, and after its next load', async () => {
    await page.evaluate(() => (window as unknown as { ring(): void }).ring());
    await page.evaluate(() => (window as unknown as { callerGivesUp(): void }).callerGivesUp());
    await page.waitForTimeout(1_000);
    expect(await nudges(page).count()).toBe(0);

    // Once a site, the open tab is coached at once (issue 13: injected, no reload needed)…
    await setConfig(sw, { version: 1, sites: [...LAB_SITES, SELECTOR_SITE] });
    await page.waitForTimeout(500);
    await page.evaluate(() => (window as unknown as { ring(): void }).ring());
    await page.waitForTimeout(300);
    await page.evaluate(() => (window as unknown as { callerGivesUp(): void }).callerGivesUp());
    await nudgeFor(page, 'missed-call').waitFor({ timeout: 5_000 });
    expect(await nudges(page).count()).toBe(1);

    // …and after its next load.
    await page.reload();
    await page.evaluate(() => (window as unknown as { ring(): void }).ring());
    await page.waitForTimeout(300);
    await page.evaluate(() => (window as unknown as { callerGivesUp(): void }).callerGivesUp());
    await nudgeFor(page, 'missed-call').waitFor({ timeout: 5_000 });
  });

  it('reminds before hold and transfer as the agent clicks them, and shows the closing checklist on Hang up', async () => {
    await page.evaluate(() => (window as unknown as { ring(): void }).ring());
    await page.waitForTimeout(300);
    await page.click('[data-action="answer"]');
    await page.click('[data-action="hold"]');
    const hold = nudgeFor(page, 'hold-permission');
    await hold.waitFor({ timeout: 5_000 });
    expect(await hold.getAttribute('data-kind')).toBe('toast'); // a reminder, not a question: the click came first
    await page.click('[data-action="resume"]');
    await page.click('[data-action="transfer"]');
    await nudgeFor(page, 'transfer-permission').waitFor({ timeout: 5_000 });
    await page.click('[data-action="hangup"]');
    const closing = nudgeFor(page, 'closing');
    await closing.waitFor({ timeout: 5_000 });
    expect(await closing.textContent()).toMatch(/Closing the call — tick what you did/);
  });
});
