/**
 * The vertical slice in a real browser: Debian Chromium with the built extension is the agent's
 * browser; real JsSIP and SIP.js softphone pages register with a real Kamailio and take calls
 * from a JsSIP caller in a second browser without the extension. Every nudge must come at the
 * right moment, once, through the whole path: page hook → content script → coach → page.
 *
 * Timing figures (frame → toast, deadline → toast) are collected from the toasts' own
 * data-fired-at/data-shown-at and written to test-results/nudge-latency.json.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type { BrowserContext, Page, Worker } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hangupAll, launchPhoneBrowser, openPhone, phoneEventMark, waitForPhoneEvent, type PhoneKind } from './sip-lab/browsers';
import { startSipLab, type SipLab } from './sip-lab/lab';
import {
  alarms,
  assertBuilt,
  callLog,
  extensionScope,
  extensionWorker,
  nudgeFor,
  nudgeLog,
  recordNudges,
  ringCounter,
  serviceWorkerControl,
  setConfig,
  type LoggedNudge,
} from './extension';
import type { CallRecord } from '../../src/core/coach/types';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let lab: SipLab;
let agentBrowser: BrowserContext;
let callerBrowser: BrowserContext;
let sw: Worker;
const latency: { kind: PhoneKind; rule: string; trigger: 'frame' | 'deadline'; ms: number }[] = [];

beforeAll(async () => {
  const dist = assertBuilt();
  [lab, agentBrowser, callerBrowser] = await Promise.all([
    startSipLab(),
    launchPhoneBrowser({ extensionDir: dist }),
    launchPhoneBrowser(),
  ]);
  sw = await extensionWorker(agentBrowser);
  await setConfig(sw, { version: 1 });
});

/** Tests of this file that ran (all of them, or those a -t filter picked). */
let testsRun = 0;

afterAll(async () => {
  fs.mkdirSync('test-results', { recursive: true });
  const summary = (trigger: 'frame' | 'deadline') => {
    const ms = latency.filter((l) => l.trigger === trigger).map((l) => l.ms).sort((a, b) => a - b);
    return { count: ms.length, median: ms[Math.floor(ms.length / 2)] ?? null, worst: ms.at(-1) ?? null };
  };
  // Which code and how much of this file measured it: the bench quotes this file (scripts/bench.mjs),
  // and a run of one test (-t) or of an older commit must not pass for the suite's figures.
  const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trim();
  const commit = `${git('rev-parse', 'HEAD')}${git('status', '--porcelain', '--untracked-files=no', '--', 'src') ? '+changes' : ''}`;
  const report = { commit, testsRun, frameToToast: summary('frame'), deadlineToToast: summary('deadline'), samples: latency };
  fs.writeFileSync('test-results/nudge-latency.json', JSON.stringify(report, null, 2));
  console.log('nudge latency (ms):', JSON.stringify({ frameToToast: report.frameToToast, deadlineToToast: report.deadlineToToast }));
  await Promise.allSettled([agentBrowser?.close(), callerBrowser?.close()]);
  await lab?.stop();
});

/** Rules whose nudge follows a SIP frame; the rest fire at a deadline. */
const TIMER_RULES = new Set(['answer-window', 'hold-check-back']);
function collect(kind: PhoneKind, log: LoggedNudge[]): void {
  for (const n of log) {
    latency.push({ kind, rule: n.rule, trigger: TIMER_RULES.has(n.rule) ? 'deadline' : 'frame', ms: n.shownAt - n.firedAt });
  }
}

async function records(): Promise<CallRecord[]> {
  return (await callLog(sw)) as CallRecord[];
}
async function recordOf(sipCallId: string): Promise<CallRecord | undefined> {
  return (await records()).find((r) => r.callId === sipCallId);
}

describe.each<PhoneKind>(['jssip', 'sipjs'])('coaching a %s softphone', (kind) => {
  let agent: Page;
  let caller: Page;
  let colleague: Page;
  const agentUser = `agent-${kind}`;

  beforeAll(async () => {
    [agent, caller, colleague] = await Promise.all([
      openPhone(agentBrowser, kind, lab.phoneParams(agentUser), { beforeLoad: recordNudges }),
      openPhone(callerBrowser, 'jssip', lab.phoneParams(`caller-${kind}`)),
      openPhone(callerBrowser, 'jssip', lab.phoneParams(`colleague-${kind}`, { autoAnswerAfterMs: 300 })),
    ]);
  });

  afterEach(async () => {
    testsRun++;
    collect(kind, await nudgeLog(agent));
    await agent.evaluate(() => ((window as unknown as { __nudgeLog: unknown[] }).__nudgeLog.length = 0));
    await Promise.allSettled([hangupAll(agent), hangupAll(caller), hangupAll(colleague)]);
    await setConfig(sw, { version: 1 });
  });

  /** The caller dials the agent; resolves with the agent's SIP Call-ID once the agent's phone rings. */
  async function ringAgent(): Promise<string> {
    const mark = await phoneEventMark(agent);
    await caller.evaluate((target) => window.phone.call(target), `sip:${agentUser}@${lab.sip.domain}`);
    const incoming = await waitForPhoneEvent(agent, 'incoming', 10_000, { since: mark });
    const call = (await agent.evaluate(() => window.phone.state().calls)).find((c) => c.id === incoming.callId);
    if (!call) throw new Error('no incoming call on the agent phone');
    return call.sipCallId;
  }

  async function answeredCall(): Promise<string> {
    const callId = await ringAgent();
    const mark = await phoneEventMark(agent);
    await agent.evaluate(() => window.phone.answer());
    await waitForPhoneEvent(agent, 'confirmed', 10_000, { since: mark });
    return callId;
  }

  const shownCount = async (rule: string) => (await nudgeLog(agent)).filter((n) => n.rule === rule).length;

  it('shows the ring counter from ring 2 and no answer-window nudge when answered in ring 2 (default europe cadence)', async () => {
    const callId = await ringAgent();
    await sleep(3_000);
    expect(await ringCounter(agent).count()).toBe(0); // ring 1: quiet
    await ringCounter(agent).waitFor({ timeout: 4_000 });
    expect(await ringCounter(agent).getAttribute('data-ring')).toBe('2');
    expect(await ringCounter(agent).textContent()).toMatch(/Ring 2 — answer now/);
    // The short deadline is kept by the tab; the alarm behind it is never under 30 s.
    const ringStart = (await recordOf(callId))!.startedAt;
    for (const alarm of await alarms(sw)) expect(alarm.scheduledTime - ringStart).toBeGreaterThanOrEqual(30_000);
    await sleep(500);
    const mark = await phoneEventMark(agent);
    await agent.evaluate(() => window.phone.answer());
    await waitForPhoneEvent(agent, 'confirmed', 10_000, { since: mark });
    await expect.poll(() => ringCounter(agent).count()).toBe(0);
    await sleep(Math.max(0, 10_500 - 6_000)); // past the start of ring 3
    expect(await shownCount('answer-window')).toBe(0);
    expect(await recordOf(callId)).toMatchObject({ outcome: 'answered', rings: 2, answerClass: 'on-time' });
  });

  it('nudges once when ring 3 starts unanswered, and takes the nudge down on answer', async () => {
    const callId = await ringAgent();
    await nudgeFor(agent, 'answer-window').waitFor({ timeout: 13_000 });
    const [nudge] = (await nudgeLog(agent)).filter((n) => n.rule === 'answer-window');
    const ringStart = (await recordOf(callId))!.startedAt;
    expect(nudge!.firedAt - ringStart).toBe(10_000);
    expect(nudge!.text).toMatch(/three rings/);
    await agent.evaluate(() => window.phone.answer());
    await expect.poll(() => nudgeFor(agent, 'answer-window').count()).toBe(0);
    expect(await shownCount('answer-window')).toBe(1);
    await expect.poll(async () => (await recordOf(callId))?.answerClass).toBe('late');
  });

  it('asks about permission on hold, checks back on a long hold, and not after resume', async () => {
    await setConfig(sw, { version: 1, rules: { 'hold-check-back': { intervalSeconds: 3 } } });
    const callId = await answeredCall();
    await agent.evaluate(() => window.phone.hold());
    const question = nudgeFor(agent, 'hold-permission');
    await question.waitFor({ timeout: 5_000 });
    expect(await question.getAttribute('data-kind')).toBe('question');
    await question.locator('button[data-answer="yes"]').click();
    await expect.poll(() => question.count()).toBe(0);

    await nudgeFor(agent, 'hold-check-back').waitFor({ timeout: 6_000 });
    expect(await shownCount('hold-check-back')).toBe(1);
    await agent.evaluate(() => window.phone.unhold());
    await expect.poll(() => nudgeFor(agent, 'hold-check-back').count()).toBe(0);
    await sleep(4_000);
    expect(await shownCount('hold-check-back')).toBe(1);

    await expect
      .poll(async () => (await recordOf(callId))?.nudges.find((n) => n.ruleId === 'hold-permission')?.answer)
      .toBe('yes');
    const record = await recordOf(callId);
    expect(record?.holds).toHaveLength(1);
    expect(record?.holds[0]?.end).toBeGreaterThan(record!.holds[0]!.start);
  });

  it('asks about permission on a blind transfer, and does not flag the accepted transfer as a dropped call', async () => {
    const callId = await answeredCall();
    const mark = await phoneEventMark(colleague);
    await agent.evaluate((target) => window.phone.transfer(target), `sip:colleague-${kind}@${lab.sip.domain}`);
    await nudgeFor(agent, 'transfer-permission').waitFor({ timeout: 5_000 });
    await waitForPhoneEvent(colleague, 'confirmed', 15_000, { since: mark });
    // The record is saved as the call goes; wait for the one that has the transfer's outcome.
    await expect.poll(async () => (await recordOf(callId))?.transfers[0]?.outcome ?? 'none', { timeout: 10_000 }).toMatch(/accepted|completed/);
    const record = await recordOf(callId);
    expect(record?.outcome).toBe('answered');
    expect(record?.transfers[0]).toMatchObject({ by: 'agent' });
    expect(record?.flags.filter((f) => f.ruleId === 'safe-hold')).toEqual([]);
    expect(await shownCount('safe-hold')).toBe(0);
  });

  it('shows the closing checklist when the call ends, records the ticks, and dismisses with Escape', async () => {
    const callId = await answeredCall();
    await agent.evaluate(() => window.phone.hangup());
    const checklist = nudgeFor(agent, 'closing');
    await checklist.waitFor({ timeout: 5_000 });
    await checklist.locator('input[data-item="recap"]').check();
    await checklist.locator('input[data-item="thank"]').check();
    await expect
      .poll(async () => (await recordOf(callId))?.nudges.find((n) => n.ruleId === 'closing')?.checked?.sort())
      .toEqual(['recap', 'thank']);
    await checklist.locator('.nudge__close').focus();
    await agent.keyboard.press('Escape');
    await expect.poll(() => checklist.count()).toBe(0);
    expect(await agent.evaluate(() => document.activeElement?.tagName)).not.toBe('SECOND-RING-COACH');
  });

  it('sends what the coach has for the tab in one turn as one message, each part taken once', async () => {
    // A second listener in the extension's isolated world (the content script's) notes what reaches the tab.
    const tabMessages = (read: boolean) =>
      sw.evaluate(
        async ({ url, read }) => {
          type Logged = { type: string; key?: string; parts?: { type: string; key?: string }[] };
          type TabChrome = {
            tabs: { query(q: { url: string }): Promise<{ id?: number }[]> };
            scripting: { executeScript(i: { target: { tabId: number }; func: (read: boolean) => Logged[]; args: [boolean] }): Promise<{ result?: unknown }[]> };
          };
          const api = (globalThis as unknown as { chrome: TabChrome }).chrome;
          const [tab] = await api.tabs.query({ url });
          if (tab?.id === undefined) throw new Error(`no tab at ${url}`);
          const [result] = await api.scripting.executeScript({
            target: { tabId: tab.id },
            func: (readOnly: boolean) => {
              const world = globalThis as unknown as { __tabMessages?: Logged[]; chrome: { runtime: { onMessage: { addListener(l: (m: unknown) => void): void } } } };
              if (!readOnly) {
                const log: Logged[] = (world.__tabMessages = []);
                world.chrome.runtime.onMessage.addListener((raw) => {
                  type Sent = { type: string; payload: { nudge?: { key: string }; messages?: Sent[] } };
                  const m = raw as Sent;
                  log.push(m.type === 'several' ? { type: m.type, parts: (m.payload.messages ?? []).map((p) => ({ type: p.type, key: p.payload.nudge?.key })) } : { type: m.type, key: m.payload.nudge?.key });
                });
              }
              return world.__tabMessages ?? [];
            },
            args: [read],
          });
          return result?.result as Logged[];
        },
        { url: agent.url().split('#')[0]!, read },
      );
    await tabMessages(false);
    await answeredCall();
    await agent.evaluate(() => window.phone.hangup());
    await nudgeFor(agent, 'closing').waitFor({ timeout: 5_000 });
    await sleep(500);
    const log = await tabMessages(true);
    const several = log.filter((m) => m.type === 'several');
    expect(several.length, JSON.stringify(log)).toBeGreaterThan(0);
    // More parts than messages: the worker's turn went as one.
    expect(several.some((m) => (m.parts?.length ?? 0) >= 2), JSON.stringify(log)).toBe(true);
    // Each nudge reached the tab once: the content script answered every `several` (no part sent again alone).
    const nudgeKeys = log.flatMap((m) => m.parts ?? [m]).filter((p) => p.type === 'showNudge').map((p) => p.key);
    expect(nudgeKeys.length).toBeGreaterThan(0);
    expect(new Set(nudgeKeys).size, JSON.stringify(log)).toBe(nudgeKeys.length);
  });

  it('records a caller who gives up while it rings as a missed call', async () => {
    const callId = await ringAgent();
    await sleep(1_500);
    await caller.evaluate(() => window.phone.hangup()); // CANCEL
    await nudgeFor(agent, 'missed-call').waitFor({ timeout: 5_000 });
    await expect.poll(async () => (await recordOf(callId))?.outcome).toBe('missed');
    expect(await recordOf(callId)).toMatchObject({ missedReason: 'caller-abandoned', rings: 1, endedBy: 'remote' });
    expect(await ringCounter(agent).count()).toBe(0);
  });

  it('still nudges once at ring 3 when the service worker was stopped mid-ring', async () => {
    await setConfig(sw, { version: 1, region: 'uk' }); // ring 3 at 6 s
    const control = await serviceWorkerControl(agentBrowser, agent, extensionScope(sw));
    const callId = await ringAgent();
    await sleep(1_500);
    await control.stop();
    await nudgeFor(agent, 'answer-window').waitFor({ timeout: 9_000 });
    await sleep(1_500);
    expect(await shownCount('answer-window')).toBe(1);
    const [nudge] = (await nudgeLog(agent)).filter((n) => n.rule === 'answer-window');
    await control.waitStatus('running');
    expect(nudge!.firedAt - (await recordOf(callId))!.startedAt).toBe(6_000);
  });

  it('still checks back once when the service worker was stopped mid-hold', async () => {
    await setConfig(sw, { version: 1, rules: { 'hold-check-back': { intervalSeconds: 3 } } });
    const control = await serviceWorkerControl(agentBrowser, agent, extensionScope(sw));
    await answeredCall();
    await agent.evaluate(() => window.phone.hold());
    await nudgeFor(agent, 'hold-permission').waitFor({ timeout: 5_000 });
    await control.stop();
    await nudgeFor(agent, 'hold-check-back').waitFor({ timeout: 6_000 });
    await sleep(1_000);
    // Failed once (2026-12, under load, not reproduced in 12 runs): on failure, print every nudge's key and times.
    const log = await nudgeLog(agent);
    const keysOf = (rule: string) => log.filter((n) => n.rule === rule).map((n) => n.key);
    expect(keysOf('hold-check-back'), JSON.stringify(log)).toHaveLength(1);
    expect(keysOf('hold-permission'), JSON.stringify(log)).toHaveLength(1);
  });
});
