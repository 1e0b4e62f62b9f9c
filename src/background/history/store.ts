/**
 * The history store: call records, messages taken and the return-call queue in IndexedDB
 * (through `idb`), with retention, wipe and the import from the old `recentCalls` list.
 *
 * - **Never throws.** Every operation returns a `HistoryResult`; failures are typed
 *   (`quota`, `blocked`, `corrupt`, `unavailable`) for the UI to show.
 * - **Damaged records are skipped and counted**, never fatal: lists return `{ items, skipped }`.
 *   Writes are validated first, so the store itself never writes one.
 * - **The connection is lazy and self-healing.** It opens on first use. When a newer version of
 *   the extension wants to upgrade the database (a `versionchange`), this connection closes at
 *   once so the upgrade is not blocked, and the next operation opens again. If the browser
 *   closes it, the same. If *our* upgrade is blocked by an older page that keeps its connection,
 *   the operation returns `blocked` at once instead of hanging; a later one tries again.
 * - **IndexedDB is a parameter** (`factory`, default `indexedDB`), so tests pass
 *   fake-indexeddb's. idb itself checks `instanceof IDBRequest` and friends against the globals,
 *   so in node the globals must exist too (`import 'fake-indexeddb/auto'`).
 */
import { wrap, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import type { CallRecord } from '../../core/coach/types';
import { isOutstanding, ReturnCallSchema, type ReturnCall } from '../../core/return-calls';
import { TakenMessageSchema, type MessageStatus, type TakenMessage } from '../../core/messages-taken';
import * as v from 'valibot';
import { explain, fail, ok, toHistoryError, type HistoryResult } from './errors';
import { HISTORY_DB_NAME, HISTORY_DB_VERSION, upgrade, type HistoryDB, type UpgradeTransaction } from './schema';
import { CallRecordSchema, describeProblem, isCallRecord } from './validate';

/** The default retention: calls, returned calls and delivered messages older than this go. */
export const DEFAULT_RETENTION_DAYS = 30;
const DAY_MS = 86_400_000;

export interface HistoryStoreOptions {
  /** Default: the global `indexedDB`. */
  factory?: IDBFactory;
  /** Default: `second-ring-history`. */
  name?: string;
  /** For tests of migrations only: open at an older schema version. */
  version?: number;
}

/** A list read from the store: the valid records, and how many damaged ones were skipped. */
export interface Listed<T> {
  items: T[];
  skipped: number;
}

export interface CallQuery {
  /** Started at or after (epoch ms). */
  since?: number;
  /** Started before (epoch ms). */
  until?: number;
  /** Oldest first (default) or newest first. */
  order?: 'asc' | 'desc';
  /** At most this many (after skipping damaged ones). */
  limit?: number;
}

export interface RetentionResult {
  calls: number;
  returnCalls: number;
  messages: number;
}

export interface LegacyImportResult {
  imported: number;
  /** Already in the history (the history's copy is kept). */
  alreadyPresent: number;
  /** Not call records. */
  skipped: number;
}

export interface HistoryStore {
  upsertCall(record: CallRecord): Promise<HistoryResult<void>>;
  /** Writes the valid records in one transaction; invalid ones are counted in `rejected`. */
  upsertCalls(records: readonly CallRecord[]): Promise<HistoryResult<{ written: number; rejected: number }>>;
  /** `undefined` when absent; `corrupt` when the stored record is damaged. */
  getCall(callKey: string): Promise<HistoryResult<CallRecord | undefined>>;
  listCalls(query?: CallQuery): Promise<HistoryResult<Listed<CallRecord>>>;
  /** Earlier calls with the same remote number (the call card), newest first. */
  callsFromNumber(number: string, limit?: number): Promise<HistoryResult<Listed<CallRecord>>>;

  putMessage(message: TakenMessage): Promise<HistoryResult<void>>;
  getMessage(id: string): Promise<HistoryResult<TakenMessage | undefined>>;
  /** Oldest first. */
  listMessages(query?: { status?: MessageStatus }): Promise<HistoryResult<Listed<TakenMessage>>>;
  deleteMessage(id: string): Promise<HistoryResult<void>>;

  putReturnCall(entry: ReturnCall): Promise<HistoryResult<void>>;
  /** Queue an entry unless one with its id exists (a missed call recorded twice stays one entry, with its status). */
  addReturnCall(entry: ReturnCall): Promise<HistoryResult<{ added: boolean }>>;
  getReturnCall(id: string): Promise<HistoryResult<ReturnCall | undefined>>;
  /** By creation time; `outstanding` reads only the owed ones (open, told-caller). */
  listReturnCalls(query?: { outstanding?: boolean }): Promise<HistoryResult<Listed<ReturnCall>>>;
  deleteReturnCall(id: string): Promise<HistoryResult<void>>;

  /**
   * Delete calls that started more than `days` × 24 h before `now`, return calls done before
   * then, and messages delivered before then. Owed return calls and undelivered messages stay
   * whatever their age: they are work still to do.
   */
  enforceRetention(now: number, days?: number): Promise<HistoryResult<RetentionResult>>;
  /** Delete everything (the one-click wipe). */
  wipe(): Promise<HistoryResult<void>>;
  /**
   * Import the stand-in store's `recentCalls` list (`storage.local`), given as read. Idempotent:
   * records already in the history are kept as they are. Afterwards the caller removes the
   * old key, so a later wipe is not undone by a second import.
   */
  importLegacy(records: unknown, at: number): Promise<HistoryResult<LegacyImportResult>>;
  counts(): Promise<HistoryResult<{ calls: number; messages: number; returnCalls: number }>>;
  /** Close the connection (tests; a later operation opens it again). */
  close(): void;
}

type Db = IDBPDatabase<HistoryDB>;
type StoreName = StoreNames<HistoryDB>;

/**
 * A transaction whose `done` never ends up as an unhandled rejection: an operation that fails
 * part-way returns its own error, and the transaction's abort that follows is expected. Callers
 * that await `done` still see the rejection.
 */
function transaction<const Names extends StoreName[], Mode extends IDBTransactionMode = 'readonly'>(
  db: Db,
  names: Names,
  mode?: Mode,
): IDBPTransaction<HistoryDB, Names, Mode> {
  const tx = db.transaction(names, mode);
  tx.done.catch(() => undefined);
  return tx;
}

async function putOne(db: Db, name: 'calls' | 'messages' | 'returnCalls', value: unknown): Promise<void> {
  const tx = transaction(db, [name], 'readwrite');
  await Promise.all([tx.objectStore(name).put(value), tx.done]);
}

async function deleteOne(db: Db, name: 'calls' | 'messages' | 'returnCalls', key: string): Promise<void> {
  const tx = transaction(db, [name], 'readwrite');
  await Promise.all([tx.objectStore(name).delete(key), tx.done]);
}

function getOne(db: Db, name: 'calls' | 'messages' | 'returnCalls', key: string): Promise<unknown> {
  return transaction(db, [name]).objectStore(name).get(key);
}

function getAllFrom<Name extends 'calls' | 'messages' | 'returnCalls'>(
  db: Db,
  name: Name,
  index?: keyof HistoryDB[Name]['indexes'] & string,
  query?: IDBValidKey | IDBKeyRange,
): Promise<unknown[]> {
  const store = transaction(db, [name]).objectStore(name);
  return index === undefined ? store.getAll() : (store.index(index as never) as { getAll(q?: IDBValidKey | IDBKeyRange): Promise<unknown[]> }).getAll(query);
}

/**
 * Open the database, running migrations. Resolves `blocked` at once rather than waiting; the
 * request stays queued, and `late` gets its outcome when it finally opens (the database) or fails
 * (null).
 */
function openDatabase(
  factory: IDBFactory | undefined,
  name: string,
  version: number,
  late: (db: Db | null) => void,
): Promise<HistoryResult<Db>> {
  return new Promise((resolve) => {
    if (!factory) {
      resolve(fail('unavailable', explain('unavailable', 'IndexedDB is missing').message));
      return;
    }
    let settled = false;
    const settle = (result: HistoryResult<Db>) => {
      if (settled) return false;
      settled = true;
      resolve(result);
      return true;
    };
    let request: IDBOpenDBRequest;
    try {
      request = factory.open(name, version);
    } catch (e) {
      settle({ ok: false, error: toHistoryError(e) });
      return;
    }
    request.addEventListener('upgradeneeded', (event) => {
      const tx = request.transaction;
      if (!tx) return;
      try {
        const upgradeTx = wrap(tx) as unknown as UpgradeTransaction;
        // idb makes a `done` promise for every transaction it wraps; an aborted upgrade must not leave it unhandled.
        upgradeTx.done.catch(() => undefined);
        upgrade(wrap(request.result) as Db, event.oldVersion, event.newVersion ?? version, upgradeTx);
      } catch (e) {
        settle({ ok: false, error: toHistoryError(e) });
        tx.abort(); // The database stays at its old version, with its data.
      }
    });
    request.addEventListener('blocked', () => {
      settle(fail('blocked', explain('blocked').message));
    });
    request.addEventListener('success', () => {
      const db = wrap(request.result) as Db;
      if (!settle(ok(db))) late(db); // Opened once the old connection let go.
    });
    request.addEventListener('error', (event) => {
      event.preventDefault();
      if (!settle({ ok: false, error: toHistoryError(request.error) })) late(null);
    });
  });
}

function countInto<T>(values: readonly unknown[], schema: v.GenericSchema): Listed<T> {
  const items: T[] = [];
  let skipped = 0;
  for (const value of values) {
    if (v.is(schema, value)) items.push(value as T);
    else skipped++;
  }
  return { items, skipped };
}

export function createHistoryStore(options: HistoryStoreOptions = {}): HistoryStore {
  const factory = 'factory' in options ? options.factory : (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  const name = options.name ?? HISTORY_DB_NAME;
  const version = options.version ?? HISTORY_DB_VERSION;
  let connection: Promise<HistoryResult<Db>> | null = null;
  /** An open request that reported `blocked` is still queued: a new one would queue behind it and hang. */
  let blockedOpen = false;

  const adopt = (db: Db, opening: Promise<HistoryResult<Db>>) => {
    const forget = () => {
      if (connection === opening) connection = null;
    };
    // A newer version wants to upgrade: step aside now, reopen on the next operation.
    db.addEventListener('versionchange', () => {
      db.close();
      forget();
    });
    db.addEventListener('close', forget);
  };

  const connect = (): Promise<HistoryResult<Db>> => {
    if (blockedOpen) return Promise.resolve(fail('blocked', explain('blocked').message));
    if (!connection) {
      const lateOutcome = (db: Db | null) => {
        blockedOpen = false;
        if (!db) return;
        const adopted = Promise.resolve(ok(db));
        adopt(db, adopted);
        connection = adopted;
      };
      const opening: Promise<HistoryResult<Db>> = openDatabase(factory, name, version, lateOutcome).then((result) => {
        if (!result.ok) {
          connection = null; // Try again next time.
          if (result.error.kind === 'blocked') blockedOpen = true;
          return result;
        }
        adopt(result.value, opening);
        return result;
      });
      connection = opening;
    }
    return connection;
  };

  /** Run one operation; a connection that was closed under us is reopened once. */
  async function run<T>(op: (db: Db) => Promise<T>): Promise<HistoryResult<T>> {
    for (let attempt = 0; ; attempt++) {
      const db = await connect();
      if (!db.ok) return db;
      try {
        return ok(await op(db.value));
      } catch (e) {
        const error = toHistoryError(e);
        if (attempt === 0 && (e as { name?: unknown } | null)?.name === 'InvalidStateError') {
          connection = null;
          continue;
        }
        return { ok: false, error };
      }
    }
  }

  const refuse = <T>(what: string, schema: v.GenericSchema, value: unknown): HistoryResult<T> =>
    fail('corrupt', `${what} was not saved: it is not valid (${describeProblem(schema, value)}).`);

  const readOne = <T>(what: string, schema: v.GenericSchema, value: unknown): HistoryResult<T | undefined> =>
    value === undefined || v.is(schema, value)
      ? ok(value as T | undefined)
      : fail('corrupt', `${what} in the history is damaged and cannot be shown.`);

  return {
    async upsertCall(record) {
      if (!isCallRecord(record)) return refuse('The call record', CallRecordSchema, record);
      return run(async (db) => {
        await putOne(db, 'calls', record);
      });
    },

    async upsertCalls(records) {
      const valid = records.filter(isCallRecord);
      const rejected = records.length - valid.length;
      if (valid.length === 0) return ok({ written: 0, rejected });
      return run(async (db) => {
        const tx = transaction(db, ['calls'], 'readwrite');
        await Promise.all([...valid.map((r) => tx.objectStore('calls').put(r)), tx.done]);
        return { written: valid.length, rejected };
      });
    },

    async getCall(callKey) {
      const got = await run((db) => getOne(db, 'calls', callKey));
      return got.ok ? readOne<CallRecord>('The call record', CallRecordSchema, got.value) : got;
    },

    listCalls(query = {}) {
      return run(async (db) => {
        const { since, until } = query;
        const range =
          since !== undefined && until !== undefined
            ? since < until
              ? IDBKeyRange.bound(since, until, false, true)
              : null
            : since !== undefined
              ? IDBKeyRange.lowerBound(since)
              : until !== undefined
                ? IDBKeyRange.upperBound(until, true)
                : undefined;
        if (range === null) return { items: [], skipped: 0 };
        const limit = query.limit ?? Number.POSITIVE_INFINITY;
        if (query.order !== 'desc' && limit === Number.POSITIVE_INFINITY) {
          return countInto<CallRecord>(await getAllFrom(db, 'calls', 'startedAt', range), CallRecordSchema);
        }
        const out: Listed<CallRecord> = { items: [], skipped: 0 };
        const direction = query.order === 'desc' ? 'prev' : 'next';
        let cursor = await transaction(db, ['calls']).objectStore('calls').index('startedAt').openCursor(range, direction);
        while (cursor && out.items.length < limit) {
          if (isCallRecord(cursor.value)) out.items.push(cursor.value);
          else out.skipped++;
          cursor = await cursor.continue();
        }
        return out;
      });
    },

    callsFromNumber(number, limit = 20) {
      return run(async (db) => {
        const values = await getAllFrom(db, 'calls', 'remoteNumber', number);
        const listed = countInto<CallRecord>(values, CallRecordSchema);
        listed.items.sort((a, b) => b.startedAt - a.startedAt);
        listed.items = listed.items.slice(0, limit);
        return listed;
      });
    },

    async putMessage(message) {
      if (!v.is(TakenMessageSchema, message)) return refuse('The message', TakenMessageSchema, message);
      return run(async (db) => {
        await putOne(db, 'messages', message);
      });
    },

    async getMessage(id) {
      const got = await run((db) => getOne(db, 'messages', id));
      return got.ok ? readOne<TakenMessage>('The message', TakenMessageSchema, got.value) : got;
    },

    listMessages(query = {}) {
      return run(async (db) => {
        const values = query.status
          ? await getAllFrom(db, 'messages', 'status', query.status)
          : await getAllFrom(db, 'messages');
        const listed = countInto<TakenMessage>(values, TakenMessageSchema);
        listed.items.sort((a, b) => a.createdAt - b.createdAt);
        return listed;
      });
    },

    deleteMessage(id) {
      return run((db) => deleteOne(db, 'messages', id));
    },

    async putReturnCall(entry) {
      if (!v.is(ReturnCallSchema, entry)) return refuse('The return call', ReturnCallSchema, entry);
      return run(async (db) => {
        await putOne(db, 'returnCalls', entry);
      });
    },

    async addReturnCall(entry) {
      if (!v.is(ReturnCallSchema, entry)) return refuse('The return call', ReturnCallSchema, entry);
      return run(async (db) => {
        const tx = transaction(db, ['returnCalls'], 'readwrite');
        const store = tx.objectStore('returnCalls');
        const exists = (await store.getKey(entry.id)) !== undefined;
        if (!exists) await store.add(entry);
        await tx.done;
        return { added: !exists };
      });
    },

    async getReturnCall(id) {
      const got = await run((db) => getOne(db, 'returnCalls', id));
      return got.ok ? readOne<ReturnCall>('The return call', ReturnCallSchema, got.value) : got;
    },

    listReturnCalls(query = {}) {
      return run(async (db) => {
        const values = query.outstanding
          ? [
              ...(await getAllFrom(db, 'returnCalls', 'status', 'open')),
              ...(await getAllFrom(db, 'returnCalls', 'status', 'told-caller')),
            ]
          : await getAllFrom(db, 'returnCalls');
        const listed = countInto<ReturnCall>(values, ReturnCallSchema);
        if (query.outstanding) listed.items = listed.items.filter(isOutstanding);
        listed.items.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
        return listed;
      });
    },

    deleteReturnCall(id) {
      return run((db) => deleteOne(db, 'returnCalls', id));
    },

    enforceRetention(now, days = DEFAULT_RETENTION_DAYS) {
      const cutoff = now - days * DAY_MS;
      return run(async (db) => {
        const result: RetentionResult = { calls: 0, returnCalls: 0, messages: 0 };
        const tx = transaction(db, ['calls', 'returnCalls', 'messages', 'meta'], 'readwrite');
        let call = await tx.objectStore('calls').index('startedAt').openCursor(IDBKeyRange.upperBound(cutoff, true));
        while (call) {
          await call.delete();
          result.calls++;
          call = await call.continue();
        }
        let entry = await tx.objectStore('returnCalls').index('status').openCursor('done');
        while (entry) {
          const value = entry.value as Partial<ReturnCall>;
          const at = value.doneAt ?? value.createdAt;
          if (typeof at === 'number' && at < cutoff) {
            await entry.delete();
            result.returnCalls++;
          }
          entry = await entry.continue();
        }
        let message = await tx.objectStore('messages').index('status').openCursor('delivered');
        while (message) {
          const value = message.value as Partial<TakenMessage>;
          const at = value.deliveredAt ?? value.createdAt;
          if (typeof at === 'number' && at < cutoff) {
            await message.delete();
            result.messages++;
          }
          message = await message.continue();
        }
        await tx.objectStore('meta').put({ key: 'retention', at: now, days, ...result });
        await tx.done;
        return result;
      });
    },

    wipe() {
      return run(async (db) => {
        const tx = transaction(db, ['calls', 'messages', 'returnCalls', 'meta'], 'readwrite');
        await Promise.all([
          tx.objectStore('calls').clear(),
          tx.objectStore('messages').clear(),
          tx.objectStore('returnCalls').clear(),
          tx.objectStore('meta').clear(),
          tx.done,
        ]);
      });
    },

    async importLegacy(records, at) {
      const list = Array.isArray(records) ? (records as unknown[]) : [];
      const valid = list.filter(isCallRecord);
      const skipped = list.length - valid.length;
      return run(async (db) => {
        const tx = transaction(db, ['calls', 'meta'], 'readwrite');
        const calls = tx.objectStore('calls');
        let imported = 0;
        let alreadyPresent = 0;
        for (const record of valid) {
          if ((await calls.getKey(record.callKey)) !== undefined) {
            alreadyPresent++;
            continue;
          }
          await calls.add(record);
          imported++;
        }
        await tx.objectStore('meta').put({ key: 'legacyImport', at, imported, alreadyPresent, skipped });
        await tx.done;
        return { imported, alreadyPresent, skipped };
      });
    },

    counts() {
      return run(async (db) => {
        const tx = transaction(db, ['calls', 'messages', 'returnCalls']);
        const [calls, messages, returnCalls] = await Promise.all([
          tx.objectStore('calls').count(),
          tx.objectStore('messages').count(),
          tx.objectStore('returnCalls').count(),
        ]);
        return { calls, messages, returnCalls };
      });
    },

    close() {
      const current = connection;
      connection = null;
      void current?.then((result) => {
        if (result.ok) result.value.close();
      });
    },
  };
}
