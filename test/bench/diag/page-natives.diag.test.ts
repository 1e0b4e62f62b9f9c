/**
 * Diagnostic (not part of npm run bench): what the page hook's wrappers cost the page's own calls
 * at load time: `new WebSocket(url, 'sip')`, `new WebSocket(url)` (not SIP) and
 * `Function.prototype.toString`, timed in the page with and without the extension.
 *
 *   BENCH_DIST=dist-e2e flock /tmp/second-ring-e2e.lock npx vitest run -c test/bench/diag/vitest.diag.config.ts page-natives
 */
import { afterAll, beforeAll, it } from 'vitest';
import { launchArms, type Arm, type ArmName } from '../lib/arms';
import { startBenchServer, type BenchServer } from '../lib/bench-server';

let server: BenchServer;
let close: () => Promise<void>;
let arms: Record<ArmName, Arm>;

beforeAll(async () => {
  server = await startBenchServer({});
  ({ arms, close } = await launchArms(`${server.origin}/bench/blank.html`));
});

afterAll(async () => {
  await close?.();
  await server?.close();
});

async function timings(arm: Arm) {
  const page = await arm.context.newPage();
  await page.goto(`${server.origin}/bench/blank.html`);
  const r = await page.evaluate(async (ws) => {
    const now = () => performance.now();
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
    const sip: number[] = [];
    const plain: number[] = [];
    for (let i = 0; i < 30; i++) {
      let t = now();
      const a = new WebSocket(ws, 'sip');
      sip.push(now() - t);
      t = now();
      const b = new WebSocket(ws);
      plain.push(now() - t);
      a.close();
      b.close();
      await new Promise((r) => setTimeout(r, 5));
    }
    const fns = [Array.prototype.map, function f() {}, Math.max, JSON.parse, document.createElement];
    const t = now();
    for (let i = 0; i < 20000; i++) Function.prototype.toString.call(fns[i % 5]);
    const toString = ((now() - t) * 1000) / 20000;
    return { sip: median(sip) * 1000, plain: median(plain) * 1000, toString };
  }, `${server.wsOrigin}/ws/silent`);
  await page.close();
  return r;
}

it('times the page natives the hook wraps', async () => {
  for (let round = 0; round < 3; round++) {
    for (const name of ['with', 'without'] as ArmName[]) {
      const r = await timings(arms[name]);
      console.log(`${name}\tnew WebSocket sip ${r.sip.toFixed(0)} µs\tplain ${r.plain.toFixed(0)} µs\ttoString ${r.toString.toFixed(2)} µs`);
    }
  }
}, 300_000);
