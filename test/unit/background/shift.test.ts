import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { createCoachRunner, type CoachRunner } from '../../../src/background/coach-runner';
import { createHistoryStore } from '../../../src/background/history';
import { createHistoryService, type HistoryService } from '../../../src/background/history-service';
import { createShiftWiring, type ContentEnvelope } from '../../../src/background/shift';
import { DEFAULT_CONFIG, type Nudge } from '../../../src/core/coach';
import type { CallEvent } from '../../../src/core/call-event';
import type { CardCall, MessageInput } from '../../../src/core/messages';
import { expectedConsole } from '../console-capture';
import { fakeStorage } from './fake-storage';

const T0 = Date.parse('2026-03-04T12:00:00+02:00');
const TAB = 7;
const config = { ...DEFAULT_CONFIG, organization: 'Acme', agentName: 'Anna' };

/** The worker's parts as index.ts puts them together, over fakes: session storage, tabs, alarms, IndexedDB. */
function worker(options: { tabs?: number[]; visible?: boolean } = {}) {
  const clock = { now: T0 };
  const sent: { tabId: number; message: ContentEnvelope }[] = [];
  const notified: Nudge[] = [];
  const shift = createShiftWiring({
    coach: () => coach,
    history: () => history,
    loadConfig: async () => config,
    sendToContent: async (tabId, message) => {
      sent.push({ tabId, message: structuredClone(message) });
      return message.type === 'reminder' ? { shown: true, visible: options.visible ?? true } : undefined;
    },
    softphoneTabs: async () => options.tabs ?? [TAB],
    notify: async (nudge) => void notified.push(nudge),
    now: () => clock.now,
  });
  let id = 0;
  const history: HistoryService = createHistoryService({
    store: createHistoryStore({ factory: new IDBFactory() }),
    now: () => clock.now,
    loadConfig: async () => config,
    local: { get: async () => undefined, remove: async () => undefined },
    session: { get: async () => undefined, set: async () => undefined },
    alarms: { get: async () => undefined, create: async () => undefined, clear: async () => undefined },
    remind: (nudge) => shift.remind(nudge),
    forgetCalls: async () => undefined,
    newId: () => `m${++id}`,
  });
  const coach: CoachRunner = createCoachRunner({
    now: () => clock.now,
    loadConfig: async () => config,
    session: fakeStorage(),
    sendToTab: async () => ({ shown: true }),
    setAlarm: async () => undefined,
    showCards: (records) => shift.showCards(records),
    saveRecords: (records) => shift.saveRecords(records),
    setTimer: () => () => undefined,
  });
  const cards = () => sent.filter((s) => s.message.type === 'card').map((s) => (s.message as Extract<ContentEnvelope, { type: 'card' }>).payload.card);
  const lastCard = (): CardCall | undefined => cards().at(-1);
  return { shift, coach, history, clock, sent, notified, cards, lastCard };
}

const event = (e: Partial<CallEvent> & { type: CallEvent['type'] }, at: number) =>
  ({ callId: 'c1', source: 'sip-websocket', at, ...e }) as CallEvent;
const input = (w: ReturnType<typeof worker>, e: CallEvent) => w.coach.input({ kind: 'call-event', tabId: TAB, event: e }, TAB);

const message: MessageInput = { callerName: 'Jānis', forWhom: 'Ilze', callbackWanted: false, callbackNumber: '', text: 'Call back' };

describe('the shift wiring between the coach, the tabs and the history', () => {
  it('sends the card to the tab whenever the call record changes, and keeps the record in the history', async () => {
    const w = worker();
    await input(w, event({ type: 'ringing', direction: 'inbound', remote: { displayName: 'Anna K', number: '+37120000000' } }, T0));
    expect(w.lastCard()).toMatchObject({ callKey: `${TAB}:c1`, state: 'ringing', remote: { displayName: 'Anna K' } });
    w.clock.now = T0 + 6_000;
    await input(w, event({ type: 'answered', direction: 'inbound' }, T0 + 6_000));
    expect(w.lastCard()).toMatchObject({ state: 'connected', answeredAt: T0 + 6_000 });
    expect(w.lastCard()?.greeting?.items.map((i) => i.text)).toEqual(['Hello,', 'this is Anna', 'with Acme.', 'How can I help you today?']);
    expect(w.sent.every((s) => s.tabId === TAB)).toBe(true);
    // The history is written once the coach's queue is idle.
    await w.coach.settled();
    expect((await w.history.calls()).calls.map((r) => r.outcome)).toEqual(['answered']);
  });

  it("records the card's notes through the coach, and only for the tab's own calls", async () => {
    const w = worker();
    await input(w, event({ type: 'ringing', direction: 'inbound' }, T0));
    await input(w, event({ type: 'answered', direction: 'inbound' }, T0));
    const key = `${TAB}:c1`;
    await w.shift.note(key, { type: 'caller-name', name: '  Jānis   Bērziņš ' }, T0, TAB);
    await w.shift.note(key, { type: 'greeting-part', part: 'ownName', checked: true }, T0, TAB);
    await w.shift.note(key, { type: 'caller-name', name: 'Forged' }, T0, TAB + 1); // another tab: ignored
    expect(w.lastCard()).toMatchObject({ callerName: 'Jānis Bērziņš', greeting: { checked: ['ownName'] } });
    await w.coach.settled();
    const [record] = (await w.history.calls()).calls;
    expect(record).toMatchObject({ callerName: 'Jānis Bērziņš', greetingChecked: ['ownName'] });
  });

  it('notes a message on its call, shows it on the card, and shows it delivered', async () => {
    const w = worker();
    await input(w, event({ type: 'ringing', direction: 'inbound' }, T0));
    await input(w, event({ type: 'answered', direction: 'inbound' }, T0));
    const saved = await w.shift.takeMessage(message, `${TAB}:c1`, TAB);
    expect(saved.ok).toBe(true);
    expect(w.lastCard()?.messages).toEqual([{ id: 'm1', forWhom: 'Ilze', status: 'to-deliver' }]);
    expect(await w.shift.markDelivered('m1')).toEqual({ ok: true });
    expect(w.lastCard()?.messages).toEqual([{ id: 'm1', forWhom: 'Ilze', status: 'delivered' }]);
    // From another tab, a message is still kept, but not noted on this tab's call.
    const other = await w.shift.takeMessage(message, `${TAB}:c1`, TAB + 1);
    expect(other.ok && other.message.callKey).toBeUndefined();
    await w.coach.settled();
    expect((await w.history.calls()).calls[0]?.messages).toEqual(['m1']);
  });

  it('notes a message saved twice under one request (the page link retried it) once on the call', async () => {
    const w = worker();
    await input(w, event({ type: 'ringing', direction: 'inbound' }, T0));
    await input(w, event({ type: 'answered', direction: 'inbound' }, T0));
    const first = await w.shift.takeMessage(message, `${TAB}:c1`, TAB, 'run1:m1');
    const retry = await w.shift.takeMessage(message, `${TAB}:c1`, TAB, 'run1:m1');
    expect(retry).toEqual(first);
    expect(w.lastCard()?.messages).toHaveLength(1);
    expect((await w.history.calls()).calls[0]?.messages).toEqual([`request:${TAB}:run1:m1`]);
  });

  it('shows a reminder in the softphone tabs, and as a desktop notification when no tab shows it', async () => {
    const nudge: Nudge = { key: 'r1', callKey: '', tabId: 0, ruleId: 'return-call', occurrence: 1, severity: 'nudge', kind: 'toast', text: 'Call back', firedAt: T0 };
    const seen = worker({ tabs: [3, 4] });
    await seen.shift.remind(nudge);
    expect(seen.sent.map((s) => [s.tabId, s.message.type])).toEqual([
      [3, 'reminder'],
      [4, 'reminder'],
    ]);
    expect(seen.notified).toEqual([]);
    const hidden = worker({ visible: false });
    await hidden.shift.remind(nudge);
    expect(hidden.notified.map((n) => n.key)).toEqual(['r1']);
    const none = worker({ tabs: [] });
    await none.shift.remind(nudge);
    expect(none.notified).toHaveLength(1);
  });

  it('keeps coaching when the history cannot store anything', async () => {
    const w = worker();
    // The history breaks: every operation fails as a result (never throws).
    const broken = createHistoryService({
      store: createHistoryStore({ factory: undefined }),
      now: () => T0,
      loadConfig: async () => config,
      local: { get: async () => undefined, remove: async () => undefined },
      session: { get: async () => undefined, set: async () => undefined },
      alarms: { get: async () => undefined, create: async () => undefined, clear: async () => undefined },
      remind: async () => undefined,
      forgetCalls: async () => undefined,
      newId: () => 'x',
    });
    Object.assign(w.history, broken);
    const errors = expectedConsole('error');
    await input(w, event({ type: 'ringing', direction: 'inbound' }, T0));
    w.clock.now = T0 + 10_000;
    await w.coach.input({ kind: 'tick' });
    expect(w.lastCard()?.state).toBe('ringing');
    expect((await w.coach.records()).map((r) => r.callKey)).toEqual([`${TAB}:c1`]);
    await w.coach.settled();
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.filter((line) => !/^\[Second Ring\] history: The call history cannot be opened in this browser right now\./.test(line))).toEqual([]);
  });
});
