/**
 * The history database's schema and its migrations.
 *
 * Versions (each migration takes the database from the version before it; `upgrade` runs every
 * one between the stored version and ours, in order, inside the one upgrade transaction, so a
 * failure leaves the database at its old version with its data):
 *
 *  - **v1**: `calls` (key `callKey`, index `startedAt`), `messages` (key `id`), `returnCalls`
 *    (key `id`), `meta` (key `key`: small bookkeeping records).
 *  - **v2**: indexes for the queries the call card, the alarms and retention make on every
 *    wake-up, so they read only what they need: `calls.remoteNumber` (`remote.number`: "this
 *    caller's earlier calls" on the call card; calls without a number are simply not in it),
 *    `returnCalls.status` (the owed entries), `messages.status` (the undelivered ones).
 *    IndexedDB fills a new index from the records already stored.
 *
 * Adding v3: append a migration to `MIGRATIONS`, add its indexes to `HistoryDB`, and add a test
 * that opens a v2 database holding data at v3 (see test/unit/history/migrations.test.ts). A
 * migration that rewrites records walks them with a cursor on `tx.objectStore(...)` and awaits
 * only that transaction's requests (any other await ends the upgrade transaction).
 *
 * Values are typed `unknown`: what comes back from disk may be anything (an older version, a
 * damaged record), and the store validates every record it reads.
 */
import type { DBSchema, IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';

export const HISTORY_DB_NAME = 'second-ring-history';

export interface HistoryDB extends DBSchema {
  calls: { key: string; value: unknown; indexes: { startedAt: number; remoteNumber: string } };
  messages: { key: string; value: unknown; indexes: { status: string } };
  returnCalls: { key: string; value: unknown; indexes: { status: string } };
  meta: { key: string; value: unknown };
}

export type HistoryStoreName = StoreNames<HistoryDB>;
export type UpgradeTransaction = IDBPTransaction<HistoryDB, HistoryStoreName[], 'versionchange'>;
export type Migration = (db: IDBPDatabase<HistoryDB>, tx: UpgradeTransaction) => void;

/** `MIGRATIONS[n - 1]` takes the database from version n - 1 to n. */
export const MIGRATIONS: readonly Migration[] = [
  // v1: the stores.
  (db) => {
    const calls = db.createObjectStore('calls', { keyPath: 'callKey' });
    calls.createIndex('startedAt', 'startedAt');
    db.createObjectStore('messages', { keyPath: 'id' });
    db.createObjectStore('returnCalls', { keyPath: 'id' });
    db.createObjectStore('meta', { keyPath: 'key' });
  },
  // v2: indexes for the call card, the alarms and retention.
  (_db, tx) => {
    tx.objectStore('calls').createIndex('remoteNumber', 'remote.number');
    tx.objectStore('returnCalls').createIndex('status', 'status');
    tx.objectStore('messages').createIndex('status', 'status');
  },
];

/** The version this code reads and writes. */
export const HISTORY_DB_VERSION = MIGRATIONS.length;

/** Run the migrations from `oldVersion` up to `newVersion`. */
export function upgrade(db: IDBPDatabase<HistoryDB>, oldVersion: number, newVersion: number, tx: UpgradeTransaction): void {
  for (let version = oldVersion + 1; version <= newVersion; version++) {
    const migration = MIGRATIONS[version - 1];
    if (!migration) throw new RangeError(`No migration to history schema v${version}`);
    migration(db, tx);
  }
}
