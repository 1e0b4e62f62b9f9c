/**
 * storage.session as the browser keeps it, for the coach runner's tests: JSON in, JSON out (a
 * value is copied, never shared), surviving worker restarts; and the coach's snapshot read back
 * from it the way a new worker reads it (core/coach/snapshot.ts, `readStoredCoach`).
 */
import type { StorageArea } from '../../../src/background/coach-runner';
import { readStoredCoach, type PersistedCoach } from '../../../src/core/coach/snapshot';

export interface FakeStorage extends StorageArea {
  data: Map<string, string>;
  /** Every `set` call, by the keys it wrote. */
  writes: string[][];
}

export function fakeStorage(data = new Map<string, string>()): FakeStorage {
  const writes: string[][] = [];
  const keysOf = (keys: string | string[] | null) => (keys === null ? [...data.keys()] : typeof keys === 'string' ? [keys] : keys);
  return {
    data,
    writes,
    get: async (keys) => Object.fromEntries(keysOf(keys).flatMap((key) => (data.has(key) ? [[key, JSON.parse(data.get(key)!) as unknown]] : []))),
    set: async (items) => {
      writes.push(Object.keys(items));
      for (const [key, value] of Object.entries(items)) data.set(key, JSON.stringify(value));
    },
    remove: async (keys) => {
      for (const key of typeof keys === 'string' ? [keys] : keys) data.delete(key);
    },
  };
}

/** Every key's value, parsed. */
export const storedItems = (data: Map<string, string>): Record<string, unknown> =>
  Object.fromEntries([...data].map(([key, json]) => [key, JSON.parse(json) as unknown]));

/** The coach's snapshot as a new worker would read it from `data`; throws when there is none or it is damaged. */
export function storedCoach(data: Map<string, string>): PersistedCoach {
  const reading = readStoredCoach(storedItems(data));
  if (reading.kind !== 'ok') throw new Error(`no coach snapshot stored (${reading.kind})`);
  return reading.snapshot;
}
