/**
 * The thin shell around the pure coach: load the persisted snapshot, `step`, persist, then
 * carry out the effects. The service worker can be stopped between any two awaits (and even
 * between persisting and delivering), so:
 *  - the snapshot (coach state, the outbox of every effect not yet carried out, open nudges, ring
 *    counters, next deadline) lives in `storage.session` and is written before any effect: a meta
 *    key and one key per call (core/coach/snapshot.ts), and a step writes only the keys whose
 *    content changed (a call `step` did not touch keeps its object, so most steps write the meta
 *    key and the one call they were about), in one `set`;
 *  - call records go to their tab's card with the other tab messages, and into the history when
 *    the queue is idle: a history write never holds up the next event's nudge; a record leaves the
 *    outbox once the history has it (a newer record of the call replaces an older one not saved);
 *  - call events that arrive together (a content script sends those that queued up while one was
 *    in flight as one message) are stepped in order in one job, saved once and carried out once;
 *  - every effect has a key (a nudge's, `dismiss:<nudge>`, `ring:<call>`, `record:<call>`) and
 *    leaves the outbox only once carried out; each receiver takes a key twice as once (the page
 *    shows a nudge key at most once, the history upserts a record by call), so carrying an effect
 *    out again after a restart can neither drop nor repeat it;
 *  - an event retried by a content script after a worker stop carries the same event key, and a
 *    key already applied is not applied again;
 *  - the snapshot is bounded (the coach caps every per-call list and the calls per tab; frame
 *    owners, open nudges and ring counters go with their calls) and checked for size before it is
 *    saved; a save refused anyway never stops coaching: the coach goes on from memory and says so
 *    (`status()`, shown in the popup);
 *  - a stored snapshot is migrated and validated (core/coach/snapshot.ts); a damaged one is set
 *    aside, counted, and coaching starts clean;
 *  - the next deadline is kept three ways, since only one needs to survive: a timer here while
 *    the worker lives, a timer in each softphone tab with a call (its `tick` message wakes a
 *    stopped worker), and an alarm no earlier than 30 s ahead, the floor of packed builds.
 */
import { initialCoachState, step, type CoachConfig } from '../core/coach';
import type { CallRecord, CoachInput, Effect, Nudge, RingStatus } from '../core/coach/types';
import type { CoachStatus } from '../core/messages';
import type { CallEvent } from '../core/call-event';
import { callKeyOf } from '../core/coach/step';
import {
  callStorageKey,
  freshSnapshot,
  isCoachStateKey,
  LEGACY_SNAPSHOT_KEY,
  META_KEY,
  metaOf,
  readStoredCoach,
  RETIRED_KEY,
  type PendingEffect,
  type PersistedCoach,
  type TabMessage,
} from '../core/coach/snapshot';

export type { PersistedCoach, PendingEffect, TabMessage } from '../core/coach/snapshot';

/** The single key of snapshot versions 1 and 2 (read once and migrated, then removed). */
export const SESSION_KEY = LEGACY_SNAPSHOT_KEY;
/** How many damaged snapshots were set aside (and why the last one was), for the popup. */
export const SET_ASIDE_KEY = 'coach/set-aside';
/** The last damaged snapshot itself, when small enough to keep for a bug report. */
export const DAMAGED_KEY = 'coach/damaged';
export const WAKE_ALARM = 'coach-wake';
/** Chrome's minimum alarm delay for packed extensions; unpacked test builds allow less. */
export const MIN_ALARM_DELAY_MS = 30_000;
/**
 * A snapshot longer than this (characters of JSON) is not saved: `storage.session` holds 10 MB
 * for the whole extension. The coach's caps keep it far below (see README, "Bounded state").
 */
export const MAX_SNAPSHOT_CHARS = 4_000_000;
/** Event keys remembered to recognise a retry (retries come within seconds). */
export const MAX_EVENT_KEYS = 200;
/** Effects waiting in the outbox beyond this many: the oldest go, counted (the coach's caps keep it far below). */
export const MAX_PENDING_EFFECTS = 500;
const MAX_EVENT_KEY_CHARS = 100;
const MAX_DAMAGED_CHARS = 200_000;
/** Records waiting for the history beyond this many are written even while jobs queue up. */
const HISTORY_BATCH = 10;

/** A storage area as the WebExtension API has it (`storage.session`): values are copied in and out. */
export interface StorageArea {
  /** `null`: every key. */
  get(keys: string | string[] | null): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string | string[]): Promise<void>;
}

/**
 * A second copy of the coach's keys that outlives `storage.session` (index.ts: `storage.local`),
 * read only when the session holds none: after an extension update, which empties it.
 */
export interface CarryOver {
  /** The copy, by the same keys as the session's; undefined when there is none to carry over. */
  get(): Promise<Record<string, unknown> | undefined>;
  /** `full`: these items are the whole copy (every other key of it goes). */
  write(items: Record<string, unknown>, remove: readonly string[], full: boolean): Promise<void>;
}

export interface CoachRunnerDeps {
  now(): number;
  loadConfig(): Promise<CoachConfig>;
  session: StorageArea;
  carryOver?: CarryOver;
  /** Resolves with the page's answer, rejects when the tab has no listener. */
  sendToTab(tabId: number, message: TabMessage): Promise<unknown>;
  setAlarm(name: string, when: number | null): Promise<void>;
  /** Changed call records to their tabs' cards (with the other tab messages). */
  showCards?(records: readonly CallRecord[]): Promise<void>;
  /** Call records into the history (when the queue is idle); rejects when not saved. */
  saveRecords(records: readonly CallRecord[]): Promise<void>;
  setTimer(callback: () => void, delayMs: number): () => void;
  /** The size bound of the saved state (characters of JSON, all keys); MAX_SNAPSHOT_CHARS unless a test says. */
  maxSnapshotChars?: number;
  /** Where the time of a step goes (the bench's trace); absent, nothing is measured. */
  trace?(phase: TracePhase, ms: number): void;
  /** A monotonic clock for `trace` (performance.now). */
  clock?(): number;
}

export type TracePhase = 'queue' | 'load' | 'step' | 'persist' | 'effects' | 'after' | 'history';

/** A call event as a content script sends it, with its sender. */
export interface CallEventInput {
  tabId: number;
  frameId?: number;
  event: CallEvent;
  eventKey?: string;
}

/** Plain toasts hide themselves after a while on the page (nudges/mount.tsx); a reload must not bring them back. */
const TOAST_LIFETIME_MS = 20_000;
function stillOnScreen(nudge: Nudge, now: number): boolean {
  return nudge.kind !== 'toast' || nudge.severity === 'urgent' || now - nudge.firedAt < TOAST_LIFETIME_MS;
}

export interface CoachRunner {
  /**
   * Feed one input through the coach (serialised with every other call). `eventKey`: a call
   * event's key from its page; an event whose key was applied already is ignored.
   */
  input(input: CoachInput, tabId?: number, frameId?: number, eventKey?: string): Promise<void>;
  /**
   * Call events of one frame, in order, in one job: each stepped in turn (a retried key, or an
   * event the coach already recorded, is skipped), then saved once and carried out once.
   */
  callEvents(events: readonly CallEventInput[]): Promise<void>;
  /** The record of one call the coach holds (live, or finished a short while ago). */
  record(callKey: string): Promise<CallRecord | undefined>;
  /** Resolves once no job is queued and the history holds every record of the outbox (or a save failed). */
  settled(): Promise<void>;
  /** What a (re)loaded page should show now, and the records of its calls the coach still holds (for their cards). */
  resync(tabId: number, frameId?: number): Promise<{ nudges: Nudge[]; rings: RingStatus[]; wakeAt: number | null; records: CallRecord[] }>;
  /** The records of every call the coach holds now (live, or finished a short while ago), oldest first. */
  records(): Promise<CallRecord[]>;
  /** Tabs whose pages talk to the coach (softphone sites, and our own practice page). */
  tabs(): Promise<number[]>;
  /** After a worker start: carry out what the outbox holds, re-arm, and fire deadlines that passed while stopped. */
  resume(): Promise<void>;
  /** Whether the coach runs from memory only, and the damaged snapshots set aside. */
  status(): Promise<CoachStatus>;
  /**
   * Forget every call (the history is being deleted): a fresh state is persisted and the
   * deadline dropped; later events of a forgotten call are ignored, so no step writes it back.
   * Resolves, once no step runs, with the tabs that talk to the coach (to clear their screens).
   */
  reset(): Promise<number[]>;
}

export function createCoachRunner(deps: CoachRunnerDeps): CoachRunner {
  let snapshot: PersistedCoach | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let queued = 0;
  let cancelTimer: (() => void) | undefined;
  let memoryOnly: CoachStatus['memoryOnly'];
  let droppedEffects = 0;
  const clock = deps.clock;
  const trace = deps.trace;
  const mark = (): number => (clock ? clock() : 0);
  const measure = (phase: TracePhase, since: number): number => {
    if (!clock || !trace) return 0;
    const now = clock();
    trace(phase, now - since);
    return now;
  };

  /**
   * What each storage copy holds, by key: the value's object (a call `step` left alone keeps
   * it), its JSON and size. A key is written only when its object changed and its JSON too.
   */
  interface Written {
    ref: unknown;
    json: string;
  }
  const sessionWritten = new Map<string, Written>();
  let sessionChars = 0;
  /** Keys to remove at the next save: the old single key once migrated, calls no longer listed. */
  let staleKeys: string[] = [];
  const carryWritten = new Map<string, Written>();
  let carryFull = true;
  let carrying: Promise<void> = Promise.resolve();

  const serial = <T>(job: () => Promise<T>): Promise<T> => {
    queued++;
    const enqueuedAt = mark();
    const result = queue.then(() => {
      measure('queue', enqueuedAt);
      return job();
    });
    queue = result
      .catch((error: unknown) => console.error('[Second Ring] coach step failed:', error))
      .finally(() => {
        queued--;
        // The history is written when nothing waits (or when records pile up): never before a nudge.
        if (queued === 0 || pendingRecords().length >= HISTORY_BATCH) saveHistory();
      });
    return result;
  };

  async function load(): Promise<PersistedCoach> {
    if (snapshot) return snapshot;
    const started = mark();
    const all = await deps.session.get(null);
    let items: Record<string, unknown> = Object.fromEntries(Object.entries(all).filter(([key]) => isCoachStateKey(key)));
    let fromSession = true;
    if (Object.keys(items).length === 0 && deps.carryOver) {
      // storage.session was emptied (an extension update): the copy carries the calls over.
      items = (await deps.carryOver.get()) ?? {};
      fromSession = false;
    }
    const reading = readStoredCoach(items);
    if (reading.kind === 'damaged') await setAside(reading.value, reading.reason, 'coaching starts clean');
    if (reading.kind === 'ok') for (const damaged of reading.damaged) await setAside(damaged.value, damaged.reason, 'coaching goes on without it');
    snapshot = reading.kind === 'ok' ? reading.snapshot : freshSnapshot();
    staleKeys = reading.kind === 'none' ? [] : [...reading.stale];
    if (reading.kind === 'ok' && reading.damaged.length > 0) pruneWithCalls(snapshot);
    sessionWritten.clear();
    sessionChars = 0;
    if (fromSession && reading.kind === 'ok' && reading.migratedFrom === undefined && reading.damaged.length === 0) {
      // What the session holds already need not be written again.
      for (const [key, value] of entries(snapshot)) {
        const json = JSON.stringify(items[key]);
        sessionWritten.set(key, { ref: value, json });
        sessionChars += json.length;
      }
    }
    measure('load', started);
    return snapshot;
  }

  /** The snapshot as storage keys: the meta key, the retired keys, one key per call. */
  function entries(s: PersistedCoach): [string, unknown][] {
    const out: [string, unknown][] = [
      [META_KEY, metaOf(s)],
      [RETIRED_KEY, s.coach.retired],
    ];
    for (const [callKey, call] of Object.entries(s.coach.calls)) out.push([callStorageKey(callKey), call]);
    return out;
  }

  /** A damaged snapshot (or one call of it): counted, kept when small, and coaching goes on without it. */
  async function setAside(stored: unknown, reason: string, then: string): Promise<void> {
    console.error(`[Second Ring] coach snapshot set aside (${reason}); ${then}`);
    const before = (await deps.session.get(SET_ASIDE_KEY).catch((): Record<string, unknown> => ({})))[SET_ASIDE_KEY] as CoachStatus['setAside'] | undefined;
    const count = (typeof before?.count === 'number' ? before.count : 0) + 1;
    await deps.session.set({ [SET_ASIDE_KEY]: { count, at: deps.now(), reason } }).catch(() => undefined);
    let text: string | undefined;
    try {
      text = JSON.stringify(stored);
    } catch {
      text = undefined;
    }
    if (text !== undefined && text.length <= MAX_DAMAGED_CHARS) await deps.session.set({ [DAMAGED_KEY]: stored }).catch(() => undefined);
  }

  /**
   * What changed since `written`: the keys to set (object changed and JSON too), the keys to
   * remove (calls that left), and the size of the whole after the change. `json` caches the
   * JSON of this save for the second copy.
   */
  function changes(s: PersistedCoach, written: Map<string, Written>, json: Map<string, string>) {
    const set: Record<string, unknown> = {};
    const next = new Map<string, Written>();
    let delta = 0;
    for (const [key, value] of entries(s)) {
      const before = written.get(key);
      if (before && before.ref === value) {
        next.set(key, before);
        continue;
      }
      let text = json.get(key);
      if (text === undefined) {
        text = JSON.stringify(value);
        json.set(key, text);
      }
      next.set(key, { ref: value, json: text });
      if (before?.json === text) continue;
      set[key] = value;
      delta += text.length - (before?.json.length ?? 0);
    }
    const remove: string[] = [];
    for (const [key, before] of written) {
      if (next.has(key)) continue;
      remove.push(key);
      delta -= before.json.length;
    }
    return { set, remove, next, delta };
  }

  /** Save what changed; when the whole is too large or refused, go on from memory and say so. */
  async function persist(s: PersistedCoach): Promise<void> {
    const started = mark();
    const json = new Map<string, string>();
    const { set, remove, next, delta } = changes(s, sessionWritten, json);
    const removeAll = [...remove, ...staleKeys];
    const size = sessionChars + delta;
    const bound = deps.maxSnapshotChars ?? MAX_SNAPSHOT_CHARS;
    if (size > bound) {
      goOnFromMemory(`the coach state is ${size} characters, over the ${bound} it may save`);
      return;
    }
    try {
      if (Object.keys(set).length > 0) await deps.session.set(set);
      sessionWritten.clear();
      for (const [key, w] of next) sessionWritten.set(key, w);
      sessionChars = size;
      // Keys that left go after the meta key stopped listing them: a stop in between leaves keys
      // nobody reads, removed by the next worker's load.
      if (removeAll.length > 0) await deps.session.remove(removeAll);
      staleKeys = [];
      memoryOnly = undefined;
    } catch (error) {
      goOnFromMemory(error instanceof Error ? error.message : String(error));
    }
    measure('persist', started);
    carry(s, json);
  }

  /**
   * The copy that outlives the session (`storage.local`), also by key and only what changed.
   * It is not awaited before the effects: it is read only after an extension update, when the
   * session is gone, and an update reloads the worker when the browser decides, not at one of
   * our awaits. A write, once asked for, is carried out by the browser whatever the worker does
   * next, and writes are asked for in order; so the copy is at most the step the worker is in
   * behind, and that step's event is sent again by its page, whose content script reads the
   * hook's history again after the update (`callEvents`: an event already applied is recognised).
   */
  function carry(s: PersistedCoach, json: Map<string, string>): void {
    const copy = deps.carryOver;
    if (!copy) return;
    const { set, remove, next } = changes(s, carryWritten, json);
    const full = carryFull;
    if (!full && Object.keys(set).length === 0 && remove.length === 0) return;
    carryWritten.clear();
    for (const [key, w] of next) carryWritten.set(key, w);
    carryFull = false;
    // In order: a first (full) copy reads what is there before it writes.
    carrying = carrying.then(() => copy.write(set, remove, full)).catch((error: unknown) => {
      // Not copied: the next save copies everything again.
      carryWritten.clear();
      carryFull = true;
      console.error('[Second Ring] coach carry-over copy not saved:', error);
    });
  }

  function goOnFromMemory(reason: string): void {
    if (!memoryOnly) console.error(`[Second Ring] coach state not saved (${reason}); coaching goes on from memory`);
    memoryOnly = { since: memoryOnly?.since ?? deps.now(), reason };
  }

  /** Queue an effect; a newer one of the same key replaces the older one not yet done. */
  function enqueue(s: PersistedCoach, effect: PendingEffect): void {
    const index = s.effects.findIndex((e) => e.key === effect.key);
    if (index >= 0) s.effects.splice(index, 1);
    s.effects.push(effect);
    if (s.effects.length > MAX_PENDING_EFFECTS) {
      const over = s.effects.length - MAX_PENDING_EFFECTS;
      s.effects.splice(0, over);
      droppedEffects += over;
    }
  }

  /** Nudges the steps of the current job showed: none has left the worker yet (the outbox goes out in `settle`). */
  const shownThisJob = new Set<string>();

  function queueEffects(s: PersistedCoach, effects: readonly Effect[]): void {
    for (const effect of effects) {
      switch (effect.type) {
        case 'show-nudge':
          s.outbox.push(effect.nudge);
          s.open[effect.nudge.key] = effect.nudge;
          shownThisJob.add(effect.nudge.key);
          break;
        case 'dismiss-nudge':
          s.outbox = s.outbox.filter((n) => n.key !== effect.key);
          delete s.open[effect.key];
          // Shown and taken back by the same job's steps (events that came together): it never
          // reaches the tab, and neither does its dismissal. One from an earlier job may have: that tab is told.
          if (shownThisJob.has(effect.key)) break;
          enqueue(s, { key: `dismiss:${effect.key}`, kind: 'tab', tabId: effect.tabId, message: { type: 'dismissNudge', payload: { key: effect.key } } });
          break;
        case 'ring-status':
          if (effect.ring) s.rings[effect.callKey] = { tabId: effect.tabId, ring: effect.ring };
          else delete s.rings[effect.callKey];
          enqueue(s, {
            key: `ring:${effect.callKey}`,
            kind: 'tab',
            tabId: effect.tabId,
            message: { type: 'ringStatus', payload: { callKey: effect.callKey, ring: effect.ring } },
          });
          break;
        case 'record-call':
          enqueue(s, { key: `record:${effect.record.callKey}`, kind: 'record', record: effect.record });
          break;
      }
    }
  }

  /** What belongs to calls the coach no longer holds goes with them: frame owners, ring counters, open nudges. */
  function pruneWithCalls(s: PersistedCoach): void {
    const held = s.coach.calls;
    for (const key of Object.keys(s.owners)) if (!(key in held)) delete s.owners[key];
    for (const key of Object.keys(s.rings)) if (!(key in held)) delete s.rings[key];
    for (const [key, nudge] of Object.entries(s.open)) if (!(nudge.callKey in held)) delete s.open[key];
    s.outbox = s.outbox.filter((n) => n.callKey in held);
  }

  type RecordEffect = Extract<PendingEffect, { kind: 'record' }>;
  const pendingRecords = (): RecordEffect[] => (snapshot?.effects ?? []).filter((e): e is RecordEffect => e.kind === 'record');
  /** Record effects whose card this worker sent already (a restarted worker sends them again: a card replaces itself). */
  const cardsShown = new WeakSet<RecordEffect>();

  /** Carry out the outbox: tab messages, nudges and cards at once; records go to the history later. */
  async function carryOut(s: PersistedCoach): Promise<void> {
    const tabEffects = s.effects.filter((e): e is Extract<PendingEffect, { kind: 'tab' }> => e.kind === 'tab');
    const cards = s.effects.filter((e): e is RecordEffect => e.kind === 'record' && !cardsShown.has(e));
    const [, delivered] = await Promise.all([
      // A tab without a listener (loading, gone) gets the current state from its hello: done either way.
      Promise.all(tabEffects.map((e) => deps.sendToTab(e.tabId, e.message).catch(() => undefined))),
      deliverNudges(s),
      cards.length > 0 && deps.showCards
        ? deps.showCards(cards.map((e) => e.record)).then(
            () => cards.forEach((e) => cardsShown.add(e)),
            (error: unknown) => console.error('[Second Ring] call cards not sent:', error),
          )
        : undefined,
    ]);
    if (tabEffects.length > 0) s.effects = s.effects.filter((e) => !tabEffects.includes(e as Extract<PendingEffect, { kind: 'tab' }>));
    if (tabEffects.length > 0 || delivered) await persist(s);
  }

  /** Send the undelivered nudges; true when some left the outbox. */
  async function deliverNudges(s: PersistedCoach): Promise<boolean> {
    if (s.outbox.length === 0) return false;
    const pending = [...s.outbox];
    const delivered = new Set<string>();
    await Promise.all(
      pending.map(async (nudge) => {
        try {
          await deps.sendToTab(nudge.tabId, { type: 'showNudge', payload: { nudge } });
          delivered.add(nudge.key);
        } catch {
          // No listener yet (page loading) or the tab is gone: the page's hello picks it up.
        }
      }),
    );
    if (delivered.size === 0) return false;
    s.outbox = s.outbox.filter((n) => !delivered.has(n.key));
    return true;
  }

  /**
   * The history write, outside the queue, one at a time (a call's records reach it in order): the
   * records in the outbox now; each leaves the outbox once saved, unless a newer record of its call
   * replaced it meanwhile. The outbox is saved again in the queue, so a new worker does not save
   * them again (it would do no harm: the history upserts by call).
   */
  let historyWrite: Promise<void> | undefined;
  function saveHistory(): void {
    if (historyWrite) return;
    const records = pendingRecords();
    if (records.length === 0) return;
    const started = mark();
    historyWrite = deps
      .saveRecords(records.map((e) => e.record))
      .then(
        () => {
          measure('history', started);
          if (!snapshot) return;
          const s = snapshot;
          s.effects = s.effects.filter((e) => !records.includes(e as RecordEffect));
          void serial(async () => {
            if (snapshot === s) await persist(s);
          });
        },
        // Kept in the outbox: the next idle moment, or the next worker, saves them.
        (error: unknown) => console.error('[Second Ring] call log not saved:', error),
      )
      .finally(() => {
        historyWrite = undefined;
      });
  }

  async function keepDeadline(s: PersistedCoach, previous: number | null): Promise<void> {
    cancelTimer?.();
    cancelTimer = undefined;
    const now = deps.now();
    const at = s.wakeAt;
    if (at !== null) {
      cancelTimer = deps.setTimer(() => void runner.input({ kind: 'tick' }), Math.max(0, at - now));
    }
    if (at === previous) return;
    await deps.setAlarm(WAKE_ALARM, at === null ? null : Math.max(at, now + MIN_ALARM_DELAY_MS));
    await Promise.all(
      s.tabs.map((tabId) => deps.sendToTab(tabId, { type: 'wakeAt', payload: { at } }).catch(() => undefined)),
    );
  }

  /** One input through the coach, its effects queued (not yet saved or carried out). */
  function applyStep(s: PersistedCoach, input: CoachInput, config: CoachConfig): void {
    const result = step(s.coach, input, deps.now(), config);
    s.coach = result.state;
    s.wakeAt = result.wakeAt;
    queueEffects(s, result.effects);
  }

  /** Save, then carry out, then keep the deadline: effects only after the snapshot is safe. */
  async function settle(s: PersistedCoach, previousWake: number | null): Promise<void> {
    shownThisJob.clear();
    pruneWithCalls(s);
    await persist(s);
    let started = mark();
    await carryOut(s);
    started = measure('effects', started);
    await keepDeadline(s, previousWake);
    measure('after', started);
  }

  async function runStep(s: PersistedCoach, input: CoachInput): Promise<void> {
    const config = await deps.loadConfig();
    const previousWake = s.wakeAt;
    const started = mark();
    applyStep(s, input, config);
    measure('step', started);
    await settle(s, previousWake);
  }

  /** The bookkeeping of a call event before its step; false when it was applied already. */
  function admitCallEvent(s: PersistedCoach, tabId: number, frameId: number | undefined, event: CallEvent, eventKey: string | undefined): boolean {
    const key = typeof eventKey === 'string' && eventKey.length <= MAX_EVENT_KEY_CHARS ? eventKey : undefined;
    if (key !== undefined) {
      // A retry after a worker stop: applied (and saved) already.
      if (s.eventKeys.includes(key)) return false;
      s.eventKeys.push(key);
      if (s.eventKeys.length > MAX_EVENT_KEYS) s.eventKeys.splice(0, s.eventKeys.length - MAX_EVENT_KEYS);
    }
    if (frameId !== undefined && typeof event.callId === 'string') s.owners[`${tabId}:${event.callId}`] ??= frameId;
    return true;
  }

  /**
   * A content script that takes over a page (after an update, or injected late) reads the hook's
   * history again: an event the coach already recorded (same call, type and frame time) is a
   * replay, not a second occurrence. Looks at the one call, whatever else the coach holds.
   */
  function alreadyApplied(s: PersistedCoach, tabId: number, event: CallEvent): boolean {
    const record = s.coach.calls[callKeyOf(tabId, event.callId)]?.record;
    if (!record) return false;
    // Evidence of several acts can share a moment (the whole greeting said at once): its act and item tell them apart.
    return record.events.some(
      (e) =>
        e.type === event.type &&
        e.at === event.at &&
        (event.type !== 'evidence' || (e.act === event.act && e.item === event.item && (e.undone ?? false) === (event.undone ?? false))),
    );
  }

  const runner: CoachRunner = {
    reset() {
      return serial(async () => {
        const s = await load();
        // A history write in flight finishes first: none may write a forgotten call back.
        await historyWrite;
        const forgotten = Object.keys(s.coach.calls);
        snapshot = { ...freshSnapshot(), tabs: [...s.tabs], coach: { ...initialCoachState(), retired: [...s.coach.retired, ...forgotten] } };
        await persist(snapshot);
        await keepDeadline(snapshot, s.wakeAt);
        return [...snapshot.tabs];
      });
    },
    input(input, tabId, frameId, eventKey) {
      return serial(async () => {
        const s = await load();
        if (input.kind === 'call-event' && !admitCallEvent(s, input.tabId, frameId, input.event, eventKey)) return;
        if (tabId !== undefined && !s.tabs.includes(tabId)) s.tabs.push(tabId);
        if (input.kind === 'tab-closed') {
          s.tabs = s.tabs.filter((t) => t !== input.tabId);
          for (const owner of Object.keys(s.owners)) if (owner.startsWith(`${input.tabId}:`)) delete s.owners[owner];
          for (const [key, nudge] of Object.entries(s.open)) if (nudge.tabId === input.tabId) delete s.open[key];
          s.outbox = s.outbox.filter((n) => n.tabId !== input.tabId);
        }
        if (input.kind === 'nudge-response' && input.response.type !== 'checked') {
          delete s.open[input.key];
          s.outbox = s.outbox.filter((n) => n.key !== input.key);
        }
        await runStep(s, input);
      });
    },
    callEvents(events) {
      return serial(async () => {
        const s = await load();
        const config = await deps.loadConfig();
        const previousWake = s.wakeAt;
        const started = mark();
        let stepped = 0;
        for (const { tabId, frameId, event, eventKey } of events) {
          if (alreadyApplied(s, tabId, event)) continue;
          if (!admitCallEvent(s, tabId, frameId, event, eventKey)) continue;
          if (!s.tabs.includes(tabId)) s.tabs.push(tabId);
          applyStep(s, { kind: 'call-event', tabId, event }, config);
          stepped++;
        }
        if (stepped === 0) return;
        measure('step', started);
        await settle(s, previousWake);
      });
    },
    resync(tabId, frameId) {
      return serial(async () => {
        const s = await load();
        if (!s.tabs.includes(tabId)) s.tabs.push(tabId);
        // A frame that (re)loads: the calls it held went with its previous page.
        if (frameId !== undefined) {
          const gone: string[] = [];
          for (const [owner, frame] of Object.entries(s.owners)) {
            const [ownerTab, ...rest] = owner.split(':');
            if (Number(ownerTab) !== tabId || (frameId !== 0 && frame !== frameId)) continue;
            gone.push(rest.join(':'));
            delete s.owners[owner];
          }
          if (gone.length > 0) await runStep(s, { kind: 'tab-closed', tabId, callIds: gone });
        }
        // The page will show these itself, and its ring counters and dismissals are in what it gets.
        s.outbox = s.outbox.filter((n) => n.tabId !== tabId);
        s.effects = s.effects.filter((e) => e.kind !== 'tab' || e.tabId !== tabId);
        await persist(s);
        const now = deps.now();
        return {
          nudges: Object.values(s.open).filter((n) => n.tabId === tabId && stillOnScreen(n, now)),
          rings: Object.values(s.rings)
            .filter((r) => r.tabId === tabId)
            .map((r) => r.ring),
          wakeAt: s.wakeAt,
          records: Object.values(s.coach.calls)
            .map((c) => c.record)
            .filter((r) => r.tabId === tabId),
        };
      });
    },
    tabs() {
      return serial(async () => [...(await load()).tabs]);
    },
    records() {
      return serial(async () => {
        const s = await load();
        return Object.values(s.coach.calls)
          .map((c) => c.record)
          .sort((a, b) => a.startedAt - b.startedAt);
      });
    },
    record(callKey) {
      return serial(async () => (await load()).coach.calls[callKey]?.record);
    },
    status() {
      return serial(async () => {
        const setAside = (await deps.session.get(SET_ASIDE_KEY).catch((): Record<string, unknown> => ({})))[SET_ASIDE_KEY] as CoachStatus['setAside'] | undefined;
        return {
          ...(memoryOnly ? { memoryOnly: { ...memoryOnly } } : {}),
          ...(setAside && typeof setAside.count === 'number' ? { setAside } : {}),
          ...(droppedEffects > 0 ? { droppedEffects } : {}),
        };
      });
    },
    resume() {
      return serial(async () => {
        const s = await load();
        await carryOut(s);
        if (s.wakeAt !== null && s.wakeAt <= deps.now()) await runStep(s, { kind: 'tick' });
        else await keepDeadline(s, null);
      });
    },
    async settled() {
      for (let round = 0; round < 100; round++) {
        await queue;
        if (historyWrite) {
          await historyWrite;
          continue;
        }
        if (queued > 0) continue;
        const before = pendingRecords().length;
        if (before === 0) break;
        saveHistory();
        await historyWrite;
        // Not saved (the history refused): the records wait for the next worker or idle moment.
        if (pendingRecords().length >= before) break;
      }
      await queue;
      await carrying;
    },
  };
  return runner;
}
