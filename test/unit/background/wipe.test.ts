/**
 * "Delete the history" deletes every store (issue 11, "Full wipe"): the real coach runner and
 * history service wired as the worker wires them, over a storage.session that keeps JSON and an
 * in-memory IndexedDB. After the wipe no caller name or number is left in the coach's session
 * state, the tabs are told to clear their screens, and the next steps of a call that was on at
 * the wipe write nothing back into the history.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { createCoachRunner, WAKE_ALARM, type TabMessage } from '../../../src/background/coach-runner';
import { isCoachStateKey } from '../../../src/core/coach/snapshot';
import { fakeStorage } from './fake-storage';
import { createHistoryStore } from '../../../src/background/history';
import { createHistoryService, type HistoryService } from '../../../src/background/history-service';
import { DEFAULT_CONFIG } from '../../../src/core/coach';
import type { CallEvent } from '../../../src/core/call-event';

const T0 = Date.parse('2026-03-04T12:00:00+02:00');
const TAB = 3;
const CALLER = { displayName: 'Anna Bērziņa', number: '+37120000000' };

function setup() {
  const clock = { now: T0 };
  const sessionApi = fakeStorage();
  const session = sessionApi.data;
  const toTabs: { tabId: number; type: string }[] = [];
  const alarms = new Map<string, number>();
  const late: { history?: HistoryService } = {};
  const coach = createCoachRunner({
    now: () => clock.now,
    loadConfig: async () => DEFAULT_CONFIG,
    session: sessionApi,
    sendToTab: async (tabId, message: TabMessage) => {
      toTabs.push({ tabId, type: message.type });
      return message.type === 'showNudge' ? { shown: true } : undefined;
    },
    setAlarm: async (name, when) => void (when === null ? alarms.delete(name) : alarms.set(name, when)),
    saveRecords: (records) => late.history!.saveRecords(records),
    setTimer: () => () => undefined,
  });
  const store = createHistoryStore({ factory: new IDBFactory() });
  const history = (late.history = createHistoryService({
    store,
    now: () => clock.now,
    loadConfig: async () => DEFAULT_CONFIG,
    local: { get: async () => undefined, remove: async () => undefined },
    session: { get: async (key) => (await sessionApi.get(key))[key], set: (key, value) => sessionApi.set({ [key]: value }) },
    alarms: { get: async () => undefined, create: async () => undefined, clear: async () => undefined },
    remind: async () => undefined,
    // As the worker wires it (src/background/index.ts): the coach forgets, then the tabs are told.
    forgetCalls: async () => {
      for (const tabId of await coach.reset()) toTabs.push({ tabId, type: 'wiped' });
    },
    newId: () => 'id',
  }));
  return { clock, session, coach, history, store, toTabs, alarms };
}

/** Every key of the coach's state in storage.session, as text. */
const coachText = (session: Map<string, string>) => [...session].filter(([key]) => isCoachStateKey(key)).map(([, json]) => json).join('\n');

const event = (at: number, rest: Partial<CallEvent> & Pick<CallEvent, 'type'>, callId = 'call-1'): CallEvent =>
  ({ callId, at, source: 'sip-websocket', ...rest }) as CallEvent;

describe('deleting the history', () => {
  it('clears the coach state, tells the tabs, and no later step writes a wiped call back', async () => {
    const { clock, session, coach, history, store, toTabs, alarms } = setup();
    // A missed call (queued for a return call) and a call on now, both with the caller's name and number.
    await coach.input({ kind: 'call-event', tabId: TAB, event: event(T0, { type: 'ringing', direction: 'inbound', remote: CALLER }, 'missed-1') }, TAB);
    await coach.input({ kind: 'call-event', tabId: TAB, event: event(T0 + 3_000, { type: 'missed', direction: 'inbound', by: 'remote', reason: 'caller-abandoned' }, 'missed-1') }, TAB);
    clock.now = T0 + 60_000;
    await coach.input({ kind: 'call-event', tabId: TAB, event: event(clock.now, { type: 'ringing', direction: 'inbound', remote: CALLER }) }, TAB);
    await coach.input({ kind: 'call-event', tabId: TAB, event: event(clock.now + 2_000, { type: 'answered', direction: 'inbound', remote: CALLER }) }, TAB);
    expect(coachText(session)).toContain(CALLER.number);
    await coach.settled();
    const before = await store.counts();
    expect(before.ok && before.value.calls).toBe(2);
    expect(before.ok && before.value.returnCalls).toBe(1);

    expect(await history.wipe()).toEqual({ ok: true });

    const stored = coachText(session);
    expect(stored).not.toContain(CALLER.number);
    expect(stored).not.toContain(CALLER.displayName);
    expect(await coach.records()).toEqual([]);
    expect(toTabs.filter((m) => m.type === 'wiped')).toEqual([{ tabId: TAB, type: 'wiped' }]);
    expect(alarms.has(WAKE_ALARM)).toBe(false);
    expect(await store.counts()).toEqual({ ok: true, value: { calls: 0, messages: 0, returnCalls: 0 } });

    // The call that was on goes on: holds, ticks, the hang-up. None of it comes back.
    clock.now += 10_000;
    await coach.input({ kind: 'call-event', tabId: TAB, event: event(clock.now, { type: 'held', by: 'agent' }) }, TAB);
    clock.now += 60_000;
    await coach.input({ kind: 'tick' });
    await coach.input({ kind: 'call-event', tabId: TAB, event: event(clock.now, { type: 'ended', by: 'remote' }) }, TAB);
    await coach.input({ kind: 'tick' });
    await coach.settled();
    expect(await store.counts()).toEqual({ ok: true, value: { calls: 0, messages: 0, returnCalls: 0 } });
    expect(coachText(session)).not.toContain(CALLER.number);

    // A new call after the wipe is recorded as usual.
    await coach.input({ kind: 'call-event', tabId: TAB, event: event(clock.now, { type: 'ringing', direction: 'inbound', remote: CALLER }, 'call-2') }, TAB);
    await coach.settled();
    const after = await store.counts();
    expect(after.ok && after.value.calls).toBe(1);
  });

  it('still deletes the history when the coach could not be cleared, and says so', async () => {
    const store = createHistoryStore({ factory: new IDBFactory() });
    const history = createHistoryService({
      store,
      now: () => T0,
      loadConfig: async () => DEFAULT_CONFIG,
      local: { get: async () => undefined, remove: async () => undefined },
      session: { get: async () => undefined, set: async () => undefined },
      alarms: { get: async () => undefined, create: async () => undefined, clear: async () => undefined },
      remind: async () => undefined,
      forgetCalls: async () => {
        throw new Error('session storage unavailable');
      },
      newId: () => 'id',
    });
    const originalError = console.error;
    console.error = () => undefined;
    try {
      await history.saveRecords([
        { callKey: '1:x', callId: 'x', tabId: 1, source: 'sip-websocket', direction: 'inbound', startedAt: T0, outcome: 'answered', answeredAt: T0, holds: [], transfers: [], events: [], nudges: [], flags: [] },
      ]);
      expect(await history.wipe()).toEqual({ ok: false, message: 'session storage unavailable' });
    } finally {
      console.error = originalError;
    }
    expect(await store.counts()).toEqual({ ok: true, value: { calls: 0, messages: 0, returnCalls: 0 } });
  });
});
