/**
 * The coach's persisted snapshot in `storage.session`: the coach state and everything the worker
 * still owes the pages and the history (the outbox). Written before any effect is carried out, and
 * read back by a restarted worker; a stored snapshot is migrated (migrations.ts) and validated
 * here, so a damaged one is set aside instead of making every step throw.
 */
import * as v from 'valibot';
import type { CallRecord, Nudge, RingStatus } from './types';
import type { CallState, CoachState } from './step';
import { initialCoachState } from './step';
import { migrateSnapshot, SNAPSHOT_VERSION } from './migrations';

/** What the worker sends a softphone tab (the page's side is content/content-script.ts). */
export type TabMessage =
  | { type: 'showNudge'; payload: { nudge: Nudge } }
  | { type: 'dismissNudge'; payload: { key: string } }
  | { type: 'ringStatus'; payload: { callKey: string; ring: RingStatus | null } }
  | { type: 'wakeAt'; payload: { at: number | null } };

/**
 * An effect persisted with the state that caused it, done after the save and removed once done.
 * Its key says which effect it is: a newer effect of the same key replaces an older one not yet
 * done (the newer record of a call, the ring counter stopped), and every receiver takes the same
 * key twice as once (the page, the history's upsert, the return-call queue), so an effect carried
 * out again after a worker stop repeats nothing.
 */
export type PendingEffect =
  | { key: string; kind: 'tab'; tabId: number; message: TabMessage }
  | { key: string; kind: 'record'; record: CallRecord };

export interface PersistedCoach {
  version: typeof SNAPSHOT_VERSION;
  coach: CoachState;
  /** Nudges not yet acknowledged by their tab. */
  outbox: Nudge[];
  /** Tab messages and call records not yet carried out, oldest first. */
  effects: PendingEffect[];
  /** Nudges on screen (delivered or not) until dismissed, answered or withdrawn. */
  open: Record<string, Nudge>;
  rings: Record<string, { tabId: number; ring: RingStatus }>;
  wakeAt: number | null;
  /** Tabs that reported calls: they keep the deadline timer. */
  tabs: number[];
  /**
   * The frame each call was reported from, by call key: a browser softphone's calls die with its
   * page, so a frame that loads again closes the calls it held (a top frame, all of its tab's).
   * Pruned with the calls.
   */
  owners: Record<string, number>;
  /** Keys of the last events applied (newest last): a content script's retry is applied once. */
  eventKeys: string[];
}

export function freshSnapshot(): PersistedCoach {
  return { version: SNAPSHOT_VERSION, coach: initialCoachState(), outbox: [], effects: [], open: {}, rings: {}, wakeAt: null, tabs: [], owners: {}, eventKeys: [] };
}

const time = v.pipe(v.number(), v.finite());
const int = v.pipe(v.number(), v.integer());
const party = v.picklist(['agent', 'remote']);
const nudgeKind = v.picklist(['toast', 'question', 'checklist']);

const NudgeSchema = v.looseObject({
  key: v.string(),
  callKey: v.string(),
  tabId: int,
  ruleId: v.string(),
  occurrence: int,
  severity: v.picklist(['info', 'nudge', 'urgent']),
  kind: nudgeKind,
  text: v.string(),
  items: v.optional(v.array(v.looseObject({ id: v.string(), text: v.string() }))),
  firedAt: time,
});

/** What the coach reads of a record without checking: the lists it pushes to and the fields it compares. */
const RecordSchema = v.looseObject({
  callKey: v.string(),
  callId: v.string(),
  tabId: int,
  source: v.string(),
  direction: v.picklist(['inbound', 'outbound']),
  startedAt: time,
  outcome: v.picklist(['live', 'answered', 'missed']),
  holds: v.array(v.looseObject({ start: time, end: v.optional(time), by: party })),
  transfers: v.array(v.looseObject({ at: time, by: party })),
  events: v.array(v.looseObject({ type: v.string(), at: time })),
  nudges: v.array(v.looseObject({ key: v.string(), ruleId: v.string(), firedAt: time, text: v.string() })),
  flags: v.array(v.looseObject({ ruleId: v.string(), at: time, note: v.string() })),
});

const CallStateSchema = v.looseObject({
  phase: v.picklist(['ringing', 'dialing', 'connected', 'missed', 'ended']),
  record: RecordSchema,
  lastEventAt: time,
  ringShown: v.boolean(),
  closingShown: v.boolean(),
  occurrences: v.record(v.string(), int),
  open: v.array(v.looseObject({ key: v.string(), ruleId: v.string(), kind: nudgeKind })),
  deadlines: v.array(v.looseObject({ at: time, ruleId: v.string() })),
});

const RingSchema = v.looseObject({ callKey: v.string(), startedAt: time, onMs: v.number(), offMs: v.number(), answerNowFromRing: v.number() });

const TabMessageSchema = v.variant('type', [
  v.object({ type: v.literal('dismissNudge'), payload: v.object({ key: v.string() }) }),
  v.object({ type: v.literal('ringStatus'), payload: v.object({ callKey: v.string(), ring: v.nullable(RingSchema) }) }),
  v.object({ type: v.literal('showNudge'), payload: v.object({ nudge: NudgeSchema }) }),
  v.object({ type: v.literal('wakeAt'), payload: v.object({ at: v.nullable(time) }) }),
]);

export const PersistedCoachSchema = v.object({
  version: v.literal(SNAPSHOT_VERSION),
  coach: v.object({ version: v.literal(1), calls: v.record(v.string(), CallStateSchema), retired: v.array(v.string()) }),
  outbox: v.array(NudgeSchema),
  effects: v.array(
    v.variant('kind', [
      v.object({ key: v.string(), kind: v.literal('tab'), tabId: int, message: TabMessageSchema }),
      v.object({ key: v.string(), kind: v.literal('record'), record: RecordSchema }),
    ]),
  ),
  open: v.record(v.string(), NudgeSchema),
  rings: v.record(v.string(), v.object({ tabId: int, ring: RingSchema })),
  wakeAt: v.nullable(time),
  tabs: v.array(int),
  owners: v.record(v.string(), int),
  eventKeys: v.array(v.string()),
});

export type SnapshotReading =
  | { kind: 'none' }
  | { kind: 'ok'; snapshot: PersistedCoach; migratedFrom?: number }
  /** Damaged, or of a version this build cannot read: set it aside and start clean. */
  | { kind: 'damaged'; reason: string };

/** A stored snapshot, migrated to this build's version and validated. */
export function readSnapshot(stored: unknown): SnapshotReading {
  if (stored === undefined || stored === null) return { kind: 'none' };
  const migrated = migrateSnapshot(stored);
  if (!migrated.ok) return { kind: 'damaged', reason: migrated.reason };
  const parsed = v.safeParse(PersistedCoachSchema, migrated.value);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const path = issue.path?.map((p) => String(p.key)).join(' › ') ?? '(root)';
    return { kind: 'damaged', reason: `${path}: ${issue.message}` };
  }
  const snapshot = parsed.output as unknown as PersistedCoach;
  return migrated.from === SNAPSHOT_VERSION ? { kind: 'ok', snapshot } : { kind: 'ok', snapshot, migratedFrom: migrated.from };
}

// ─── the storage layout (version 3): one key per call ──────────────────────────────────────

/**
 * Versions 1 and 2 kept the whole snapshot under one key, so every step wrote every call the
 * coach held (up to MAX_FINISHED_CALLS finished ones) again. Version 3 keeps it apart: a small
 * meta key (outbox, effects, open nudges, rings, owners, tabs, event keys, next deadline, the
 * calls' keys in order), the retired keys, and one key per call; a step writes only the keys
 * whose content changed, and a call's key goes when the call leaves the coach.
 */
export const LEGACY_SNAPSHOT_KEY = 'coach/v1';
export const META_KEY = 'coach/v3/meta';
export const RETIRED_KEY = 'coach/v3/retired';
export const CALL_KEY_PREFIX = 'coach/v3/call/';

export const callStorageKey = (callKey: string): string => CALL_KEY_PREFIX + callKey;

/** Keys this layout (or the one before it) may have stored; other keys are someone else's. */
export const isCoachStateKey = (key: string): boolean =>
  key === LEGACY_SNAPSHOT_KEY || key === META_KEY || key === RETIRED_KEY || key.startsWith(CALL_KEY_PREFIX);

export interface StoredMeta extends Omit<PersistedCoach, 'coach'> {
  /** The held calls' keys, in order of arrival (the coach's `calls` keeps that order). */
  calls: string[];
}

/** The meta key's content: everything but the calls themselves and the retired keys. */
export function metaOf(s: PersistedCoach): StoredMeta {
  const { coach, ...rest } = s;
  return { ...rest, calls: Object.keys(coach.calls) };
}

const StoredMetaSchema = v.object({
  ...v.omit(PersistedCoachSchema, ['coach']).entries,
  calls: v.array(v.string()),
});

export interface DamagedKey {
  key: string;
  reason: string;
  value: unknown;
}

export type StoredCoachReading =
  | { kind: 'none' }
  | {
      kind: 'ok';
      snapshot: PersistedCoach;
      /** The version it was migrated from (a single-key snapshot of version 1 or 2). */
      migratedFrom?: number;
      /** Calls whose key was damaged or missing: left out, to be set aside. */
      damaged: DamagedKey[];
      /** Keys to remove: the old single key once migrated, keys of calls no longer listed. */
      stale: string[];
    }
  /** The meta key (or the old single key) damaged: set it aside and start clean. */
  | { kind: 'damaged'; reason: string; value: unknown; stale: string[] };

const issueText = (issues: readonly v.BaseIssue<unknown>[]): string => {
  const issue = issues[0];
  const path = issue?.path?.map((p) => String(p.key)).join(' › ') ?? '(root)';
  return `${path}: ${issue?.message ?? 'invalid'}`;
};

/**
 * The coach's snapshot from what storage holds (any keys; only the coach's are read): the
 * version-3 keys assembled and validated, or an older single-key snapshot migrated. A damaged
 * call key costs only that call; a damaged meta key, the whole snapshot.
 */
export function readStoredCoach(items: Readonly<Record<string, unknown>>): StoredCoachReading {
  const meta = items[META_KEY];
  const callKeys = Object.keys(items).filter((k) => k.startsWith(CALL_KEY_PREFIX));
  if (meta === undefined || meta === null) {
    const legacy = items[LEGACY_SNAPSHOT_KEY];
    const stale = [...callKeys, ...(items[RETIRED_KEY] !== undefined ? [RETIRED_KEY] : [])];
    const reading = readSnapshot(legacy);
    if (reading.kind === 'none') return stale.length > 0 ? { kind: 'ok', snapshot: freshSnapshot(), damaged: [], stale } : { kind: 'none' };
    if (reading.kind === 'damaged') return { kind: 'damaged', reason: reading.reason, value: legacy, stale: [LEGACY_SNAPSHOT_KEY, ...stale] };
    return { kind: 'ok', snapshot: reading.snapshot, migratedFrom: reading.migratedFrom ?? SNAPSHOT_VERSION, damaged: [], stale: [LEGACY_SNAPSHOT_KEY, ...stale] };
  }
  const staleAll = [...callKeys, RETIRED_KEY, ...(items[LEGACY_SNAPSHOT_KEY] !== undefined ? [LEGACY_SNAPSHOT_KEY] : [])];
  const parsedMeta = v.safeParse(StoredMetaSchema, meta);
  if (!parsedMeta.success) return { kind: 'damaged', reason: `meta › ${issueText(parsedMeta.issues)}`, value: meta, stale: staleAll };
  const parsedRetired = v.safeParse(v.array(v.string()), items[RETIRED_KEY] ?? []);
  const damaged: DamagedKey[] = [];
  if (!parsedRetired.success) damaged.push({ key: RETIRED_KEY, reason: `retired › ${issueText(parsedRetired.issues)}`, value: items[RETIRED_KEY] });
  const { calls: listed, ...rest } = parsedMeta.output as unknown as StoredMeta;
  const calls: Record<string, CallState> = {};
  for (const callKey of listed) {
    const key = callStorageKey(callKey);
    const parsed = v.safeParse(CallStateSchema, items[key]);
    if (!parsed.success) damaged.push({ key, reason: `call ${callKey} › ${issueText(parsed.issues)}`, value: items[key] });
    else if (parsed.output.record.callKey !== callKey) damaged.push({ key, reason: `call ${callKey} › record.callKey: ${parsed.output.record.callKey}`, value: items[key] });
    else calls[callKey] = parsed.output as unknown as CallState;
  }
  const held = new Set(listed.map(callStorageKey));
  const stale = [
    ...callKeys.filter((k) => !held.has(k)),
    ...damaged.filter((d) => d.key !== RETIRED_KEY && d.value !== undefined).map((d) => d.key),
    ...(items[LEGACY_SNAPSHOT_KEY] !== undefined ? [LEGACY_SNAPSHOT_KEY] : []),
  ];
  const retired = parsedRetired.success ? parsedRetired.output : [];
  return { kind: 'ok', snapshot: { ...rest, coach: { version: 1, calls, retired } }, damaged, stale };
}
