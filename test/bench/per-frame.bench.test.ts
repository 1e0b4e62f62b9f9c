/**
 * Per-frame cost A/B (quality-bar.md "Per frame"): what the page hook adds on the page's own
 * WebSocket path, with and without the extension, alternating rounds.
 *
 * - Receive: this bench's server pushes K SIP frames (~0.9 kB, realistic INVITE/1xx/200/ACK/
 *   re-INVITE/BYE text) on a socket that offers "sip". The page's own `onmessage` handler
 *   records `performance.now() − event.timeStamp`: Blink creates the MessageEvent right before
 *   dispatching it, and the hook's listener (added at construction) runs before the page's, so
 *   the with − without difference is the time the hook adds before the page's handler runs.
 *   The page is cross-origin isolated: timers have 5 µs resolution, not 100 µs.
 * - Send: K `send()` calls on a "sip" socket, each timed in the page.
 * - Whole main thread: CDP ScriptDuration/TaskDuration over a receive round until the renderer
 *   is idle again, divided by K: everything the extension does in the page per frame (hook,
 *   and the content script's parsing and dialog tracking, which run in later tasks, off the
 *   page's path).
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { CDPSession, Page } from 'playwright-core';
import { abOrder, getMetrics, hookInstalled, launchArms, waitIdle, type Arm, type ArmName } from './lib/arms';
import { startBenchServer, type BenchServer } from './lib/bench-server';
import { figure, scaled, writePart } from './lib/results';
import { bootstrapMedianDiff, mean, median, quantile, round, summary } from './lib/stats';
import { shiftFrames, utf8Bytes } from './lib/sip-traffic';
import { profileScript } from './lib/cpu-profile';

const K = 2_000;
const ROUNDS = scaled(6, 2);
/** 40 calls' frames, cycled: INVITEs with SDP of ~2 kB down to ACKs of ~0.4 kB. */
const CORPUS = shiftFrames(40).map((f) => f.text);
const MEAN_BYTES = mean(CORPUS.map(utf8Bytes));

let server: BenchServer;
let close: () => Promise<void>;
let arms: Record<ArmName, Arm>;
const pages = {} as Record<ArmName, { page: Page; cdp: CDPSession }>;

beforeAll(async () => {
  server = await startBenchServer();
  server.onSocket('push', (ws) => {
    const k = Number(ws.query.get('k') ?? '0');
    for (let i = 0; i < k; i++) ws.sendText(CORPUS[i % CORPUS.length]!);
  });
  server.onSocket('sink', () => {});
  ({ arms, close } = await launchArms(`${server.origin}/bench/blank.html`));
  for (const name of ['with', 'without'] as const) {
    const page = await arms[name].context.newPage();
    await page.goto(`${server.origin}/bench/blank.html`);
    const cdp = await arms[name].context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const ok = await page.evaluate((corpus) => {
      (window as unknown as { __corpus: string[] }).__corpus = corpus;
      return crossOriginIsolated;
    }, CORPUS);
    if (!ok) throw new Error('bench page is not cross-origin isolated: timer resolution would be 100 µs');
    if ((await hookInstalled(page)) !== (name === 'with')) throw new Error(`arm ${name}: page hook ${name === 'with' ? 'missing' : 'present'}`);
    pages[name] = { page, cdp };
  }
});

afterAll(async () => {
  await close?.();
  await server?.close();
});

interface ReceiveRound {
  delays: number[];
  ms: number;
  scriptMs: number;
  taskMs: number;
}

async function receiveRound(name: ArmName): Promise<ReceiveRound> {
  const { page, cdp } = pages[name];
  await waitIdle(cdp, { intervalMs: 100, epsMs: 0.5 });
  const before = await getMetrics(cdp);
  const result = await page.evaluate(
    async ({ url, k }) => {
      const delays = new Float64Array(k);
      let n = 0;
      let chars = 0;
      const t0 = performance.now();
      await new Promise<void>((resolve, reject) => {
        const ws = new WebSocket(url, 'sip');
        ws.onmessage = (event: MessageEvent) => {
          delays[n] = performance.now() - event.timeStamp;
          chars += (event.data as string).length;
          n++;
          if (n === k) {
            ws.close();
            resolve();
          }
        };
        ws.onerror = () => reject(new Error('socket error'));
      });
      return { delays: Array.from(delays), ms: performance.now() - t0, chars };
    },
    { url: `${server.wsOrigin}/ws/push?k=${K}`, k: K },
  );
  const after = await waitIdle(cdp, { intervalMs: 150, epsMs: 0.5 });
  return {
    delays: result.delays,
    ms: result.ms,
    scriptMs: ((after.ScriptDuration ?? 0) - (before.ScriptDuration ?? 0)) * 1000,
    taskMs: ((after.TaskDuration ?? 0) - (before.TaskDuration ?? 0)) * 1000,
  };
}

async function sendRound(name: ArmName): Promise<{ each: number[]; total: number }> {
  const { page, cdp } = pages[name];
  await waitIdle(cdp, { intervalMs: 100, epsMs: 0.5 });
  return page.evaluate(
    async ({ url, k }) => {
      const corpus = (window as unknown as { __corpus: string[] }).__corpus;
      const ws = new WebSocket(url, 'sip');
      await new Promise((resolve, reject) => {
        ws.onopen = resolve;
        ws.onerror = () => reject(new Error('socket error'));
      });
      const each = new Float64Array(k);
      const t0 = performance.now();
      for (let i = 0; i < k; i++) {
        const t = performance.now();
        ws.send(corpus[i % corpus.length]!);
        each[i] = performance.now() - t;
      }
      const total = performance.now() - t0;
      while (ws.bufferedAmount > 0) await new Promise((r) => setTimeout(r, 5));
      ws.close();
      return { each: Array.from(each), total };
    },
    { url: `${server.wsOrigin}/ws/sink`, k: K },
  );
}

describe('per-frame cost A/B', () => {
  it(`receives and sends ${K} SIP frames per round, ${ROUNDS} rounds per arm, alternating`, async () => {
    const started = Date.now();
    // One warm-up round per arm (JIT, socket set-up), not counted.
    for (const name of abOrder(0)) {
      await receiveRound(name);
      await sendRound(name);
    }
    const rx: Record<ArmName, ReceiveRound[]> = { with: [], without: [] };
    const tx: Record<ArmName, { each: number[]; total: number }[]> = { with: [], without: [] };
    for (let r = 0; r < ROUNDS; r++) {
      for (const name of abOrder(r)) rx[name].push(await receiveRound(name));
      for (const name of abOrder(r + 1)) tx[name].push(await sendRound(name));
    }
    // Where the with-arm's extension time goes: one more receive round under the CPU profiler
    // (it slows scripts down: the split is meant, not the sum).
    const profile = await profileScript(pages.with.cdp, async () => void (await receiveRound('with')));
    const perFrameUs = (ms: number) => round((ms * 1000) / K, 2);
    const profileNote = profile.functions
      .slice(0, 8)
      .map((f) => `${f.where} ${perFrameUs(f.ms)}`)
      .join('; ');
    const pooled = (a: ArmName) => rx[a].flatMap((x) => x.delays);
    const rxMedian = (a: ArmName) => median(pooled(a));
    const rxMean = (a: ArmName) => mean(pooled(a));
    const txEach = (a: ArmName) => tx[a].flatMap((x) => x.each);
    const txMean = (a: ArmName) => median(tx[a].map((x) => x.total / K));
    const perFrame = (a: ArmName, f: (x: ReceiveRound) => number) => median(rx[a].map((x) => f(x) / K));
    const us = (ms: number) => ms * 1000;
    // 400 resamples of 10⁴ samples: a tight enough interval in about a second.
    const rxCi = bootstrapMedianDiff(pooled('with'), pooled('without'), 400).map((x) => round(x, 4)) as [number, number];

    const figures = [
      figure({
        id: 'frame.receiveAdded',
        label: 'Per frame: time added before the page’s onmessage (median with − without)',
        value: round(rxMedian('with') - rxMedian('without'), 4),
        unit: 'ms',
        limit: 0.005,
        ci: rxCi,
        note: `95% CI ${rxCi.map((x) => round(us(x), 1)).join('…')} µs; medians ${round(us(rxMedian('with')), 1)} vs ${round(us(rxMedian('without')), 1)} µs, means ${round(us(rxMean('with')), 1)} vs ${round(us(rxMean('without')), 1)} µs, p95 ${round(us(quantile(pooled('with'), 0.95)), 0)} vs ${round(us(quantile(pooled('without'), 0.95)), 0)} µs (event.timeStamp → handler, ${ROUNDS}×${K} frames per arm)`,
      }),
      figure({
        id: 'frame.sendAdded',
        label: 'Per frame: time added to send() (median with − without)',
        value: round(median(txEach('with')) - median(txEach('without')), 4),
        unit: 'ms',
        limit: 0.1,
        note: `medians ${round(us(median(txEach('with'))), 1)} vs ${round(us(median(txEach('without'))), 1)} µs; mean per send over a ${K}-send burst ${round(us(txMean('with')), 1)} vs ${round(us(txMean('without')), 1)} µs`,
      }),
      figure({
        id: 'frame.scriptAdded',
        label: 'Per frame: all extension script on the page’s main thread (ΔScriptDuration / K)',
        value: round(perFrame('with', (x) => x.scriptMs) - perFrame('without', (x) => x.scriptMs), 4),
        unit: 'ms',
        note: `hook + content-script parsing/tracking, mostly off the page's path; ${round(us(perFrame('with', (x) => x.scriptMs)), 1)} vs ${round(us(perFrame('without', (x) => x.scriptMs)), 1)} µs/frame`,
      }),
      figure({
        id: 'frame.profiledScript',
        label: 'Per frame: extension self time under the CPU profiler, by script (µs per frame, one profiled receive round)',
        value: round((Object.values(profile.scripts).reduce((a, b) => a + b, 0) * 1000) / K, 2),
        unit: 'µs',
        note: `${Object.entries(profile.scripts)
          .map(([file, ms]) => `${file} ${perFrameUs(ms)}`)
          .join(', ')}; by function (native callees count to their caller): ${profileNote}`,
      }),
      figure({
        id: 'frame.taskAdded',
        label: 'Per frame: all main-thread task time added (ΔTaskDuration / K)',
        value: round(perFrame('with', (x) => x.taskMs) - perFrame('without', (x) => x.taskMs), 4),
        unit: 'ms',
        note: `includes structured cloning and message-port delivery; ${round(us(perFrame('with', (x) => x.taskMs)), 1)} vs ${round(us(perFrame('without', (x) => x.taskMs)), 1)} µs/frame`,
      }),
    ];
    writePart({
      bench: 'per-frame',
      title: `Per frame A/B — ${K} frames × ${ROUNDS} rounds per arm (mean ${Math.round(MEAN_BYTES)} B/frame), cross-origin-isolated page`,
      startedAt: new Date(started).toISOString(),
      wallMs: Date.now() - started,
      figures,
      notes: [
        'Receive: performance.now() − event.timeStamp in the page’s own onmessage (5 µs timers); the hook’s listener runs first, so with − without = time the hook adds on the page’s path.',
        'Send: each send() timed with performance.now(); the hook copies and forwards after the native send returned.',
        'ΔScriptDuration / ΔTaskDuration: CDP Performance.getMetrics over a receive round until the renderer is idle (all worlds: hook + content script).',
        'Profile: V8 sampling profiler (50 µs) over one extra receive round of the with-arm; self time per extension function, natives counted to their caller.',
      ],
      details: {
        receive: Object.fromEntries((['with', 'without'] as const).map((a) => [a, { pooled: summary(pooled(a)), rounds: rx[a].map((x) => ({ median: median(x.delays), mean: mean(x.delays), ms: x.ms, scriptMs: x.scriptMs, taskMs: x.taskMs })) }])),
        send: Object.fromEntries((['with', 'without'] as const).map((a) => [a, { each: summary(txEach(a)), rounds: tx[a].map((x) => ({ median: median(x.each), total: x.total })) }])),
        profile: { functions: profile.functions.slice(0, 20), scripts: profile.scripts, other: profile.other },
      },
    });
  });
});
