/**
 * The content script's line to the worker (src/content/background-link.ts): call events that come
 * while a message is in flight go together as one `callEvents` message, in order with everything
 * else sent, each with its own retry key, and a failed send is retried whole.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createBackgroundLink } from '../../../src/content/background-link';
import type { CallEvent } from '../../../src/core/call-event';
import { MAX_CALL_EVENTS_PER_MESSAGE } from '../../../src/core/messages';

interface Sent {
  type: string;
  payload: unknown;
  answer: (value?: unknown) => void;
  fail: (error: Error) => void;
}

/** Chromium's `chrome.runtime` as the content script sees it; each message waits for the test to answer it. */
function fakeRuntime() {
  const sent: Sent[] = [];
  (globalThis as { chrome?: unknown }).chrome = {
    runtime: {
      id: 'second-ring',
      sendMessage: (message: { type: string; payload: unknown }) =>
        new Promise((answer, fail) => sent.push({ type: message.type, payload: structuredClone(message.payload), answer, fail })),
    },
  };
  return sent;
}

const event = (n: number): CallEvent => ({ type: 'held', by: 'agent', callId: 'c', at: n, source: 'sip-websocket' });
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

afterEach(() => {
  delete (globalThis as { chrome?: unknown }).chrome;
});

describe('the background link', () => {
  it('sends the call events that came while one was in flight as one message, in order', async () => {
    // (Events of the same task go together too: the first message leaves after the task.)
    const sent = fakeRuntime();
    const link = createBackgroundLink(new AbortController().signal);
    const first = link.sendCallEvent(event(1), 'r:1');
    await tick();
    // In flight: the next ones wait, together.
    const second = link.sendCallEvent(event(2), 'r:2');
    const third = link.sendCallEvent(event(3), 'r:3');
    await tick();
    expect(sent.map((s) => s.payload)).toEqual([{ events: [{ event: event(1), eventKey: 'r:1' }] }]);
    sent[0]!.answer();
    await first;
    await tick();
    expect(sent.map((s) => s.type)).toEqual(['callEvents', 'callEvents']);
    expect(sent[1]!.payload).toEqual({ events: [{ event: event(2), eventKey: 'r:2' }, { event: event(3), eventKey: 'r:3' }] });
    sent[1]!.answer();
    await Promise.all([second, third]);
  });

  it('keeps the order with other messages: one sent in between closes the batch', async () => {
    const sent = fakeRuntime();
    const link = createBackgroundLink(new AbortController().signal);
    void link.sendCallEvent(event(1), 'r:1');
    await tick();
    void link.sendCallEvent(event(2), 'r:2');
    void link.send('tick', {});
    void link.sendCallEvent(event(3), 'r:3');
    for (let i = 0; i < 4; i++) {
      await tick();
      sent.at(-1)?.answer();
    }
    await tick();
    expect(sent.map((s) => [s.type, s.payload])).toEqual([
      ['callEvents', { events: [{ event: event(1), eventKey: 'r:1' }] }],
      ['callEvents', { events: [{ event: event(2), eventKey: 'r:2' }] }],
      ['tick', {}],
      ['callEvents', { events: [{ event: event(3), eventKey: 'r:3' }] }],
    ]);
  });

  it('retries a batch whole with the same keys while the worker starts', async () => {
    const sent = fakeRuntime();
    const link = createBackgroundLink(new AbortController().signal);
    void link.sendCallEvent(event(1), 'r:1');
    await tick();
    const batch = link.sendCallEvent(event(2), 'r:2');
    await tick();
    sent[0]!.answer();
    await tick();
    sent[1]!.fail(new Error('Could not establish connection. Receiving end does not exist.'));
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(sent).toHaveLength(3);
    expect(sent[2]!.payload).toEqual(sent[1]!.payload);
    sent[2]!.answer();
    await batch;
  });

  it(`sends at most ${MAX_CALL_EVENTS_PER_MESSAGE} events in one message`, async () => {
    const sent = fakeRuntime();
    const link = createBackgroundLink(new AbortController().signal);
    const first = link.sendCallEvent(event(0), 'r:0');
    await tick();
    const all = [first, ...Array.from({ length: MAX_CALL_EVENTS_PER_MESSAGE + 1 }, (_, i) => link.sendCallEvent(event(i + 1), `r:${i + 1}`))];
    for (let i = 0; i < 3; i++) {
      await tick();
      sent.at(-1)?.answer();
    }
    await Promise.all(all);
    expect(sent.map((s) => (s.payload as { events: unknown[] }).events.length)).toEqual([1, MAX_CALL_EVENTS_PER_MESSAGE, 1]);
  });
});
