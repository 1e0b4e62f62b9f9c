/**
 * Diagnostic (not part of npm run bench): where the page's main-thread time goes during a load of
 * the bench's JsSIP softphone page, with and without the extension. Traces N loads per arm
 * (Chromium tracing: toplevel, devtools.timeline, v8, blink, renderer, extensions, mojom) and sums,
 * on the page's renderer main thread up to DOMContentLoaded, the self time of each event name
 * (and of EvaluateScript / FunctionCall by script URL), then prints with − without, largest first:
 *
 *   npx vite build --mode e2e --logLevel warn
 *   BENCH_DIST=dist-e2e flock /tmp/second-ring-e2e.lock npx vitest run -c test/bench/diag/vitest.diag.config.ts page-load-trace
 */
import { it } from 'vitest';
import type { CDPSession, Page } from 'playwright-core';
import { sleep, type Arm, type ArmName } from '../lib/arms';
import { usePhonePageArms } from '../lib/phone-page-arms';

const LOADS = Number(process.env.DIAG_LOADS ?? '6');
const CATEGORIES = 'toplevel,devtools.timeline,v8,blink,renderer,extensions,mojom,loading,disabled-by-default-devtools.timeline';

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string; data?: { url?: string; type?: string; frame?: string } };
}

const phones = usePhonePageArms();
const phoneUrl = () => phones.phoneUrl();

async function traced(arm: Arm): Promise<Map<string, number>> {
  const page: Page = await arm.context.newPage();
  const cdp: CDPSession = await arm.context.newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (d: { value: unknown[] }) => void events.push(...(d.value as TraceEvent[])));
  const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
  await cdp.send('Tracing.start', { categories: CATEGORIES, transferMode: 'ReportEvents' });
  await page.goto(phoneUrl(), { waitUntil: 'load' });
  await sleep(300);
  await cdp.send('Tracing.end');
  await complete;
  await page.close();
  // The page's renderer main thread: the one that ran the page's ParseHTML.
  const parse = events.find((e) => e.name === 'ParseHTML' && e.ph === 'X');
  if (!parse) throw new Error('no ParseHTML in the trace');
  const main = events.filter((e) => e.pid === parse.pid && e.tid === parse.tid && e.ph === 'X' && e.dur !== undefined);
  const dcl = events.find((e) => e.pid === parse.pid && e.name === 'domContentLoadedEventStart') ?? events.find((e) => e.pid === parse.pid && e.name === 'MarkDOMContent');
  const navStart = events.find((e) => e.pid === parse.pid && (e.name === 'navigationStart' || e.name === 'CommitLoad'));
  const end = dcl?.ts ?? Infinity;
  const start = navStart?.ts ?? 0;
  main.sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  // Self time: an event's duration minus its direct children's.
  const out = new Map<string, number>();
  const stack: { e: TraceEvent; key: string; child: number }[] = [];
  const keyOf = (e: TraceEvent) => {
    const url = e.args?.data?.url;
    if ((e.name === 'EvaluateScript' || e.name === 'FunctionCall' || e.name === 'v8.compile' || e.name === 'v8.run') && url !== undefined) {
      return `${e.name} ${url.startsWith('chrome-extension://') ? url.replace(/^chrome-extension:\/\/[^/]+/, 'EXT') : url.startsWith('http') ? 'page' : url || '(none)'}`;
    }
    if (e.name === 'EventDispatch') return `EventDispatch ${e.args?.data?.type ?? ''}`;
    return e.name;
  };
  const flush = (upTo: number) => {
    while (stack.length && stack[stack.length - 1]!.e.ts + (stack[stack.length - 1]!.e.dur ?? 0) <= upTo) {
      const top = stack.pop()!;
      const self = (top.e.dur ?? 0) - top.child;
      if (top.e.ts >= start && top.e.ts <= end) out.set(top.key, (out.get(top.key) ?? 0) + self / 1000);
    }
  };
  for (const e of main) {
    flush(e.ts);
    if (stack.length) stack[stack.length - 1]!.child += e.dur ?? 0;
    stack.push({ e, key: keyOf(e), child: 0 });
  }
  flush(Infinity);
  out.set('= DCL after start (ms)', (end - start) / 1000);
  return out;
}

it('traces the JsSIP page load with and without the extension', async () => {
  const sums: Record<ArmName, Map<string, number>[]> = { with: [], without: [] };
  await traced(phones.arms.with);
  await traced(phones.arms.without);
  for (let i = 0; i < LOADS; i++) for (const name of (i % 2 ? ['with', 'without'] : ['without', 'with']) as ArmName[]) sums[name].push(await traced(phones.arms[name]));
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length ? (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2 : 0;
  };
  const keys = new Set([...sums.with, ...sums.without].flatMap((m) => [...m.keys()]));
  const rows = [...keys].map((k) => {
    const w = median(sums.with.map((m) => m.get(k) ?? 0));
    const wo = median(sums.without.map((m) => m.get(k) ?? 0));
    return { k, w, wo, d: w - wo };
  });
  rows.sort((a, b) => Math.abs(b.d) - Math.abs(a.d));
  console.log(`median self ms on the page's main thread, navigation → DCL, ${LOADS} loads per arm\nwith\twithout\tdiff\tevent`);
  for (const r of rows.slice(0, 45)) console.log(`${r.w.toFixed(2)}\t${r.wo.toFixed(2)}\t${r.d.toFixed(2)}\t${r.k}`);
}, 600_000);
