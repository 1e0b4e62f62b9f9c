/**
 * Nothing lost, nothing repeated (issue 11, finding 2): the worker's parts as index.ts wires them
 * (coach runner, shift wiring, history service over IndexedDB), over fakes of storage.session,
 * the tabs, notifications and alarms, with the worker stopped at chosen awaits. An await is any
 * call out of the worker's code: storage.session, a tab message, a notification, an alarm, a
 * history store operation, the configuration. A stop happens before the call (it never happens)
 * or after it (it happened, the worker never learns). After a stop a new worker starts from what
 * was persisted (resume, reminders re-armed, as index.ts does), and the page retries the message
 * it got no answer to, with the same event key.
 *
 * Every run is compared with the run without stops: the same nudges shown (by key and text, so
 * none lost and none shown twice under a new key), the same screens at the end (open nudges, ring
 * counters), the same call records in the history, the same return-call queue (every missed call
 * in it), and every reminder shown once (a notification shown again replaces itself).
 *
 * Schedules: one stop at each await of the run without stops, before it and after it (each await
 * of the run is a stop point of two schedules), and 50 random schedules of up to 30 stops each
 * (fast-check), where later stops hit the new workers' own awaits (resume, redelivery, retries).
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { createCoachRunner, type CallEventInput, type CoachRunner, type TabMessage } from '../../../src/background/coach-runner';
import { META_KEY } from '../../../src/core/coach/snapshot';
import { createHistoryStore, type HistoryStore } from '../../../src/background/history';
import { createHistoryService, REMINDER_ALARM, type HistoryService } from '../../../src/background/history-service';
import { createShiftWiring, type ContentEnvelope } from '../../../src/background/shift';
import { DEFAULT_CONFIG, type CallRecord, type CoachInput, type Nudge, type RingStatus } from '../../../src/core/coach';
import type { CallEvent } from '../../../src/core/call-event';
import type { MessageInput } from '../../../src/core/messages';

const T0 = Date.parse('2026-03-04T10:00:00+02:00');
const config = { ...DEFAULT_CONFIG, organization: 'Acme', agentName: 'Anna' };

class WorkerStopped extends Error {}

/** Where the worker stops: global await indices, before or after the call. */
interface Schedule {
  before: Set<number>;
  after: Set<number>;
}

/** What outlives a worker: storage, IndexedDB, the pages, the notifications, the alarms, the clock. */
function world() {
  const session = new Map<string, string>();
  const factory = new IDBFactory();
  const alarms = new Map<string, number>();
  const notifications = new Map<string, { text: string; created: number }>();
  /** A softphone page: shows a nudge key once, ever (content/nudges/mount.tsx). */
  const page = () => ({ seen: new Set<string>(), shown: [] as Nudge[], open: new Set<string>(), rings: new Map<string, RingStatus>(), cards: new Map<string, unknown>() });
  const pages = new Map([
    [7, page()],
    [8, page()],
  ]);
  return { session, factory, alarms, notifications, pages, clock: { now: T0 }, awaits: 0 };
}
type World = ReturnType<typeof world>;

/** One worker over the world; every call out of it is an await where the schedule may stop it. */
function worker(w: World, schedule: Schedule) {
  const life = { stopped: false };
  const point = <A extends unknown[], R>(fn: (...args: A) => Promise<R> | R) =>
    async (...args: A): Promise<R> => {
      if (life.stopped) throw new WorkerStopped();
      const n = w.awaits++;
      if (schedule.before.has(n)) {
        life.stopped = true;
        throw new WorkerStopped();
      }
      const result = await fn(...args);
      if (life.stopped || schedule.after.has(n)) {
        life.stopped = true;
        throw new WorkerStopped();
      }
      return result;
    };

  const keysOf = (keys: string | string[] | null) => (keys === null ? [...w.session.keys()] : typeof keys === 'string' ? [keys] : keys);
  const session = {
    get: point(async (keys: string | string[] | null) =>
      Object.fromEntries(keysOf(keys).flatMap((key) => (w.session.has(key) ? [[key, JSON.parse(w.session.get(key)!) as unknown]] : []))),
    ),
    set: point(async (items: Record<string, unknown>) => {
      for (const [key, value] of Object.entries(items)) w.session.set(key, JSON.stringify(value));
    }),
    remove: point(async (keys: string | string[]) => {
      for (const key of typeof keys === 'string' ? [keys] : keys) w.session.delete(key);
    }),
  };
  /** The history service's view of the same storage: one key at a time. */
  const historySession = {
    get: async (key: string) => (await session.get(key))[key],
    set: (key: string, value: unknown) => session.set({ [key]: value }),
  };
  const toPage = (tabId: number, message: TabMessage | ContentEnvelope): unknown => {
    const p = w.pages.get(tabId);
    if (!p) throw new Error('Could not establish connection. Receiving end does not exist.');
    switch (message.type) {
      case 'showNudge':
      case 'reminder': {
        const nudge = message.payload.nudge;
        const shown = !p.seen.has(nudge.key);
        if (shown) {
          p.seen.add(nudge.key);
          p.shown.push(structuredClone(nudge));
          p.open.add(nudge.key);
        }
        return message.type === 'reminder' ? { shown, visible: false } : { shown };
      }
      case 'dismissNudge':
        p.open.delete(message.payload.key);
        return undefined;
      case 'ringStatus':
        if (message.payload.ring) p.rings.set(message.payload.callKey, message.payload.ring);
        else p.rings.delete(message.payload.callKey);
        return undefined;
      case 'card':
        p.cards.set(message.payload.card.callKey, structuredClone(message.payload.card));
        return undefined;
      default:
        return undefined;
    }
  };
  const baseStore = createHistoryStore({ factory: w.factory });
  const store = Object.fromEntries(
    Object.entries(baseStore).map(([name, fn]) => [name, point((...args: unknown[]) => (fn as (...a: unknown[]) => Promise<unknown>)(...args))]),
  ) as unknown as HistoryStore;
  const loadConfig = point(async () => config);

  const shift = createShiftWiring({
    coach: () => coach,
    history: () => history,
    loadConfig,
    sendToContent: point(async (tabId: number, message: ContentEnvelope) => toPage(tabId, message)),
    softphoneTabs: point(async () => [...w.pages.keys()]),
    notify: point(async (nudge: Nudge) => {
      const before = w.notifications.get(nudge.key);
      w.notifications.set(nudge.key, { text: nudge.text, created: (before?.created ?? 0) + 1 });
    }),
    now: () => w.clock.now,
  });
  let id = 0;
  const history: HistoryService = createHistoryService({
    store,
    now: () => w.clock.now,
    loadConfig,
    local: { get: point(async () => undefined), remove: point(async () => undefined) },
    session: historySession,
    alarms: {
      get: point(async (name: string) => (w.alarms.has(name) ? { scheduledTime: w.alarms.get(name)! } : undefined)),
      create: point(async (name: string, info: { when?: number }) => void w.alarms.set(name, info.when ?? w.clock.now)),
      clear: point(async (name: string) => void w.alarms.delete(name)),
    },
    remind: (nudge) => shift.remind(nudge),
    forgetCalls: async () => void (await coach.reset()),
    newId: () => `m${++id}`,
  });
  const coach: CoachRunner = createCoachRunner({
    now: () => w.clock.now,
    loadConfig,
    session,
    sendToTab: point(async (tabId: number, message: TabMessage) => toPage(tabId, message)),
    setAlarm: point(async () => undefined),
    showCards: (records) => shift.showCards(records),
    saveRecords: (records) => shift.saveRecords(records),
    // The tabs' tick timers drive deadlines here (the script sends a tick every second).
    setTimer: () => () => undefined,
  });
  return { life, coach, history, shift };
}

type Step =
  | { at: number; kind: 'input'; input: CoachInput; tabId?: number; frameId?: number; eventKey?: string }
  /** Call events a page sent together (they queued up while one was in flight): one message. */
  | { at: number; kind: 'events'; events: CallEventInput[] }
  | { at: number; kind: 'message'; input: MessageInput; callKey: string; tabId: number }
  | { at: number; kind: 'reminder-alarm' };

const s = (seconds: number) => T0 + seconds * 1000;
let eventCount = 0;
const ev = (tabId: number, seconds: number, event: Partial<CallEvent> & { type: CallEvent['type'] }): Step => ({
  at: s(seconds),
  kind: 'input',
  input: { kind: 'call-event', tabId, event: { callId: tabId === 7 ? 'a' : 'b', source: 'sip-websocket', at: s(seconds), ...event } as CallEvent },
  tabId,
  frameId: 0,
  eventKey: `page-${tabId}:${++eventCount}`,
});
/** Events sent as one message when the last of them came. */
const together = (seconds: number, steps: Step[]): Step => ({
  at: s(seconds),
  kind: 'events',
  events: steps.map((step) => {
    if (step.kind !== 'input' || step.input.kind !== 'call-event') throw new Error('not a call event');
    return { tabId: step.input.tabId, frameId: step.frameId, event: step.input.event, eventKey: step.eventKey };
  }),
});
const respond = (seconds: number, key: string, response: Extract<CoachInput, { kind: 'nudge-response' }>['response']): Step => ({
  at: s(seconds),
  kind: 'input',
  input: { kind: 'nudge-response', key, response, at: s(seconds) },
});

/** Two tabs: a call with every in-call rule in tab 7, a missed call in tab 8, a message taken, reminders. */
function script(): Step[] {
  eventCount = 0;
  const steps: Step[] = [
    ev(7, 0, { type: 'ringing', direction: 'inbound', remote: { displayName: 'Anna Bērziņa', number: '+37120000000' } }),
    ev(8, 2, { type: 'ringing', direction: 'inbound', remote: { number: '+37129999999' } }),
    ev(7, 12, { type: 'answered', direction: 'inbound' }),
    respond(14, '7:a|greeting|1', { type: 'checked', itemId: 'greeting', checked: true }),
    ev(7, 20, { type: 'held', by: 'agent' }),
    respond(22, '7:a|hold-permission|1', { type: 'answered', answer: 'no' }),
    ev(8, 40, { type: 'missed', direction: 'inbound', by: 'remote', reason: 'caller-abandoned' }),
    ev(7, 75, { type: 'resumed', by: 'agent' }),
    ev(7, 80, { type: 'held', by: 'agent' }),
    ev(7, 81, { type: 'resumed', by: 'agent' }),
    together(85, [ev(7, 82, { type: 'held', by: 'agent' }), ev(7, 83, { type: 'resumed', by: 'agent' }), ev(7, 84, { type: 'held', by: 'agent' }), ev(7, 85, { type: 'resumed', by: 'agent' })]),
    ev(7, 90, { type: 'transfer-started', by: 'agent', target: 'sip:200@lab' }),
    ev(7, 91, { type: 'transfer-failed', by: 'agent', status: 486 }),
    ev(7, 92, { type: 'held', by: 'agent' }),
    ev(7, 95, { type: 'ended', by: 'agent' }),
    respond(100, '7:a|closing|1', { type: 'checked', itemId: 'recap', checked: true }),
    { at: s(101), kind: 'message', callKey: '7:a', tabId: 7, input: { callerName: 'Anna Bērziņa', forWhom: 'Jānis', text: 'Call back about the invoice', callbackWanted: true, callbackNumber: '+37120000000' } as MessageInput },
  ];
  return steps;
}

/** Run the script, stopping workers where the schedule says; returns what the agent and the history ended with. */
async function run(schedule: Schedule) {
  const w = world();
  let current = worker(w, schedule);
  /** A stopped worker is replaced by a new one, which picks up as index.ts does at its start. */
  const restart = async () => {
    for (let guard = 0; guard < 1000; guard++) {
      current = worker(w, schedule);
      try {
        await current.coach.resume();
        await current.history.runReminders();
      } catch (error) {
        if (!(error instanceof WorkerStopped)) throw error;
      }
      if (!current.life.stopped) return;
    }
    throw new Error('no worker survived');
  };
  /** A message from a page: retried (the same message, the same event key) until a worker answered. */
  const deliver = async (job: (wk: typeof current) => Promise<unknown>) => {
    for (let guard = 0; guard < 1000; guard++) {
      const wk = current;
      try {
        await job(wk);
      } catch (error) {
        if (!(error instanceof WorkerStopped)) throw error;
      }
      if (!wk.life.stopped) return;
      await restart();
    }
    throw new Error('never answered');
  };
  /** The tabs' deadline timers: a tick at the persisted next deadline, up to `until`. */
  const ticksUntil = async (until: number) => {
    for (let guard = 0; guard < 100; guard++) {
      const stored = w.session.get(META_KEY);
      const wakeAt = stored === undefined ? null : (JSON.parse(stored) as { wakeAt: number | null }).wakeAt;
      if (wakeAt === null || wakeAt > until) return;
      w.clock.now = Math.max(w.clock.now, wakeAt);
      await deliver((wk) => wk.coach.input({ kind: 'tick' }, 7));
    }
  };
  await deliver((wk) => wk.history.runReminders());
  for (const step of script()) {
    await ticksUntil(step.at);
    w.clock.now = step.at;
    // Call events go as index.ts passes them on: through `callEvents`, one message at a time.
    if (step.kind === 'input' && step.input.kind === 'call-event') {
      const { tabId, event } = step.input;
      await deliver((wk) => wk.coach.callEvents([{ tabId, frameId: step.frameId, event, eventKey: step.eventKey }]));
    } else if (step.kind === 'input') await deliver((wk) => wk.coach.input(step.input, step.tabId, step.frameId, step.eventKey));
    else if (step.kind === 'events') await deliver((wk) => wk.coach.callEvents(step.events));
    // takeMessage creates a message with a new id: a retried one is another message (not this issue's), so it is sent once.
    else if (step.kind === 'message') await deliver(async (wk) => void (await wk.shift.takeMessage(step.input, step.callKey, step.tabId)).ok);
  }
  await ticksUntil(s(3600));
  // The history is written when the queue is idle: let it be (a new worker's resume does it after a stop).
  await deliver((wk) => wk.coach.settled());
  // Reminders at their alarms: the message's, then the return calls' prompts (over the next days).
  for (let fired = 0; fired < 12; fired++) {
    const when = w.alarms.get(REMINDER_ALARM);
    if (when === undefined) break;
    w.clock.now = Math.max(w.clock.now, when);
    await deliver((wk) => wk.history.runReminders());
  }
  // What is in force now, read by a worker that is never stopped.
  const reader = worker(w, { before: new Set(), after: new Set() });
  const calls = (await reader.history.calls(0)).calls;
  const returnCalls = await reader.history.allReturnCalls();
  const screens = [...w.pages].map(([tabId, p]) => ({
    tabId,
    shown: p.shown.filter((n) => n.callKey !== '').map((n) => ({ key: n.key, text: n.text, firedAt: n.firedAt })),
    open: [...p.open].filter((key) => !key.startsWith('message:') && !key.includes('|return-call|')).sort(),
    rings: [...p.rings.keys()].sort(),
    cards: Object.fromEntries(p.cards),
  }));
  return {
    screens,
    calls: calls.map((c: CallRecord) => c),
    returnCalls: returnCalls.map((e) => ({ id: e.id, status: e.status, prompted: (e as { prompted?: unknown }).prompted })),
    reminders: [...w.notifications].map(([key, n]) => ({ key, text: n.text })).sort((a, b) => (a.key < b.key ? -1 : 1)),
    reminderCreates: [...w.notifications.values()].map((n) => n.created),
    awaits: w.awaits,
    ringsOnScreen: [...w.pages.values()].flatMap((p) => [...p.rings.keys()]),
  };
}

const never: Schedule = { before: new Set(), after: new Set() };

describe('a worker stopped at any await', () => {
  let reference: Awaited<ReturnType<typeof run>>;

  it('the run without stops coaches every rule, records both calls, queues the missed one and shows each reminder', async () => {
    reference = await run(never);
    const rules = new Set(reference.screens.flatMap((p) => p.shown.map((n) => n.key.split('|')[1])));
    for (const rule of ['answer-window', 'missed-call', 'greeting', 'caller-name', 'hold-permission', 'hold-check-back', 'hold-overuse', 'transfer-permission', 'safe-hold', 'closing']) {
      expect(rules, rule).toContain(rule);
    }
    expect(reference.calls.map((c) => [c.callKey, c.outcome, c.endedAt !== undefined])).toEqual([
      ['7:a', 'answered', true],
      ['8:b', 'missed', true],
    ]);
    expect(reference.returnCalls.map((e) => e.id).sort()).toEqual(['call:8:b', 'message:m1']);
    const reminderRules = new Set(reference.reminders.map((r) => r.key.split('|')[1]));
    expect(reminderRules).toEqual(new Set(['take-message', 'return-call']));
    expect(reference.ringsOnScreen).toEqual([]);
  });

  const same = (got: Awaited<ReturnType<typeof run>>) => {
    expect(got.screens).toEqual(reference.screens);
    expect(got.calls).toEqual(reference.calls);
    expect(got.returnCalls).toEqual(reference.returnCalls);
    expect(got.reminders).toEqual(reference.reminders);
  };

  it('loses and repeats nothing with the worker stopped at each await of the run, before and after it', async () => {
    const silence = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    for (let n = 0; n < reference.awaits; n++) {
      same(await run({ before: new Set([n]), after: new Set() }));
      same(await run({ before: new Set(), after: new Set([n]) }));
    }
    silence.mockRestore();
  }, 600_000);

  it('loses and repeats nothing under 50 random schedules of stops', async () => {
    const silence = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.record({ at: fc.nat(reference.awaits - 1), after: fc.boolean() }), { minLength: 1, maxLength: 30, selector: (p) => p.at }),
        async (points) => {
          same(await run({ before: new Set(points.filter((p) => !p.after).map((p) => p.at)), after: new Set(points.filter((p) => p.after).map((p) => p.at)) }));
        },
      ),
      { numRuns: 50 },
    );
    silence.mockRestore();
  }, 300_000);
});
