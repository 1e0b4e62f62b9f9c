/**
 * The practice softphone in a real browser: Debian Chromium with the built extension, the
 * practice page opened at its extension URL. Browsers never inject content scripts into an
 * extension's own pages, so the page runs the content-script code itself; these tests check
 * that a practice call is coached through the same path as a real softphone (the `practice`
 * adapter → the background coach → nudges back in the page), by clicking the page's buttons,
 * and that the score card explains what happened. Last, `npm start`'s headless run.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page, Worker } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchPhoneBrowser } from './sip-lab/browsers';
import { assertBuilt, extensionScope, extensionWorker, nudgeFor, recordNudges, nudgeLog, setConfig } from './extension';

const PRACTICE = 'src/ui/practice/index.html';

let browser: BrowserContext;
let sw: Worker;
let page: Page | undefined;

interface WorkerStorage {
  chrome: { storage: { local: { set(items: Record<string, unknown>): Promise<void> } } };
}

async function setAgent(agent: { name: string; language: 'en' | 'lv' | null }): Promise<void> {
  await sw.evaluate(async (value) => {
    await (globalThis as unknown as WorkerStorage).chrome.storage.local.set({ agent: value });
  }, agent);
}

beforeAll(async () => {
  browser = await launchPhoneBrowser({ extensionDir: assertBuilt() });
  sw = await extensionWorker(browser);
});

afterAll(async () => {
  await browser?.close();
});

afterEach(async () => {
  await page?.close();
  page = undefined;
  await setConfig(sw, { version: 1 });
  await setAgent({ name: '', language: null });
});

async function openPractice(scenario: string): Promise<Page> {
  page = await browser.newPage();
  await recordNudges(page);
  await page.goto(`${extensionScope(sw)}${PRACTICE}?scenario=${scenario}`);
  await page.locator('[data-testid="practice"][data-ready="true"]').waitFor({ timeout: 15_000 });
  return page;
}

const byId = (p: Page, id: string) => p.getByTestId(id);

/** Click a line and wait for the caller's answer to it (their `reply` line, one more than before). */
async function say(p: Page, line: string, reply?: string): Promise<void> {
  const replies = p.locator(`[data-testid="transcript-item"][data-who="caller"][data-line="${reply}"]`);
  const before = reply ? await replies.count() : 0;
  await byId(p, `say-${line}`).click();
  if (reply) await replies.nth(before).waitFor({ timeout: 10_000 });
}

async function startCall(p: Page): Promise<void> {
  await byId(p, 'start').click();
  await p.locator('[data-testid="phone"][data-phase="ringing"]').waitFor({ timeout: 10_000 });
}

async function greet(p: Page): Promise<void> {
  await byId(p, 'say-whole-greeting').click();
  await p.locator('[data-testid="transcript-item"][data-who="caller"][data-line="reason"]').waitFor({ timeout: 10_000 });
}

async function closeAndHangUp(p: Page): Promise<void> {
  await say(p, 'recap', 'confirm');
  await say(p, 'anything-else', 'nothing-else');
  await say(p, 'thank-you', 'goodbye');
  await byId(p, 'hangup').click();
}

const scoreRule = (p: Page, rule: string) => p.locator(`[data-testid="score-rule"][data-rule="${rule}"]`);

describe('a practice call on the practice softphone', () => {
  it('rings in the region’s cadence, is nudged at ring 3, and the score card says the answer was late and why', async () => {
    const p = await openPractice('answer-window');
    expect(await byId(p, 'scenario-answer-window').isChecked()).toBe(true);
    await startCall(p);
    await p.locator('[data-testid="ring-count"][data-ring="2"]').waitFor({ timeout: 7_000 });
    // The coach's own quiet ring counter comes back to this page as to a softphone's.
    await p.locator('second-ring-coach .ring').waitFor({ timeout: 3_000 });
    await nudgeFor(p, 'answer-window').waitFor({ timeout: 12_000 });
    const startedAt = Number(await byId(p, 'phone').getAttribute('data-started-at'));
    const [late] = (await nudgeLog(p)).filter((n) => n.rule === 'answer-window');
    expect(late!.firedAt - startedAt).toBe(10_000); // europe: ring 3 starts at 10 s
    expect(await byId(p, 'ring-count').getAttribute('data-ring')).toBe('3');

    await byId(p, 'answer').click();
    await expect.poll(() => nudgeFor(p, 'answer-window').count()).toBe(0); // taken down on answer
    await nudgeFor(p, 'greeting').waitFor({ timeout: 5_000 });
    await greet(p);
    await closeAndHangUp(p);

    await byId(p, 'score-card').waitFor({ timeout: 10_000 });
    expect(await byId(p, 'score-card').getAttribute('data-scenario')).toBe('answer-window');
    // The score card's nudges are the coach's record of the call, not what the overlay shows.
    expect(await byId(p, 'score-card').getAttribute('data-report')).toBe('coach');
    const answer = scoreRule(p, 'answer-window');
    expect(await answer.getAttribute('data-verdict')).toBe('improve');
    expect(await answer.getAttribute('data-focus')).toBe('true');
    expect(await answer.locator('[data-testid="score-improve"]').innerText()).toMatch(/You answered in ring 3, after 1\d\.\d s/);
    const why = answer.locator('[data-testid="score-nudge"][data-rule="answer-window"]');
    expect(await why.innerText()).toMatch(/\+10\.0 s “Answer now — the caller has heard three rings\.”\s+Why: It was still ringing when ring 3 began \(10 s\)\./);
    expect(await scoreRule(p, 'missed-call').getAttribute('data-verdict')).toBe('good');
    expect(await scoreRule(p, 'greeting').getAttribute('data-verdict')).toBe('good');
    // Recap, "anything else" and thanks were said before Hang up: no closing checklist (evidence first).
    expect(await scoreRule(p, 'closing').getAttribute('data-verdict')).toBe('good');
    expect(await scoreRule(p, 'closing').locator('[data-testid="score-nudge"]').count()).toBe(0);
    expect((await nudgeLog(p)).filter((n) => n.rule === 'closing')).toEqual([]);
  });

  it('coaches a hold in Latvian: no reminder after the caller agreed, the check-back, and a score card per rule', async () => {
    await setConfig(sw, { version: 1, organization: 'Du Bois Services', rules: { 'hold-check-back': { intervalSeconds: 4 } } });
    await setAgent({ name: 'Gene', language: 'lv' });
    const p = await openPractice('hold');
    expect(await byId(p, 'practice').getAttribute('data-language')).toBe('lv');
    await startCall(p);
    await p.locator('[data-testid="ring-count"][data-ring="2"]').waitFor({ timeout: 7_000 });
    await byId(p, 'answer').click();
    expect(await byId(p, 'say-whole-greeting').isEnabled()).toBe(true);
    expect(await byId(p, 'say-own-name').innerText()).toBe('runā Gene');
    await greet(p);
    await say(p, 'ask-name', 'name');
    await say(p, 'use-name');
    await say(p, 'ask-hold', 'hold-yes');

    await byId(p, 'hold').click();
    // The caller said yes before Hold: the coach has the evidence, so no "ask before hold".
    await p.locator('[data-testid="phone"][data-phase="on-hold"]').waitFor({ timeout: 3_000 });
    await nudgeFor(p, 'hold-check-back').waitFor({ timeout: 8_000 });
    expect((await nudgeLog(p)).filter((n) => n.rule === 'hold-permission')).toEqual([]);
    expect(await nudgeFor(p, 'hold-check-back').innerText()).toMatch(/Zvanītājs gaida jau 4 s/);
    await byId(p, 'resume').click();
    await expect.poll(() => nudgeFor(p, 'hold-check-back').count()).toBe(0);
    await say(p, 'thank-hold', 'back-long');
    await say(p, 'give-answer', 'answer-thanks');
    await closeAndHangUp(p);

    await byId(p, 'score-card').waitFor({ timeout: 10_000 });
    expect(await byId(p, 'score-card').locator('h2').innerText()).toBe('Novērtējums: Aizturēšana ar atļauju');
    const rules = await p.locator('[data-testid="score-rule"]').evaluateAll((els) =>
      els.map((el) => [(el as HTMLElement).dataset.rule, (el as HTMLElement).dataset.verdict]),
    );
    expect(rules.slice(0, 2)).toEqual([
      ['hold-permission', 'good'],
      ['hold-check-back', 'improve'],
    ]);
    expect(rules).toContainEqual(['caller-name', 'good']);
    const permission = scoreRule(p, 'hold-permission');
    expect(await permission.locator('[data-testid="score-well"]').innerText()).toMatch(/Aizturēšanas ar zvanītāja atļauju: 1/);
    expect(await permission.locator('[data-testid="score-nudge"]').count()).toBe(0);
    const checkBack = scoreRule(p, 'hold-check-back');
    expect(await checkBack.locator('[data-testid="score-improve"]').innerText()).toMatch(/Zvanītājs gaidīja aizturētā zvanā \d+,\d s bez neviena vārda — atgriezieties pie viņa 4 s laikā\./);
    expect(await checkBack.locator('[data-testid="score-nudge"]').first().innerText()).toMatch(/Kāpēc: Zvans bija aizturēts 4 s — pārbaudes intervāls ir 4 s\./);
    expect(await checkBack.locator('[data-testid="score-well"]').innerText()).toMatch(/Jūs pateicāties zvanītājam par gaidīšanu\./);
  });

  it('coaches a transfer: no reminder after it was announced, the caller taken by the colleague, and the score card', async () => {
    const p = await openPractice('transfer');
    await startCall(p);
    await p.locator('[data-testid="ring-count"][data-ring="2"]').waitFor({ timeout: 7_000 });
    await byId(p, 'answer').click();
    await greet(p);
    await byId(p, 'colleague').selectOption('janis');
    await say(p, 'announce-transfer', 'transfer-ok');
    await byId(p, 'transfer').click();
    await p.locator('[data-testid="phone"][data-phase="ended"]').waitFor({ timeout: 8_000 });
    await byId(p, 'score-card').waitFor({ timeout: 10_000 });
    expect(await byId(p, 'score-outcome').innerText()).toMatch(/^Call transferred\./);
    const transfer = scoreRule(p, 'transfer-permission');
    expect(await transfer.getAttribute('data-verdict')).toBe('good');
    expect(await transfer.locator('[data-testid="score-well"]').innerText()).toMatch(/You asked and told the caller where they were going: Jānis Ozols, billing\./);
    // Announced first: no reminder at the Transfer click. The colleague took the caller: no closing checklist.
    expect(await transfer.locator('[data-testid="score-nudge"]').count()).toBe(0);
    // Not reached and never nudged: the score card leaves closing out.
    expect(await scoreRule(p, 'closing').count()).toBe(0);
    expect((await nudgeLog(p)).filter((n) => n.rule === 'transfer-permission' || n.rule === 'closing')).toEqual([]);
  });
});


/** `npm start` headless on the built extension (set-up and build skipped), with no display. */
async function startHeadless(...args: string[]): Promise<{ code: number | null; out: string }> {
  // The production build as npm start builds it (npm test builds it before the browser tests);
  // the test build where it is missing.
  const prod = path.resolve('dist');
  const dist = fs.existsSync(path.join(prod, PRACTICE)) ? prod : assertBuilt();
  const env: NodeJS.ProcessEnv = { ...process.env, SECOND_RING_SKIP_BUILD: '1', SECOND_RING_DIST: dist, SECOND_RING_RESULTS: path.resolve('test-results') };
  delete env.DISPLAY;
  delete env.WAYLAND_DISPLAY;
  const child = spawn(process.execPath, ['scripts/start.mjs', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, out };
}

describe('npm start without a display', () => {
  it('runs one scripted practice call headless, prints each nudge with its time and rule, and saves screenshots', async () => {
    const results = path.resolve('test-results');
    const { code, out } = await startHeadless();
    expect(code, out).toBe(0);
    expect(out).toMatch(/no display: one scripted practice call, headless/);
    expect(out).toMatch(/nudge\s+\+10\.\d s\s+answer-window\s+Answer now — the caller has heard three rings\./);
    // Asked before the hold and closed properly: evidence first, so neither reminder comes.
    expect(out).not.toMatch(/nudge\s+\+\d+\.\d s\s+hold-permission\s+/);
    expect(out).not.toMatch(/nudge\s+\+\d+\.\d s\s+closing\s+/);
    expect(out).toMatch(/Score card: Hold with permission — Call completed\./);
    expect(out).toMatch(/hold-permission\s+good \(this scenario\)/);
    const folder = /screenshots: (.+)/.exec(out)?.[1]?.trim();
    expect(folder).toBeDefined();
    expect(path.dirname(folder!)).toBe(results);
    expect(path.basename(folder!)).toMatch(/^practice-\d{4}-\d\d-\d\dT/);
    const files = fs.readdirSync(folder!);
    expect(files).toContain('nudge-01-answer-window.png');
    expect(files).toContain('score-card.png');
    expect(files).toContain('overlay-end.png');
    const visible = Number(/the overlay at the end of the call: (\d+) nudges visible/.exec(out)?.[1]);
    expect(visible).toBeLessThanOrEqual(2);
    for (const file of files.filter((f) => f.endsWith('.png'))) {
      const bytes = fs.readFileSync(path.join(folder!, file));
      expect(bytes.subarray(1, 4).toString(), file).toBe('PNG');
      expect(bytes.length, file).toBeGreaterThan(5_000);
    }
  });

  it('plays the scenario --scenario names, not the hold one, and refuses an unknown one with the list', async () => {
    const { code, out } = await startHeadless('--scenario', 'transfer');
    expect(code, out).toBe(0);
    expect(out).toMatch(/scenario "Transfer[^"]*", played well/);
    expect(out).not.toMatch(/nudge\s+\+\d+\.\d s\s+transfer-permission\s+/); // announced first
    expect(out).toMatch(/Score card: Transfer[^\n]*— Call transferred\./);
    expect(out).toMatch(/transfer-permission\s+good \(this scenario\)/);
    expect(out).not.toMatch(/hold-permission\s+(good|improve) \(this scenario\)/);
    const bad = await startHeadless('--scenario', 'tranfser');
    expect(bad.code).toBe(2);
    expect(bad.out).toMatch(/unknown scenario "tranfser"; the scenarios are: answer-window, greeting-name, hold, transfer, message, closing/);
  });
});
