/**
 * A hostile softphone page (README, "What a page can and cannot do"), in real Chromium, with the
 * store build (`dist/`) and the test build (`dist-e2e/`):
 *
 * - its own inline script, the earliest page code there is, forges 100 handshakes, replaces
 *   `String.prototype.toLowerCase`, `Blob[Symbol.hasInstance]` and `WeakMap.prototype.get` with
 *   functions that note every call made from the extension's code (and lie to it), and tries to
 *   fetch the extension's scripts — while its own SIP call is still coached and its own
 *   handlers still get exactly the frames on the wire;
 * - errors thrown through the hook read as the browser's own, without the extension's URL;
 * - a caller named with bidi and control characters is shown cleaned and isolated on the card,
 *   written cleaned and isolated in the CSV, and in the desktop notification of a reminder;
 * - the store build's shadow root is closed (`shadowRoot` is null to the page) and what the agent
 *   types into the card never reaches the page's listeners.
 *
 * The store build asks for no host up front and headless Chromium cannot answer a permission
 * prompt, so it runs from a copy of `dist/` whose manifest alone also lists the loopback origin;
 * every script and page is the store build's, byte for byte.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHROMIUM,
  PHONE_BROWSER_ARGS,
  captureWebSocketFrames,
  hangupAll,
  launchPhoneBrowser,
  phoneEventMark,
  phoneUrl,
  waitForPhoneEvent,
  type WsCapture,
} from './sip-lab/browsers';
import { startSipLab, type SipLab } from './sip-lab/lab';
import { assertBuilt, callLog, extensionScope, extensionWorker, setConfig } from './extension';
import { hasControlCharacters } from '../../src/core/names';
import { REMINDER_ALARM } from '../../src/background/history-service';

/**
 * What the caller's phone sends as its display name: a bidi override (RLO), a pop and a line
 * separator. Kamailio drops a SIP message whose header holds a raw CR, NUL or ESC, so those
 * never reach a page from SIP; the unit tests of core/names.ts and of the CSV cover them.
 */
const HOSTILE_NAME = 'Eve\u202e lanoitaN\u202c\u2028Bank';
const CLEAN_NAME = 'Eve lanoitaN Bank';

/** The store build, with the lab's origin granted in its manifest (see the module comment). */
function storeBuildWithLabHost(): string {
  const dist = path.resolve('dist');
  if (!fs.existsSync(path.join(dist, 'manifest.json'))) throw new Error('no store build at dist/: run "npx vite build" first (npm test does)');
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'second-ring-store-'));
  fs.cpSync(dist, copy, { recursive: true });
  const manifest = JSON.parse(fs.readFileSync(path.join(dist, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  manifest.host_permissions = ['http://127.0.0.1/*'];
  fs.writeFileSync(path.join(copy, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return copy;
}

/**
 * The page's own first script: every trap notes a call whose stack shows the extension's code
 * (and then lies to it), every handshake-shaped message it can see is noted, 100 forged
 * handshakes go out with ports it listens on, and its own WebSocket handlers log their frames.
 */
const HOSTILE_SCRIPT = `
(() => {
  const log = { fromExtension: [], handshakesSeen: 0, forgedPortsAnswered: 0, forgedMessages: 0, frames: [], typed: [] };
  window.__hostile = log;
  const fromExtension = (what) => {
    const stack = String(new Error().stack);
    if (/chrome-extension:|page-hook/.test(stack)) { log.fromExtension.push(what + ': ' + stack); return true; }
    return false;
  };
  const lower = String.prototype.toLowerCase;
  String.prototype.toLowerCase = function () { return fromExtension('toLowerCase') ? 'not-sip' : lower.call(this); };
  const hasInstance = Function.prototype[Symbol.hasInstance];
  Object.defineProperty(Blob, Symbol.hasInstance, { value: function (x) { return fromExtension('Blob[Symbol.hasInstance]') ? false : hasInstance.call(this, x); } });
  const get = WeakMap.prototype.get;
  WeakMap.prototype.get = function (k) { return fromExtension('WeakMap.get') ? undefined : get.call(this, k); };
  const size = Object.getOwnPropertyDescriptor(Blob.prototype, 'size').get;
  Object.defineProperty(Blob.prototype, 'size', { get() { return fromExtension('Blob.size') ? 1e9 : size.call(this); }, configurable: true });

  addEventListener('message', (e) => { if (String(e.data).startsWith('second-ring:') || e.ports.length > 0) log.handshakesSeen++; }, true);
  const answered = new Set();
  for (let i = 0; i < 100; i++) {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => { log.forgedMessages++; if (!answered.has(i)) { answered.add(i); log.forgedPortsAnswered++; } };
    window.postMessage('second-ring:connect/v1', '*', [channel.port2]);
  }

  // The page's own handlers: what they get is what the page sees.
  const Current = window.WebSocket;
  const send = Current.prototype.send;
  Current.prototype.send = function (data) { log.frames.push({ direction: 'sent', payload: String(data) }); return send.call(this, data); };
  window.WebSocket = new Proxy(Current, {
    construct(target, args, newTarget) {
      const socket = Reflect.construct(target, args, newTarget);
      socket.addEventListener('message', (e) => log.frames.push({ direction: 'received', payload: typeof e.data === 'string' ? e.data : '[binary]' }));
      return socket;
    },
  });
  // Its listeners for the agent's typing, on window, document and body (bubbling).
  for (const type of ['keydown', 'keyup', 'keypress', 'beforeinput', 'input']) {
    const note = (e) => log.typed.push(type + ':' + (e.key ?? e.data ?? ''));
    addEventListener(type, note);
    document.addEventListener(type, note);
    addEventListener('DOMContentLoaded', () => document.body.addEventListener(type, note));
  }
})();
`;

/** The lab's JsSIP phone page with the hostile script first in its head. */
function writeHostilePhone(lab: SipLab): string {
  const original = fs.readFileSync(path.join(lab.phonesDir, 'jssip-phone.html'), 'utf8');
  const page = original.replace(/<head>/i, `<head><script>${HOSTILE_SCRIPT}</script>`);
  if (page === original) throw new Error('the phone page has no <head>');
  fs.writeFileSync(path.join(lab.phonesDir, 'hostile-phone.html'), page);
  return 'hostile-phone.html';
}

interface Hostile {
  fromExtension: string[];
  handshakesSeen: number;
  forgedPortsAnswered: number;
  forgedMessages: number;
  frames: { direction: string; payload: string }[];
  typed: string[];
}
const hostileLog = (page: Page): Promise<Hostile> => page.evaluate(() => (window as unknown as { __hostile: Hostile }).__hostile);

async function openAt(context: BrowserContext, url: string, beforeLoad?: (page: Page) => Promise<void>): Promise<Page> {
  const page = await context.newPage();
  await beforeLoad?.(page);
  await page.goto(url);
  await page.waitForFunction(() => document.body.dataset.ready === 'true', undefined, { timeout: 15_000, polling: 50 });
  await page.evaluate(() => window.phone.register());
  return page;
}

/** Probes a page can run: fetch the extension's files, and read the stack of a native error. */
function probe(page: Page, extensionOrigin: string, wsUrl: string) {
  return page.evaluate(
    async ({ origin, ws }) => {
      const fetched: Record<string, string> = {};
      for (const file of ['src/page/page-hook.js', 'src/content/content-script.js', 'manifest.json']) {
        fetched[file] = await fetch(`${origin}${file}`).then(
          (r) => `status ${r.status}`,
          () => 'refused',
        );
      }
      const scriptTag = await new Promise<string>((resolve) => {
        const s = document.createElement('script');
        s.src = `${origin}src/page/page-hook.js`;
        s.onload = () => resolve('loaded');
        s.onerror = () => resolve('refused');
        document.head.append(s);
      });
      const socket = new WebSocket(ws, 'sip');
      let stack = '';
      try {
        socket.send('too early');
      } catch (e) {
        stack = String((e as Error).stack);
      }
      const prepare = (Error as unknown as { prepareStackTrace?: unknown }).prepareStackTrace;
      (Error as unknown as { prepareStackTrace: unknown }).prepareStackTrace = (_e: unknown, sites: { getFileName(): string | null }[]) =>
        sites.map((s) => String(s.getFileName()));
      let files: string[] = [];
      try {
        socket.send('too early');
      } catch (e) {
        files = (e as { stack: string[] }).stack;
      }
      (Error as unknown as { prepareStackTrace: unknown }).prepareStackTrace = prepare;
      socket.close();
      return { fetched, scriptTag, stack, files };
    },
    { origin: extensionOrigin, ws: wsUrl },
  );
}

/** CDP can reach into a closed shadow root (a page cannot): the node ids of `selector` there. */
async function shadowNode(page: Page, selector: string): Promise<{ focus(): Promise<void>; value(): Promise<string>; click(): Promise<void> }> {
  const cdp = await page.context().newCDPSession(page);
  const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
  const host = (function find(node: typeof root): typeof root | undefined {
    if (node.localName === 'second-ring-coach') return node;
    for (const child of node.children ?? []) {
      const found = find(child);
      if (found) return found;
    }
    return undefined;
  })(root);
  const shadowRoot = host?.shadowRoots?.[0];
  if (!shadowRoot) throw new Error('no coach shadow root');
  const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: shadowRoot.nodeId, selector });
  if (!nodeId) throw new Error(`nothing matches ${selector} in the coach's shadow root`);
  return {
    focus: async () => void (await cdp.send('DOM.focus', { nodeId })),
    // A real (trusted) click at the element's centre: the overlay ignores clicks made up by scripts.
    click: async () => {
      const { model } = await cdp.send('DOM.getBoxModel', { nodeId });
      const [x1, y1, , , x3, y3] = model.content as number[];
      await page.mouse.click((x1! + x3!) / 2, (y1! + y3!) / 2);
    },
    value: async () => {
      const { object } = await cdp.send('DOM.resolveNode', { nodeId });
      const { result } = await cdp.send('Runtime.callFunctionOn', { objectId: object.objectId, functionDeclaration: 'function () { return this.value; }', returnByValue: true });
      return String(result.value);
    },
  };
}

let lab: SipLab;
let without: BrowserContext;
let caller: Page;
let hostilePath: string;
const storeCopy = storeBuildWithLabHost();

beforeAll(async () => {
  [lab, without] = await Promise.all([startSipLab(), launchPhoneBrowser()]);
  hostilePath = writeHostilePhone(lab);
  const url = `${phoneUrl('jssip', lab.phoneParams('caller-h'))}&displayName=${encodeURIComponent(HOSTILE_NAME)}`;
  caller = await openAt(without, url);
});

afterAll(async () => {
  await without?.close();
  await lab?.stop();
  fs.rmSync(storeCopy, { recursive: true, force: true });
});

describe.each([
  { build: 'store build', dir: storeCopy, store: true },
  { build: 'test build', dir: assertBuilt(), store: false },
])('a hostile page with the $build', ({ dir, store }) => {
  let agentBrowser: BrowserContext;
  let sw: Worker;
  let agent: Page;
  let wire: WsCapture;
  let callId = '';
  const user = `agent-h-${store ? 'store' : 'test'}`;

  beforeAll(async () => {
    agentBrowser = await chromium.launchPersistentContext('', {
      executablePath: CHROMIUM,
      headless: true,
      args: [`--disable-extensions-except=${dir}`, `--load-extension=${dir}`, ...PHONE_BROWSER_ARGS],
      permissions: ['microphone'],
      acceptDownloads: true,
    });
    sw = await extensionWorker(agentBrowser);
    // Reminders of undelivered messages after a minute (the shortest there is): the notification test.
    await setConfig(sw, { version: 1, rules: { 'take-message': { reminderMinutes: 1 } } });
    const url = phoneUrl('jssip', lab.phoneParams(user)).replace('jssip-phone.html', hostilePath);
    agent = await openAt(agentBrowser, url, async (page) => void (wire = await captureWebSocketFrames(page)));
  });

  afterAll(async () => {
    await agentBrowser?.close();
  });

  it('is coached on its own call, its handlers get the frames on the wire, and its traps never run in the hook', async () => {
    const mark = await phoneEventMark(agent);
    await caller.evaluate((target) => window.phone.call(target), `sip:${user}@${lab.sip.domain}`);
    const incoming = await waitForPhoneEvent(agent, 'incoming', 10_000, { since: mark });
    await agent.evaluate(() => window.phone.answer());
    await waitForPhoneEvent(agent, 'confirmed', 10_000, { since: mark });
    callId = (await agent.evaluate(() => window.phone.state().calls)).find((c) => c.id === incoming.callId)!.sipCallId;

    // Coached: the coach holds the call, with the caller's name as it entered (cleaned).
    await expect.poll(async () => (await callLog(sw)).find((r) => (r as { callId: string }).callId === callId), { timeout: 10_000 }).toBeDefined();
    const record = (await callLog(sw)).find((r) => (r as { callId: string }).callId === callId) as { remote?: { displayName?: string } };
    expect(record.remote?.displayName).toBe(CLEAN_NAME);
    expect(await agent.locator('second-ring-coach').count()).toBe(1);

    await wire.sync();
    const log = await hostileLog(agent);
    const onWire = wire.frames.map((f) => ({ direction: f.direction, payload: f.payload }));
    expect(onWire.length).toBeGreaterThan(5);
    expect(log.frames.filter((f) => f.direction === 'received')).toEqual(onWire.filter((f) => f.direction === 'received'));
    expect(log.frames.filter((f) => f.direction === 'sent')).toEqual(onWire.filter((f) => f.direction === 'sent'));
    // Nothing the page replaced was called from the extension's code.
    expect(log.fromExtension).toEqual([]);
    // The page saw no handshake (not even its own forgeries: the hook stops them); at most the
    // three free slots took forged ports, and those got only the page's own frames.
    expect(log.handshakesSeen).toBe(0);
    expect(log.forgedPortsAnswered).toBeLessThanOrEqual(3);
  });

  it('cannot fetch the extension, and reads native errors without the extension in them', async () => {
    const coached = await probe(agent, extensionScope(sw), lab.sip.wsUrl);
    expect(coached.fetched).toEqual({ 'src/page/page-hook.js': 'refused', 'src/content/content-script.js': 'refused', 'manifest.json': 'refused' });
    expect(coached.scriptTag).toBe('refused');
    expect(coached.stack).toContain("Failed to execute 'send' on 'WebSocket'");
    expect(coached.stack).not.toMatch(/chrome-extension|page-hook/);
    expect(coached.files.join(' ')).not.toMatch(/chrome-extension|page-hook/);
    // The very stack a page without the extension reads, at the same place in the same page.
    const plainPage = await openAt(without, phoneUrl('jssip', lab.phoneParams(`plain-h-${store}`)).replace('jssip-phone.html', hostilePath));
    const plain = await probe(plainPage, extensionScope(sw), lab.sip.wsUrl);
    await plainPage.close();
    // (The two pages differ only in the user of their query string.)
    const sameUser = (text: string) => text.replace(/user=[^&]*/g, 'user=u');
    expect(sameUser(coached.stack)).toBe(sameUser(plain.stack));
    expect(coached.files.map(sameUser)).toEqual(plain.files.map(sameUser));
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { web_accessible_resources?: unknown };
    expect(manifest.web_accessible_resources).toBeUndefined();
  });

  it(`shows the caller's name cleaned and isolated, and ${store ? 'keeps its shadow root closed and' : 'still'} keeps the agent's typing from the page`, async () => {
    const shadowRootSeen = await agent.evaluate(() => document.querySelector('second-ring-coach')?.shadowRoot !== null);
    expect(shadowRootSeen).toBe(!store);
    if (!store) {
      // Readable in the test build only: the name in its own <bdi>.
      const parts = await agent.locator('second-ring-coach [data-caller] bdi').allTextContents();
      expect(parts[0]).toBe(CLEAN_NAME);
    }
    // The card is one line during a call: the agent opens it to note the name. With the mouse (a
    // trusted click on its toggle): Alt+Shift+S typed while the page has the focus is the page's to see.
    await (await shadowNode(agent, '[data-action="toggle"]')).click();
    let field: Awaited<ReturnType<typeof shadowNode>> | undefined;
    for (let i = 0; i < 50 && !field; i++) field = await shadowNode(agent, '[data-field="caller-name"]').catch(() => new Promise<undefined>((resolve) => setTimeout(resolve, 100)));
    if (!field) field = await shadowNode(agent, '[data-field="caller-name"]');
    await field.focus();
    await agent.keyboard.type('Secret');
    expect(await field.value()).toBe('Secret');
    await agent.keyboard.press('Enter');
    const log = await hostileLog(agent);
    expect(log.typed).toEqual([]);
    // The typed name reached the coach all the same.
    await expect
      .poll(async () => ((await callLog(sw)).find((r) => (r as { callId: string }).callId === callId) as { callerName?: string } | undefined)?.callerName)
      .toBe('Secret');
  });

  it('writes the caller cleaned and isolated in the CSV', async () => {
    await agent.evaluate(() => window.phone.hangup());
    await expect.poll(async () => ((await callLog(sw)).find((r) => (r as { callId: string }).callId === callId) as { endedAt?: number })?.endedAt).toBeGreaterThan(0);
    const figures = await agentBrowser.newPage();
    await figures.goto(`${extensionScope(sw)}src/ui/figures/index.html`);
    const [download] = await Promise.all([figures.waitForEvent('download'), figures.getByTestId('export-csv').click()]);
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    const rows = csv.slice(1).trimEnd().split('\r\n');
    const header = rows[0]!.split(',');
    const row = rows.find((r) => r.includes(callId))!;
    expect(row).toBeDefined();
    const cells = row.split(',');
    expect(cells[header.indexOf('caller_name')]).toBe(`\u2068${CLEAN_NAME}\u2069`);
    expect(hasControlCharacters(row.replace(/[\u2068\u2069]/g, ''))).toBe(false);
    await figures.close();
    await hangupAll(agent);
  });

  it.runIf(!store)(
    'names the caller cleaned and isolated in a desktop notification',
    async () => {
      // Record what the worker asks the browser to show (the polyfill calls chrome.notifications.create).
      await sw.evaluate(() => {
        const api = (globalThis as unknown as { chrome: { notifications: { create: (...args: unknown[]) => unknown } } }).chrome.notifications;
        const create = api.create;
        const shown: unknown[] = [];
        (globalThis as unknown as { __shown: unknown[] }).__shown = shown;
        api.create = function (this: unknown, ...args: unknown[]) {
          shown.push(args[1]);
          return create.apply(this, args);
        };
      });
      // A message taken for the hostile caller (as the card's form would send it, the name as
      // typed, RLO, CR, NUL and ESC included), then no softphone tab to show its reminder in.
      const figures = await agentBrowser.newPage();
      await figures.goto(`${extensionScope(sw)}src/ui/figures/index.html`);
      const taken = await figures.evaluate(
        (callerName) =>
          (globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<{ ok: boolean; message?: { id: string } }> } } }).chrome.runtime.sendMessage({
            type: 'takeMessage',
            payload: { input: { callerName, forWhom: 'Ilze', callbackWanted: false, callbackNumber: '', text: 'Call back about the invoice' } },
          }),
        'Eve\u202e lanoitaN\r\nBank\u0000\u001b[2J',
      );
      expect(taken.ok).toBe(true);
      await figures.close();
      await agent.close();
      // The reminder is due a minute after the message was taken (the shortest the schema allows).
      // Rather than wait that minute, the message is made a minute old in the history, and the
      // extension's own reminder alarm is brought forward (loaded unpacked, Chrome does not hold an
      // alarm to its 30 s minimum): from the alarm on, what runs is the extension's reminder run.
      await sw.evaluate(
        (id) =>
          new Promise<void>((resolve, reject) => {
            const request = indexedDB.open('second-ring-history');
            request.onerror = () => reject(request.error);
            request.onsuccess = () => {
              const db = request.result;
              const store = db.transaction('messages', 'readwrite').objectStore('messages');
              const got = store.get(id);
              got.onsuccess = () => {
                const message = got.result as { createdAt: number };
                store.put({ ...message, createdAt: message.createdAt - 60_000 });
                store.transaction.oncomplete = () => {
                  db.close();
                  resolve();
                };
              };
              store.transaction.onerror = () => reject(store.transaction.error);
            };
          }),
        taken.message!.id,
      );
      await sw.evaluate(async (name) => {
        const chrome = (globalThis as unknown as { chrome: { alarms: { create(name: string, info: { when: number }): Promise<void> } } }).chrome;
        await chrome.alarms.create(name, { when: Date.now() + 100 });
      }, REMINDER_ALARM);
      let shown: { message?: string }[] = [];
      for (const end = Date.now() + 90_000; !shown.some((n) => n.message?.includes('Ilze')) && Date.now() < end; await new Promise((r) => setTimeout(r, 250))) {
        shown = await sw.evaluate(() => (globalThis as unknown as { __shown: { message?: string }[] }).__shown);
      }
      // Other reminders may come too (the calls of this test are owed a return call).
      const message = shown.map((n) => n.message ?? '').find((m) => m.includes('Ilze'));
      expect(message).toContain('\u2068Eve lanoitaN Bank[2J\u2069');
      expect(message).toContain('\u2068Ilze\u2069');
      for (const { message: text } of shown) expect(hasControlCharacters((text ?? '').replace(/[\u2068\u2069]/g, ''))).toBe(false);
    },
    150_000,
  );
});
