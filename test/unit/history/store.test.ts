import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHistoryStore, toHistoryError } from '../../../src/background/history';
import type { CallRecord } from '../../../src/core/coach/types';
import { DEFAULT_BUSINESS_HOURS } from '../../../src/core/business-days';
import { markDone, queueFromMissedCall, type ReturnCall } from '../../../src/core/return-calls';
import { createMessage, markDelivered, type TakenMessage } from '../../../src/core/messages-taken';
import { freshStore, rawOpen, rawPut, value } from './helpers';

const DAY = 86_400_000;
const NOW = Date.parse('2026-03-27T12:00:00+02:00');

function call(n: number, startedAt: number, overrides: Partial<CallRecord> = {}): CallRecord {
  return {
    callKey: `1:call-${n}`,
    callId: `call-${n}`,
    tabId: 1,
    source: 'sip-websocket',
    direction: 'inbound',
    remote: { displayName: `Caller ${n}`, number: `+3716700000${n % 10}` },
    startedAt,
    answeredAt: startedAt + 3000,
    endedAt: startedAt + 60_000,
    outcome: 'answered',
    rings: 1,
    answerClass: 'on-time',
    holds: [],
    transfers: [],
    events: [{ type: 'ringing', at: startedAt }],
    nudges: [],
    flags: [],
    ...overrides,
  };
}

const message = (id: string, createdAt: number): TakenMessage =>
  createMessage({ callerName: 'Jānis', forWhom: 'Anna', callbackWanted: false, text: 'Call me' }, { id, createdAt });

const returnCall = (id: string, createdAt: number, overrides: Partial<ReturnCall> = {}): ReturnCall => ({
  id,
  caller: { number: '+37167000000' },
  reason: 'missed',
  createdAt,
  dueAt: createdAt + DAY,
  sameDayTarget: null,
  status: 'open',
  ...overrides,
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('calls', () => {
  it('upserts a call and reads it back; a second upsert replaces it', async () => {
    const { store } = freshStore();
    const record = call(1, NOW);
    expect(await store.upsertCall(record)).toEqual({ ok: true, value: undefined });
    expect(value(await store.getCall('1:call-1'))).toEqual(record);
    await store.upsertCall({ ...record, endedAt: NOW + 90_000 });
    expect(value(await store.getCall('1:call-1'))?.endedAt).toBe(NOW + 90_000);
    expect(value(await store.getCall('nope'))).toBeUndefined();
    expect(value(await store.counts())).toEqual({ calls: 1, messages: 0, returnCalls: 0 });
  });

  it('lists calls by start time: since inclusive, until exclusive, either order, with a limit', async () => {
    const { store } = freshStore();
    expect(value(await store.upsertCalls([3, 1, 4, 0, 2].map((n) => call(n, NOW + n * 1000))))).toEqual({ written: 5, rejected: 0 });
    const keys = (r: { items: CallRecord[] }) => r.items.map((c) => c.callId);
    expect(keys(value(await store.listCalls()))).toEqual(['call-0', 'call-1', 'call-2', 'call-3', 'call-4']);
    expect(keys(value(await store.listCalls({ since: NOW + 1000, until: NOW + 3000 })))).toEqual(['call-1', 'call-2']);
    expect(keys(value(await store.listCalls({ order: 'desc', limit: 2 })))).toEqual(['call-4', 'call-3']);
    expect(keys(value(await store.listCalls({ since: NOW + 2000, limit: 2 })))).toEqual(['call-2', 'call-3']);
    expect(keys(value(await store.listCalls({ until: NOW + 1000 })))).toEqual(['call-0']);
    expect(value(await store.listCalls({ since: NOW + 5000, until: NOW }))).toEqual({ items: [], skipped: 0 });
  });

  it('finds a caller’s earlier calls by number, newest first', async () => {
    const { store } = freshStore();
    await store.upsertCalls([call(1, NOW), call(11, NOW + 1000), call(2, NOW + 2000), call(21, NOW + 3000, { remote: { displayName: 'No number' } })]);
    const found = value(await store.callsFromNumber('+37167000001'));
    expect(found.items.map((c) => c.callId)).toEqual(['call-11', 'call-1']);
  });

  it('refuses to write a record that is not a call record, with a typed error', async () => {
    const { store } = freshStore();
    const bad = { ...call(1, NOW), startedAt: 'yesterday' } as unknown as CallRecord;
    const result = await store.upsertCall(bad);
    expect(result).toEqual({ ok: false, error: { kind: 'corrupt', message: expect.stringContaining('startedAt') } });
    expect(value(await store.upsertCalls([call(2, NOW), bad]))).toEqual({ written: 1, rejected: 1 });
  });
});

describe('damaged records', () => {
  it('are skipped and counted in lists, and reported as corrupt when asked for by key', async () => {
    const { store, factory } = freshStore();
    await store.upsertCalls([call(1, NOW), call(2, NOW + 1000)]);
    await store.putMessage(message('m1', NOW));
    const db = await rawOpen(factory);
    await rawPut(db, 'calls', { callKey: '1:broken', startedAt: NOW + 500, outcome: 'exploded' });
    await rawPut(db, 'messages', { id: 'm-broken', status: 'to-deliver' });
    await rawPut(db, 'returnCalls', { id: 'r-broken', status: 'open' });
    db.close();

    const calls = value(await store.listCalls());
    expect(calls.items.map((c) => c.callKey)).toEqual(['1:call-1', '1:call-2']);
    expect(calls.skipped).toBe(1);
    expect(value(await store.listCalls({ order: 'desc' })).skipped).toBe(1);
    expect(await store.getCall('1:broken')).toMatchObject({ ok: false, error: { kind: 'corrupt' } });
    expect(value(await store.listMessages({ status: 'to-deliver' }))).toMatchObject({ items: [{ id: 'm1' }], skipped: 1 });
    expect(value(await store.listReturnCalls({ outstanding: true }))).toEqual({ items: [], skipped: 1 });
  });
});

describe('messages and return calls', () => {
  it('keeps messages, lists them by status oldest first, and deletes them', async () => {
    const { store } = freshStore();
    await store.putMessage(message('m2', NOW + 1000));
    await store.putMessage(message('m1', NOW));
    await store.putMessage(markDelivered(message('m3', NOW - 1000), NOW));
    expect(value(await store.listMessages()).items.map((m) => m.id)).toEqual(['m3', 'm1', 'm2']);
    expect(value(await store.listMessages({ status: 'to-deliver' })).items.map((m) => m.id)).toEqual(['m1', 'm2']);
    expect(value(await store.getMessage('m3'))?.status).toBe('delivered');
    await store.deleteMessage('m1');
    expect(value(await store.getMessage('m1'))).toBeUndefined();
    expect(await store.putMessage({ id: 'x' } as TakenMessage)).toMatchObject({ ok: false, error: { kind: 'corrupt' } });
  });

  it('queues a missed call once, keeping its status when it is queued again', async () => {
    const { store } = freshStore();
    const missed = call(5, NOW, { outcome: 'missed', missedReason: 'caller-abandoned', answeredAt: undefined, answerClass: undefined });
    const entry = queueFromMissedCall(missed, DEFAULT_BUSINESS_HOURS)!;
    expect(value(await store.addReturnCall(entry))).toEqual({ added: true });
    const done = markDone(entry, NOW + 1000);
    if (!done.ok) throw new Error();
    await store.putReturnCall(done.entry);
    expect(value(await store.addReturnCall(entry))).toEqual({ added: false });
    expect(value(await store.getReturnCall(entry.id))?.status).toBe('done');
  });

  it('lists the owed return calls only, when asked', async () => {
    const { store } = freshStore();
    await store.putReturnCall(returnCall('a', NOW));
    await store.putReturnCall(returnCall('b', NOW - 1000, { status: 'told-caller', toldCallerAt: NOW, promisedAt: NOW + DAY }));
    await store.putReturnCall(returnCall('c', NOW - 2000, { status: 'done', doneAt: NOW }));
    expect(value(await store.listReturnCalls()).items.map((e) => e.id)).toEqual(['c', 'b', 'a']);
    expect(value(await store.listReturnCalls({ outstanding: true })).items.map((e) => e.id)).toEqual(['b', 'a']);
    await store.deleteReturnCall('a');
    expect(value(await store.getReturnCall('a'))).toBeUndefined();
  });
});

describe('retention and wipe', () => {
  it('deletes calls older than 30 days, returned calls and delivered messages too, and keeps work still to do', async () => {
    const { store } = freshStore();
    await store.upsertCalls([call(1, NOW - 31 * DAY), call(2, NOW - 30 * DAY - 1), call(3, NOW - 30 * DAY), call(4, NOW - DAY)]);
    await store.putReturnCall(returnCall('old-done', NOW - 40 * DAY, { status: 'done', doneAt: NOW - 35 * DAY }));
    await store.putReturnCall(returnCall('recent-done', NOW - 40 * DAY, { status: 'done', doneAt: NOW - 2 * DAY }));
    await store.putReturnCall(returnCall('old-owed', NOW - 40 * DAY));
    await store.putMessage(markDelivered(message('old-delivered', NOW - 40 * DAY), NOW - 39 * DAY));
    await store.putMessage(message('old-undelivered', NOW - 40 * DAY));

    expect(value(await store.enforceRetention(NOW))).toEqual({ calls: 2, returnCalls: 1, messages: 1 });
    expect(value(await store.listCalls()).items.map((c) => c.callId)).toEqual(['call-3', 'call-4']);
    expect(value(await store.listReturnCalls()).items.map((e) => e.id).sort()).toEqual(['old-owed', 'recent-done']);
    expect(value(await store.listMessages()).items.map((m) => m.id)).toEqual(['old-undelivered']);
    // A shorter limit, and running again is harmless.
    expect(value(await store.enforceRetention(NOW, 1))).toEqual({ calls: 1, returnCalls: 1, messages: 0 });
    expect(value(await store.enforceRetention(NOW, 1))).toEqual({ calls: 0, returnCalls: 0, messages: 0 });
  });

  it('wipes everything', async () => {
    const { store } = freshStore();
    await store.upsertCall(call(1, NOW));
    await store.putMessage(message('m', NOW));
    await store.putReturnCall(returnCall('r', NOW));
    expect(value(await store.wipe())).toBeUndefined();
    expect(value(await store.counts())).toEqual({ calls: 0, messages: 0, returnCalls: 0 });
  });
});

describe('importing the old recentCalls list', () => {
  it('imports the call records, skips what is not one, keeps what the history already has, and can run twice', async () => {
    const { store } = freshStore();
    const kept = { ...call(2, NOW), endReason: 'history copy' };
    await store.upsertCall(kept);
    const legacy: unknown = [call(1, NOW - DAY), call(2, NOW), null, { callKey: 'x' }, 'junk', call(3, NOW + 1)];
    expect(value(await store.importLegacy(legacy, NOW))).toEqual({ imported: 2, alreadyPresent: 1, skipped: 3 });
    expect(value(await store.getCall('1:call-2'))?.endReason).toBe('history copy');
    expect(value(await store.listCalls()).items).toHaveLength(3);
    expect(value(await store.importLegacy(legacy, NOW))).toEqual({ imported: 0, alreadyPresent: 3, skipped: 3 });
    expect(value(await store.importLegacy(undefined, NOW))).toEqual({ imported: 0, alreadyPresent: 0, skipped: 0 });
    expect(value(await store.importLegacy({ not: 'a list' }, NOW))).toEqual({ imported: 0, alreadyPresent: 0, skipped: 0 });
  });
});

describe('storage failures come back as typed errors', () => {
  it('reports a full disk as quota, and keeps working once there is room', async () => {
    const { store } = freshStore();
    await store.upsertCall(call(1, NOW)); // Opened first, so only the write fails.
    const spy = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    });
    const result = await store.upsertCall(call(2, NOW));
    expect(result).toEqual({ ok: false, error: { kind: 'quota', message: expect.stringContaining('full') } });
    spy.mockRestore();
    expect((await store.upsertCall(call(2, NOW))).ok).toBe(true);
  });

  it('reports missing IndexedDB as unavailable', async () => {
    const store = createHistoryStore({ factory: undefined });
    expect(await store.listCalls()).toMatchObject({ ok: false, error: { kind: 'unavailable' } });
    expect(await store.upsertCall(call(1, NOW))).toMatchObject({ ok: false, error: { kind: 'unavailable' } });
  });

  it('reports a database from a newer version of the extension as unavailable, with the reason', async () => {
    const { store, factory } = freshStore();
    (await rawOpen(factory, 99)).close();
    const result = await store.counts();
    expect(result).toEqual({ ok: false, error: { kind: 'unavailable', message: expect.stringContaining('newer version') } });
  });

  it('reports blocked at once when an old page will not let go, and opens once it has', async () => {
    const { factory } = freshStore();
    const old = createHistoryStore({ factory, version: 1 });
    value(await old.upsertCall(call(1, NOW)));
    // A raw v1 connection that ignores versionchange, like a stale page of an old build.
    const stubborn = await rawOpen(factory, 1);
    old.close();
    const store = createHistoryStore({ factory });
    expect(await store.counts()).toEqual({ ok: false, error: { kind: 'blocked', message: expect.stringContaining('close other') } });
    // Still blocked: answered at once, not queued behind the first attempt.
    expect(await store.listCalls()).toMatchObject({ ok: false, error: { kind: 'blocked' } });
    stubborn.close();
    await new Promise((r) => setTimeout(r, 10));
    expect(value(await store.counts())).toEqual({ calls: 1, messages: 0, returnCalls: 0 });
  });

  it('steps aside for a newer version that wants to upgrade', async () => {
    const { factory } = freshStore();
    const old = createHistoryStore({ factory, version: 1 });
    value(await old.upsertCall(call(1, NOW)));
    const current = createHistoryStore({ factory });
    expect(value(await current.counts()).calls).toBe(1); // Not blocked: the old connection closed itself.
    // The old code, used again, now meets a newer database.
    expect(await old.counts()).toMatchObject({ ok: false, error: { kind: 'unavailable', message: expect.stringContaining('newer version') } });
  });

  it('reopens after the browser closed the connection, or after it was closed under it', async () => {
    const { factory } = freshStore();
    const opened: IDBDatabase[] = [];
    const watching = {
      open(name: string, version?: number) {
        const request = factory.open(name, version);
        request.addEventListener('success', () => opened.push(request.result));
        return request;
      },
    } as IDBFactory;
    const store = createHistoryStore({ factory: watching });
    value(await store.upsertCall(call(1, NOW)));
    const { forceCloseDatabase } = await import('fake-indexeddb');
    forceCloseDatabase(opened[0] as unknown as typeof IDBDatabase);
    expect(value(await store.listCalls()).items).toHaveLength(1);
    expect(opened).toHaveLength(2);
    opened[1]!.close(); // No event at all: the next transaction fails with InvalidStateError.
    expect(value(await store.listCalls()).items).toHaveLength(1);
    expect(opened).toHaveLength(3);
  });

  it('classifies whatever is thrown, never throwing itself', () => {
    expect(toHistoryError(new DOMException('x', 'QuotaExceededError')).kind).toBe('quota');
    expect(toHistoryError(new DOMException('x', 'DataCloneError')).kind).toBe('corrupt');
    expect(toHistoryError(new DOMException('x', 'VersionError')).kind).toBe('unavailable');
    expect(toHistoryError(new DOMException('x', 'InvalidStateError')).kind).toBe('unavailable');
    expect(toHistoryError('a string').message).toContain('a string');
    expect(toHistoryError(undefined).kind).toBe('unavailable');
    expect(toHistoryError(null).message.length).toBeGreaterThan(0);
  });
});
