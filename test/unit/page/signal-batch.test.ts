import { describe, expect, it } from 'vitest';
import { createSignalBatcher } from '../../../src/page/signal-batch';
import { MAX_BATCH_SIGNALS, readPageMessage, type PageSignal, type PageSignalBatch } from '../../../src/core/page-signal';

const frame = (n: number, dir: 'sent' | 'received' = 'received', socket = 1, chars = 100): PageSignal => ({
  t: 'ws-frame',
  socket,
  dir,
  data: `${n}:`.padEnd(chars, 'x'),
  at: n,
});
const size = (data: string | ArrayBuffer | Blob) => (typeof data === 'string' ? data.length : 'size' in data ? data.size : data.byteLength);

/** A batcher whose post task runs only when the test says so, as a browser task would later. */
function setUp(maxSignals?: number, maxChars?: number) {
  const posted: PageSignalBatch[] = [];
  let tasksAsked = 0;
  const batcher = createSignalBatcher(
    (batch) => posted.push(structuredClone(batch)),
    () => tasksAsked++,
    size,
    maxSignals,
    maxChars,
  );
  /** Every signal the content script reads from what was posted, in order. */
  const received = () => {
    const seen: PageSignal[] = [];
    for (const batch of posted) expect(readPageMessage(batch, (s) => seen.push(s))).toBe(0);
    return seen;
  };
  return { batcher, posted, received, tasksAsked: () => tasksAsked };
}

describe('the page hook batches its signals', () => {
  it('posts nothing from the listener: one post task for a burst, one batch in order', () => {
    const { batcher, posted, received, tasksAsked } = setUp();
    const signals: PageSignal[] = [
      { t: 'ws-open', socket: 1, url: 'wss://pbx/ws', at: 0 },
      frame(1, 'sent'),
      frame(2, 'received'),
      { t: 'ws-open', socket: 2, url: 'wss://pbx2/ws', at: 3 },
      frame(4, 'received', 2),
      frame(5, 'sent', 1),
      { t: 'ws-close', socket: 2, code: 1000, at: 6 },
    ];
    for (const s of signals) batcher.add(s);
    expect(posted).toHaveLength(0);
    expect(tasksAsked()).toBe(1);
    expect(batcher.pending).toBe(signals.length);
    batcher.runScheduled();
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({ t: 'batch', count: signals.length });
    expect(received()).toEqual(signals);
    expect(batcher.pending).toBe(0);
  });

  it('asks for a new post task after each one ran, and a task with nothing pending posts nothing', () => {
    const { batcher, posted, received, tasksAsked } = setUp();
    batcher.add(frame(1));
    batcher.runScheduled();
    batcher.runScheduled();
    batcher.add(frame(2));
    batcher.add(frame(3));
    expect(tasksAsked()).toBe(2);
    batcher.runScheduled();
    expect(posted.map((b) => b.count)).toEqual([1, 2]);
    expect(received().map((s) => (s.t === 'ws-frame' ? s.at : -1))).toEqual([1, 2, 3]);
  });

  it('keeps Blob and ArrayBuffer frames in their place among text frames', () => {
    const { batcher, received } = setUp();
    const blob: PageSignal = { t: 'ws-frame', socket: 1, dir: 'received', data: new Blob(['SIP/2.0 200 OK\r\n\r\n']), at: 2 };
    const bytes: PageSignal = { t: 'ws-frame', socket: 1, dir: 'sent', data: new TextEncoder().encode('ACK sip:a SIP/2.0\r\n\r\n').buffer, at: 3 };
    batcher.add(frame(1));
    batcher.add(blob);
    batcher.add(bytes);
    batcher.add(frame(4));
    batcher.runScheduled();
    const seen = received();
    expect(seen.map((s) => (s.t === 'ws-frame' ? s.at : -1))).toEqual([1, 2, 3, 4]);
    expect((seen[1] as { data: unknown }).data).toBeInstanceOf(Blob);
    expect((seen[2] as { data: unknown }).data).toBeInstanceOf(ArrayBuffer);
  });

  it('posts at once, in order, when a flood reaches the count cap before the post task runs', () => {
    const { batcher, posted, received, tasksAsked } = setUp(4, 1_000_000);
    for (let n = 0; n < 10; n++) batcher.add(frame(n));
    expect(posted.map((b) => b.count)).toEqual([4, 4]);
    expect(batcher.pending).toBe(2);
    expect(tasksAsked()).toBe(1);
    batcher.runScheduled();
    expect(posted.map((b) => b.count)).toEqual([4, 4, 2]);
    expect(received().map((s) => (s.t === 'ws-frame' ? s.at : -1))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('posts at once when the frame text waiting reaches its cap', () => {
    const { batcher, posted } = setUp(1_000, 1_000);
    for (let n = 0; n < 4; n++) batcher.add(frame(n, 'received', 1, 300));
    expect(posted.map((b) => b.count)).toEqual([4]);
    expect(batcher.pending).toBe(0);
  });

  it('never posts more than the content script accepts in one batch', () => {
    const { batcher, posted } = setUp();
    for (let n = 0; n < MAX_BATCH_SIGNALS * 2 + 3; n++) batcher.add(frame(n, 'received', 1, 10));
    batcher.runScheduled();
    expect(Math.max(...posted.map((b) => b.count))).toBe(MAX_BATCH_SIGNALS);
    expect(posted.reduce((sum, b) => sum + b.count, 0)).toBe(MAX_BATCH_SIGNALS * 2 + 3);
  });

  it('flush posts what is pending at once (before a new port gets the history) and leaves the asked task harmless', () => {
    const { batcher, posted, tasksAsked } = setUp();
    batcher.add(frame(1));
    batcher.flush();
    expect(posted.map((b) => b.count)).toEqual([1]);
    batcher.add(frame(2));
    expect(tasksAsked()).toBe(1); // the first task is still to come and carries frame 2
    batcher.runScheduled();
    expect(posted.map((b) => b.count)).toEqual([1, 1]);
  });

  it('keeps its pending list away from index setters a page put on the prototypes', () => {
    // Nothing here may write an array index while the setters are in place (the test's own
    // bookkeeping would meet them too): the batch is kept in a plain variable.
    let batch: PageSignalBatch | undefined;
    const batcher = createSignalBatcher((b) => (batch = b), () => undefined, size);
    const first = frame(1);
    const second = frame(2);
    let setterCalls = 0;
    for (const proto of [Array.prototype, Object.prototype]) {
      Object.defineProperty(proto, '0', { set: () => setterCalls++, get: () => undefined, configurable: true });
    }
    try {
      batcher.add(first);
      batcher.add(second);
      batcher.runScheduled();
    } finally {
      delete (Array.prototype as unknown as Record<string, unknown>)['0'];
      delete (Object.prototype as unknown as Record<string, unknown>)['0'];
    }
    expect(setterCalls).toBe(0);
    expect(batch?.count).toBe(2);
    expect([batch?.signals[0], batch?.signals[1]]).toEqual([first, second]);
  });
});

describe('the content script reads what the hook posts', () => {
  const read = (raw: unknown) => {
    const seen: PageSignal[] = [];
    const rejected = readPageMessage(raw, (s) => seen.push(s));
    return { seen, rejected };
  };

  it('reads one signal per message, as the hook of the version before an update posts them', () => {
    expect(read(frame(1))).toEqual({ seen: [frame(1)], rejected: 0 });
    expect(read({ t: 'hook', v: 2, since: 5, late: false }).seen).toEqual([{ t: 'hook', v: 2, since: 5, late: false }]);
  });

  it('reads a batch in order, rejecting only its invalid entries', () => {
    const batch = { t: 'batch', count: 4, signals: { 0: frame(1), 1: { t: 'ws-frame', socket: 'x' }, 2: 'junk', 3: frame(4) } };
    expect(read(batch)).toEqual({ seen: [frame(1), frame(4)], rejected: 2 });
  });

  it('rejects a batch whose count is not a small positive whole number, or without signals', () => {
    for (const count of [0, -1, 1.5, MAX_BATCH_SIGNALS + 1, '2', Number.NaN]) {
      expect(read({ t: 'batch', count, signals: { 0: frame(1), 1: frame(2) } })).toEqual({ seen: [], rejected: 1 });
    }
    expect(read({ t: 'batch', count: 1 })).toEqual({ seen: [], rejected: 1 });
    expect(read(null)).toEqual({ seen: [], rejected: 1 });
    expect(read('second-ring')).toEqual({ seen: [], rejected: 1 });
  });

  it('counts entries missing from a batch as rejected without reading past its count', () => {
    expect(read({ t: 'batch', count: 2, signals: { 0: frame(1), 2: frame(3) } })).toEqual({ seen: [frame(1)], rejected: 1 });
  });
});
