/**
 * What runs at page start (issue 14, item 1): a softphone page that registers and sits idle gets
 * only the content script's starter; the coaching part (parser, tracker, adapters) is injected
 * by the background on the first SIP frame that can change a call, and that first call is still
 * coached, also when the service worker was stopped before it rang. Which parts are in a frame
 * is read from the extension's own isolated world (the marks each part leaves there, which the
 * page never sees), through scripting.executeScript from the worker.
 *
 * What the first call costs: the page's own `incoming` event (JsSIP, as the INVITE arrives) →
 * the call card on screen at ringing, for a fresh page's first call (the coaching part and the
 * UI are injected on the way), the same page's next call, and a fresh page's first call with the
 * worker stopped; written to test-results/page-start-first-call.json (figures, not asserted).
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserContext, Page, Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hangupAll, launchPhoneBrowser, openPhone, phoneEventMark, waitForPhoneEvent } from './sip-lab/browsers';
import { startSipLab, type SipLab } from './sip-lab/lab';
import { assertBuilt, callLog, extensionScope, extensionWorker, ringCounter, serviceWorkerControl, setConfig } from './extension';
import { CONTENT_RUNNING_KEY } from '../../src/core/page-signal';
import { CONTENT_COACHING_KEY } from '../../src/content/coaching-handoff';
import { CONTENT_UI_KEY } from '../../src/content/ui-loader';
import type { CallRecord } from '../../src/core/coach/types';
import { COVERAGE_KEY } from '../../src/background/coverage';
import { startBenchServer } from '../bench/lib/bench-server';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let lab: SipLab;
let agentBrowser: BrowserContext;
let callerBrowser: BrowserContext;
let sw: Worker;

beforeAll(async () => {
  const dist = assertBuilt();
  [lab, agentBrowser, callerBrowser] = await Promise.all([startSipLab(), launchPhoneBrowser({ extensionDir: dist }), launchPhoneBrowser()]);
  sw = await extensionWorker(agentBrowser);
  await setConfig(sw, { version: 1 });
});

const firstCall: { case: string; incomingToCardMs: number }[] = [];

afterAll(async () => {
  fs.mkdirSync('test-results', { recursive: true });
  fs.writeFileSync('test-results/page-start-first-call.json', JSON.stringify(firstCall, null, 2));
  console.log('incoming → call card at ringing (ms):', JSON.stringify(firstCall));
  await Promise.allSettled([agentBrowser?.close(), callerBrowser?.close()]);
  await lab?.stop();
});

interface WorkerChrome {
  tabs: { query(query: { url: string }): Promise<{ id?: number }[]> };
  scripting: {
    executeScript(injection: { target: { tabId: number }; func: (keys: string[]) => boolean[]; args: [string[]] }): Promise<{ result?: unknown }[]>;
  };
}

interface Parts {
  starter: boolean;
  coaching: boolean;
  ui: boolean;
}

/** Which of the content script's parts run in the tab's top frame (read in the extension's isolated world). */
async function partsIn(page: Page): Promise<Parts> {
  return sw.evaluate(
    async ({ url, keys }) => {
      const api = (globalThis as unknown as { chrome: WorkerChrome }).chrome;
      const [tab] = await api.tabs.query({ url });
      if (tab?.id === undefined) throw new Error(`no tab at ${url}`);
      const [result] = await api.scripting.executeScript({
        target: { tabId: tab.id },
        func: (k: string[]) => k.map((key) => (globalThis as unknown as Record<string, unknown>)[key] !== undefined),
        args: [keys],
      });
      const [starter, coaching, ui] = result?.result as boolean[];
      return { starter: starter!, coaching: coaching!, ui: ui! };
    },
    { url: page.url().split('#')[0]!, keys: [CONTENT_RUNNING_KEY, CONTENT_COACHING_KEY, CONTENT_UI_KEY] },
  );
}

describe('what a softphone page gets at page start', () => {
  let caller: Page;
  beforeAll(async () => {
    caller = await openPhone(callerBrowser, 'jssip', lab.phoneParams('caller-page-start'));
  });

  /** Rings the agent; `measure` names a case whose incoming → card at ringing is recorded. */
  async function ring(agent: Page, user: string, measure?: string): Promise<string> {
    const mark = await phoneEventMark(agent);
    // The page notes when the card first shows ringing (its shadow root is open in the test build).
    await agent.evaluate(() => {
      const w = window as unknown as { __cardAt?: number };
      delete w.__cardAt;
      const poll = setInterval(() => {
        if (document.querySelector('second-ring-coach')?.shadowRoot?.querySelector('.card[data-state="ringing"]')) {
          w.__cardAt = Date.now();
          clearInterval(poll);
        }
      }, 2);
    });
    await caller.evaluate((target) => window.phone.call(target), `sip:${user}@${lab.sip.domain}`);
    const incoming = await waitForPhoneEvent(agent, 'incoming', 10_000, { since: mark });
    if (measure) {
      await agent.waitForFunction(() => (window as unknown as { __cardAt?: number }).__cardAt !== undefined, undefined, { timeout: 10_000 });
      const cardAt = await agent.evaluate(() => (window as unknown as { __cardAt: number }).__cardAt);
      firstCall.push({ case: measure, incomingToCardMs: cardAt - incoming.at });
    }
    const call = (await agent.evaluate(() => window.phone.state().calls)).find((c) => c.id === incoming.callId);
    if (!call) throw new Error('no incoming call on the agent phone');
    return call.sipCallId;
  }

  it('a page that registers and sits idle never gets the coaching part; its first call brings it and is coached', async () => {
    const user = 'agent-page-start';
    const agent = await openPhone(agentBrowser, 'jssip', lab.phoneParams(user));
    // Registered (REGISTER, 401, REGISTER, 200 on the wire), then idle for a while.
    await sleep(2_000);
    expect(await partsIn(agent)).toEqual({ starter: true, coaching: false, ui: false });
    // A second registration (a refresh) changes nothing.
    await agent.evaluate(() => window.phone.register());
    await sleep(500);
    expect((await partsIn(agent)).coaching).toBe(false);

    const sipCallId = await ring(agent, user, 'first call of a fresh page (coaching part and UI injected)');
    await expect.poll(async () => (await partsIn(agent)).coaching, { timeout: 5_000 }).toBe(true);
    // The first call is coached from its first frame: its record starts ringing, the ring counter comes at ring 2.
    await expect.poll(async () => ((await callLog(sw)) as CallRecord[]).some((r) => r.callId === sipCallId), { timeout: 5_000 }).toBe(true);
    await ringCounter(agent).waitFor({ timeout: 8_000 });
    expect(await ringCounter(agent).getAttribute('data-ring')).toBe('2');
    expect(await partsIn(agent)).toEqual({ starter: true, coaching: true, ui: true });
    await Promise.allSettled([hangupAll(agent), hangupAll(caller)]);
    // The same page's next call: everything already loaded (the steady path).
    await sleep(500);
    await ring(agent, user, 'next call of the same page');
    await Promise.allSettled([hangupAll(agent), hangupAll(caller)]);
    await agent.close();
  });

  it('the first call of a fresh page is coached when the service worker was stopped before it rang', async () => {
    const user = 'agent-page-start-asleep';
    const agent = await openPhone(agentBrowser, 'jssip', lab.phoneParams(user));
    await sleep(1_000);
    expect((await partsIn(agent)).coaching).toBe(false);
    const control = await serviceWorkerControl(agentBrowser, agent, extensionScope(sw));
    await control.stop();
    // Woken by the starter's request for the coaching part (never evaluate the worker while stopped).
    await ring(agent, user, 'first call of a fresh page, service worker stopped before it');
    await ringCounter(agent).waitFor({ timeout: 10_000 });
    expect(await ringCounter(agent).getAttribute('data-ring')).toBe('2');
    await control.waitStatus('running');
    expect(await partsIn(agent)).toMatchObject({ starter: true, coaching: true });
    await Promise.allSettled([hangupAll(agent), hangupAll(caller)]);
    await agent.close();
  });
});

describe('the hello to the worker', () => {
  it('waits for the page to load (the worker’s answer does not compete with the page’s start), though the hook greeted at once', async () => {
    // A page whose load is held 1.5 s by an image, and which opens a "sip" socket (to a server that
    // accepts and stays silent) and registers at once, as a softphone does.
    const ws = await startBenchServer();
    const HOLD_MS = 1_500;
    const site = http.createServer((req, res) => {
      if (req.url === '/held.png') {
        setTimeout(() => res.writeHead(200, { 'content-type': 'image/png' }).end(), HOLD_MS);
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>held load</title></head><body>
<script>const s = new WebSocket(${JSON.stringify(`${ws.wsOrigin}/ws/silent`)}, 'sip');
s.onopen = () => s.send('REGISTER sip:127.0.0.1 SIP/2.0\\r\\nVia: SIP/2.0/WS h.invalid;branch=z9hG4bK1\\r\\nCall-ID: held-1\\r\\nCSeq: 1 REGISTER\\r\\nContent-Length: 0\\r\\n\\r\\n');</script>
<img src="/held.png" alt=""></body></html>`);
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;
    const page = await agentBrowser.newPage();
    try {
      // The worker notes this frame's coverage when it gets the hello (background/coverage.ts).
      const seen = (async () => {
        for (const end = Date.now() + 10_000; Date.now() < end; await sleep(20)) {
          const entry = await sw.evaluate(async ([u, key]) => {
            const api = (globalThis as unknown as { chrome: { storage: { session: { get(k: string): Promise<Record<string, unknown>> } } } }).chrome;
            const map = ((await api.storage.session.get(key))[key] ?? {}) as Record<string, { url: string; attachedAt?: number }>;
            return Object.values(map).find((c) => c.url === u && c.attachedAt !== undefined);
          }, [url, COVERAGE_KEY] as const);
          if (entry) return { at: Date.now(), greetedAt: entry.attachedAt! };
        }
        throw new Error('no hello from the page within 10 s');
      })();
      // Awaited below; a failed load must not leave it rejecting unheard.
      seen.catch(() => undefined);
      await page.goto(url, { waitUntil: 'load' });
      const loadAt = await page.evaluate(() => performance.timeOrigin + (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).loadEventStart);
      const hello = await seen;
      // The hook greeted the content script while the image still held the load…
      expect(hello.greetedAt).toBeLessThan(loadAt - HOLD_MS / 2);
      // …and the hello reached the worker only after the load event (seen within a 20 ms poll).
      expect(hello.at).toBeGreaterThanOrEqual(loadAt);
      expect((await partsIn(page)).coaching).toBe(false);
    } finally {
      await page.close();
      // The browser keeps its connection alive: closed here, or close() would wait for it.
      site.closeAllConnections();
      await new Promise((resolve) => site.close(resolve));
      await ws.close();
    }
  });
});
