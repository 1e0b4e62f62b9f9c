/**
 * What a softphone page keeps over a shift stays bounded (issue 14, item 3), in a real browser:
 * a page on a coached site gets many calls' SIP frames (INVITE … BYE, unique Call-IDs, both
 * directions) over a real "sip" WebSocket, each next call once the coach's closing checklist of
 * the previous one is on screen, and nobody answers a nudge. After the first calls, the page's
 * DOM and the overlay hold no more at the end than they did then: at most two nudges in view,
 * a bounded count behind them, one card. Counts, not wall-clock time nor heap bytes (the memory
 * bench, test/bench/memory.bench.test.ts, measures those).
 */
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchPhoneBrowser } from './sip-lab/browsers';
import { assertBuilt, extensionWorker, setConfig } from './extension';
import { startBenchServer, type BenchServer } from '../bench/lib/bench-server';
import { openShiftPage, shiftSessions, type ShiftSession } from '../bench/lib/shift-session';
import { callIdOf } from '../bench/lib/sip-traffic';
import { domCountersAfterSweep } from '../bench/lib/dom-counters';
import { SHOWN_NUDGES_KEPT } from '../../src/content/nudges/layout';
import { ANNOUNCER_LINES_KEPT } from '../../src/content/nudges/announcer';

/** Calls after which the page is measured first: the UI is loaded and its bounded lists are full. */
const WARM_CALLS = 20;
/** Calls of the whole test: three times as many again. */
const CALLS = 80;
/** DOM nodes the page may differ by between the two points (a folded count's digits, a card's state). */
const NODE_SLACK = 20;

let server: BenchServer;
let browser: BrowserContext;
let page: Page;
let cdp: CDPSession;
let shift: ShiftSession;

beforeAll(async () => {
  const dist = assertBuilt();
  server = await startBenchServer();
  const session = shiftSessions(server);
  browser = await launchPhoneBrowser({ extensionDir: dist });
  await setConfig(await extensionWorker(browser), { version: 1 });
  page = await browser.newPage();
  await page.goto(`${server.origin}/bench/blank.html`);
  if (!(await page.evaluate(() => Symbol.for('second-ring.page-hook') in window))) throw new Error('the page hook is not on the page');
  cdp = await browser.newCDPSession(page);
  const id = `shift-${Date.now()}`;
  shift = session(id);
  await openShiftPage(page, server, shift, id);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Plays call `i` and waits for its closing checklist on the page (polled from inside the page). */
async function playCall(i: number): Promise<void> {
  await shift.run(i, i + 1);
  const shown = await page.evaluate(async (id) => {
    const found = () =>
      [...(document.querySelector('second-ring-coach')?.shadowRoot?.querySelectorAll<HTMLElement>('.nudge') ?? [])].some((e) =>
        (e.dataset.key ?? '').includes(`${id}|closing`),
      );
    for (let tries = 0; !found(); tries++) {
      if (tries > 1_000) return false;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return true;
  }, callIdOf(i));
  expect(shown, `call ${i}: closing checklist on screen`).toBe(true);
}

interface Kept {
  /** The page's DOM nodes after a full GC (the screen reader's lines included: bounded by count too). */
  nodes: number;
  /** The screen reader's lines in the overlay's two live regions. */
  spoken: number;
  listeners: number;
  nudges: number;
  /** The "n more" count behind the nudges in view (0 when there is none). */
  folded: number;
  cards: number;
}

async function kept(): Promise<Kept> {
  // What is alive, not what waits to be swept (bench/lib/dom-counters.ts).
  const counters = await domCountersAfterSweep(cdp);
  const overlay = await page.evaluate(() => {
    const root = document.querySelector('second-ring-coach')?.shadowRoot;
    const spoken = root?.querySelectorAll('.announcer p').length ?? 0;
    const older = root?.querySelector('[data-action="older-nudges"]')?.textContent ?? '';
    return {
      spoken,
      nudges: root?.querySelectorAll('.nudge').length ?? 0,
      folded: Number(/\d+/.exec(older)?.[0] ?? 0),
      cards: root?.querySelectorAll('.card').length ?? 0,
    };
  });
  return { nodes: counters.nodes, spoken: overlay.spoken, listeners: counters.jsEventListeners, nudges: overlay.nudges, folded: overlay.folded, cards: overlay.cards };
}

describe('a shift of calls on one page', () => {
  it(`keeps no more after ${CALLS} calls than after ${WARM_CALLS}`, async () => {
    for (let i = 0; i < WARM_CALLS; i++) await playCall(i);
    const warm = await kept();
    for (let i = WARM_CALLS; i < CALLS; i++) await playCall(i);
    const end = await kept();
    console.log(`kept after ${WARM_CALLS} calls ${JSON.stringify(warm)}, after ${CALLS} ${JSON.stringify(end)}`);

    for (const point of [warm, end]) {
      expect(point.nudges).toBeLessThanOrEqual(2);
      expect(point.folded).toBeLessThanOrEqual(SHOWN_NUDGES_KEPT - 2);
      expect(point.cards).toBeLessThanOrEqual(1);
      expect(point.spoken, 'screen reader lines').toBeLessThanOrEqual(2 * ANNOUNCER_LINES_KEPT);
    }
    expect(end.nodes, `DOM nodes: ${warm.nodes} after ${WARM_CALLS} calls, ${end.nodes} after ${CALLS}`).toBeLessThanOrEqual(warm.nodes + NODE_SLACK);
    expect(end.listeners, `event listeners: ${warm.listeners} → ${end.listeners}`).toBeLessThanOrEqual(warm.listeners);
  });
});
