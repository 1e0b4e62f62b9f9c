import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  createHandoverQueue,
  isVendorOrigin,
  MAX_KEPT_SIGNALS,
  signalMayChangeCall,
  signalSize,
  vendorMessageMayStartCall,
} from '../../../src/content/page-start';
import type { PageSignal } from '../../../src/core/page-signal';

const frame = (data: string | ArrayBuffer, dir: 'sent' | 'received' = 'received'): PageSignal => ({ t: 'ws-frame', socket: 1, dir, data, at: 0 });
const decode = (bytes: ArrayBuffer) => new TextDecoder().decode(bytes);
const bytes = (text: string) => new TextEncoder().encode(text).buffer as ArrayBuffer;

const INVITE = [
  'INVITE sip:agent@pbx.test SIP/2.0',
  'Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK776asdhds',
  'From: "Bob" <sip:bob@pbx.test>;tag=1928301774',
  'To: <sip:agent@pbx.test>',
  'Call-ID: a84b4c76e66710',
  'CSeq: 314159 INVITE',
  'Content-Length: 0',
  '',
  '',
].join('\r\n');
const REGISTER = [
  'REGISTER sip:pbx.test SIP/2.0',
  'Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKnashds7',
  'From: <sip:agent@pbx.test>;tag=456248',
  'To: <sip:agent@pbx.test>',
  'Call-ID: 843817637684230',
  'CSeq: 1826 REGISTER',
  'Content-Length: 0',
  '',
  '',
].join('\r\n');
const REGISTER_OK = [
  'SIP/2.0 200 OK',
  'Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKnashds7',
  'From: <sip:agent@pbx.test>;tag=456248',
  'To: <sip:agent@pbx.test>;tag=2493k59kd',
  'Call-ID: 843817637684230',
  'CSeq: 1826 REGISTER',
  'Content-Length: 0',
  '',
  '',
].join('\r\n');

describe('the starter\'s hand-over queue', () => {
  it('keeps items in order until the hand-over, then passes each new one straight on', () => {
    const queue = createHandoverQueue<number>(10);
    queue.push(1);
    queue.push(2);
    expect(queue.kept).toBe(2);
    const seen: number[] = [];
    queue.attach((n) => seen.push(n));
    expect(seen).toEqual([1, 2]);
    queue.push(3);
    expect(seen).toEqual([1, 2, 3]);
    expect(queue.kept).toBe(0);
    expect(() => queue.attach(() => undefined)).toThrow();
  });

  it('drops the oldest over its count or size, counts them, and always keeps the newest', () => {
    const byCount = createHandoverQueue<number>(3);
    for (let i = 1; i <= 5; i++) byCount.push(i);
    const seen: number[] = [];
    byCount.attach((n) => seen.push(n));
    expect(seen).toEqual([3, 4, 5]);
    expect(byCount.dropped).toBe(2);

    const bySize = createHandoverQueue<string>(100, 10, (s) => s.length);
    bySize.push('aaaa');
    bySize.push('bbbb');
    bySize.push('cccccccccccc'); // over the size alone: kept, the others go
    const texts: string[] = [];
    bySize.attach((s) => texts.push(s));
    expect(texts).toEqual(['cccccccccccc']);
    expect(bySize.dropped).toBe(2);
  });

  it('lets what arrives while the kept items are handed over wait behind them', () => {
    const queue = createHandoverQueue<number>(10);
    queue.push(1);
    queue.push(2);
    const seen: number[] = [];
    queue.attach((n) => {
      seen.push(n);
      if (n === 1) queue.push(10); // a listener that causes another item
    });
    queue.push(3);
    expect(seen).toEqual([1, 2, 10, 3]);
  });

  it('goes on handing over when the listener throws on a kept item, and passes later ones on', () => {
    const queue = createHandoverQueue<number>(10);
    for (const n of [1, 2, 3]) queue.push(n);
    const seen: number[] = [];
    queue.attach((n) => {
      if (n === 2) throw new Error('an adapter failed');
      seen.push(n);
    });
    queue.push(4);
    expect(seen).toEqual([1, 3, 4]);
  });

  it('hands over exactly the newest items in order, whatever is pushed (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { maxLength: 400 }), fc.integer({ min: 1, max: 50 }), fc.array(fc.integer(), { maxLength: 20 }), (before, max, after) => {
        const queue = createHandoverQueue<number>(max);
        for (const n of before) queue.push(n);
        const seen: number[] = [];
        queue.attach((n) => seen.push(n));
        for (const n of after) queue.push(n);
        const kept = before.slice(Math.max(0, before.length - max));
        expect(seen).toEqual([...kept, ...after]);
        expect(queue.dropped).toBe(before.length - kept.length);
      }),
    );
  });
});

describe('what the starter takes as evidence of a call', () => {
  it('a SIP frame that can change a call, in either direction, as text or bytes', () => {
    expect(signalMayChangeCall(frame(INVITE), decode)).toBe(true);
    expect(signalMayChangeCall(frame(INVITE, 'sent'), decode)).toBe(true);
    expect(signalMayChangeCall(frame(bytes(INVITE)), decode)).toBe(true);
    expect(signalMayChangeCall(frame(new Blob([INVITE]) as unknown as ArrayBuffer), decode)).toBe(true);
  });

  it('not registrations, their answers, keep-alives, nor sockets opening and closing', () => {
    expect(signalMayChangeCall(frame(REGISTER, 'sent'), decode)).toBe(false);
    expect(signalMayChangeCall(frame(REGISTER_OK), decode)).toBe(false);
    expect(signalMayChangeCall(frame(bytes(REGISTER_OK)), decode)).toBe(false);
    expect(signalMayChangeCall(frame('\r\n\r\n'), decode)).toBe(false);
    expect(signalMayChangeCall(frame(REGISTER.replace('REGISTER sip', 'OPTIONS sip').replace('1826 REGISTER', '1826 OPTIONS'), 'sent'), decode)).toBe(false);
    expect(signalMayChangeCall({ t: 'ws-open', socket: 1, url: 'wss://pbx.test', at: 0 }, decode)).toBe(false);
    expect(signalMayChangeCall({ t: 'ws-close', socket: 1, code: 1000, at: 0 }, decode)).toBe(false);
    expect(signalMayChangeCall({ t: 'hook', v: 2, since: 0, late: false }, decode)).toBe(false);
  });

  it('is conservative: a frame it cannot read for sure counts (the tracker decides)', () => {
    expect(signalMayChangeCall(frame('garbage'), decode)).toBe(true);
    expect(signalMayChangeCall(frame(REGISTER + INVITE, 'sent'), decode)).toBe(true);
  });

  it('weighs frames by their text and other signals a little', () => {
    expect(signalSize(frame('abc'))).toBe(3);
    expect(signalSize(frame(bytes('abcd')))).toBe(4);
    expect(signalSize({ t: 'ws-open', socket: 1, url: 'x', at: 0 })).toBe(64);
    expect(MAX_KEPT_SIGNALS).toBeGreaterThan(256); // more than the hook's own history
  });

  it('a cloud vendor\'s call message from its origin, not its other messages', () => {
    expect(isVendorOrigin('https://acme.my.connect.aws')).toBe(true);
    expect(isVendorOrigin('https://acme.awsapps.com')).toBe(true);
    expect(isVendorOrigin('https://workspace.aircall.io')).toBe(true);
    expect(isVendorOrigin('http://workspace.aircall.io')).toBe(false);
    expect(isVendorOrigin('https://example.com')).toBe(false);
    const snapshot = (contacts: unknown[]) => ({ event: 'agent::update', data: { snapshot: { contacts } } });
    expect(vendorMessageMayStartCall(snapshot([{ contactId: 'c1' }]))).toBe(true);
    expect(vendorMessageMayStartCall(snapshot([]))).toBe(false);
    expect(vendorMessageMayStartCall({ event: 'api::ack' })).toBe(false);
    expect(vendorMessageMayStartCall({ name: 'apm_phone_incoming_call', value: { from: '+1' } })).toBe(true);
    expect(vendorMessageMayStartCall({ name: 'apm_app_ready' })).toBe(false);
    expect(vendorMessageMayStartCall('agent::update')).toBe(false);
    expect(vendorMessageMayStartCall(null)).toBe(false);
  });
});
