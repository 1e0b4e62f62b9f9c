import { describe, expect, it } from 'vitest';
import { createCoachRunner, MIN_ALARM_DELAY_MS, SESSION_KEY, type CoachRunnerDeps, type TabMessage } from '../../../src/background/coach-runner';
import { DEFAULT_CONFIG } from '../../../src/core/coach';
import type { CallEvent } from '../../../src/core/call-event';
import { SNAPSHOT_VERSION } from '../../../src/core/coach/migrations';
import { expectedConsole } from '../console-capture';
import { fakeStorage, storedCoach, type FakeStorage } from './fake-storage';

const T0 = Date.UTC(2026, 10, 26, 9, 0, 0);
const TAB = 7;

const fakeSession = () => fakeStorage();
/** The snapshot stored now, as a new worker would read it. */
const stored = (session: FakeStorage) => storedCoach(session.data);

/** One "worker": a runner over shared storage with a controllable clock and recorded effects. */
function worker(session: FakeStorage, clock: { now: number }, options: { tabAnswers?: boolean } = {}) {
  const sent: { tabId: number; message: TabMessage; outboxAtSend: unknown }[] = [];
  const alarms = new Map<string, { when: number; setAt: number }>();
  const timers: { at: number; callback: () => void; cancelled: boolean }[] = [];
  const deps: CoachRunnerDeps = {
    now: () => clock.now,
    loadConfig: async () => DEFAULT_CONFIG,
    session,
    sendToTab: async (tabId, message) => {
      sent.push({ tabId, message, outboxAtSend: session.data.size > 0 ? stored(session).outbox : undefined });
      if (options.tabAnswers === false) throw new Error('Could not establish connection. Receiving end does not exist.');
      return message.type === 'showNudge' ? { shown: true } : undefined;
    },
    setAlarm: async (name, when) => {
      if (when === null) alarms.delete(name);
      else alarms.set(name, { when, setAt: clock.now });
    },
    saveRecords: async () => undefined,
    setTimer: (callback, delayMs) => {
      const timer = { at: clock.now + delayMs, callback, cancelled: false };
      timers.push(timer);
      return () => void (timer.cancelled = true);
    },
  };
  const shown = () => sent.filter((s) => s.message.type === 'showNudge').map((s) => (s.message as Extract<TabMessage, { type: 'showNudge' }>).payload.nudge);
  return { runner: createCoachRunner(deps), sent, shown, alarms, timers };
}

const ringing = (at: number): CallEvent => ({
  type: 'ringing',
  direction: 'inbound',
  callId: 'call-1',
  at,
  source: 'sip-websocket',
  remote: { displayName: 'Anna', number: '+37120000000' },
});

describe('coach runner', () => {
  it('fires the answer-window nudge once when the worker was stopped mid-ring', async () => {
    const session = fakeSession();
    const clock = { now: T0 };
    const first = worker(session, clock);
    await first.runner.input({ kind: 'call-event', tabId: TAB, event: ringing(T0) }, TAB);
    expect(first.shown()).toHaveLength(0);

    // The worker is stopped; 10 s later a tab's tick starts a new one.
    clock.now = T0 + 10_000;
    const second = worker(session, clock);
    await second.runner.resume();
    await second.runner.input({ kind: 'tick' });
    await second.runner.input({ kind: 'tick' });
    const answerNudges = second.shown().filter((n) => n.ruleId === 'answer-window');
    expect(answerNudges).toHaveLength(1);
    expect(answerNudges[0]!.firedAt).toBe(T0 + 10_000);
  });

  it('never sets an alarm less than 30 s ahead, even for a deadline seconds away', async () => {
    const session = fakeSession();
    const clock = { now: T0 };
    const w = worker(session, clock);
    await w.runner.input({ kind: 'call-event', tabId: TAB, event: ringing(T0) }, TAB);
    const alarm = w.alarms.get('coach-wake');
    expect(alarm).toBeDefined();
    expect(alarm!.when - alarm!.setAt).toBeGreaterThanOrEqual(MIN_ALARM_DELAY_MS);
    // The short deadline is kept by the tab and by the worker's own timer instead.
    const wakeMessages = w.sent.filter((s) => s.message.type === 'wakeAt');
    expect(wakeMessages.map((s) => s.message.payload)).toContainEqual({ at: T0 + 10_000 });
    expect(w.timers.some((t) => t.at === T0 + 10_000 && !t.cancelled)).toBe(true);
  });

  it('persists a nudge in the outbox before it is sent, and empties it once the tab acknowledged', async () => {
    const session = fakeSession();
    const clock = { now: T0 };
    const w = worker(session, clock);
    await w.runner.input({ kind: 'call-event', tabId: TAB, event: ringing(T0) }, TAB);
    clock.now = T0 + 10_000;
    await w.runner.input({ kind: 'tick' });
    const send = w.sent.find((s) => s.message.type === 'showNudge')!;
    expect(send.outboxAtSend).toEqual([expect.objectContaining({ ruleId: 'answer-window' })]);
    expect(stored(session).outbox).toEqual([]);
  });

  it('redelivers a nudge its tab did not take after the worker restarts, and the page resync returns it', async () => {
    const session = fakeSession();
    const clock = { now: T0 };
    const deaf = worker(session, clock, { tabAnswers: false });
    await deaf.runner.input({ kind: 'call-event', tabId: TAB, event: ringing(T0) }, TAB);
    clock.now = T0 + 10_000;
    await deaf.runner.input({ kind: 'tick' });
    expect(stored(session).outbox).toHaveLength(1);

    const next = worker(session, clock);
    await next.runner.resume();
    expect(next.shown().map((n) => n.ruleId)).toEqual(['answer-window']);
    expect((await next.runner.resync(TAB)).nudges.map((n) => n.ruleId)).toEqual(['answer-window']);
  });

  it('starts afresh, without throwing, from an unreadable snapshot', async () => {
    const session = fakeSession();
    await session.set({ [SESSION_KEY]: { version: 99, junk: true } });
    const clock = { now: T0 };
    const w = worker(session, clock);
    const errors = expectedConsole('error');
    await w.runner.input({ kind: 'call-event', tabId: TAB, event: ringing(T0) }, TAB);
    expect(stored(session).version).toBe(SNAPSHOT_VERSION);
    expect(errors).toEqual([`[Second Ring] coach snapshot set aside (version 99 is newer than this build's ${SNAPSHOT_VERSION}); coaching starts clean`]);
  });

  it('forgets the nudges and deadline timers of a closed tab', async () => {
    const session = fakeSession();
    const clock = { now: T0 };
    const w = worker(session, clock, { tabAnswers: false });
    await w.runner.input({ kind: 'call-event', tabId: TAB, event: ringing(T0) }, TAB);
    clock.now = T0 + 10_000;
    await w.runner.input({ kind: 'tick' });
    await w.runner.input({ kind: 'tab-closed', tabId: TAB });
    const after = stored(session);
    expect(after.outbox).toEqual([]);
    expect(after.open).toEqual({});
    expect(after.tabs).toEqual([]);
  });
});

describe('a softphone page that reloads mid-call', () => {
  it('closes the calls its frame held, and no check-back follows them into the new page', async () => {
    const session = fakeSession();
    const clock = { now: T0 };
    const w = worker(session, clock);
    const answered: CallEvent = { type: 'answered', direction: 'inbound', callId: 'call-1', at: T0, source: 'sip-websocket' };
    await w.runner.input({ kind: 'call-event', tabId: TAB, event: answered }, TAB, 3);
    await w.runner.input({ kind: 'call-event', tabId: TAB, event: { type: 'held', by: 'agent', callId: 'call-1', at: T0 + 1_000, source: 'sip-websocket' } }, TAB, 3);
    // Another frame of the same tab saying hello leaves the call alone…
    await w.runner.resync(TAB, 5);
    expect(stored(session).wakeAt).not.toBeNull();
    // …the frame that held it loading again closes it.
    clock.now = T0 + 5_000;
    await w.runner.resync(TAB, 3);
    expect(stored(session).wakeAt).toBeNull();
    clock.now = T0 + 120_000;
    await w.runner.input({ kind: 'tick' });
    expect(w.shown().filter((n) => n.ruleId === 'hold-check-back')).toEqual([]);
  });
});
