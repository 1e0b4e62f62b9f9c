/**
 * The team lead's side in a real browser: the options page changes the coaching of a call in
 * progress, adds a softphone site (scripts start on its next load), refuses a bad rule pack
 * while the configuration in force keeps working, shows itself in Latvian; and an enterprise
 * policy file in Debian Chromium's managed-policy folder is applied, locked on the page, and
 * what breaks the schema is reported.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page, Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hangupAll, launchPhoneBrowser, openPhone, phoneEventMark, waitForPhoneEvent } from './sip-lab/browsers';
import { startSipLab, type SipLab } from './sip-lab/lab';
import { startStaticServer, type StaticServer } from './sip-lab/static-server';
import { assertBuilt, extensionScope, extensionWorker, nudgeFor, setConfig } from './extension';
import testKey from './test-extension-key.json' with { type: 'json' };

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const POLICY_DIR = '/etc/chromium/policies/managed';
const POLICY_FILE = path.join(POLICY_DIR, 'second-ring-e2e-test.json');

let lab: SipLab;
let fixtures: StaticServer;
let agentBrowser: BrowserContext;
let callerBrowser: BrowserContext;
let sw: Worker;

beforeAll(async () => {
  const dist = assertBuilt();
  [lab, fixtures, agentBrowser, callerBrowser] = await Promise.all([
    startSipLab(),
    startStaticServer(FIXTURES),
    launchPhoneBrowser({ extensionDir: dist }),
    launchPhoneBrowser(),
  ]);
  sw = await extensionWorker(agentBrowser);
  await setConfig(sw, { version: 1 });
});

afterAll(async () => {
  await Promise.allSettled([agentBrowser?.close(), callerBrowser?.close()]);
  await Promise.allSettled([lab?.stop(), fixtures?.close()]);
});

async function openOptions(context: BrowserContext, worker: Worker): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${extensionScope(worker)}src/ui/options/index.html`);
  await page.getByTestId('options').waitFor();
  return page;
}

describe('the options page', () => {
  it('changes the check-back of a call already on hold', async () => {
    const agent = await openPhone(agentBrowser, 'jssip', lab.phoneParams('agent-cfg'));
    const caller = await openPhone(callerBrowser, 'jssip', lab.phoneParams('caller-cfg'));
    const mark = await phoneEventMark(agent);
    await caller.evaluate((target) => window.phone.call(target), `sip:agent-cfg@${lab.sip.domain}`);
    await waitForPhoneEvent(agent, 'incoming', 10_000, { since: mark });
    await agent.evaluate(() => window.phone.answer());
    await waitForPhoneEvent(agent, 'confirmed', 10_000, { since: mark });
    await agent.evaluate(() => window.phone.hold()); // default check-back: 45 s
    await nudgeFor(agent, 'hold-permission').waitFor({ timeout: 5_000 });

    const options = await openOptions(agentBrowser, sw);
    const interval = options.getByTestId('field-rules.hold-check-back.intervalSeconds');
    await interval.fill('4');
    await expect.poll(() => options.getByTestId('status-rules.hold-check-back.intervalSeconds').getAttribute('data-state')).toBe('saved');
    const changedAt = Date.now();
    await nudgeFor(agent, 'hold-check-back').waitFor({ timeout: 8_000 });
    expect(Date.now() - changedAt).toBeLessThan(10_000); // not the 45 s the hold started with

    // A broken rule pack is refused with its errors; the configuration in force stays.
    await options.getByTestId('import-file').setInputFiles({
      name: 'broken.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify({ rules: { 'hold-check-back': { intervalSeconds: -1 } }, colour: 'red' })),
    });
    await expect.poll(() => options.getByTestId('import-result').getAttribute('data-state')).toBe('refused');
    const paths = await options.getByTestId('import-errors').locator('[data-path]').evaluateAll((items) =>
      items.map((i) => i.getAttribute('data-path')).sort(),
    );
    // Each bad value with its path, and the pack's own reason (nothing left to import) at its root.
    expect(paths).toEqual(['', 'colour', 'rules.hold-check-back.intervalSeconds']);
    await expect.poll(() => interval.inputValue()).toBe('4');
    // And the coaching goes on with it: the next check-back comes on the 4 s grid (within 4.5 s).
    await expect
      .poll(() => agent.locator('second-ring-coach .nudge[data-rule="hold-check-back"]').getAttribute('data-key'), { timeout: 4_500, interval: 100 })
      .toMatch(/hold-check-back\|[2-9]$/);

    await options.close();
    await Promise.allSettled([hangupAll(agent), hangupAll(caller)]);
    await Promise.all([agent.close(), caller.close()]);
    await setConfig(sw, { version: 1 });
  });

  it('adds a softphone site whose scripts start at once in its open tabs, and on their next load', async () => {
    const phone = await agentBrowser.newPage();
    const url = `http://localhost:${fixtures.port}/selector-phone.html`;
    await phone.goto(url);
    const options = await openOptions(agentBrowser, sw);
    await options.getByTestId('site-add-pattern').fill('http://localhost/*');
    await options.getByTestId('site-add-adapter-selectors').check();
    await options.getByTestId('site-add-selector-ringing').fill('.incoming-call');
    await options.getByTestId('site-add-selector-answer').fill('[data-action="answer"]');
    await options.getByTestId('site-add-selector-hold').fill('[data-action="hold"]');
    await options.getByTestId('site-add-submit').click();
    await options.getByTestId('site-added').waitFor({ timeout: 10_000 });
    await expect
      .poll(() => options.locator('[data-testid="site"][data-pattern="http://localhost/*"] [data-testid="site-registered"]').count())
      .toBeGreaterThan(0);

    // Already on the open tab (issue 13: the scripts are injected into it, no reload needed)…
    await phone.evaluate(() => (window as unknown as { ring(): void }).ring());
    await phone.waitForTimeout(300);
    await phone.evaluate(() => (window as unknown as { callerGivesUp(): void }).callerGivesUp());
    await nudgeFor(phone, 'missed-call').waitFor({ timeout: 5_000 });
    expect(await phone.locator('second-ring-coach .nudge[data-rule="missed-call"]').count()).toBe(1);
    // …and still after a reload, which the page offers.
    const reloaded = phone.waitForEvent('load');
    await options.getByTestId('site-reload-tabs').click();
    await reloaded;
    await phone.evaluate(() => (window as unknown as { ring(): void }).ring());
    await phone.waitForTimeout(300);
    await phone.evaluate(() => (window as unknown as { callerGivesUp(): void }).callerGivesUp());
    await nudgeFor(phone, 'missed-call').waitFor({ timeout: 5_000 });

    // "Test these selectors on this tab" reports what each selector matches there.
    await phone.evaluate(() => (window as unknown as { ring(): void }).ring());
    await options.getByTestId('selector-find-tabs').first().click();
    await options.getByTestId('selector-tab').first().click();
    await options.getByTestId('selector-run').first().click();
    const results = options.getByTestId('selector-results').first();
    await results.waitFor();
    await expect.poll(() => results.locator('[data-selector="ringing"]').textContent()).toMatch(/1/);
    await Promise.all([phone.close(), options.close()]);
    await setConfig(sw, { version: 1 });
  });

  it('imports a rule pack only once the team lead chooses merge or replace, naming the sites that would lose access', async () => {
    type Local = { storage: { local: { get(k: string[]): Promise<Record<string, unknown>>; set(v: unknown): Promise<void> } } };
    const siteA = { pattern: 'https://a.example.com/*', adapter: 'sip-websocket' };
    const siteB = { pattern: 'https://b.example.com/*', adapter: 'sip-websocket' };
    const stored = () =>
      sw.evaluate(() => (globalThis as unknown as { chrome: Local }).chrome.storage.local.get(['config', 'config/last-valid']));
    await sw.evaluate(async (config) => {
      await (globalThis as unknown as { chrome: Local }).chrome.storage.local.set({ config, 'config/last-valid': config });
    }, { version: 1, organization: 'Acme', sites: [siteA] });
    const options = await openOptions(agentBrowser, sw);
    const importFile = (name: string, pack: unknown) =>
      options.getByTestId('import-file').setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(typeof pack === 'string' ? pack : JSON.stringify(pack)) });

    // Empty or meaningless packs and a whole top-level domain as a site are refused, with the reason.
    for (const [pack, reason] of [
      ['{"rules":[]}', /not a list/],
      ['{}', /sets nothing/],
      [{ sites: [{ pattern: 'https://*.com/*', adapter: 'sip-websocket' }] }, /top-level domain/],
    ] as const) {
      await importFile('bad.json', pack);
      await expect.poll(() => options.getByTestId('import-result').getAttribute('data-state')).toBe('refused');
      expect(await options.getByTestId('import-errors').textContent()).toMatch(reason);
    }

    const pack = { organization: 'Beta', sites: [siteB], colour: 'red', texts: { en: { 'hold-check-back.nudge': 5 } } };
    await importFile('team.json', pack);
    await options.getByTestId('import-choose').waitFor();
    // Asked, and nothing changed yet.
    expect((await stored()).config).toEqual({ version: 1, organization: 'Acme', sites: [siteA] });
    const dropped = await options.getByTestId('import-dropped').locator('li').evaluateAll((items) => items.map((i) => JSON.parse(i.getAttribute('data-keys') ?? 'null')));
    expect(dropped).toEqual(expect.arrayContaining([['colour'], ['texts', 'en', 'hold-check-back.nudge']]));
    expect(await options.getByTestId('import-lose-merge').getAttribute('data-count')).toBe('0');
    const losing = await options.getByTestId('import-lose-replace').locator('li').evaluateAll((items) => items.map((i) => i.getAttribute('data-pattern')));
    expect(losing).toEqual([siteA.pattern]);
    await options.screenshot({ path: 'test-results/import-dialog.png', fullPage: true });

    await options.getByTestId('import-replace').click();
    await expect.poll(() => options.getByTestId('import-result').getAttribute('data-state')).toBe('imported');
    const after = await stored();
    expect(after.config).toEqual({ organization: 'Beta', sites: [siteB], texts: { en: {} } });
    expect(after['config/last-valid']).toEqual(after.config);
    await expect.poll(() => options.getByTestId('field-organization').inputValue()).toBe('Beta');

    // And merging keeps what the pack does not set, its sites joining.
    await importFile('more.json', { region: 'uk', sites: [siteA] });
    await options.getByTestId('import-merge').click();
    await expect.poll(async () => (await stored()).config).toEqual({ organization: 'Beta', region: 'uk', sites: [siteB, siteA], texts: { en: {} } });

    await options.close();
    await setConfig(sw, { version: 1 });
  });

  it('keeps the last valid configuration and its site registrations when the stored one fails validation, and says why', async () => {
    type Chrome = {
      storage: { local: { set(v: unknown): Promise<void>; remove(k: string): Promise<void> } };
      scripting: { getRegisteredContentScripts(): Promise<{ id: string; matches?: string[] }[]> };
    };
    const registered = () =>
      sw.evaluate(async () => {
        const scripts = await (globalThis as unknown as { chrome: Chrome }).chrome.scripting.getRegisteredContentScripts();
        return scripts.find((s) => s.id === 'second-ring-content')?.matches ?? [];
      });
    await setConfig(sw, { version: 1, organization: 'Acme' });
    const labPatterns = await registered();
    expect(labPatterns.length).toBeGreaterThan(0);
    const options = await openOptions(agentBrowser, sw);

    // Damaged (or no longer valid after an update): the copy written with the last save stays in force.
    await sw.evaluate(async () => {
      await (globalThis as unknown as { chrome: Chrome }).chrome.storage.local.set({ config: { organization: 'Damaged', rules: { 'hold-check-back': { intervalSecond: 3 } } } });
    });
    await expect.poll(() => options.getByTestId('in-force').getAttribute('data-in-force'), { timeout: 5_000 }).toBe('last-valid');
    expect(await options.getByTestId('errors-local').locator('li[data-path]').evaluateAll((items) => items.map((i) => i.getAttribute('data-keys')))).toEqual([
      JSON.stringify(['rules', 'hold-check-back', 'intervalSecond']),
    ]);
    expect(await options.getByTestId('field-organization').inputValue()).toBe('Acme'); // the value in force
    await options.waitForTimeout(1_000);
    expect(await registered()).toEqual(labPatterns);

    // No valid copy either: the defaults coach, and the registrations are held, not dropped.
    await sw.evaluate(async () => {
      const { local } = (globalThis as unknown as { chrome: Chrome }).chrome.storage;
      await local.remove('config/last-valid');
      await local.set({ config: { sites: 'all of them' } });
    });
    await expect.poll(() => options.getByTestId('in-force').getAttribute('data-in-force'), { timeout: 5_000 }).toBe('defaults');
    await options.waitForTimeout(1_000);
    expect(await registered()).toEqual(labPatterns);

    await options.close();
    await setConfig(sw, { version: 1 });
  });

  it('shows itself in Latvian when the agent chooses Latvian', async () => {
    const options = await openOptions(agentBrowser, sw);
    await options.getByTestId('field-agent.language').selectOption('lv');
    await expect.poll(() => options.getByTestId('options').getAttribute('data-language')).toBe('lv');
    const text = await options.getByTestId('options').innerText();
    expect(text).toMatch(/noteikum/i); // "rules"
    expect(text).toMatch(/iestatījum/i); // "settings"
    await options.getByTestId('field-agent.language').selectOption({ index: 0 });
    await options.close();
  });
});

describe('an enterprise policy', () => {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;

  it.skipIf(!root)('is applied, shown locked, and what breaks the schema is reported', async () => {
    const write = (value: unknown) => {
      fs.mkdirSync(POLICY_DIR, { recursive: true });
      fs.writeFileSync(POLICY_FILE, JSON.stringify({ '3rdparty': { extensions: { [testKey.id]: value } } }));
    };
    write({
      language: 'lv',
      region: 'mars',
      rules: { 'hold-check-back': { intervalSeconds: 30, severity: 'loud' } },
    });
    let browser: BrowserContext | undefined;
    try {
      browser = await launchPhoneBrowser({ extensionDir: assertBuilt() });
      const worker = await extensionWorker(browser);
      expect(new URL(worker.url()).host).toBe(testKey.id);
      const options = await openOptions(browser, worker);
      const field = options.getByTestId('field-rules.hold-check-back.intervalSeconds');
      await expect.poll(() => field.inputValue(), { timeout: 15_000 }).toBe('30');
      expect(await field.isDisabled()).toBe(true);
      expect(await options.locator('[data-testid="locked"][data-path="rules.hold-check-back.intervalSeconds"]').count()).toBe(1);
      expect(await options.getByTestId('options').getAttribute('data-language')).toBe('lv');
      const policyErrors = await options.getByTestId('errors-policy').innerText();
      expect(policyErrors).toContain('region');
      expect(policyErrors).toContain('rules.hold-check-back.severity');

      // A change of policy applies without a reload.
      write({ language: 'lv', rules: { 'hold-check-back': { intervalSeconds: 20 } } });
      await expect.poll(() => field.inputValue(), { timeout: 30_000, interval: 500 }).toBe('20');
      await expect.poll(() => options.getByTestId('errors-policy').count()).toBe(0);
    } finally {
      fs.rmSync(POLICY_FILE, { force: true });
      await browser?.close();
    }
  });
});

// Keep the machine clean whatever happens above.
process.on('exit', () => fs.rmSync(POLICY_FILE, { force: true }));
