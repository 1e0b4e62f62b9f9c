/**
 * The thin shell around the pure coach: load the persisted snapshot, `step`, persist, then
 * carry out the effects. The service worker can be stopped between any two calls (and even
 * between persisting and delivering), so:
 *  - the snapshot (coach state, undelivered nudges, open nudges, ring counters, next deadline)
 *    lives in `storage.session` and is written before any effect is carried out;
 *  - a nudge stays in the outbox until its tab acknowledged it, and the page shows each key at
 *    most once, so a redelivery after a restart can neither drop nor repeat it;
 *  - the next deadline is kept three ways, since only one needs to survive: a timer here while
 *    the worker lives, a timer in each softphone tab with a call (its `tick` message wakes a
 *    stopped worker), and an alarm no earlier than 30 s ahead, the floor of packed builds.
 */
import { initialCoachState, step, type CoachConfig, type CoachState } from '../core/coach';
import type { CallRecord, CoachInput, Effect, Nudge, RingStatus } from '../core/coach/types';

export const SESSION_KEY = 'coach/v1';
export const WAKE_ALARM = 'coach-wake';
/** Chrome's minimum alarm delay for packed extensions; unpacked test builds allow less. */
export const MIN_ALARM_DELAY_MS = 30_000;

export interface PersistedCoach {
  version: 1;
  coach: CoachState;
  /** Nudges not yet acknowledged by their tab. */
  outbox: Nudge[];
  /** Nudges on screen (delivered or not) until dismissed, answered or withdrawn. */
  open: Record<string, Nudge>;
  rings: Record<string, { tabId: number; ring: RingStatus }>;
  wakeAt: number | null;
  /** Tabs that reported calls: they keep the deadline timer. */
  tabs: number[];
  /**
   * The frame each call was reported from, by `${tabId}:${callId}`: a browser softphone's calls
   * die with its page, so a frame that loads again closes the calls it held (a top frame, all
   * of its tab's). Absent in snapshots of earlier versions.
   */
  owners?: Record<string, number>;
}

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

export type TabMessage =
  | { type: 'showNudge'; payload: { nudge: Nudge } }
  | { type: 'dismissNudge'; payload: { key: string } }
  | { type: 'ringStatus'; payload: { callKey: string; ring: RingStatus | null } }
  | { type: 'wakeAt'; payload: { at: number | null } };

/** Plain toasts hide themselves after a while on the page (nudges/mount.tsx); a reload must not bring them back. */
const TOAST_LIFETIME_MS = 20_000;
function stillOnScreen(nudge: Nudge, now: number): boolean {
  return nudge.kind !== 'toast' || nudge.severity === 'urgent' || now - nudge.firedAt < TOAST_LIFETIME_MS;
}

function freshSnapshot(): PersistedCoach {
  return { version: 1, coach: initialCoachState(), outbox: [], open: {}, rings: {}, wakeAt: null, tabs: [] };
}

function isSnapshot(value: unknown): value is PersistedCoach {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<PersistedCoach>;
  return v.version === 1 && typeof v.coach === 'object' && Array.isArray(v.outbox) && Array.isArray(v.tabs);
}

export interface CoachRunner {
  /** Feed one input through the coach (serialised with every other call). */
  input(input: CoachInput, tabId?: number, frameId?: number): Promise<void>;
  /** What a (re)loaded page should show now, and the records of its calls the coach still holds (for their cards). */
  resync(tabId: number, frameId?: number): Promise<{ nudges: Nudge[]; rings: RingStatus[]; wakeAt: number | null; records: CallRecord[] }>;
  /** The records of every call the coach holds now (live, or finished a short while ago), oldest first. */
  records(): Promise<CallRecord[]>;
  /** Tabs whose pages talk to the coach (softphone sites, and our own practice page). */
  tabs(): Promise<number[]>;
  /** After a worker start: redeliver, re-arm, and fire deadlines that passed while stopped. */
  resume(): Promise<void>;
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

  const serial = <T>(job: () => Promise<T>): Promise<T> => {
    const result = queue.then(job);
    queue = result.catch((error: unknown) => console.error('[Second Ring] coach step failed:', error));
    return result;
  };

  async function load(): Promise<PersistedCoach> {
    if (snapshot) return snapshot;
    const stored = await deps.session.get(SESSION_KEY);
    if (stored !== undefined && !isSnapshot(stored)) {
      console.error('[Second Ring] coach snapshot unreadable; starting afresh', stored);
    }
    snapshot = isSnapshot(stored) ? stored : freshSnapshot();
    return snapshot;
  }

  const persist = (s: PersistedCoach) => deps.session.set(SESSION_KEY, s);

  function apply(s: PersistedCoach, effects: readonly Effect[]): { sends: [number, TabMessage][]; records: CallRecord[] } {
    const sends: [number, TabMessage][] = [];
    const records: CallRecord[] = [];
    for (const effect of effects) {
      switch (effect.type) {
        case 'show-nudge':
          s.outbox.push(effect.nudge);
          s.open[effect.nudge.key] = effect.nudge;
          break;
        case 'dismiss-nudge':
          s.outbox = s.outbox.filter((n) => n.key !== effect.key);
          delete s.open[effect.key];
          sends.push([effect.tabId, { type: 'dismissNudge', payload: { key: effect.key } }]);
          break;
        case 'ring-status':
          if (effect.ring) s.rings[effect.callKey] = { tabId: effect.tabId, ring: effect.ring };
          else delete s.rings[effect.callKey];
          sends.push([effect.tabId, { type: 'ringStatus', payload: { callKey: effect.callKey, ring: effect.ring } }]);
          break;
        case 'record-call':
          records.push(effect.record);
          break;
      }
    }
    return { sends, records };
  }

  async function deliverOutbox(s: PersistedCoach): Promise<void> {
    if (s.outbox.length === 0) return;
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
    if (delivered.size === 0) return;
    s.outbox = s.outbox.filter((n) => !delivered.has(n.key));
    await persist(s);
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
    const { sends, records } = apply(s, result.effects);
    await persist(s);
    // Effects only after the snapshot is safe.
    await Promise.all(sends.map(([tabId, message]) => deps.sendToTab(tabId, message).catch(() => undefined)));
    await deliverOutbox(s);
    await deps.saveRecords(records).catch((error: unknown) => console.error('[Second Ring] call log not saved:', error));
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
    input(input, tabId, frameId) {
      return serial(async () => {
        const s = await load();
        if (tabId !== undefined && !s.tabs.includes(tabId)) s.tabs.push(tabId);
        if (input.kind === 'call-event' && frameId !== undefined) {
          const owners = (s.owners ??= {});
          owners[`${input.tabId}:${input.event.callId}`] ??= frameId;
        }
        if (input.kind === 'tab-closed') {
          s.tabs = s.tabs.filter((t) => t !== input.tabId);
          for (const owner of Object.keys(s.owners ?? {})) if (owner.startsWith(`${input.tabId}:`)) delete s.owners?.[owner];
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
          for (const [owner, frame] of Object.entries(s.owners ?? {})) {
            const [ownerTab, ...rest] = owner.split(':');
            if (Number(ownerTab) !== tabId || (frameId !== 0 && frame !== frameId)) continue;
            gone.push(rest.join(':'));
            delete s.owners?.[owner];
          }
          if (gone.length > 0) await runStep(s, { kind: 'tab-closed', tabId, callIds: gone });
        }
        // The page will show these itself; no need to push them again.
        s.outbox = s.outbox.filter((n) => n.tabId !== tabId);
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
    resume() {
      return serial(async () => {
        const s = await load();
        await deliverOutbox(s);
        if (s.wakeAt !== null && s.wakeAt <= deps.now()) await runStep(s, { kind: 'tick' });
        else await keepDeadline(s, null);
      });
    },
  };
  return runner;
}
