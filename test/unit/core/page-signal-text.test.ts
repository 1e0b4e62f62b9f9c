import { afterEach, describe, expect, it } from 'vitest';
import {
  EVENTS_START_TAG,
  EVENT_NAME_PREFIX,
  EVENT_TAKE_PORT_BATCH,
  MAX_FRAME_CHARS,
  createPageMessageOrder,
  encodeSignalText,
  isEventChannelName,
  readSignalText,
  type PageSignal,
} from '../../../src/core/page-signal';

const SIGNALS: PageSignal[] = [
  { t: 'ws-open', socket: 3, url: 'wss://pbx.example.com:8089/ws?a=1,b:2', at: 1_733_000_000_123 },
  { t: 'ws-frame', socket: 3, dir: 'sent', data: 'INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/WSS x;branch=z9hG4bK,1:2\r\n\r\n', at: 1_733_000_000_124.5 },
  { t: 'ws-frame', socket: 3, dir: 'received', data: 'SIP/2.0 180 Ringing\r\nFrom: "Zoë ☎ 🙂" <sip:z@x>\r\n\r\n', at: 1_733_000_000_200 },
  { t: 'ws-frame', socket: 3, dir: 'received', data: '', at: 7 },
  { t: 'ws-found', socket: 9, url: 'wss://other/', at: 0.25 },
  { t: 'ws-close', socket: 3, code: 1006, at: 1_733_000_000_999 },
];

function read(text: string) {
  const seen: PageSignal[] = [];
  const rejected = readSignalText(text, (s) => seen.push(s));
  return { seen, rejected };
}

const encodeAll = (signals: PageSignal[]) => signals.map((s) => encodeSignalText(s) ?? '').join('');

describe('the event channel carries a batch as one string', () => {
  it('reads back every kind of signal, in order, from one concatenated detail', () => {
    expect(read(encodeAll(SIGNALS))).toEqual({ seen: SIGNALS, rejected: 0 });
  });

  it('leaves binary frames to the port, and what only goes there when a port connects', () => {
    expect(encodeSignalText({ t: 'dropped', count: 12 })).toBeUndefined();
    expect(encodeSignalText({ t: 'hook', v: 3, since: 1, late: true })).toBeUndefined();
    expect(encodeSignalText({ t: 'ws-frame', socket: 1, dir: 'sent', data: new ArrayBuffer(4), at: 1 })).toBeUndefined();
    expect(encodeSignalText({ t: 'ws-frame', socket: 1, dir: 'sent', data: new Blob(['x']), at: 1 })).toBeUndefined();
  });

  it('reads only the fields of each kind, never through Object.prototype (a page getter would see the frame)', () => {
    const touched: string[] = [];
    const names = ['t', 'socket', 'dir', 'data', 'at', 'url', 'code', 'count', 'v', 'since', 'late', 'length', '0'];
    const all: PageSignal[] = [...SIGNALS, { t: 'dropped', count: 1 }, { t: 'hook', v: 3, since: 1, late: false }];
    for (const name of names) {
      Object.defineProperty(Object.prototype, name, {
        configurable: true,
        get() {
          touched.push(name);
          return undefined;
        },
      });
    }
    try {
      for (const signal of all) encodeSignalText({ ...signal });
    } finally {
      for (const name of names) delete (Object.prototype as Record<string, unknown>)[name];
    }
    expect(touched).toEqual([]);
  });

  it('rejects what a hook never writes: bad values per signal, a bad header ends the read', () => {
    const good = encodeSignalText(SIGNALS[1]!) ?? '';
    // dir 2, an "at" that is not a number, a frame over the cap: each rejected, the reading goes on.
    const bad = ['f1,2,5,1:x', 'f1,1,NaN,1:x', 'f1,1,,1:x', `f1,1,5,${MAX_FRAME_CHARS + 1}:${'x'.repeat(MAX_FRAME_CHARS + 1)}`];
    for (const b of bad) expect(read(b + good)).toEqual({ seen: [SIGNALS[1]], rejected: 1 });
    // A header that cannot be read ends the read: what follows it cannot be framed.
    for (const b of ['z1,2:ab', 'd1,0:', 'h3,1,0,0:', 'f1,1,5:x', 'f1,1,5,-1:', 'f1,1,5,1.5:x', 'f1,1,5,1', 'x'.repeat(200)]) {
      expect(read(good + b + good)).toEqual({ seen: [SIGNALS[1]], rejected: 1 });
    }
    // A length past the end (a cut detail).
    expect(read(good + 'f1,1,5,9:short')).toEqual({ seen: [SIGNALS[1]], rejected: 1 });
    expect(read('')).toEqual({ seen: [], rejected: 0 });
  });
});

describe('event channel names', () => {
  const hex = '0123456789abcdef0123456789abcdef';
  it('are the prefix and 32 lower-case hex digits, nothing else', () => {
    expect(isEventChannelName(EVENT_NAME_PREFIX + hex)).toBe(true);
    for (const bad of [EVENT_NAME_PREFIX + hex.toUpperCase(), EVENT_NAME_PREFIX + hex.slice(1), EVENT_NAME_PREFIX + hex + '0', 'message', 'x'.repeat(EVENT_NAME_PREFIX.length) + hex, EVENT_NAME_PREFIX + hex.slice(1) + 'g', 42, null, { length: 51 }]) {
      expect(isEventChannelName(bad)).toBe(false);
    }
  });
});

afterEach(() => {
  expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('data');
});

describe('the content script reads the port and the events in the order the hook sent them', () => {
  const frame = (n: number): PageSignal => ({ t: 'ws-frame', socket: 1, dir: 'received', data: `SIP/2.0 200 OK\r\nCSeq: ${n} INVITE\r\n\r\n`, at: n });
  const binary = (n: number): PageSignal => ({ t: 'ws-frame', socket: 1, dir: 'received', data: new ArrayBuffer(n), at: n });
  const batch = (...signals: PageSignal[]) => ({ t: 'batch', count: signals.length, signals: Object.assign({}, signals) });
  const text = (...signals: PageSignal[]) => signals.map((s) => encodeSignalText(s) ?? '').join('');
  const at = (signals: PageSignal[]) => signals.map((s) => (s.t === 'ws-frame' ? s.at : -1));
  const hello: PageSignal = { t: 'hook', v: 3, since: 0, late: false };

  function setUp() {
    const seen: PageSignal[] = [];
    return { seen, order: createPageMessageOrder((s) => seen.push(s)) };
  }

  it('holds events that overtook the port until the hook says events follow', () => {
    const { seen, order } = setUp();
    order.port(hello);
    order.event(text(frame(3)));
    order.event(text(frame(4), frame(5)));
    expect(seen).toEqual([hello]);
    order.port(batch(frame(1), frame(2)));
    expect(at(seen)).toEqual([-1, 1, 2]);
    order.port(EVENTS_START_TAG);
    expect(at(seen)).toEqual([-1, 1, 2, 3, 4, 5]);
    order.event(text(frame(6)));
    expect(at(seen)).toEqual([-1, 1, 2, 3, 4, 5, 6]);
    expect(order.rejected).toBe(0);
  });

  it('puts a binary batch from the port where the event stream kept its place', () => {
    const { seen, order } = setUp();
    order.port(EVENTS_START_TAG);
    order.event(text(frame(1)));
    order.event(EVENT_TAKE_PORT_BATCH);
    order.event(text(frame(3)));
    order.event(EVENT_TAKE_PORT_BATCH);
    order.event(text(frame(5)));
    expect(at(seen)).toEqual([1]);
    order.port(batch(binary(2)));
    expect(at(seen)).toEqual([1, 2, 3]);
    order.port(batch(frame(4), binary(4)));
    expect(at(seen)).toEqual([1, 2, 3, 4, 4, 5]);
    order.event(text(frame(6)));
    expect(at(seen)).toEqual([1, 2, 3, 4, 4, 5, 6]);
  });

  it('a place kept before the answer was read still waits for its batch', () => {
    const { seen, order } = setUp();
    order.event(EVENT_TAKE_PORT_BATCH);
    order.event(text(frame(2)));
    order.port(EVENTS_START_TAG);
    expect(seen).toEqual([]);
    order.port(batch(binary(1)));
    expect(at(seen)).toEqual([1, 2]);
  });

  it('with a hook that never answers (protocol 2), reads the port alone', () => {
    const { seen, order } = setUp();
    order.port({ t: 'hook', v: 2, since: 0, late: false });
    order.port(frame(1)); // one signal per message (protocol 2 before batches)
    order.port(batch(frame(2), binary(3)));
    expect(at(seen)).toEqual([-1, 1, 2, 3]);
  });

  it('counts what is not a string detail or fails validation, and goes on', () => {
    const { seen, order } = setUp();
    order.port(EVENTS_START_TAG);
    order.event({ t: 'batch', count: 1, signals: { 0: frame(1) } });
    order.event(42);
    order.event('f1,7,1,0:' + text(frame(2)));
    order.port('second-ring:something-else');
    expect(at(seen)).toEqual([2]);
    expect(order.rejected).toBe(4);
  });
});
