/**
 * The softphone is untouched: with the extension loaded, the page's own WebSocket handlers see
 * exactly the frames on the wire (CDP capture), in order; the WebSocket API looks exactly as it
 * does without the extension; a call's SIP methods and status codes are the same with and
 * without it; and page code can neither see the private channel nor feed the coach forged frames.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page, Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  captureWebSocketFrames,
  hangupAll,
  launchPhoneBrowser,
  openPhone,
  phoneEventMark,
  sipStartLines,
  waitForPhoneEvent,
  type PhoneKind,
  type WsCapture,
} from './sip-lab/browsers';
import { startSipLab, type SipLab } from './sip-lab/lab';
import { assertBuilt, callLog, extensionWorker, ringCounter, setConfig } from './extension';

let lab: SipLab;
let withExtension: BrowserContext;
let without: BrowserContext;
let sw: Worker;
let caller: Page;

beforeAll(async () => {
  [lab, withExtension, without] = await Promise.all([
    startSipLab(),
    launchPhoneBrowser({ extensionDir: assertBuilt() }),
    launchPhoneBrowser(),
  ]);
  sw = await extensionWorker(withExtension);
  await setConfig(sw, { version: 1 });
  caller = await openPhone(without, 'jssip', lab.phoneParams('caller-t'));
});

afterAll(async () => {
  await Promise.allSettled([withExtension?.close(), without?.close()]);
  await lab?.stop();
});

/**
 * Page code that records what the page's own handlers get: every frame a socket delivers to a
 * listener, and every frame the page sends. Installed as an init script, so it wraps whatever
 * `WebSocket` is there (ours or the native one); either way it sees what the page sees.
 */
async function recordPageFrames(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const seen: { direction: 'sent' | 'received'; payload: string }[] = [];
    (window as unknown as { __pageFrames: typeof seen }).__pageFrames = seen;
    const Current = window.WebSocket;
    const send = Current.prototype.send;
    Current.prototype.send = function (this: WebSocket, data: string) {
      seen.push({ direction: 'sent', payload: String(data) });
      return send.call(this, data);
    };
    window.WebSocket = new Proxy(Current, {
      construct(target, args, newTarget) {
        const socket = Reflect.construct(target, args, newTarget) as WebSocket;
        socket.addEventListener('message', (e: MessageEvent) => {
          seen.push({ direction: 'received', payload: typeof e.data === 'string' ? e.data : '[binary]' });
        });
        return socket;
      },
    });
  });
}

/** One scripted call: the caller dials, the agent answers, holds, resumes and hangs up. */
async function scriptedCall(agent: Page, agentUser: string): Promise<string> {
  const mark = await phoneEventMark(agent);
  await caller.evaluate((target) => window.phone.call(target), `sip:${agentUser}@${lab.sip.domain}`);
  const incoming = await waitForPhoneEvent(agent, 'incoming', 10_000, { since: mark });
  await agent.evaluate(() => window.phone.answer());
  await waitForPhoneEvent(agent, 'confirmed', 10_000, { since: mark });
  await agent.evaluate(() => window.phone.hold());
  await agent.evaluate(() => window.phone.unhold());
  await agent.evaluate(() => window.phone.hangup());
  await waitForPhoneEvent(agent, 'ended', 10_000, { since: mark });
  const call = (await agent.evaluate(() => window.phone.state().calls)).find((c) => c.id === incoming.callId);
  return call!.sipCallId;
}

/** Facts about the WebSocket API a page could observe. */
function socketFacts(page: Page, wsUrl: string) {
  return page.evaluate((url) => {
    const ws = new WebSocket(url, 'sip');
    const sendDescriptor = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'send')!;
    const ctorDescriptor = Object.getOwnPropertyDescriptor(window, 'WebSocket')!;
    const error = (f: () => unknown) => {
      try {
        f();
        return 'no error';
      } catch (e) {
        return `${(e as Error).name}/${(e as object).constructor.name}`;
      }
    };
    class Sub extends WebSocket {}
    const sub = new Sub(url, ['sip']);
    const facts = {
      instanceOf: ws instanceof WebSocket,
      constructorIs: ws.constructor === WebSocket,
      prototypeIs: Object.getPrototypeOf(ws) === WebSocket.prototype,
      protoConstructor: WebSocket.prototype.constructor === WebSocket,
      binaryType: ws.binaryType,
      name: WebSocket.name,
      length: WebSocket.length,
      source: Function.prototype.toString.call(WebSocket),
      sendSource: Function.prototype.toString.call(WebSocket.prototype.send),
      sendName: WebSocket.prototype.send.name,
      toStringSource: Function.prototype.toString.call(Function.prototype.toString),
      toStringOfToString: Function.prototype.toString.toString(),
      statics: [WebSocket.CONNECTING, WebSocket.OPEN, WebSocket.CLOSING, WebSocket.CLOSED],
      ctorDescriptor: [ctorDescriptor.writable, ctorDescriptor.enumerable, ctorDescriptor.configurable],
      sendDescriptor: [sendDescriptor.writable, sendDescriptor.enumerable, sendDescriptor.configurable],
      badUrl: error(() => new WebSocket('not a url')),
      badProtocol: error(() => new WebSocket(url, 'sip sip')),
      sendWhileConnecting: error(() => ws.send('x')),
      callWithoutNew: error(() => (WebSocket as unknown as () => void)()),
      subclass: sub instanceof Sub && sub instanceof WebSocket && Object.getPrototypeOf(sub) === Sub.prototype,
    };
    ws.close();
    sub.close();
    return facts;
  }, wsUrl);
}

describe.each<PhoneKind>(['jssip', 'sipjs'])('the %s softphone with the extension', (kind) => {
  it('gets exactly the frames on the wire, in order, in its own handlers', async () => {
    let wire!: WsCapture;
    const agent = await openPhone(withExtension, kind, lab.phoneParams(`agent-t-${kind}`), {
      beforeLoad: async (page) => {
        await recordPageFrames(page);
        wire = await captureWebSocketFrames(page);
      },
    });
    const callId = await scriptedCall(agent, `agent-t-${kind}`);
    await agent.evaluate(() => window.phone.unregister());
    await wire.sync();
    const pageFrames = await agent.evaluate(() => (window as unknown as { __pageFrames: { direction: string; payload: string }[] }).__pageFrames);
    const onWire = wire.frames.map((f) => ({ direction: f.direction, payload: f.payload }));
    expect(onWire.length).toBeGreaterThan(10);
    expect(pageFrames.filter((f) => f.direction === 'received')).toEqual(onWire.filter((f) => f.direction === 'received'));
    expect(pageFrames.filter((f) => f.direction === 'sent')).toEqual(onWire.filter((f) => f.direction === 'sent'));
    // And the coach saw that call.
    await expect.poll(async () => (await callLog(sw)).some((r) => (r as { callId: string }).callId === callId)).toBe(true);
    await hangupAll(agent);
    await agent.close();
  });

  it('sends and receives the same SIP methods and status codes as without it', async () => {
    const run = async (context: BrowserContext, user: string) => {
      let wire!: WsCapture;
      const agent = await openPhone(context, kind, lab.phoneParams(user), {
        beforeLoad: async (page) => void (wire = await captureWebSocketFrames(page)),
      });
      const callId = await scriptedCall(agent, user);
      // The phone reports "ended" when it sends BYE; the 200 to it may still be on its way.
      await wire.waitForSip((m) => m.status === 200 && m.cseqMethod === 'BYE', 5_000);
      await wire.sync();
      await agent.evaluate(() => window.phone.unregister());
      await agent.close();
      return sipStartLines(wire.frames, { callId, direction: true, cseq: true });
    };
    const coached = await run(withExtension, `agent-a-${kind}`);
    const plain = await run(without, `agent-b-${kind}`);
    expect(coached).toEqual(plain);
    expect(coached).toEqual(expect.arrayContaining(['< INVITE', '> 180 INVITE', '> 200 INVITE', '> INVITE', '< 200 INVITE', '> BYE']));
  });
});

describe('the WebSocket API with the extension', () => {
  it('looks to the page exactly as without it', async () => {
    const url = `${lab.pages.origin}/jssip-phone.html?ws=${encodeURIComponent(lab.sip.wsUrl)}&user=probe`;
    const [coachedPage, plainPage] = await Promise.all([withExtension.newPage(), without.newPage()]);
    await Promise.all([coachedPage.goto(url), plainPage.goto(url)]);
    const coached = await socketFacts(coachedPage, lab.sip.wsUrl);
    const plain = await socketFacts(plainPage, lab.sip.wsUrl);
    expect(coached).toEqual(plain);
    expect(coached.source).toContain('[native code]');
    await Promise.all([coachedPage.close(), plainPage.close()]);
  });
});

describe('page code', () => {
  it('never sees the private channel and cannot feed the coach forged frames', async () => {
    // A page whose own inline script runs as early as page code can.
    const file = path.join(lab.phonesDir, 'forger.html');
    fs.writeFileSync(
      file,
      `<!doctype html><html><head><script>
        window.__seen = [];
        addEventListener('message', (e) => __seen.push({ data: String(e.data), ports: e.ports.length }), true);
      </script></head><body>forger</body></html>`,
    );
    const page = await withExtension.newPage();
    await page.goto(`${lab.pages.origin}/forger.html`);
    await page.waitForTimeout(500);
    const forgedCallId = 'forged-call-1';
    await page.evaluate((callId) => {
      const invite = `INVITE sip:agent@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/WSS x.invalid;branch=z9hG4bK1\r\nFrom: "Mallory" <sip:m@127.0.0.1>;tag=1\r\nTo: <sip:agent@127.0.0.1>\r\nCall-ID: ${callId}\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n`;
      const ringing = `SIP/2.0 180 Ringing\r\nVia: SIP/2.0/WSS x.invalid;branch=z9hG4bK1\r\nFrom: "Mallory" <sip:m@127.0.0.1>;tag=1\r\nTo: <sip:agent@127.0.0.1>;tag=2\r\nCall-ID: ${callId}\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n`;
      // Posing as the hook, on the window…
      window.postMessage({ t: 'ws-frame', socket: 1, dir: 'received', data: invite, at: Date.now() }, '*');
      window.postMessage({ t: 'ws-frame', socket: 1, dir: 'sent', data: ringing, at: Date.now() }, '*');
      // …and through a channel of its own offered as a handshake: it can only receive on it.
      const channel = new MessageChannel();
      window.postMessage('second-ring:connect/v1', '*', [channel.port2]);
      channel.port1.postMessage({ t: 'ws-frame', socket: 1, dir: 'received', data: invite, at: Date.now() });
      channel.port1.postMessage({ t: 'ws-frame', socket: 1, dir: 'sent', data: ringing, at: Date.now() });
    }, forgedCallId);
    await page.waitForTimeout(1_500);
    const seen = await page.evaluate(() => (window as unknown as { __seen: { data: string; ports: number }[] }).__seen);
    expect(seen.filter((m) => m.data.startsWith('second-ring:'))).toEqual([]);
    expect(seen.filter((m) => m.ports > 0)).toEqual([]);
    expect(await ringCounter(page).count()).toBe(0);
    expect((await callLog(sw)).some((r) => (r as { callId: string }).callId === forgedCallId)).toBe(false);
    await page.close();
  });
});
