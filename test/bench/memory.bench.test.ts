/**
 * Memory A/B over a simulated shift (quality-bar.md "Memory"): 2,000 calls' worth of SIP
 * frames (INVITE, 1xx, 200, ACK, hold and resume re-INVITEs, BYE; unique Call-IDs; both
 * directions, in dialog order) through a "sip" WebSocket of a page with the extension and of
 * a page without, in alternating segments, in two phases:
 *
 * - steady: the first STEADY_CALLS calls, each played only once the coach (background worker)
 *   has answered the previous one (its closing checklist is on the page), as in a real shift
 *   where calls are minutes apart. Nothing queues up; growth here is what each call leaves
 *   behind.
 * - burst: the rest, as fast as the socket goes (tens of calls a second). The worker needs
 *   ~0.1–0.4 s of CPU per call, so call events queue up in the content script (in order, by
 *   design); the page world's heap is unaffected, the renderer heap includes that queue. The
 *   queue length (calls played − latest call the coach answered) is reported with each point.
 * - late: after the burst (and the profiled calls), LATE_STEADY_CALLS more at the steady pace:
 *   whether anything still grows at the end of the shift. Heap snapshots at the steady and late
 *   checkpoints split the heap into compiled code (by tier) and the rest: V8 compiles the hot
 *   functions to optimized machine code over the first few hundred calls, then stops.
 *
 * At each checkpoint, once the renderer is idle and after a full GC:
 *
 * - renderer JS heap, all worlds: CDP Runtime.getHeapUsage().usedSize. One V8 isolate serves
 *   every world of the page's renderer (page, the hook's MAIN world, the content script's
 *   ISOLATED world, Playwright's utility world), so this is everything the extension's page
 *   scripts keep, plus the page's own. (Performance.getMetrics JSHeapUsedSize is the same
 *   number: checked when this bench was written.)
 * - page (MAIN) world only: performance.measureUserAgentSpecificMemory(), the bytes
 *   attributed to the window (cross-origin-isolated page; isolated worlds are not counted
 *   there: checked by allocating 4 MB in an isolated world, which it did not report).
 *
 * Also: DOM node count (Memory.getDOMCounters) and the main-thread script time per frame.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { CDPSession, Page } from 'playwright-core';
import { abOrder, benchDist, hookInstalled, launchArms, waitIdle, type Arm, type ArmName } from './lib/arms';
import { startBenchServer, type BenchServer } from './lib/bench-server';
import { PAGE_CALLS_THROUGH_WRAPPERS, profileScript, type ForwardedNative, type ProfileSummary } from './lib/cpu-profile';
import { addedCodeByScript, addedSince, takeHeapSnapshot, totalsOf, type CodeTier, type HeapSnapshot } from './lib/heap-snapshot';
import { domCountersAfterSweep } from './lib/dom-counters';
import { figure, scaled, writePart } from './lib/results';
import { bootstrapInterval, median, quantile as quantileOf, round, slopeInterval } from './lib/stats';
import { openShiftPage, shiftSessions, type ShiftSession } from './lib/shift-session';
import { callIdOf } from './lib/sip-traffic';

const CALLS = scaled(2_000, 40);
const STEADY_CALLS = scaled(150, 20);
/**
 * 0, then from half-way on: the first calls build the nudge UI and fill bounded caches (the
 * dialog tracker keeps 64 ended calls), so the growth slope starts at the second checkpoint.
 */
const STEADY_CHECKPOINTS = [0, 1 / 2, 2 / 3, 5 / 6, 1].map((f) => Math.round(STEADY_CALLS * f));
const BURST_CHECKPOINTS = [0.25, 0.5, 0.75, 1].map((f) => Math.round(CALLS * f)).filter((c) => c > STEADY_CALLS);
/**
 * A second steady window at the end of the shift (after the burst and the profiled calls), the
 * same pace as the first: whether the added heap still grows in hour 8. The first window also
 * holds V8 compiling the extension's hot functions to optimized machine code, which goes on for
 * the first few hundred calls and then stops (heap snapshots by code tier, in the notes).
 */
const LATE_STEADY_CALLS = scaled(75, 12);
const LATE_CHECKPOINTS = [0, 1 / 3, 2 / 3, 1].map((f) => Math.round(LATE_STEADY_CALLS * f));
const MB = 1024 * 1024;
/** Calls of the with-arm's profiled burst segment (after the checkpoints; only its split by script is used). */
const PROFILED_CALLS = scaled(200, 20);
/** The extension's scripts, as the CPU profile names them (paths in the built extension). */
const HOOK_SCRIPT = 'src/page/page-hook.js';
/** The content script: its starter (at page start) and its coaching part (parser, tracker, adapters, the background's messages). */
const CONTENT_STARTER = 'src/content/content-script.js';
const CONTENT_COACHING = /^src\/content\/content-coaching[^/]*\.js$/;
const UI_SCRIPT = /^src\/content\/content-ui[^/]*\.js$/;
/**
 * The natives the hook's Proxy traps (src/page/hook-websocket.ts) call for the page: the page's
 * own `send`, `new WebSocket` and `toString`, which the page pays without the extension too. The
 * profiler counts a native to its scripted caller, so without this they would count as the hook's.
 */
const forwardedByHook: ForwardedNative = (native, caller, file) =>
  file === HOOK_SCRIPT && ((caller === 'apply' && (native === 'send' || native === 'toString')) || (caller === 'construct' && native === 'WebSocket'));
/**
 * The coaching UI's script per call: its share of the event-nudge budget (quality bar: visible
 * ≤ 50 ms p95 after the frame), 2 % of it for rendering all of one call's updates, so that the
 * nudge's time is the coach's and never the page's rendering.
 */
const UI_MS_PER_CALL_LIMIT = 1;
/** How long to wait for the coach to answer a call in the steady phase before moving on. */
const ANSWER_TIMEOUT_MS = 5_000;
/** How long the coach may take to answer the last of the burst's calls before the late window. */
const CATCH_UP_TIMEOUT_MS = 120_000;

interface Checkpoint {
  phase: 'steady' | 'burst' | 'late';
  calls: number;
  /** Calls played whose events the coach has not answered yet (null: unknown, no nudge on screen). */
  queued: number | null;
  frames: number;
  rendererHeap: number;
  rendererHeapTotal: number;
  mainWorld: number;
  dom: { documents: number; nodes: number; jsEventListeners: number };
  nudgesShown: number;
  scriptMs: number;
  taskMs: number;
}

let server: BenchServer;
let close: () => Promise<void>;
let arms: Record<ArmName, Arm>;
const pages = {} as Record<ArmName, { page: Page; cdp: CDPSession; session: ShiftSession }>;

beforeAll(async () => {
  server = await startBenchServer();
  const session = shiftSessions(server);
  ({ arms, close } = await launchArms(`${server.origin}/bench/blank.html`));
  for (const name of ['with', 'without'] as const) {
    const page = await arms[name].context.newPage();
    await page.goto(`${server.origin}/bench/blank.html`);
    const cdp = await arms[name].context.newCDPSession(page);
    await cdp.send('Performance.enable');
    if (!(await page.evaluate(() => crossOriginIsolated))) throw new Error('bench page is not cross-origin isolated');
    if ((await hookInstalled(page)) !== (name === 'with')) throw new Error(`arm ${name}: page hook ${name === 'with' ? 'missing' : 'present'}`);
    const id = `${name}-${Date.now()}`;
    // The page side of the shift: count what arrives on the "sip" socket, send what the control socket says. Nothing is kept.
    const s = session(id);
    await openShiftPage(page, server, s, id);
    pages[name] = { page, cdp, session: s };
  }
});

afterAll(async () => {
  await close?.();
  await server?.close();
});

/** The call number in a nudge key "<tab>:<Call-ID>|<rule>|<n>" of this bench's Call-IDs (see sip-traffic.ts). */
function callIndexOfKey(key: string): number | undefined {
  const m = /:bench([0-9a-z]{5})[0-9a-z]*\|/.exec(key);
  return m ? parseInt(m[1]!, 36) : undefined;
}

/**
 * The page's first call, frame → closing checklist: it includes loading the coaching UI, which
 * the content script asks for at that call's ringing (content/ui-loader.ts). Also in the rows above.
 */
let firstCallMs: number | undefined;

/**
 * Waits until call `callId`'s closing checklist is on the page, polling every 10 ms from inside
 * the page. Not page.waitForFunction: that injects Playwright's selector engine (a 330 kB source
 * and its compiled code, ~0.6 MB of heap) into the with-arm page's main world only, which the
 * figures then counted as the extension's (heap snapshots). page.evaluate uses the small helper
 * both arms get from measure(). One fixed selector: a selector per call would grow Blink's
 * per-document selector cache.
 */
async function closingOnScreen(page: Page, callId: string, timeoutMs = ANSWER_TIMEOUT_MS): Promise<void> {
  const found = await page.evaluate(
    async ({ id, timeoutMs }) => {
      const shown = () =>
        [...(document.querySelector('second-ring-coach')?.shadowRoot?.querySelectorAll<HTMLElement>('.nudge') ?? [])].some((e) =>
          (e.dataset.key ?? '').includes(`${id}|closing`),
        );
      const end = performance.now() + timeoutMs;
      while (!shown()) {
        if (performance.now() > end) return false;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return true;
    },
    { id: callId, timeoutMs },
  );
  if (!found) throw new Error(`call ${callId}: no closing checklist within ${timeoutMs} ms`);
}

/**
 * The without-arm's side of the steady calls: each call, then the same page.evaluate as the
 * with-arm's wait for its checklist (there is none here: it looks once and gives up). Playwright
 * runs its own code in the page for every evaluate (serializing the arguments and the result),
 * and V8 compiles it up to optimized code when it runs once per call (with-arm snapshots: 32 kB
 * of baseline and optimized code in innerSerialize, parseEvaluationResultValue and evaluate at
 * 1,000 calls): run in one arm only, the difference would count it as the extension's.
 */
async function playSteadyWithout(from: number, to: number): Promise<void> {
  const { page, session } = pages.without;
  for (let i = from; i < to; i++) {
    await session.run(i, i + 1);
    await closingOnScreen(page, callIdOf(i), 0).catch(() => undefined);
  }
}

/**
 * Plays calls [from, to) into the with-arm page one at a time, each once the coach answered the
 * one before; returns, per call, the time from its last frame to its closing checklist on screen.
 */
async function playSteady(from: number, to: number): Promise<{ unanswered: number; msPerCall: number[] }> {
  const { page, session } = pages.with;
  let unanswered = 0;
  const msPerCall: number[] = [];
  for (let i = from; i < to; i++) {
    await session.run(i, i + 1);
    const t0 = Date.now();
    const callId = callIdOf(i);
    try {
      await closingOnScreen(page, callId);
      msPerCall.push(Date.now() - t0);
      if (i === 0) firstCallMs = Date.now() - t0;
    } catch {
      unanswered++;
    }
  }
  return { unanswered, msPerCall };
}

async function measure(name: ArmName, calls: number, phase: Checkpoint['phase']): Promise<Checkpoint> {
  const { page, cdp, session } = pages[name];
  const metrics = await waitIdle(cdp, { intervalMs: 200, epsMs: 1, maxMs: 8_000 });
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = await cdp.send('Runtime.getHeapUsage');
  const inPage = await page.evaluate(async () => {
    type Breakdown = { bytes: number; types: string[]; attribution: { scope: string }[] };
    const p = performance as unknown as { measureUserAgentSpecificMemory(): Promise<{ bytes: number; breakdown: Breakdown[] }> };
    const result = await p.measureUserAgentSpecificMemory();
    const main = result.breakdown
      .filter((b) => b.types.includes('JavaScript') && b.attribution.some((a) => a.scope === 'Window'))
      .reduce((sum, b) => sum + b.bytes, 0);
    const shown = [...(document.querySelector('second-ring-coach')?.shadowRoot?.querySelectorAll<HTMLElement>('.nudge') ?? [])];
    return { main, nudges: shown.length, keys: shown.map((e) => e.dataset.key ?? '') };
  });
  const answered = Math.max(-1, ...inPage.keys.map(callIndexOfKey).filter((i): i is number => i !== undefined));
  const dom = await domCountersAfterSweep(cdp);
  return {
    phase,
    calls,
    queued: name === 'without' ? 0 : answered >= 0 ? calls - 1 - answered : null,
    frames: session.frames,
    rendererHeap: heap.usedSize,
    rendererHeapTotal: heap.totalSize,
    mainWorld: inPage.main,
    dom: { documents: dom.documents, nodes: dom.nodes, jsEventListeners: dom.jsEventListeners },
    nudgesShown: inPage.nudges,
    scriptMs: (metrics.ScriptDuration ?? 0) * 1000,
    taskMs: (metrics.TaskDuration ?? 0) * 1000,
  };
}

/** JS heap of the page's renderer after two full GCs, once it is idle. */
async function heapAfterGc(cdp: CDPSession): Promise<number> {
  await waitIdle(cdp, { intervalMs: 200, epsMs: 1, maxMs: 8_000 });
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  return (await cdp.send('Runtime.getHeapUsage')).usedSize;
}

/**
 * The coaching UI's one-time cost: heap added when its script is injected into a fresh page
 * of the with-arm, as the background does at a page's first ringing (background/sites.ts),
 * before any call content. Measured on a page of its own, after the shift, so that the shift's
 * first call still includes loading the UI. Median of a few pages.
 */
async function uiLoadCost(): Promise<{ bytes: number; samples: number[] } | undefined> {
  const dir = path.join(benchDist(), 'src', 'content');
  const file = fs.existsSync(dir) ? fs.readdirSync(dir).find((f) => /^content-ui.*\.js$/.test(f)) : undefined;
  const worker = arms.with.context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'));
  if (!file || !worker) return undefined;
  const samples: number[] = [];
  for (let i = 0; i < 3; i++) {
    const page = await arms.with.context.newPage();
    try {
      const url = `${server.origin}/bench/blank.html?ui-load=${i}`;
      await page.goto(url);
      const cdp = await arms.with.context.newCDPSession(page);
      await cdp.send('Performance.enable');
      const before = await heapAfterGc(cdp);
      await worker.evaluate(
        async ({ url, file }) => {
          const c = (globalThis as unknown as { chrome: { tabs: { query(q: object): Promise<{ id?: number; url?: string }[]> }; scripting: { executeScript(o: object): Promise<unknown> } } }).chrome;
          const tab = (await c.tabs.query({})).find((t) => t.url === url);
          if (tab?.id === undefined) throw new Error(`no tab at ${url}`);
          await c.scripting.executeScript({ target: { tabId: tab.id, frameIds: [0] }, files: [file], injectImmediately: true });
        },
        { url, file: `src/content/${file}` },
      );
      samples.push((await heapAfterGc(cdp)) - before);
      await cdp.detach();
    } finally {
      await page.close();
    }
  }
  return { bytes: median(samples), samples };
}

describe('memory over a simulated shift, A/B', () => {
  it(`plays ${CALLS} calls into a page with and a page without the extension`, async () => {
    const started = Date.now();
    const points: Record<ArmName, Checkpoint[]> = { with: [], without: [] };
    for (const name of abOrder(0)) points[name].push(await measure(name, 0, 'steady'));
    // What the heap added over the steady phase is made of: a snapshot of each arm now and at its end.
    const snapshotsAt0 = {} as Record<ArmName, HeapSnapshot>;
    const totalsAtTail = {} as Record<ArmName, ReturnType<typeof totalsOf>>;
    /** The steady checkpoints' heaps split into compiled code (by tier) and the rest, from the growth slope's first checkpoint on. */
    const steadyHeap: Record<ArmName, HeapSplit[]> = { with: [], without: [] };
    for (const name of abOrder(0)) snapshotsAt0[name] = await takeHeapSnapshot(pages[name].cdp);

    // Steady phase: the coach keeps up.
    const steadyMs: number[] = [];
    let unanswered = 0;
    for (let c = 1; c < STEADY_CHECKPOINTS.length; c++) {
      const [from, to] = [STEADY_CHECKPOINTS[c - 1]!, STEADY_CHECKPOINTS[c]!];
      for (const name of abOrder(c)) {
        if (name === 'with') {
          const r = await playSteady(from, to);
          unanswered += r.unanswered;
          steadyMs.push(...r.msPerCall);
        } else {
          await playSteadyWithout(from, to);
        }
        points[name].push(await measure(name, to, 'steady'));
        if (c < STEADY_CHECKPOINTS.length - 1) {
          const snapshot = await takeHeapSnapshot(pages[name].cdp);
          if (c === 1) totalsAtTail[name] = totalsOf(snapshot);
          steadyHeap[name].push(heapSplitOf(to, snapshot));
        }
      }
    }
    const composition = {} as Record<ArmName, ReturnType<typeof addedSince>>;
    /** The with-arm's new compiled code by script (the without-arm has none of the extension's scripts). */
    let codeByScript: [string, number][] = [];
    /** Net change by kind from the growth slope's first checkpoint to the end of the steady phase. */
    const tailGrowth = {} as Record<ArmName, ReturnType<typeof totalsOf>>;
    for (const name of abOrder(0)) {
      const end = await takeHeapSnapshot(pages[name].cdp);
      steadyHeap[name].push(heapSplitOf(STEADY_CALLS, end));
      composition[name] = addedSince(snapshotsAt0[name], end);
      if (name === 'with') codeByScript = addedCodeByScript(snapshotsAt0[name], end);
      const endTotals = totalsOf(end);
      tailGrowth[name] = Object.fromEntries(Object.entries(endTotals).map(([k, v]) => [k, v - totalsAtTail[name][k as keyof typeof endTotals]])) as typeof endTotals;
    }
    const composed = (kind: keyof (typeof composition)['with']) => composition.with[kind] - composition.without[kind];
    const grewInTail = (kind: keyof (typeof tailGrowth)['with']) => round((tailGrowth.with[kind] - tailGrowth.without[kind]) / 1024, 0);
    // Burst phase: as fast as the socket goes.
    const burstStart = Date.now();
    let from = STEADY_CALLS;
    for (const [c, to] of BURST_CHECKPOINTS.entries()) {
      for (const name of abOrder(c)) {
        await pages[name].session.run(from, to);
        points[name].push(await measure(name, to, 'burst'));
      }
      from = to;
    }
    const burstMs = Date.now() - burstStart;
    // Where the with-arm's script time goes: a CPU profile of one more burst segment, not a
    // checkpoint (profiling slows scripts down: only its split by script is used, see scriptPerFrame).
    const profileArm = (name: ArmName) =>
      profileScript(
        pages[name].cdp,
        async () => {
          await pages[name].session.run(CALLS, CALLS + PROFILED_CALLS);
          await waitIdle(pages[name].cdp, { intervalMs: 300, epsMs: 1, maxMs: 15_000 });
        },
        100,
        forwardedByHook,
      );
    const profile = await profileArm('with');
    // The same calls without the extension: what the page's own natives cost there (the check of
    // the split: the page's send through the hook's trap should cost what the page's send costs here).
    const profileWithout = await profileArm('without');
    // The late steady window: the same pace as the first, at the end of the shift.
    const lateFrom = CALLS + PROFILED_CALLS;
    // Once the coach has answered the burst's last call: no queue left in the content script.
    await closingOnScreen(pages.with.page, callIdOf(lateFrom - 1), CATCH_UP_TIMEOUT_MS);
    for (const name of abOrder(0)) points[name].push(await measure(name, lateFrom, 'late'));
    const lateHeap: Record<ArmName, HeapSplit[]> = { with: [], without: [] };
    for (const name of abOrder(0)) lateHeap[name].push(heapSplitOf(lateFrom, await takeHeapSnapshot(pages[name].cdp)));
    for (let c = 1; c < LATE_CHECKPOINTS.length; c++) {
      const [from, to] = [lateFrom + LATE_CHECKPOINTS[c - 1]!, lateFrom + LATE_CHECKPOINTS[c]!];
      for (const name of abOrder(c)) {
        if (name === 'with') unanswered += (await playSteady(from, to)).unanswered;
        else await playSteadyWithout(from, to);
        points[name].push(await measure(name, to, 'late'));
        lateHeap[name].push(heapSplitOf(to, await takeHeapSnapshot(pages[name].cdp)));
      }
    }
    const uiLoad = await uiLoadCost();
    const knownQueue = points.with.filter((p) => p.phase === 'burst' && p.queued !== null);
    const lastKnown = knownQueue[knownQueue.length - 1];
    const answeredInBurst = lastKnown ? lastKnown.calls - lastKnown.queued! - STEADY_CALLS : Number.NaN;
    const mismatches = pages.with.session.mismatches + pages.without.session.mismatches;

    const added = (phase: Checkpoint['phase'] | 'all', f: (p: Checkpoint) => number) =>
      points.with.map((p, i) => ({ calls: p.calls, phase: p.phase, queued: p.queued, value: f(p) - f(points.without[i]!) })).filter((x) => phase === 'all' || x.phase === phase || x.calls === 0);
    const renderer = (p: Checkpoint) => p.rendererHeap;
    const main = (p: Checkpoint) => p.mainWorld;
    const steadyRenderer = added('steady', renderer);
    // The steady and burst phases (the late window has rows of its own).
    const burstRenderer = added('all', renderer).filter((x) => x.phase !== 'late');
    const allMain = added('all', main).filter((x) => x.phase !== 'late');
    const lastOf = <T,>(xs: T[]): T => xs[xs.length - 1]!;
    const steadyTail = steadyRenderer.filter((x) => x.calls >= STEADY_CHECKPOINTS[1]!);
    const fit = slopeInterval(steadyTail.map((x) => x.calls), steadyTail.map((x) => x.value));
    const atSteadyEnd = lastOf(steadyRenderer).value;
    const projectedAt2000 = {
      value: atSteadyEnd + fit.slope * (2_000 - STEADY_CALLS),
      low: atSteadyEnd + fit.low * (2_000 - STEADY_CALLS),
      high: atSteadyEnd + fit.high * (2_000 - STEADY_CALLS),
    };
    const mainTail = allMain.filter((x) => x.calls >= STEADY_CHECKPOINTS[1]!);
    const mainFit = slopeInterval(mainTail.map((x) => x.calls), mainTail.map((x) => x.value));
    const mainGrowth = { value: round((mainFit.slope * 2_000) / 1024, 0), low: round((mainFit.low * 2_000) / 1024, 0), high: round((mainFit.high * 2_000) / 1024, 0) };
    const steadyGrowth = { value: round((fit.slope * 2_000) / 1024, 0), low: round((fit.low * 2_000) / 1024, 0), high: round((fit.high * 2_000) / 1024, 0) };
    /** Growth over the whole shift that counts as a trend: a quarter of the 2 MB budget. */
    const GROWTH_LIMIT_KB = 512;
    const lateRenderer = added('late', renderer).filter((x) => x.phase === 'late');
    const lateFit = slopeInterval(lateRenderer.map((x) => x.calls), lateRenderer.map((x) => x.value));
    const lateGrowth = { value: round((lateFit.slope * 2_000) / 1024, 0), low: round((lateFit.low * 2_000) / 1024, 0), high: round((lateFit.high * 2_000) / 1024, 0) };
    /** Slope × 2,000 (kB) over checkpoints of the with − without difference of a part of the heap split. */
    const splitGrowth = (split: Record<ArmName, HeapSplit[]>, part: (h: HeapSplit) => number) => {
      const xs = split.with.map((h) => h.calls);
      const ys = split.with.map((h, i) => part(h) - part(split.without[i]!));
      const f = slopeInterval(xs, ys);
      return { value: round((f.slope * 2_000) / 1024, 0), low: round((f.low * 2_000) / 1024, 0), high: round((f.high * 2_000) / 1024, 0) };
    };
    const dataOf = (h: HeapSplit) => h.total - h.code;
    const steadyDataGrowth = splitGrowth(steadyHeap, dataOf);
    const steadyCodeGrowth = splitGrowth(steadyHeap, (h) => h.code);
    const steadyOptimizedGrowth = splitGrowth(steadyHeap, (h) => h.tiers.optimized);
    const lateDataGrowth = splitGrowth(lateHeap, dataOf);
    const lateCodeGrowth = splitGrowth(lateHeap, (h) => h.code);
    /** What the first steady window grew by is compiled code (the rest within the target), and the late window tells whether anything still grows. */
    const earlyGrowthIsCode = steadyDataGrowth.high <= GROWTH_LIMIT_KB && Number.isFinite(lateGrowth.high);
    const tierList = (h: HeapSplit[]) => h.map((x) => `${x.calls}: ${(['bytecode', 'feedback', 'baseline', 'optimized'] as const).map((t) => `${t} ${round(x.tiers[t] / 1024, 0)}`).join(', ')}`).join('; ');
    const kB = (b: number) => round(b / 1024, 0);
    const list = (xs: { calls: number; value: number; queued?: number | null }[]) =>
      xs.map((x) => `${x.calls}: ${kB(x.value)}${x.queued ? ` (queue ${x.queued})` : ''}`).join(', ');

    // Burst segments only: in the steady phase the with-arm page also runs Playwright's polling for the checklist.
    const scriptPerFrame = (a: ArmName) =>
      median(
        points[a]
          .map((p, i) => ({ p, prev: points[a][i - 1] }))
          .filter(({ p, prev }) => p.phase === 'burst' && prev !== undefined)
          .map(({ p, prev }) => (p.scriptMs - prev!.scriptMs) / (p.frames - prev!.frames)),
      );

    const segmentScript = (a: ArmName) =>
      points[a]
        .map((p, i) => ({ p, prev: points[a][i - 1] }))
        .filter(({ p, prev }) => p.phase === 'burst' && prev !== undefined)
        .map(({ p, prev }) => (p.scriptMs - prev!.scriptMs) / (p.frames - prev!.frames));
    const scriptPerFrameDiffs = segmentScript('with').map((x, i) => x - (segmentScript('without')[i] ?? Number.NaN));
    const totalPerFrame = scriptPerFrame('with') - scriptPerFrame('without');
    // The split of what the extension added: its scripts' self time in the profiled segment, less
    // the page's own natives called through the hook's traps (forwardedByHook). What the profile
    // cannot put on a script (garbage collection, V8's own work) is split in the same proportion.
    // Every ms of the A/B difference is in one of the two figures.
    const selfMs = (test: (file: string) => boolean) => Object.entries(profile.scripts).filter(([file]) => test(file)).reduce((sum, [, ms]) => sum + ms, 0);
    const hookMs = selfMs((f) => f === HOOK_SCRIPT);
    const starterMs = selfMs((f) => f === CONTENT_STARTER);
    const coachingMs = selfMs((f) => CONTENT_COACHING.test(f));
    const contentMs = starterMs + coachingMs;
    const uiMs = selfMs((f) => UI_SCRIPT.test(f));
    /** The page's send (and other natives) through the hook's traps, with-arm; the page's own send, without-arm. */
    const forwardedMs = profile.other[PAGE_CALLS_THROUGH_WRAPPERS] ?? 0;
    const pageSendWithoutMs = profileWithout.natives.send ?? 0;
    /** Profiled self time per frame, to set against the A/B difference per frame. */
    const profiledPerFrame = (ms: number) => `${round((ms * 1000) / (PROFILED_CALLS * framesPerCall), 1)} µs/frame`;
    const extensionMs = selfMs(() => true);
    const frameShare = extensionMs > 0 ? (hookMs + contentMs) / extensionMs : 1;
    const uiShare = extensionMs > 0 ? uiMs / extensionMs : 0;
    const burstPoints = points.with.filter((p) => p.phase === 'burst');
    const steadyEnd = points.with.filter((p) => p.phase === 'steady').at(-1)!;
    const framesPerCall = burstPoints.length > 0 ? (lastOf(burstPoints).frames - steadyEnd.frames) / (lastOf(burstPoints).calls - steadyEnd.calls) : Number.NaN;
    const share = (ms: number) => `${round(extensionMs > 0 ? (100 * ms) / extensionMs : 0, 0)} %`;
    const profiled = (ms: number) => `${round(ms / PROFILED_CALLS, 2)} ms/call`;
    const p95Ci = (xs: number[]) => bootstrapInterval(xs, (sample) => quantileOf(sample, 0.95)).map((x) => round(x, 0)) as [number, number];
    const first = steadyMs.slice(0, 50);
    const last = steadyMs.slice(-50);
    const closingFigure = (id: string, which: string, xs: number[]) =>
      figure({
        id,
        label: `Coach: call's last frame → closing checklist on screen, ${which} (p95)`,
        value: round(quantileOf(xs, 0.95), 0),
        unit: 'ms',
        limit: 50,
        ci: p95Ci(xs),
        note: `95% CI ${p95Ci(xs).join('…')} ms; median ${round(median(xs), 0)} ms, p90 ${round(quantileOf(xs, 0.9), 0)} ms`,
      });

    const figures = [
      figure({
        id: 'memory.steadyAddedRenderer',
        label: `Memory: renderer JS heap added after ${STEADY_CALLS} steady calls (all worlds, with − without)`,
        value: round(lastOf(steadyRenderer).value / MB, 3),
        unit: 'MB',
        limit: 0.5,
        note: `added at ${list(steadyRenderer)} kB`,
      }),
      figure({
        id: 'memory.steadyGrowthRenderer',
        label: `Memory: growth of the added renderer heap, steady phase (slope over ${STEADY_CHECKPOINTS[1]}–${STEADY_CALLS} calls × 2,000)`,
        value: steadyGrowth.value,
        unit: 'kB',
        limit: GROWTH_LIMIT_KB,
        budget: `no growth (≤ ${GROWTH_LIMIT_KB})`,
        ci: [steadyGrowth.low, steadyGrowth.high],
        gating: !earlyGrowthIsCode,
        note: `95% CI ${steadyGrowth.low}…${steadyGrowth.high} kB (gating only when the whole interval is over); ${round(fit.slope, 0)} B per call. Heap snapshots at the same checkpoints: compiled code ${steadyCodeGrowth.value} kB (CI ${steadyCodeGrowth.low}…${steadyCodeGrowth.high}; optimized machine code ${steadyOptimizedGrowth.value}), everything else ${steadyDataGrowth.value} kB (CI ${steadyDataGrowth.low}…${steadyDataGrowth.high}; next row). ${earlyGrowthIsCode ? 'Not gating: what grows here is V8 compiling hot functions, which ends; the late window below is the gating growth figure' : 'Gating: more than compiled code grows here'}`,
      }),
      figure({
        id: 'memory.steadyGrowthRendererData',
        label: `Memory: growth of the added renderer heap without compiled code, steady phase (heap snapshots, slope over ${STEADY_CHECKPOINTS[1]}–${STEADY_CALLS} calls × 2,000)`,
        value: steadyDataGrowth.value,
        unit: 'kB',
        limit: GROWTH_LIMIT_KB,
        budget: `no growth (≤ ${GROWTH_LIMIT_KB})`,
        ci: [steadyDataGrowth.low, steadyDataGrowth.high],
        note: `95% CI ${steadyDataGrowth.low}…${steadyDataGrowth.high} kB: strings, objects, arrays, closures, shapes (V8 heap snapshot self sizes, with − without), i.e. what the extension keeps. With-arm compiled code by tier (kB) at ${tierList(steadyHeap.with)}`,
      }),
      figure({
        id: 'memory.lateGrowthRenderer',
        label: `Memory: growth of the added renderer heap, late steady window (slope over calls ${lateFrom}–${lateFrom + LATE_STEADY_CALLS} × 2,000, after the burst)`,
        value: lateGrowth.value,
        unit: 'kB',
        limit: GROWTH_LIMIT_KB,
        budget: `no growth (≤ ${GROWTH_LIMIT_KB})`,
        ci: [lateGrowth.low, lateGrowth.high],
        note: `95% CI ${lateGrowth.low}…${lateGrowth.high} kB; ${round(lateFit.slope, 0)} B per call; added at ${list(lateRenderer)} kB. Heap snapshots: compiled code ${lateCodeGrowth.value} kB (CI ${lateCodeGrowth.low}…${lateCodeGrowth.high}), everything else ${lateDataGrowth.value} kB (CI ${lateDataGrowth.low}…${lateDataGrowth.high}); with-arm compiled code by tier (kB) at ${tierList(lateHeap.with)}`,
      }),
      figure({
        id: 'memory.lateAddedRenderer',
        label: `Memory: renderer JS heap added at the end of the shift, ${lateFrom + LATE_STEADY_CALLS} calls, steady (all worlds, with − without)`,
        value: round(lastOf(lateRenderer).value / MB, 3),
        unit: 'MB',
        limit: 0.5,
        note: `added at ${list(lateRenderer)} kB`,
      }),
      figure({
        id: 'memory.steadyProjectedRenderer',
        label: `Memory: renderer JS heap added at 2,000 calls, projected from the steady phase`,
        value: round(projectedAt2000.value / MB, 2),
        unit: 'MB',
        limit: 0.5,
        ci: [round(projectedAt2000.low / MB, 2), round(projectedAt2000.high / MB, 2)],
        gating: !earlyGrowthIsCode,
        note: `${earlyGrowthIsCode ? 'not gating: it extends the first window’s compiled-code growth, which stops (see the late window and the heap at the end of the shift); ' : ''}added at ${STEADY_CALLS} calls + slope × ${2_000 - STEADY_CALLS} calls; 95% CI ${round(projectedAt2000.low / MB, 2)}…${round(projectedAt2000.high / MB, 2)} MB (gating only when the whole interval is over)`,
      }),
      figure({
        id: 'memory.addedMainWorld',
        label: `Memory: page (MAIN) world JS heap added at ${CALLS} calls`,
        value: round(lastOf(allMain).value / MB, 3),
        unit: 'MB',
        limit: 2,
        note: `added at ${list(allMain)} kB (measureUserAgentSpecificMemory, window-attributed JavaScript bytes)`,
      }),
      figure({
        id: 'memory.growthMainWorld',
        label: `Memory: growth of the added page-world heap, ${STEADY_CHECKPOINTS[1]}–${CALLS} calls (slope × 2,000)`,
        value: mainGrowth.value,
        unit: 'kB',
        limit: GROWTH_LIMIT_KB,
        budget: `no growth (≤ ${GROWTH_LIMIT_KB})`,
        ci: [mainGrowth.low, mainGrowth.high],
        note: `95% CI ${mainGrowth.low}…${mainGrowth.high} kB`,
      }),
      figure({
        id: 'memory.burstAddedRenderer',
        label: `Memory: renderer JS heap added at ${CALLS} calls after the burst (incl. the content script's queue)`,
        value: round(lastOf(burstRenderer).value / MB, 3),
        unit: 'MB',
        limit: 2,
        gating: false,
        note: `added at ${list(burstRenderer)} kB; the burst played ${CALLS - STEADY_CALLS} calls in ${round(burstMs / 1000, 0)} s, while the coach answered ${Number.isFinite(answeredInBurst) ? `~${answeredInBurst}` : 'an unknown number of'} calls: not a shift's pace (one call every ~14 s), so not gating`,
      }),
      figure({
        id: 'memory.steadyAddedComposition',
        label: `Memory: what the added renderer heap is made of after ${STEADY_CALLS} steady calls: compiled code (with − without)`,
        value: round(composed('code') / 1024, 0),
        unit: 'kB',
        gating: false,
        note: `V8 heap objects new since the 0-call checkpoint (heap snapshots, with − without): ${round(composed('total') / 1024, 0)} kB in all; compiled code (bytecode, baseline and optimized machine code, feedback) ${round(composed('code') / 1024, 0)} kB, strings ${round(composed('strings') / 1024, 0)} kB, objects and arrays ${round(composed('objects') / 1024, 0)} kB, shapes ${round(composed('shapes') / 1024, 0)} kB. The with-arm's new compiled code by script: ${codeByScript.slice(0, 5).map(([script, bytes]) => `${script} ${round(bytes / 1024, 0)} kB`).join(', ')}. Code grows as the hook's, the content script's and the UI's functions get hot, then stops; strings are mostly the hook's frame history (at most 32 k characters). Net change from ${STEADY_CHECKPOINTS[1]} to ${STEADY_CALLS} calls (what the growth slope above is made of): code ${grewInTail('code')} kB, strings ${grewInTail('strings')} kB, objects ${grewInTail('objects')} kB, shapes ${grewInTail('shapes')} kB`,
      }),
      figure({
        id: 'memory.uiLoadCost',
        label: 'Memory: renderer JS heap added when the coaching UI loads (its script injected at the first ringing, before any call content)',
        value: uiLoad ? round(uiLoad.bytes / 1024, 0) : null,
        unit: 'kB',
        gating: false,
        note: uiLoad
          ? `a fresh page of the with-arm, heap after 2 GCs before and after the injection; median of ${uiLoad.samples.map((b) => round(b / 1024, 0)).join(' / ')} kB. Included in every steady checkpoint after the first call`
          : 'not measured: no content-ui script in the build, or no extension worker',
      }),
      figure({
        id: 'memory.domNodesAdded',
        label: `Memory: DOM nodes added at ${lastOf(points.with).calls} calls (with − without)`,
        value: lastOf(points.with).dom.nodes - lastOf(points.without).dom.nodes,
        unit: 'nodes',
        note: `with-arm nodes ${points.with.map((p) => p.dom.nodes).join(' / ')}; nudges on screen ${points.with.map((p) => p.nudgesShown).join(' / ')}`,
      }),
      figure({
        id: 'memory.scriptPerFrame',
        label: 'Shift: extension script on the page’s main thread per SIP frame (hook + content script; Δ ScriptDuration / frames × their share of the profile)',
        value: round(totalPerFrame * frameShare, 4),
        unit: 'ms',
        limit: 0.02,
        ci: bootstrapInterval(scriptPerFrameDiffs.map((x) => x * frameShare)).map((x) => round(x, 4)) as [number, number],
        note: `all extension script ${round(totalPerFrame * 1000, 1)} µs/frame (${round(scriptPerFrame('with') * 1000, 1)} vs ${round(scriptPerFrame('without') * 1000, 1)} µs/frame over the burst segments, both directions, dialog order; CI over the ${scriptPerFrameDiffs.length} segments), of which hook + content script ${share(hookMs + contentMs)} (hook ${share(hookMs)} = ${round(totalPerFrame * 1000 * (extensionMs > 0 ? hookMs / extensionMs : 0), 1)} µs/frame; content script ${share(contentMs)}: starter ${share(starterMs)}, coaching part ${share(coachingMs)}) and the coaching UI ${share(uiMs)} by self time in a CPU profile of ${PROFILED_CALLS} more calls (hook ${profiled(hookMs)}, content script ${profiled(contentMs)}, UI ${profiled(uiMs)} under the profiler; the extension scripts' self time there ${profiledPerFrame(extensionMs)}, the A/B ${round(totalPerFrame * 1000, 1)} µs/frame: the difference, the profiler's slowdown and the work V8 and the browser do for the scripts that the profile puts on none, split in the same proportion). Not counted as the hook's: the page's own WebSocket send through the hook's trap, ${profiled(forwardedMs)} (the same calls without the extension: the page's send ${profiled(pageSendWithoutMs)}). The UI's part is the next row`,
      }),
      figure({
        id: 'memory.uiScriptPerCall',
        label: 'Shift: the coaching UI’s script on the page’s main thread per call (nudges, ring counter, card; Δ ScriptDuration × its share of the profile / calls)',
        value: round(totalPerFrame * uiShare * framesPerCall, 3),
        unit: 'ms',
        limit: UI_MS_PER_CALL_LIMIT,
        ci: bootstrapInterval(scriptPerFrameDiffs.map((x) => x * uiShare * framesPerCall)).map((x) => round(x, 3)) as [number, number],
        note: `${share(uiMs)} of the extension's ${round(totalPerFrame * 1000, 1)} µs/frame × ${round(framesPerCall, 1)} frames per call; target: 2 % of the event-nudge budget (≤ 50 ms p95 frame → visible) for rendering all of a call's updates`,
      }),
      closingFigure('memory.coachP95First', `calls 1–${first.length}`, first),
      closingFigure('memory.coachP95Last', `calls ${Math.max(1, steadyMs.length - last.length + 1)}–${steadyMs.length}`, last),
      figure({
        id: 'memory.eventNudgeP95',
        label: `Nudges: event nudge (closing checklist), frame → visible, worker running, p95 over ${steadyMs.length} steady calls`,
        value: round(quantileOf(steadyMs, 0.95), 0),
        unit: 'ms',
        limit: 50,
        ci: p95Ci(steadyMs),
        note: `95% CI ${p95Ci(steadyMs).join('…')} ms; median ${round(median(steadyMs), 0)} ms, worst ${Math.max(...steadyMs)} ms; ${unanswered} calls unanswered within ${ANSWER_TIMEOUT_MS / 1000} s. From the steady phase: the call's last frame reached the page → the nudge in the page's DOM (polled every 10 ms)`,
      }),
      figure({
        id: 'memory.firstCallNudge',
        label: "Nudges: the page's first call, last frame → closing checklist on screen (the coaching UI loaded during that call)",
        value: firstCallMs ?? null,
        unit: 'ms',
        note: 'one sample: the first call of a freshly loaded page; the UI is injected by the background at its ringing; counted in the p95 rows above too',
      }),
    ];
    if (mismatches > 0) {
      figures.push(figure({ id: 'memory.frameMismatch', label: 'Shift: frames the page sent that differ from what it was given', value: mismatches, unit: 'frames', limit: 0 }));
    }
    writePart({
      bench: 'memory',
      title: `Memory A/B — simulated shift of ${CALLS} calls (${lastOf(points.with.filter((p) => p.phase !== 'late')).frames} frames per arm): ${STEADY_CALLS} steady, then a burst, then ${LATE_STEADY_CALLS} steady again; checkpoints ${points.with.map((p) => p.calls).join('/')}`,
      startedAt: new Date(started).toISOString(),
      wallMs: Date.now() - started,
      figures,
      notes: [
        'Renderer heap = Runtime.getHeapUsage().usedSize after two HeapProfiler.collectGarbage: one V8 isolate for every world of the page (page, hook, content script, Playwright utility world); Performance.getMetrics JSHeapUsedSize reports the same isolate-wide number.',
        'Page-world heap = performance.measureUserAgentSpecificMemory() bytes attributed to the window (cross-origin-isolated page, --enable-blink-features=ForceEagerMeasureMemory); extension isolated worlds are not included there.',
        `Growth: least-squares slope of (with − without) over the checkpoints, projected over 2,000 calls; "growth" when it exceeds ${GROWTH_LIMIT_KB} kB (a quarter of the 2 MB budget).`,
        'Steady calls wait for the coach (closing checklist on screen); burst calls do not. Nobody answers the nudges. Frames are lock-stepped in dialog order over a real socket. The without-arm runs the same page.evaluate after each steady call (Playwright compiles its own code in the page for each), so that only the extension differs.',
        'Time is compressed (150 calls in under a minute, not 35 minutes): whatever the extension keeps for a while rather than up to a count (e.g. ended-call cards, toasts) shows up here as growth per call.',
        `Script per frame, split: the A/B difference of ScriptDuration over the burst segments (everything the extension's scripts run on the page's thread, the UI's rendering as the coach answers included), divided between hook + content script (per SIP frame) and the coaching UI (per call) by each script's self time in a CPU profile of ${PROFILED_CALLS} more burst calls of the with-arm (V8 sampling profiler; a native callee counts to its scripted caller, except the natives the hook's Proxy traps call for the page — its own WebSocket send, constructor and toString, which the without-arm pays too: they count to the page, and a profile of the same calls in the without-arm gives the page's own send for comparison (under the profiler the with-arm's send has measured up to 3× the without-arm's; the per-frame bench's direct A/B of send() puts everything the trap adds at a few µs per send, so that difference is not counted as the hook's); garbage collection and V8's and the browser's own work, which the profile puts on no script, split in the same proportion). The content script is its starter and its coaching part (parser, tracker, adapters, the background's messages). The two rows add up to the whole difference.`,
      ],
      details: { checkpoints: points, steadyMsPerCall: steadyMs, burstMs, unanswered, steadyAddedComposition: composition, steadyTailGrowth: tailGrowth, steadyHeap, lateHeap, uiLoad, profile: summaryOf(profile), profileWithout: summaryOf(profileWithout), codeByScript },
    });
  });
});

/** The profile as kept in the results: per script, V8's buckets, and the top functions. */
function summaryOf(profile: ProfileSummary): { scripts: Record<string, number>; other: Record<string, number>; natives: Record<string, number>; functions: { where: string; ms: number }[] } {
  const r = (x: number) => round(x, 1);
  return {
    scripts: Object.fromEntries(Object.entries(profile.scripts).map(([k, v]) => [k, r(v)])),
    other: Object.fromEntries(Object.entries(profile.other).map(([k, v]) => [k, r(v)])),
    natives: Object.fromEntries(Object.entries(profile.natives).filter(([, v]) => v >= 0.5).map(([k, v]) => [k, r(v)])),
    functions: profile.functions.slice(0, 20).map((f) => ({ where: f.where, ms: r(f.ms) })),
  };
}

/** A checkpoint's V8 heap (snapshot self sizes): all of it, its compiled code, and that code by tier. */
interface HeapSplit {
  calls: number;
  total: number;
  code: number;
  tiers: Record<CodeTier, number>;
}

function heapSplitOf(calls: number, snapshot: HeapSnapshot): HeapSplit {
  const totals = totalsOf(snapshot);
  return { calls, total: totals.total, code: totals.code, tiers: snapshot.tiers };
}
