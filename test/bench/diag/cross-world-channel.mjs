/* global process, console, setTimeout, window, document, Event */
// Diagnostic (not part of npm run bench): what one MAIN → ISOLATED world delivery costs on the
// page's main thread, per one-frame task, in real Chromium, for the ways the page hook could
// hand a batch to the content script:
//   none          the post task builds the batch and sends it nowhere (the floor)
//   port          MessagePort.postMessage of the batch object (what the hook does), read in onmessage
//   event-object  a CustomEvent on the window, `detail` the batch object (cloned across worlds)
//   event-string  a CustomEvent on the window, `detail` the batch as one string (no clone)
// A tiny extension (written to a temp dir) does both sides; each mode sends N one-frame batches,
// one per scheduler.postTask task, as SIP frames arrive in a shift; modes alternate (ABBA) and the
// figure is the median over rounds of ΔTaskDuration and ΔScriptDuration (CDP) per frame.
//
//   flock /tmp/second-ring-e2e.lock node test/bench/diag/cross-world-channel.mjs
//   NOISE=1 …   between frames the page does ~300 allocations and a DOM write (a busier heap)
//   PROF=1 MODES=port …   also a V8 CPU profile (50 µs) of the mode(s): self time by function
//
// Measured 2026-12-04 (Debian's Chromium, shared 2-core machine), task time added over `none` per
// frame: port 12.1 µs, event-object 7.4, event-string 4.7 (NOISE=1: 12.9, 5.5, 5.6); script time
// 5.6, 5.1, 2.9. Under the profiler the port's delivery costs about 19 µs a frame, half of it on
// no script ("(program)"). The string event was tried in the hook (branch xworld-event-channel):
// in the memory bench's shift, hook + content script per frame went from a median of 130 to 121
// µs (5 runs each, alternating), all extension script 180 → 165 µs; not taken (see that branch).
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const N = Number(process.env.N ?? 3000);
const NOISE = process.env.NOISE === '1';
const PROF = process.env.PROF === '1';
const MODES = process.env.MODES ? process.env.MODES.split(',') : ['none', 'port', 'event-object', 'event-string'];
const ROUNDS = PROF ? 2 : 8;

const MANIFEST = {
  manifest_version: 3,
  name: 'cross-world-channel',
  version: '1',
  host_permissions: ['http://127.0.0.1/*'],
  content_scripts: [
    { matches: ['http://127.0.0.1/*'], js: ['main.js'], world: 'MAIN', run_at: 'document_start' },
    { matches: ['http://127.0.0.1/*'], js: ['iso.js'], run_at: 'document_start' },
  ],
};

// ISOLATED world: reads what arrives (every field a content script would), counts it.
const ISO = `
let got = 0;
const channel = new MessageChannel();
const readBatch = (m) => {
  if (m && m.t === 'batch') for (let i = 0; i < m.count; i++) {
    const s = m.signals[i];
    if (s && s.t === 'ws-frame' && typeof s.data === 'string' && typeof s.at === 'number' && typeof s.socket === 'number') got++;
  }
};
channel.port1.onmessage = (e) => readBatch(e.data);
const name = 'x:' + Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
window.addEventListener(name, (e) => {
  const d = e.detail;
  if (typeof d !== 'string') return readBatch(d);
  for (let i = 0; i < d.length; ) {
    const colon = d.indexOf(':', i);
    const h = d.slice(i + 1, colon).split(',');
    const len = Number(h[3]);
    if (d.slice(colon + 1, colon + 1 + len).length === len && Number.isFinite(Number(h[2]))) got++;
    i = colon + 1 + len;
  }
});
document.addEventListener('cross-world-count', () => { document.documentElement.dataset.got = String(got); });
window.postMessage('cross-world-connect', '*', [channel.port2]);
channel.port1.postMessage(name);
`;

// MAIN world: window.__send(mode, n, frame) sends n one-frame batches, one per postTask task.
const MAIN = `
let port, name;
window.addEventListener('message', (e) => {
  if (e.data !== 'cross-world-connect') return;
  e.stopImmediatePropagation();
  port = e.ports[0];
  port.addEventListener('message', (m) => { name = m.data; });
  port.start();
}, { capture: true });
const NativeCustomEvent = CustomEvent, dispatch = EventTarget.prototype.dispatchEvent, objectCreate = Object.create;
window.__send = (mode, n, frame, noise) => new Promise((resolve) => {
  let i = 0;
  const step = () => {
    const signal = { t: 'ws-frame', socket: 1, dir: 'received', data: frame + i, at: Date.now() };
    const signals = objectCreate(null);
    signals[0] = signal;
    const batch = { t: 'batch', count: 1, signals };
    if (mode === 'port') port.postMessage(batch);
    else if (mode === 'event-object' || mode === 'event-string') {
      const init = objectCreate(null);
      init.detail = mode === 'event-object' ? batch : 'f' + signal.socket + ',1,' + signal.at + ',' + signal.data.length + ':' + signal.data;
      dispatch.call(window, new NativeCustomEvent(name, init));
    }
    if (noise) {
      const garbage = [];
      for (let k = 0; k < 300; k++) garbage.push({ k, s: 'x' + k });
      window.__garbage = garbage;
      document.body.dataset.i = String(i);
    }
    if (++i < n) scheduler.postTask(step);
    else scheduler.postTask(resolve);
  };
  scheduler.postTask(step);
});
`;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cross-world-'));
fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(MANIFEST));
fs.writeFileSync(path.join(dir, 'iso.js'), ISO);
fs.writeFileSync(path.join(dir, 'main.js'), MAIN);
const server = http.createServer((_q, r) => void r.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>x</title><body>')).listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const context = await chromium.launchPersistentContext('', {
  executablePath: CHROMIUM,
  headless: true,
  args: [`--disable-extensions-except=${dir}`, `--load-extension=${dir}`],
});
try {
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => typeof window.__send === 'function');
  await page.waitForTimeout(300);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  const idle = async () => {
    let a = await metrics();
    for (;;) {
      await new Promise((r) => setTimeout(r, 100));
      const b = await metrics();
      if ((b.TaskDuration - a.TaskDuration) * 1000 < 0.5) return b;
      a = b;
    }
  };
  // A SIP response of about 0.9 kB, as most of a call's frames are.
  const frame = 'SIP/2.0 200 OK\r\nVia: SIP/2.0/WSS 10.0.0.1;branch=z9hG4bK776asdhds\r\n'.repeat(14);
  if (PROF) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 50 });
    await cdp.send('Profiler.start');
  }
  const perFrame = Object.fromEntries(MODES.map((m) => [m, { task: [], script: [] }]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of round % 2 ? [...MODES].reverse() : MODES) {
      const a = await idle();
      await page.evaluate(([m, n, f, noise]) => window.__send(m, n, f, noise), [mode, N, frame, NOISE]);
      const b = await idle();
      perFrame[mode].task.push(((b.TaskDuration - a.TaskDuration) * 1e6) / N);
      perFrame[mode].script.push(((b.ScriptDuration - a.ScriptDuration) * 1e6) / N);
    }
  }
  if (PROF) {
    const { profile } = await cdp.send('Profiler.stop');
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const self = new Map();
    for (let k = 0; k < profile.samples.length; k++) {
      const f = byId.get(profile.samples[k]).callFrame;
      const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}`;
      self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[k + 1] ?? 0));
    }
    const frames = N * ROUNDS * MODES.length;
    console.log(`self time under the profiler, µs per frame (${MODES.join(', ')}):`);
    for (const [k, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 12)) if (!k.startsWith('(idle)')) console.log(`  ${k.padEnd(40)} ${(us / frames).toFixed(2)}`);
  }
  await page.evaluate(() => document.dispatchEvent(new Event('cross-world-count')));
  const got = Number(await page.evaluate(() => document.documentElement.dataset.got));
  const expected = N * ROUNDS * MODES.filter((m) => m !== 'none').length;
  if (got !== expected) throw new Error(`the isolated world read ${got} frames, expected ${expected}`);
  const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
  const floor = perFrame.none ? median(perFrame.none.task) : 0;
  console.log(`${N} one-frame tasks × ${ROUNDS} rounds per mode, ${frame.length}-character frame${NOISE ? ', busier page' : ''}; medians per frame:`);
  for (const m of MODES) {
    const task = median(perFrame[m].task);
    console.log(`  ${m.padEnd(13)} task ${task.toFixed(1)} µs  script ${median(perFrame[m].script).toFixed(1)} µs${perFrame.none ? `  task added over none ${(task - floor).toFixed(1)} µs` : ''}`);
  }
} finally {
  await context.close();
  server.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
