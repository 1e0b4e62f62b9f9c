/**
 * The coach's state persisted per call (issue 14, item 2): a step writes only the keys whose
 * content changed, a call's key goes when the call leaves the coach (its record saved first), the
 * previous build's single-key snapshot carries over, a damaged call key costs only that call, the
 * size bound counts every key; and call events sent together are stepped in order, saved once.
 */
import { describe, expect, it } from 'vitest';
import { createCoachRunner, DAMAGED_KEY, SESSION_KEY, SET_ASIDE_KEY, type CallEventInput, type CarryOver, type CoachRunnerDeps } from '../../../src/background/coach-runner';
import { DEFAULT_CONFIG, KEEP_FINISHED_MS, MAX_FINISHED_CALLS, type CallRecord, type Nudge } from '../../../src/core/coach';
import type { CallEvent } from '../../../src/core/call-event';
import { SNAPSHOT_VERSION } from '../../../src/core/coach/migrations';
import { callStorageKey, isCoachStateKey, META_KEY, RETIRED_KEY } from '../../../src/core/coach/snapshot';
import { readCallEvents } from '../../../src/core/content-input';
import { MAX_CALL_EVENTS_PER_MESSAGE } from '../../../src/core/messages';
import { expectedConsole } from '../console-capture';
import { fakeStorage, storedCoach, storedItems, type FakeStorage } from './fake-storage';

const T0 = Date.UTC(2026, 11, 3, 9, 0, 0);

function worker(session: FakeStorage, clock: { now: number }, extra: Partial<CoachRunnerDeps> = {}) {
  const shown: Nudge[] = [];
  const saved: CallRecord[][] = [];
  const order: string[] = [];
  const dismissed: string[] = [];
  const runner = createCoachRunner({
    now: () => clock.now,
    loadConfig: async () => DEFAULT_CONFIG,
    session,
    sendToTab: async (_tabId, message) => {
      if (message.type === 'showNudge') {
        order.push(`nudge ${message.payload.nudge.key}`);
        shown.push(message.payload.nudge);
      }
      if (message.type === 'dismissNudge') dismissed.push(message.payload.key);
      return { shown: true };
    },
    setAlarm: async () => undefined,
    saveRecords: async (records) => {
      order.push(`history ${records.map((r) => r.callKey).join(',')}`);
      saved.push(structuredClone([...records]));
    },
    setTimer: () => () => undefined,
    ...extra,
  });
  return { runner, shown, saved, order, dismissed };
}

const ev = (callId: string, at: number, e: Partial<CallEvent> & Pick<CallEvent, 'type'>): CallEvent => ({ callId, at, source: 'sip-websocket', ...e }) as CallEvent;
const ring = (callId: string, at: number) => ev(callId, at, { type: 'ringing', direction: 'inbound', remote: { number: '+37120000000' } });
const answer = (callId: string, at: number) => ev(callId, at, { type: 'answered', direction: 'inbound' });
const end = (callId: string, at: number) => ev(callId, at, { type: 'ended', by: 'remote' });

/** A whole call in tab `tab`: rung, answered, ended, each event its own message. */
async function call(w: ReturnType<typeof worker>, clock: { now: number }, tab: number, callId: string) {
  for (const make of [ring, answer, end]) {
    clock.now += 1_000;
    await w.runner.callEvents([{ tabId: tab, frameId: 0, event: make(callId, clock.now), eventKey: `${callId}:${make.name}` }]);
  }
}

describe('the coach state persisted per call', () => {
  it('writes only the meta key and the call a step changed, in one set', async () => {
    const session = fakeStorage();
    const clock = { now: T0 };
    const w = worker(session, clock);
    await w.runner.callEvents([{ tabId: 1, frameId: 0, event: ring('a', T0), eventKey: 'a1' }]);
    await w.runner.callEvents([{ tabId: 2, frameId: 0, event: ring('b', T0), eventKey: 'b1' }]);
    session.writes.length = 0;
    clock.now = T0 + 2_000;
    await w.runner.callEvents([{ tabId: 2, frameId: 0, event: answer('b', clock.now), eventKey: 'b2' }]);
    // The step's save, then the outbox's after the effects: never the call in tab 1.
    expect(session.writes[0]).toEqual([META_KEY, callStorageKey('2:b')]);
    expect(session.writes.flat()).not.toContain(callStorageKey('1:a'));
    expect(storedCoach(session.data).coach.calls['2:b']?.phase).toBe('connected');
  });

  it('writes as much per call in the fiftieth as in the first: finished calls are not written again', async () => {
    const session = fakeStorage();
    const clock = { now: T0 };
    const w = worker(session, clock);
    const keysWritten: number[] = [];
    for (let i = 0; i < MAX_FINISHED_CALLS; i++) {
      const before = session.writes.length;
      await call(w, clock, 1, `c${i}`);
      await w.runner.settled();
      // Keys written by this call's steps: its own call key, the previous call's (its closing
      // checklist leaves the screen when the next call rings) and the meta key, whatever else is held.
      const keys = new Set(session.writes.slice(before).flat());
      expect([...keys].filter((k) => k.startsWith('coach/v3/call/'))).toEqual(i === 0 ? [callStorageKey('1:c0')] : [callStorageKey(`1:c${i - 1}`), callStorageKey(`1:c${i}`)]);
      keysWritten.push(keys.size);
    }
    expect(Object.keys(storedCoach(session.data).coach.calls)).toHaveLength(MAX_FINISHED_CALLS);
    expect(Math.max(...keysWritten.slice(1))).toBe(Math.min(...keysWritten.slice(1)));
  });

  it('removes a finished call’s key once it leaves the coach, after the history has its record', async () => {
    const session = fakeStorage();
    const clock = { now: T0 };
    const w = worker(session, clock);
    await call(w, clock, 1, 'gone');
    await w.runner.settled();
    expect(session.data.has(callStorageKey('1:gone'))).toBe(true);
    expect(w.saved.flat().filter((r) => r.callKey === '1:gone').at(-1)).toMatchObject({ outcome: 'answered', endedAt: clock.now });
    // No record effect left in the outbox once saved.
    expect(storedCoach(session.data).effects.filter((e) => e.kind === 'record')).toEqual([]);
    clock.now += KEEP_FINISHED_MS + 1_000;
    await w.runner.input({ kind: 'tick' });
    expect(session.data.has(callStorageKey('1:gone'))).toBe(false);
    expect(storedCoach(session.data).coach.retired).toContain('1:gone');
    // Beyond MAX_FINISHED_CALLS the oldest goes at once, its key too.
    for (let i = 0; i <= MAX_FINISHED_CALLS; i++) await call(w, clock, 2, `n${i}`);
    await w.runner.settled();
    expect(session.data.has(callStorageKey('2:n0'))).toBe(false);
    expect([...session.data.keys()].filter((k) => k.startsWith('coach/v3/call/'))).toHaveLength(MAX_FINISHED_CALLS);
    // And its record reached the history before it went.
    expect(w.saved.flat().some((r) => r.callKey === '2:n0' && r.endedAt !== undefined)).toBe(true);
  });

  it('keeps a record in the outbox until the history takes it, and a new worker saves it', async () => {
    const session = fakeStorage();
    const clock = { now: T0 };
    const errors = expectedConsole('error');
    const refusing = worker(session, clock, {
      saveRecords: async () => {
        throw new Error('history unavailable');
      },
    });
    await call(refusing, clock, 1, 'kept');
    await refusing.runner.settled();
    expect(errors.every((line) => line.startsWith('[Second Ring] call log not saved'))).toBe(true);
    expect(storedCoach(session.data).effects.filter((e) => e.kind === 'record').map((e) => e.key)).toEqual(['record:1:kept']);
    const next = worker(session, clock);
    await next.runner.resume();
    await next.runner.settled();
    expect(next.saved.flat().map((r) => [r.callKey, r.outcome])).toEqual([['1:kept', 'answered']]);
    expect(storedCoach(session.data).effects).toEqual([]);
  });

  it('shows a nudge before the history is written', async () => {
    const session = fakeStorage();
    const clock = { now: T0 };
    const w = worker(session, clock);
    await call(w, clock, 1, 'x');
    await w.runner.settled();
    const closing = w.order.findIndex((line) => line === 'nudge 1:x|closing|1');
    expect(closing).toBeGreaterThanOrEqual(0);
    // The record of the ended call goes to the history after the closing checklist is out.
    const endedSaved = w.order.findIndex((line, i) => i > closing && line.startsWith('history') && line.includes('1:x'));
    expect(endedSaved).toBeGreaterThan(closing);
  });

  it('carries a call of the previous build’s single-key snapshot (version 2) over, outbox and all', async () => {
    const session = fakeStorage();
    const clock = { now: T0 + 10_000 };
    const record = { callKey: '7:c1', callId: 'c1', tabId: 7, source: 'sip-websocket', direction: 'inbound', startedAt: T0, outcome: 'live', holds: [], transfers: [], events: [{ type: 'ringing', at: T0 }], nudges: [], flags: [] };
    const nudge = { key: '7:c1|answer-window|1', callKey: '7:c1', tabId: 7, ruleId: 'answer-window', occurrence: 1, severity: 'urgent', kind: 'toast', text: 'Answer now', firedAt: T0 + 9_000 };
    await session.set({
      [SESSION_KEY]: {
        version: 2,
        coach: {
          version: 1,
          calls: {
            '7:c1': { phase: 'ringing', record, lastEventAt: T0, ringStartedAt: T0, region: 'europe', ringShown: true, closingShown: false, occurrences: { 'answer-window': 1 }, open: [], deadlines: [] },
          },
          retired: ['7:old'],
        },
        outbox: [nudge],
        effects: [{ key: 'record:7:c1', kind: 'record', record }],
        open: { [nudge.key]: nudge },
        rings: {},
        wakeAt: null,
        tabs: [7],
        owners: { '7:c1': 0 },
        eventKeys: ['run:1'],
      },
    });
    const w = worker(session, clock);
    await w.runner.resume();
    await w.runner.settled();
    expect(w.shown.map((n) => n.key)).toEqual([nudge.key]);
    expect(w.saved.flat().map((r) => r.callKey)).toEqual(['7:c1']);
    expect(session.data.has(SESSION_KEY)).toBe(false);
    expect(storedItems(session.data)[META_KEY]).toMatchObject({ version: SNAPSHOT_VERSION, calls: ['7:c1'], eventKeys: ['run:1'], outbox: [], effects: [] });
    expect(storedItems(session.data)[RETIRED_KEY]).toEqual(['7:old']);
    // The retried event of that page is still recognised, and the call goes on.
    await w.runner.callEvents([{ tabId: 7, frameId: 0, event: ring('c1', T0), eventKey: 'run:1' }]);
    clock.now += 1_000;
    await w.runner.callEvents([{ tabId: 7, frameId: 0, event: answer('c1', clock.now), eventKey: 'run:2' }]);
    expect(storedCoach(session.data).coach.calls['7:c1']?.phase).toBe('connected');
  });

  it('sets a damaged call key aside and keeps the other calls', async () => {
    const session = fakeStorage();
    const clock = { now: T0 };
    const first = worker(session, clock);
    await first.runner.callEvents([{ tabId: 1, frameId: 0, event: ring('good', T0), eventKey: 'g' }]);
    await first.runner.callEvents([{ tabId: 2, frameId: 0, event: ring('bad', T0), eventKey: 'b' }]);
    const damaged = { phase: 'on-hold', record: 'lost' };
    session.data.set(callStorageKey('2:bad'), JSON.stringify(damaged));
    const errors = expectedConsole('error');
    const next = worker(session, clock);
    clock.now = T0 + 1_000;
    await next.runner.callEvents([{ tabId: 1, frameId: 0, event: answer('good', clock.now), eventKey: 'g2' }]);
    expect(Object.keys(storedCoach(session.data).coach.calls)).toEqual(['1:good']);
    expect(session.data.has(callStorageKey('2:bad'))).toBe(false);
    expect(storedCoach(session.data).rings['2:bad']).toBeUndefined();
    expect(JSON.parse(session.data.get(DAMAGED_KEY)!)).toEqual(damaged);
    expect(JSON.parse(session.data.get(SET_ASIDE_KEY)!)).toMatchObject({ count: 1, reason: expect.stringContaining('call 2:bad') });
    expect(errors).toEqual([expect.stringContaining('coach snapshot set aside (call 2:bad')]);
    expect(errors[0]).toMatch(/coaching goes on without it$/);
  });

  it('bounds the sum of every key’s size, goes on from memory beyond it, and saves again once under', async () => {
    const session = fakeStorage();
    const clock = { now: T0 };
    // Room for about one ringing call with its meta key, not two.
    const probeSession = fakeStorage();
    const sized = worker(probeSession, { now: T0 });
    await sized.runner.callEvents([{ tabId: 1, frameId: 0, event: ring('a', T0), eventKey: 'p' }]);
    const oneCallChars = [...probeSession.data].filter(([k]) => isCoachStateKey(k)).reduce((n, [, json]) => n + json.length, 0);
    const callChars = probeSession.data.get(callStorageKey('1:a'))!.length;
    const errors = expectedConsole('error');
    const w = worker(session, clock, { maxSnapshotChars: oneCallChars + Math.round(callChars / 2) });
    await w.runner.callEvents([{ tabId: 1, frameId: 0, event: ring('a', T0), eventKey: 'a1' }]);
    expect((await w.runner.status()).memoryOnly).toBeUndefined();
    await w.runner.callEvents([{ tabId: 2, frameId: 0, event: ring('b', T0), eventKey: 'b1' }]);
    // The second call's step writes one call's key, but the whole would be over the bound.
    expect((await w.runner.status()).memoryOnly?.reason).toMatch(/over the \d+ it may save/);
    expect(session.data.has(callStorageKey('2:b'))).toBe(false);
    expect(errors).toHaveLength(1);
    // Coaching goes on from memory: the second call is answered and ended, and both leave.
    for (const [tab, id] of [[1, 'a'], [2, 'b']] as const) {
      clock.now += 1_000;
      await w.runner.callEvents([{ tabId: tab, frameId: 0, event: answer(id, clock.now) }]);
      await w.runner.callEvents([{ tabId: tab, frameId: 0, event: end(id, clock.now) }]);
    }
    clock.now += KEEP_FINISHED_MS + 1_000;
    await w.runner.input({ kind: 'tick' });
    // Their records leave the outbox once the history has them: then the whole fits again.
    await w.runner.settled();
    expect((await w.runner.status()).memoryOnly).toBeUndefined();
    expect(storedCoach(session.data).coach.calls).toEqual({});
    expect([...session.data.keys()].filter((k) => k.startsWith('coach/v3/call/'))).toEqual([]);
  });

  it('copies only what changed to the carry-over, and a worker after an update carries on from it', async () => {
    const session = fakeStorage();
    const local = new Map<string, unknown>();
    const copies: { keys: string[]; remove: readonly string[]; full: boolean }[] = [];
    const carryOver: CarryOver = {
      get: async () => (local.size > 0 ? Object.fromEntries(local) : undefined),
      write: async (items, remove, full) => {
        copies.push({ keys: Object.keys(items), remove, full });
        if (full) local.clear();
        for (const key of remove) local.delete(key);
        for (const [key, value] of Object.entries(items)) local.set(key, structuredClone(value));
      },
    };
    const clock = { now: T0 };
    const w = worker(session, clock, { carryOver });
    await w.runner.callEvents([{ tabId: 1, frameId: 0, event: ring('a', T0), eventKey: 'a1' }]);
    await w.runner.callEvents([{ tabId: 2, frameId: 0, event: ring('b', T0), eventKey: 'b1' }]);
    clock.now = T0 + 1_000;
    await w.runner.callEvents([{ tabId: 2, frameId: 0, event: answer('b', clock.now), eventKey: 'b2' }]);
    await w.runner.settled();
    expect(copies[0]?.full).toBe(true);
    expect(copies.slice(1).every((c) => !c.full && !c.keys.includes(callStorageKey('1:a')))).toBe(true);
    expect(copies.some((c) => c.keys.includes(callStorageKey('2:b')))).toBe(true);
    // The update: storage.session is emptied; the new worker reads the copy.
    session.data.clear();
    const updated = worker(session, clock, { carryOver });
    expect((await updated.runner.records()).map((r) => [r.callKey, r.outcome])).toEqual([
      ['1:a', 'live'],
      ['2:b', 'answered'],
    ]);
    clock.now = T0 + 2_000;
    await updated.runner.callEvents([{ tabId: 2, frameId: 0, event: answer('b', T0 + 1_000), eventKey: 'b2' }]);
    await updated.runner.callEvents([{ tabId: 1, frameId: 0, event: answer('a', clock.now), eventKey: 'a2' }]);
    expect(storedCoach(session.data).coach.calls['1:a']?.phase).toBe('connected');
  });
});

describe('call events sent together', () => {
  const batch = (events: [number, CallEvent, string][]): CallEventInput[] => events.map(([tabId, event, eventKey]) => ({ tabId, frameId: 0, event, eventKey }));

  it('are stepped in order, saved once before their effects, and end as the same events sent one by one', async () => {
    const events = batch([
      [1, ring('a', T0), 'k1'],
      [1, answer('a', T0 + 1_000), 'k2'],
      [1, ev('a', T0 + 2_000, { type: 'held', by: 'agent' }), 'k3'],
      [1, ev('a', T0 + 3_000, { type: 'resumed', by: 'agent' }), 'k4'],
      [1, end('a', T0 + 4_000), 'k5'],
    ]);
    const clock = { now: T0 + 4_000 };
    const together = fakeStorage();
    const w = worker(together, clock);
    await w.runner.callEvents(events);
    // One save of the steps, one of the outbox once carried out.
    expect(together.writes).toHaveLength(2);
    expect(together.writes[0]).toContain(callStorageKey('1:a'));
    const oneByOne = fakeStorage();
    const v = worker(oneByOne, clock);
    for (const e of events) await v.runner.callEvents([e]);
    expect(oneByOne.writes.length).toBeGreaterThan(together.writes.length);
    const record = storedCoach(together.data).coach.calls['1:a']!.record;
    expect(record.events.map((e) => e.type)).toEqual(['ringing', 'answered', 'held', 'resumed', 'ended']);
    expect(record).toEqual(storedCoach(oneByOne.data).coach.calls['1:a']!.record);
    // The greeting's checklist, shown at the answer and taken back at the end, reaches the page only
    // when the events come one by one; sent together, neither it nor its dismissal leaves the worker.
    expect(v.shown.map((n) => n.key)).toEqual(['1:a|greeting|1', '1:a|hold-permission|1', '1:a|closing|1']);
    expect(v.dismissed).toEqual(['1:a|greeting|1']);
    expect(w.shown.map((n) => n.key)).toEqual(['1:a|hold-permission|1', '1:a|closing|1']);
    expect(w.dismissed).toEqual([]);
    expect(storedCoach(together.data).eventKeys).toEqual(['k1', 'k2', 'k3', 'k4', 'k5']);
  });

  it('applies each retry key once: a batch sent again changes nothing, one partly applied applies the rest', async () => {
    const session = fakeStorage();
    const clock = { now: T0 + 2_000 };
    const w = worker(session, clock);
    const first = batch([
      [1, ring('a', T0), 'k1'],
      [1, answer('a', T0 + 1_000), 'k2'],
    ]);
    await w.runner.callEvents(first);
    const writes = session.writes.length;
    await w.runner.callEvents(first);
    expect(session.writes.length).toBe(writes);
    await w.runner.callEvents([...first, ...batch([[1, ev('a', T0 + 2_000, { type: 'held', by: 'agent' }), 'k3']])]);
    expect(storedCoach(session.data).coach.calls['1:a']!.record.events.map((e) => e.type)).toEqual(['ringing', 'answered', 'held']);
    // An event the coach recorded already (a page's history replayed after an update), under a new key: skipped too.
    await w.runner.callEvents(batch([[1, answer('a', T0 + 1_000), 'other-run:1']]));
    expect(storedCoach(session.data).coach.calls['1:a']!.record.events.map((e) => e.type)).toEqual(['ringing', 'answered', 'held']);
  });

  it('checks every event of the message and its length', () => {
    const good = { event: ring('a', T0), eventKey: 'k1' };
    expect(readCallEvents({ events: [good, { event: { type: 'ringing' } }, { event: answer('a', T0), eventKey: 7 }] })).toEqual([
      { event: ring('a', T0), eventKey: 'k1' },
      { event: answer('a', T0) },
    ]);
    expect(readCallEvents({ events: 'all' })).toBeUndefined();
    expect(readCallEvents(null)).toBeUndefined();
    expect(readCallEvents({ events: Array.from({ length: MAX_CALL_EVENTS_PER_MESSAGE + 1 }, () => good) })).toBeUndefined();
    expect(readCallEvents({ events: Array.from({ length: MAX_CALL_EVENTS_PER_MESSAGE }, () => good) })).toHaveLength(MAX_CALL_EVENTS_PER_MESSAGE);
  });
});
