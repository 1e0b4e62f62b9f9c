/**
 * The thin shell around the pure coach: load the persisted snapshot, `step`, persist, then
 * carry out the effects. The service worker can be stopped between any two awaits (and even
 * between persisting and delivering), so:
 *  - the snapshot (coach state, the outbox of every effect not yet carried out, open nudges, ring
 *    counters, next deadline) lives in `storage.session` and is written before any effect;
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
import { freshSnapshot, readSnapshot, type PendingEffect, type PersistedCoach, type TabMessage } from '../core/coach/snapshot';

export type { PersistedCoach, PendingEffect, TabMessage } from '../core/coach/snapshot';

export const SESSION_KEY = 'coach/v1';
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

export interface CoachRunnerDeps {
  now(): number;
  loadConfig(): Promise<CoachConfig>;
  session: { get(key: string): Promise<unknown>; set(key: string, value: unknown): Promise<void> };
  /** Resolves with the page's answer, rejects when the tab has no listener. */
  sendToTab(tabId: number, message: TabMessage): Promise<unknown>;
  setAlarm(name: string, when: number | null): Promise<void>;
  saveRecords(records: readonly CallRecord[]): Promise<void>;
  setTimer(callback: () => void, delayMs: number): () => void;
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
  let cancelTimer: (() => void) | undefined;
  let memoryOnly: CoachStatus['memoryOnly'];
  let droppedEffects = 0;

  const serial = <T>(job: () => Promise<T>): Promise<T> => {
    const result = queue.then(job);
    queue = result.catch((error: unknown) => console.error('[Second Ring] coach step failed:', error));
    return result;
  };

  async function load(): Promise<PersistedCoach> {
    if (snapshot) return snapshot;
    const stored = await deps.session.get(SESSION_KEY);
    const reading = readSnapshot(stored);
    if (reading.kind === 'damaged') await setAside(stored, reading.reason);
    snapshot = reading.kind === 'ok' ? reading.snapshot : freshSnapshot();
    return snapshot;
  }

  /** A damaged snapshot: counted, kept when small, and coaching starts clean. */
  async function setAside(stored: unknown, reason: string): Promise<void> {
    console.error(`[Second Ring] coach snapshot set aside (${reason}); coaching starts clean`);
    const before = (await deps.session.get(SET_ASIDE_KEY).catch(() => undefined)) as CoachStatus['setAside'] | undefined;
    const count = (typeof before?.count === 'number' ? before.count : 0) + 1;
    await deps.session.set(SET_ASIDE_KEY, { count, at: deps.now(), reason }).catch(() => undefined);
    let text: string | undefined;
    try {
      text = JSON.stringify(stored);
    } catch {
      text = undefined;
    }
    if (text !== undefined && text.length <= MAX_DAMAGED_CHARS) await deps.session.set(DAMAGED_KEY, stored).catch(() => undefined);
  }

  /** Save the snapshot; when it is too large or refused, go on from memory and say so. */
  async function persist(s: PersistedCoach): Promise<void> {
    const size = JSON.stringify(s).length;
    if (size > MAX_SNAPSHOT_CHARS) {
      goOnFromMemory(`the coach state is ${size} characters, over the ${MAX_SNAPSHOT_CHARS} it may save`);
      return;
    }
    try {
      await deps.session.set(SESSION_KEY, s);
      memoryOnly = undefined;
    } catch (error) {
      goOnFromMemory(error instanceof Error ? error.message : String(error));
    }
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

  function queueEffects(s: PersistedCoach, effects: readonly Effect[]): void {
    for (const effect of effects) {
      switch (effect.type) {
        case 'show-nudge':
          s.outbox.push(effect.nudge);
          s.open[effect.nudge.key] = effect.nudge;
          break;
        case 'dismiss-nudge':
          s.outbox = s.outbox.filter((n) => n.key !== effect.key);
          delete s.open[effect.key];
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

  /** Carry out the outbox: tab messages, nudges, then records; each leaves it once done. */
  async function carryOut(s: PersistedCoach): Promise<void> {
    let changed = false;
    const tabEffects = s.effects.filter((e): e is Extract<PendingEffect, { kind: 'tab' }> => e.kind === 'tab');
    if (tabEffects.length > 0) {
      // A tab without a listener (loading, gone) gets the current state from its hello: done either way.
      await Promise.all(tabEffects.map((e) => deps.sendToTab(e.tabId, e.message).catch(() => undefined)));
      s.effects = s.effects.filter((e) => !tabEffects.includes(e as Extract<PendingEffect, { kind: 'tab' }>));
      changed = true;
    }
    if (await deliverNudges(s)) changed = true;
    const recordEffects = s.effects.filter((e): e is Extract<PendingEffect, { kind: 'record' }> => e.kind === 'record');
    if (recordEffects.length > 0) {
      try {
        await deps.saveRecords(recordEffects.map((e) => e.record));
        s.effects = s.effects.filter((e) => !recordEffects.includes(e as Extract<PendingEffect, { kind: 'record' }>));
        changed = true;
      } catch (error) {
        // Kept in the outbox: the next step, or the next worker, saves them.
        console.error('[Second Ring] call log not saved:', error);
      }
    }
    if (changed) await persist(s);
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

  async function runStep(s: PersistedCoach, input: CoachInput): Promise<void> {
    const config = await deps.loadConfig();
    const previousWake = s.wakeAt;
    const result = step(s.coach, input, deps.now(), config);
    s.coach = result.state;
    s.wakeAt = result.wakeAt;
    queueEffects(s, result.effects);
    pruneWithCalls(s);
    await persist(s);
    // Effects only after the snapshot is safe.
    await carryOut(s);
    await keepDeadline(s, previousWake);
  }

  const runner: CoachRunner = {
    reset() {
      return serial(async () => {
        const s = await load();
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
        const key = typeof eventKey === 'string' && eventKey.length <= MAX_EVENT_KEY_CHARS ? eventKey : undefined;
        if (input.kind === 'call-event' && key !== undefined) {
          // A retry after a worker stop: applied (and saved) already.
          if (s.eventKeys.includes(key)) return;
          s.eventKeys.push(key);
          if (s.eventKeys.length > MAX_EVENT_KEYS) s.eventKeys.splice(0, s.eventKeys.length - MAX_EVENT_KEYS);
        }
        if (tabId !== undefined && !s.tabs.includes(tabId)) s.tabs.push(tabId);
        if (input.kind === 'call-event' && frameId !== undefined && typeof input.event.callId === 'string') {
          s.owners[`${input.tabId}:${input.event.callId}`] ??= frameId;
        }
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
    status() {
      return serial(async () => {
        const setAside = (await deps.session.get(SET_ASIDE_KEY).catch(() => undefined)) as CoachStatus['setAside'] | undefined;
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
  };
  return runner;
}
