/**
 * The versioned chain of the persisted coach snapshot (`storage.session`, see snapshot.ts). A
 * worker updated mid-shift finds the previous version's snapshot: each step turns version n into
 * n + 1, in order, and the result is validated as the current version. To change the persisted
 * shape: bump SNAPSHOT_VERSION, add one step here (plain JSON in, plain JSON out, no defaults
 * guessed beyond what the old version implied), and a case to test/unit/coach/migrations.test.ts.
 */

/** The snapshot version this build writes. */
export const SNAPSHOT_VERSION = 3;

type Json = Record<string, unknown>;

/** `SNAPSHOT_MIGRATIONS[n - 1]` turns a version-n snapshot into version n + 1. */
export const SNAPSHOT_MIGRATIONS: readonly ((old: Json) => Json)[] = [
  // 1 → 2: every effect goes through the outbox (`effects`), retried events are recognised
  // (`eventKeys`), and the frame owners of calls are always there (optional in version 1).
  (old) => ({ ...old, version: 2, owners: old.owners ?? {}, effects: [], eventKeys: [] }),
  // 2 → 3: the same content, stored apart (snapshot.ts, `readStoredCoach`): a meta key, the
  // retired keys, and one key per call, so a step writes only what it changed. Versions 1 and 2
  // were one object under `coach/v1` (and `coach/carry-over` in storage.local).
  (old) => ({ ...old, version: 3 }),
];

export type MigrationResult = { ok: true; value: Json; from: number } | { ok: false; reason: string };

/** Bring a stored snapshot up to SNAPSHOT_VERSION (not yet validated: see snapshot.ts). */
export function migrateSnapshot(stored: unknown): MigrationResult {
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) return { ok: false, reason: 'not an object' };
  const from = (stored as Json).version;
  if (typeof from !== 'number' || !Number.isInteger(from) || from < 1) return { ok: false, reason: `version: expected a whole number from 1, got ${JSON.stringify(from)}` };
  if (from > SNAPSHOT_VERSION) return { ok: false, reason: `version ${from} is newer than this build's ${SNAPSHOT_VERSION}` };
  let value = stored as Json;
  for (let version = from; version < SNAPSHOT_VERSION; version++) {
    const next = SNAPSHOT_MIGRATIONS[version - 1];
    if (!next) return { ok: false, reason: `no migration from version ${version}` };
    value = next(value);
  }
  return { ok: true, value, from };
}
