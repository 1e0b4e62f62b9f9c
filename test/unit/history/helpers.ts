import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { createHistoryStore, type HistoryResult, type HistoryStore } from '../../../src/background/history';

/** A store on its own in-memory IndexedDB. */
export function freshStore(version?: number): { store: HistoryStore; factory: IDBFactory } {
  const factory = new IDBFactory();
  return { store: createHistoryStore({ factory, ...(version !== undefined ? { version } : {}) }), factory };
}

/** The value of a result that must be ok. */
export function value<T>(result: HistoryResult<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.kind}: ${result.error.message}`);
  return result.value;
}

/** Open the database without idb or the store (to plant damaged records, or hold a connection). */
export function rawOpen(factory: IDBFactory, version?: number, name = 'second-ring-history'): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = version === undefined ? factory.open(name) : factory.open(name, version);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

export function rawPut(db: IDBDatabase, store: string, value: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(store, 'readwrite');
    tx.objectStore(store).put(value);
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
}
