import { describe, expect, it } from 'vitest';
import { createHistoryStore, HISTORY_DB_VERSION, MIGRATIONS, type HistoryStore } from '../../../src/background/history';
import type { CallRecord } from '../../../src/core/coach/types';
import type { ReturnCall } from '../../../src/core/return-calls';
import { createMessage, markDelivered } from '../../../src/core/messages-taken';
import { realisticShift } from '../core/recorded-history';
import { freshStore, rawOpen, value } from './helpers';

const NOW = Date.parse('2026-03-27T12:00:00+02:00');
const DAY = 86_400_000;

const calls: CallRecord[] = realisticShift(NOW - 2 * DAY, 25, 11);
const messages = [
  createMessage({ callerName: 'Jānis', forWhom: 'Anna', callbackWanted: true, callbackNumber: '+371 67 000 000', text: 'Invoice' }, { id: 'm1', createdAt: NOW - DAY }),
  markDelivered(createMessage({ callerName: 'Līga', forWhom: 'Pēteris', callbackWanted: false, text: 'Thanks' }, { id: 'm2', createdAt: NOW - DAY }), NOW),
];
const entry = (id: string, status: ReturnCall['status'], extra: Partial<ReturnCall> = {}): ReturnCall => ({
  id,
  caller: { name: 'Anna', number: '+37167000000' },
  reason: 'missed',
  createdAt: NOW - DAY,
  dueAt: NOW,
  sameDayTarget: null,
  status,
  ...extra,
});
const returnCalls = [
  entry('r-open', 'open'),
  entry('r-done', 'done', { doneAt: NOW - 1000 }),
  entry('r-told', 'told-caller', { toldCallerAt: NOW - 5000, promisedAt: NOW + DAY, prompted: { 'will-miss': NOW } }),
];

/** Fill a store with data using only what works at every schema version. */
async function seed(store: HistoryStore) {
  value(await store.upsertCalls(calls));
  for (const m of messages) value(await store.putMessage(m));
  for (const r of returnCalls) value(await store.putReturnCall(r));
  value(await store.importLegacy([], NOW));
}

/** Store names, key paths and indexes, for comparing two databases' shapes. */
async function shapeOf(factory: IDBFactory) {
  const db = await rawOpen(factory);
  const names = [...db.objectStoreNames].sort();
  const tx = db.transaction(names);
  const shape = {
    version: db.version,
    stores: names.map((name) => {
      const store = tx.objectStore(name);
      return {
        name,
        keyPath: store.keyPath,
        indexes: [...store.indexNames].sort().map((i) => ({ name: i, keyPath: store.index(i).keyPath, unique: store.index(i).unique })),
      };
    }),
  };
  db.close();
  return shape;
}

const byKey = <T>(key: (t: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

describe('schema versions', () => {
  it('is at version 2, one migration per version', () => {
    expect(HISTORY_DB_VERSION).toBe(2);
    expect(MIGRATIONS).toHaveLength(HISTORY_DB_VERSION);
  });

  for (let from = 1; from < HISTORY_DB_VERSION; from++) {
    it(`upgrades a v${from} database holding data to v${HISTORY_DB_VERSION} and keeps every record`, async () => {
      const { factory } = freshStore();
      const old = createHistoryStore({ factory, version: from });
      await seed(old);
      old.close();

      const store = createHistoryStore({ factory });
      const listed = value(await store.listCalls());
      expect(listed.skipped).toBe(0);
      expect(listed.items.sort(byKey((c) => c.callKey))).toEqual([...calls].sort(byKey((c) => c.callKey)));
      expect(value(await store.listMessages()).items.sort(byKey((m) => m.id))).toEqual(messages);
      expect(value(await store.listReturnCalls()).items.sort(byKey((r) => r.id))).toEqual([...returnCalls].sort(byKey((r) => r.id)));
      store.close();

      // The same shape as a database created at the current version.
      const fresh = freshStore();
      value(await fresh.store.counts());
      fresh.store.close();
      expect(await shapeOf(factory)).toEqual(await shapeOf(fresh.factory));
    });
  }

  it('fills the v2 indexes from the records v1 stored', async () => {
    const { factory } = freshStore();
    const old = createHistoryStore({ factory, version: 1 });
    await seed(old);
    old.close();
    const store = createHistoryStore({ factory });
    const number = calls[0]!.remote!.number!;
    const fromNumber = value(await store.callsFromNumber(number));
    expect(fromNumber.items.map((c) => c.callKey)).toEqual(
      calls.filter((c) => c.remote?.number === number).sort((a, b) => b.startedAt - a.startedAt).map((c) => c.callKey),
    );
    expect(value(await store.listReturnCalls({ outstanding: true })).items.map((r) => r.id).sort()).toEqual(['r-open', 'r-told']);
    expect(value(await store.listMessages({ status: 'to-deliver' })).items.map((m) => m.id)).toEqual(['m1']);
    expect(value(await store.enforceRetention(NOW + 40 * DAY))).toEqual({ calls: calls.length, returnCalls: 1, messages: 1 });
  });

  it('leaves the database at its version, with its data, when an upgrade fails', async () => {
    const { factory, store } = freshStore();
    await seed(store);
    store.close();
    // No migration to v3 exists: the upgrade throws and is rolled back.
    const future = createHistoryStore({ factory, version: HISTORY_DB_VERSION + 1 });
    expect(await future.counts()).toMatchObject({ ok: false, error: { kind: 'unavailable', message: expect.stringContaining('v3') } });
    expect((await shapeOf(factory)).version).toBe(HISTORY_DB_VERSION);
    const again = createHistoryStore({ factory });
    expect(value(await again.counts())).toEqual({ calls: calls.length, messages: 2, returnCalls: 3 });
  });
});
