/**
 * The agent's call card, messages, return calls, shift figures and history, in a real browser:
 * Debian Chromium with the test build is the agent's browser (a persistent profile in a fixed
 * temporary directory, so it can be closed and started again on the same profile), a real JsSIP
 * softphone page registered with a real Kamailio, and a JsSIP caller in a second browser.
 *
 * One shift, in order: an answered call worked from the keyboard on the card (greeting ticks,
 * caller's name, closing ticks), a message taken on the card and delivered, a missed call queued
 * for a return call, a call with a hold; then the figures page (figures, chart, screenshot), the
 * CSV and timeline exports and the team lead view; then the browser restarted on the same
 * profile (history and reminders still there); then the wipe.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, PHONE_BROWSER_ARGS, hangupAll, launchPhoneBrowser, openPhone, phoneEventMark, waitForPhoneEvent } from './sip-lab/browsers';
import { startSipLab, type SipLab } from './sip-lab/lab';
import { alarms, assertBuilt, callLog, extensionScope, extensionWorker, historyStore, nudgeFor, setConfig } from './extension';
import { parseCoachConfig } from '../../src/core/coach/config';
import { returnCallDue } from '../../src/core/business-days';
import type { CallRecord } from '../../src/core/coach/types';
import type { TakenMessage } from '../../src/core/messages-taken';
import type { ReturnCall } from '../../src/core/return-calls';

const CONFIG = { version: 1, organization: 'Acme', rules: { 'take-message': { reminderMinutes: 2 } } } as const;
const config = (() => {
  const parsed = parseCoachConfig(CONFIG);
  if (!parsed.ok) throw new Error('test configuration invalid');
  return parsed.config;
})();

let lab: SipLab;
let callerBrowser: BrowserContext;
let agentBrowser: BrowserContext;
let sw: Worker;
let agent: Page;
let caller: Page;
let profile: string;
const dist = assertBuilt();
const AGENT_USER = 'agent-card';

/** The agent's browser on a fixed profile directory (a second launch on it is a browser restart). */
function launchAgentBrowser(): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [`--disable-extensions-except=${dist}`, `--load-extension=${dist}`, ...PHONE_BROWSER_ARGS],
    permissions: ['microphone'],
    acceptDownloads: true,
  });
}

async function startAgent(): Promise<void> {
  agentBrowser = await launchAgentBrowser();
  sw = await extensionWorker(agentBrowser);
}

async function openAgentPhone(): Promise<void> {
  agent = await openPhone(agentBrowser, 'jssip', lab.phoneParams(AGENT_USER));
  await agent.bringToFront();
}

beforeAll(async () => {
  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'second-ring-profile-'));
  [lab, callerBrowser] = await Promise.all([startSipLab(), launchPhoneBrowser(), startAgent()]);
  await sw.evaluate(async () => {
    await (globalThis as unknown as { chrome: { storage: { local: { set(v: unknown): Promise<void> } } } }).chrome.storage.local.set({
      agent: { name: 'Anna', language: null },
    });
  });
  await setConfig(sw, CONFIG);
  [caller] = await Promise.all([openPhone(callerBrowser, 'jssip', lab.phoneParams('caller-card')), openAgentPhone()]);
});

afterAll(async () => {
  await Promise.allSettled([agentBrowser?.close(), callerBrowser?.close()]);
  await lab?.stop();
  if (profile) fs.rmSync(profile, { recursive: true, force: true });
});

const card = (page: Page = agent) => page.locator('second-ring-coach .card');
const records = async () => (await callLog(sw)) as CallRecord[];
const recordOf = async (callId: string) => (await records()).find((r) => r.callId === callId);

/** What has the focus inside our shadow root (or the page's own element when it is not ours). */
const focused = (page: Page) =>
  page.evaluate(() => {
    const active = document.activeElement;
    if (active?.tagName !== 'SECOND-RING-COACH') return { ours: false, tag: active?.tagName ?? '', data: {} as Record<string, string> };
    const inner = active.shadowRoot?.activeElement as HTMLElement | null;
    return { ours: true, tag: inner?.tagName ?? '', data: { ...(inner?.dataset ?? {}) } as Record<string, string> };
  });

async function ringAgent(): Promise<string> {
  const mark = await phoneEventMark(agent);
  await caller.evaluate((target) => window.phone.call(target), `sip:${AGENT_USER}@${lab.sip.domain}`);
  const incoming = await waitForPhoneEvent(agent, 'incoming', 10_000, { since: mark });
  const call = (await agent.evaluate(() => window.phone.state().calls)).find((c) => c.id === incoming.callId);
  if (!call) throw new Error('no incoming call on the agent phone');
  return call.sipCallId;
}

async function answer(): Promise<void> {
  const mark = await phoneEventMark(agent);
  await agent.evaluate(() => window.phone.answer());
  await waitForPhoneEvent(agent, 'confirmed', 10_000, { since: mark });
}

async function figuresPage(): Promise<Page> {
  const page = await agentBrowser.newPage();
  await page.goto(`${extensionScope(sw)}src/ui/figures/index.html`);
  await page.getByTestId('figures').waitFor();
  return page;
}

const callIds: { answered?: string; missed?: string; held?: string } = {};

describe('the call card on a coached SIP call', () => {
  it('shows the call, the greeting to tick and the caller name to note, worked from the keyboard alone', async () => {
    const callId = await ringAgent();
    callIds.answered = callId;
    await expect.poll(() => card().getAttribute('data-state')).toBe('ringing');
    expect(await card().locator('[data-caller]').textContent()).toContain('caller-card');
    await answer();
    await expect.poll(() => card().getAttribute('data-state')).toBe('connected');
    // During the call the card is one line and the greeting nudge carries the list.
    await nudgeFor(agent, 'greeting').waitFor({ timeout: 5_000 });
    expect(await card().getAttribute('class')).toContain('card--folded');
    expect(await card().locator('[data-list="greeting"]').count()).toBe(0);
    expect(await focused(agent)).toMatchObject({ ours: false }); // shown, and the focus stayed on the page

    // To the card and through it without the mouse: the shortcut opens it, and the card holds the greeting alone.
    await agent.keyboard.press('Alt+Shift+KeyS');
    expect(await focused(agent)).toMatchObject({ ours: true, tag: 'SECTION' });
    const greeting = card().locator('[data-list="greeting"]');
    await greeting.waitFor();
    expect(await greeting.textContent()).toMatch(/this is Anna.*with Acme\..*How can I help you today\?/s);
    expect(await nudgeFor(agent, 'greeting').count()).toBe(0);
    for (let i = 0; i < 5 && (await focused(agent)).data.field !== 'caller-name'; i++) await agent.keyboard.press('Tab');
    expect((await focused(agent)).data.field).toBe('caller-name');
    await agent.keyboard.type('Jānis Bērziņš');
    await agent.keyboard.press('Enter');
    await expect.poll(async () => (await recordOf(callId))?.callerName).toBe('Jānis Bērziņš');
    await expect.poll(() => card().locator('[data-use-name]').textContent()).toBe('Use their name: \u2068Jānis Bērziņš\u2069');

    for (let i = 0; i < 5 && (await focused(agent)).data.item !== 'greeting'; i++) await agent.keyboard.press('Tab');
    expect((await focused(agent)).data.item).toBe('greeting');
    await agent.keyboard.press('Space');
    await agent.keyboard.press('Tab');
    expect((await focused(agent)).data.item).toBe('ownName');
    await agent.keyboard.press('Enter');
    await expect.poll(async () => (await recordOf(callId))?.greetingChecked).toEqual(['greeting', 'ownName']);
    fs.mkdirSync('test-results', { recursive: true });
    await agent.screenshot({ path: 'test-results/call-card.png' });

    await agent.keyboard.press('Escape');
    expect(await focused(agent)).toMatchObject({ ours: false });
    // Back on the page the card folds again, and the greeting checklist nudge is the same list.
    await expect.poll(() => card().getAttribute('class')).toContain('card--folded');
    await expect.poll(() => nudgeFor(agent, 'greeting').locator('input[data-item="ownName"]').isChecked()).toBe(true);
    // The talk time counts on by itself (the overlay's clock rewrites the timer's text, card/ticking.tsx).
    const timer = card().locator('[data-timer]');
    const before = await timer.textContent();
    await expect.poll(() => timer.textContent(), { timeout: 5_000 }).not.toBe(before);
    expect(await timer.textContent()).toMatch(/^\d+:\d\d$/);
  });

  it('shows the closing checklist on the card once the call ends, and records its ticks', async () => {
    const callId = callIds.answered!;
    await agent.evaluate(() => window.phone.hangup());
    // The card is folded: the closing nudge carries the list; opened, the card holds it alone.
    await nudgeFor(agent, 'closing').waitFor({ timeout: 5_000 });
    await expect.poll(() => card().getAttribute('data-state')).toBe('ended');
    await card().locator('[data-action="toggle"]').click();
    const closing = card().locator('[data-list="closing"]');
    await closing.waitFor({ timeout: 5_000 });
    expect(await nudgeFor(agent, 'closing').count()).toBe(0);
    await closing.locator('input[data-item="recap"]').check();
    await closing.locator('input[data-item="thank"]').check();
    await expect
      .poll(async () => (await recordOf(callId))?.nudges.find((n) => n.ruleId === 'closing')?.checked)
      .toEqual(['recap', 'thank']);
    expect(await card().locator('[data-use-name]').textContent()).toContain('Jānis Bērziņš');
    await card().locator('[data-action="toggle"]').click();
    await expect.poll(() => nudgeFor(agent, 'closing').locator('input[data-item="thank"]').isChecked()).toBe(true);
    await card().locator('[data-action="toggle"]').click(); // open again: the message form is on the card
  });

  it('takes a message on the card: refused without a name and a recipient, saved, reminded by an alarm, delivered', async () => {
    const callId = callIds.answered!;
    await card().locator('[data-action="take-message"]').click();
    const form = card().locator('[data-form="message"]');
    await form.locator('[data-field="callerName"]').fill('');
    await form.locator('[data-action="save-message"]').click();
    await expect.poll(() => form.locator('[data-error]').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.error).sort())).toEqual([
      'callerName',
      'forWhom',
      'text',
    ]);
    expect(await historyStore(sw, 'messages')).toEqual([]);

    await form.locator('[data-field="callerName"]').fill('Jānis Bērziņš');
    await form.locator('[data-field="forWhom"]').fill('Ilze');
    await form.locator('[data-field="callbackWanted"]').check();
    await form.locator('[data-field="callbackNumber"]').fill('call me');
    await form.locator('[data-field="text"]').fill('Please call back about invoice 42.');
    await form.locator('[data-action="save-message"]').click();
    await expect.poll(() => form.locator('[data-error="callbackNumber"]').count()).toBe(1);
    await form.locator('[data-field="callbackNumber"]').fill('+371 2000 0000');
    await form.locator('[data-action="save-message"]').click();

    const item = card().locator('[data-message]');
    await item.waitFor();
    expect(await item.getAttribute('data-status')).toBe('to-deliver');
    const [message] = (await historyStore(sw, 'messages')) as TakenMessage[];
    expect(message).toMatchObject({ callerName: 'Jānis Bērziņš', forWhom: 'Ilze', callbackWanted: true, callbackNumber: '+371 2000 0000', status: 'to-deliver', callKey: (await recordOf(callId))!.callKey });
    expect((await recordOf(callId))?.messages).toEqual([message!.id]);
    // The callback joins the return-call queue; the undelivered reminder has its alarm.
    const queued = ((await historyStore(sw, 'returnCalls')) as ReturnCall[]).find((e) => e.messageId === message!.id);
    expect(queued).toMatchObject({ reason: 'callback-requested', assignee: 'Ilze', caller: { name: 'Jānis Bērziņš', number: '+371 2000 0000' }, status: 'open' });
    const reminder = (await alarms(sw)).find((a) => a.name === 'history-reminders');
    expect(reminder?.scheduledTime).toBe(message!.createdAt + 2 * 60_000);

    await item.locator('[data-action="delivered"]').click();
    await expect.poll(() => item.getAttribute('data-status')).toBe('delivered');
    expect(((await historyStore(sw, 'messages')) as TakenMessage[])[0]).toMatchObject({ status: 'delivered' });
  });

  it('queues a missed call for a return call due at the end of the next business day', async () => {
    const callId = await ringAgent();
    callIds.missed = callId;
    await new Promise((r) => setTimeout(r, 1_200));
    await caller.evaluate(() => window.phone.hangup()); // CANCEL: the caller gave up
    await expect.poll(() => card().getAttribute('data-state'), { timeout: 5_000 }).toBe('missed');
    // The history is written after the card (when the coach's queue is idle): wait for the missed call's record there.
    await expect.poll(async () => (await recordOf(callId))?.endedAt).toBeDefined();
    const record = (await recordOf(callId))!;
    await expect.poll(async () => ((await historyStore(sw, 'returnCalls')) as ReturnCall[]).some((e) => e.callKey === record.callKey)).toBe(true);
    const entry = ((await historyStore(sw, 'returnCalls')) as ReturnCall[]).find((e) => e.callKey === record.callKey)!;
    const due = returnCallDue(record.endedAt!, config.businessHours);
    expect(entry).toMatchObject({ id: `call:${record.callKey}`, reason: 'missed', status: 'open', createdAt: record.endedAt, dueAt: due.dueAt, sameDayTarget: due.sameDayTarget });
  });

  it('records a held call too', async () => {
    callIds.held = await ringAgent();
    await answer();
    await agent.evaluate(() => window.phone.hold());
    const question = nudgeFor(agent, 'hold-permission');
    await question.waitFor({ timeout: 5_000 });
    await question.locator('button[data-answer="yes"]').click();
    await new Promise((r) => setTimeout(r, 1_000));
    await agent.evaluate(() => window.phone.unhold());
    await agent.evaluate(() => window.phone.hangup());
    await expect.poll(async () => (await recordOf(callIds.held!))?.endedAt).toBeGreaterThan(0);
  });
});

describe('the figures page', () => {
  let page: Page;
  beforeAll(async () => {
    page = await figuresPage();
  });

  it("shows today's figures, the queue and a chart of the last days", async () => {
    await expect.poll(() => page.getByTestId('figure-taken').getAttribute('data-value')).toBe('2');
    expect(await page.getByTestId('figure-missed').getAttribute('data-value')).toBe('1');
    expect(await page.getByTestId('figure-holds').getAttribute('data-value')).toBe('1');
    expect(await page.getByTestId('figure-hold-confirmed').getAttribute('data-value')).toBe('1');
    expect(Number(await page.getByTestId('figure-returns-owed').getAttribute('data-value'))).toBe(2);
    const days = page.getByTestId('chart-day');
    expect(await days.count()).toBe(14);
    const today = days.last();
    expect([await today.getAttribute('data-taken'), await today.getAttribute('data-missed')]).toEqual(['2', '1']);
    expect(await today.locator('rect').count()).toBe(2);
    expect(await page.getByTestId('nudges-by-rule').locator('tr[data-rule="hold-permission"]').count()).toBe(1);
    expect(await page.getByTestId('return-call').count()).toBe(2);
    fs.mkdirSync('test-results', { recursive: true });
    await page.setViewportSize({ width: 1100, height: 900 });
    await page.screenshot({ path: 'test-results/figures.png', fullPage: true });
  });

  it('exports the calls as CSV with a BOM, and as a timeline the team lead view reads side by side', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    expect(csv.startsWith('\uFEFFcall_key,call_id,source,direction,caller_name,caller_number,started_at')).toBe(true);
    const rows = csv.slice(1).trimEnd().split('\r\n');
    expect(rows).toHaveLength(4);
    const missedRow = rows.find((r) => r.includes(callIds.missed!))!;
    expect(missedRow).toContain(',missed,caller-abandoned,');
    expect(rows.find((r) => r.includes(callIds.held!))).toContain(',1,');
    expect(download.suggestedFilename()).toMatch(/^second-ring-calls-today-\d{4}-\d{2}-\d{2}\.csv$/);

    const [timelineDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-timeline').click()]);
    const timeline = fs.readFileSync((await timelineDownload.path())!, 'utf8');
    expect(JSON.parse(timeline)).toMatchObject({ format: 'second-ring/call-timeline', version: 1 });
    await page.getByTestId('team-files').setInputFiles([
      { name: 'anna.json', mimeType: 'application/json', buffer: Buffer.from(timeline) },
      { name: 'peteris.json', mimeType: 'application/json', buffer: Buffer.from(timeline) },
    ]);
    const taken = page.getByTestId('team-table').locator('tr[data-figure="taken"] td');
    await expect.poll(() => taken.evaluateAll((tds) => tds.map((td) => td.textContent))).toEqual(['2', '2']);
  });
});

describe('the history', () => {
  it('is kept across a browser restart on the same profile, reminders re-armed', async () => {
    const before = (await records()).map((r) => r.callKey).sort();
    expect(before).toHaveLength(3);
    await agentBrowser.close();
    await startAgent();
    expect((await records()).map((r) => r.callKey).sort()).toEqual(before);
    const queue = (await historyStore(sw, 'returnCalls')) as ReturnCall[];
    expect(queue).toHaveLength(2);
    const lead = config.rules['return-call'].reminderLeadMinutes * 60_000;
    const next = Math.min(...queue.map((e) => e.dueAt - lead));
    // Due times are hours ahead (the end of a business day), so the alarm is at the first reminder itself.
    await expect.poll(async () => (await alarms(sw)).find((a) => a.name === 'history-reminders')?.scheduledTime).toBe(next);
    const page = await figuresPage();
    expect(await page.getByTestId('history-counts').getAttribute('data-calls')).toBe('3');
  });

  it('is wiped with one click after a confirmation', async () => {
    const page = await figuresPage();
    await page.getByTestId('wipe').click();
    await page.getByTestId('wipe-confirm').waitFor();
    expect(await records()).toHaveLength(3); // nothing yet: only asked
    await page.getByTestId('wipe-yes').click();
    await expect.poll(() => page.getByTestId('figures-notice').textContent()).toBe('The history was deleted.');
    // The notice comes first, then the page reads its figures again.
    await expect.poll(() => page.getByTestId('history-counts').getAttribute('data-calls')).toBe('0');
    await expect.poll(() => page.getByTestId('figure-taken').getAttribute('data-value')).toBe('0');
    expect(await records()).toEqual([]);
    expect(await historyStore(sw, 'returnCalls')).toEqual([]);
    expect(await historyStore(sw, 'messages')).toEqual([]);
    await hangupAll(caller);
  });
  it('wipes what is on screen too: the card and nudges of a call on now go, and the call is not written back', async () => {
    type SessionChrome = { storage: { session: { get(k: null): Promise<Record<string, unknown>> } } };
    // The calls the coach's persisted state holds (the meta key lists them, core/coach/snapshot.ts).
    const coachCalls = () =>
      sw.evaluate(async () => {
        const meta = (await (globalThis as unknown as { chrome: SessionChrome }).chrome.storage.session.get(null))['coach/v3/meta'] as { calls?: string[] } | undefined;
        return meta?.calls?.length ?? 0;
      });
    await openAgentPhone();
    await ringAgent();
    await answer();
    await card().waitFor({ timeout: 5_000 });
    await expect.poll(() => agent.locator('second-ring-coach .nudge').count()).toBeGreaterThan(0);
    await expect.poll(async () => (await records()).length).toBe(1);
    expect(await coachCalls()).toBe(1);

    const page = await figuresPage();
    await page.getByTestId('wipe').click();
    await page.getByTestId('wipe-yes').click();
    await expect.poll(() => page.getByTestId('figures-notice').textContent()).toBe('The history was deleted.');
    // Every store: IndexedDB, the coach's session state, and what the softphone tab shows.
    expect(await records()).toEqual([]);
    expect(await coachCalls()).toBe(0);
    await expect.poll(() => card().count()).toBe(0);
    expect(await agent.locator('second-ring-coach .nudge').count()).toBe(0);
    expect(await agent.locator('second-ring-coach .ring').count()).toBe(0);

    // The call goes on and ends: nothing of it comes back, on screen or in the history.
    await agent.evaluate(() => window.phone.hold());
    await agent.waitForTimeout(1_000);
    expect(await agent.locator('second-ring-coach .nudge').count()).toBe(0); // no hold-permission question for a wiped call
    await agent.evaluate(() => window.phone.hangup());
    await agent.waitForTimeout(1_500);
    expect(await records()).toEqual([]);
    expect(await card().count()).toBe(0);
    expect(await coachCalls()).toBe(0);
  });
});
