import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { createHistoryStore } from '../../../src/background/history';
import {
  HISTORY_TEXT_KEYS,
  LEGACY_KEY,
  REMINDER_ALARM,
  RETENTION_ALARM,
  createHistoryService,
  historyText,
  rangeWindow,
  type HistoryServiceDeps,
} from '../../../src/background/history-service';
import { parseCoachConfig, type CoachConfig, type Nudge } from '../../../src/core/coach';
import { returnCallDue } from '../../../src/core/business-days';
import type { MessageInput } from '../../../src/core/messages';
import { playCalls } from '../core/recorded-history';
import { expectedConsole } from '../console-capture';

// Wednesday 2026-03-04 12:00 in Riga (UTC+2): a business day, the afternoon.
const NOON = Date.parse('2026-03-04T12:00:00+02:00');
const MIN = 60_000;

function config(input: object = {}): CoachConfig {
  const parsed = parseCoachConfig({ version: 1, ...input });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.config;
}

/** The service over its own in-memory IndexedDB, with a clock, storage, alarms and reminders recorded. */
function setup(options: { config?: CoachConfig; factory?: IDBFactory | undefined; legacy?: unknown } = {}) {
  const clock = { now: NOON };
  const local = new Map<string, unknown>(options.legacy === undefined ? [] : [[LEGACY_KEY, options.legacy]]);
  const session = new Map<string, unknown>();
  const alarms = new Map<string, { when?: number; delayInMinutes?: number; periodInMinutes?: number; createdAt: number }>();
  const reminded: Nudge[] = [];
  let id = 0;
  const factory = 'factory' in options ? options.factory : new IDBFactory();
  const store = createHistoryStore({ factory });
  const deps: HistoryServiceDeps = {
    store,
    now: () => clock.now,
    loadConfig: async () => options.config ?? config(),
    local: { get: async (key) => local.get(key), remove: async (key) => void local.delete(key) },
    session: { get: async (key) => session.get(key), set: async (key, value) => void session.set(key, value) },
    alarms: {
      get: async (name) => {
        const a = alarms.get(name);
        return a ? { scheduledTime: a.when ?? 0, ...(a.periodInMinutes !== undefined ? { periodInMinutes: a.periodInMinutes } : {}) } : undefined;
      },
      create: async (name, info) => void alarms.set(name, { ...info, createdAt: clock.now }),
      clear: async (name) => void alarms.delete(name),
    },
    remind: async (nudge) => void reminded.push(nudge),
    forgetCalls: async () => undefined,
    newId: () => `m${++id}`,
  };
  return { service: createHistoryService(deps), store, clock, local, session, alarms, reminded };
}

const message = (extra: Partial<MessageInput> = {}): MessageInput => ({
  callerName: 'Jānis Bērziņš',
  forWhom: 'Ilze',
  callbackWanted: false,
  callbackNumber: '',
  text: 'Please call about the invoice.',
  ...extra,
});

const missedCall = (at: number) =>
  playCalls((p) => {
    p.inbound('m1', at, { displayName: 'Anna', number: '+37120000000' });
    p.missed('m1', at + 8_000);
  })[0]!;

describe('the history wired into the worker', () => {
  it('upserts every record the coach writes, and queues a missed call for a return call due at the end of the next business day', async () => {
    const { service, store } = setup();
    const record = missedCall(NOON);
    await service.saveRecords([record]);
    await service.saveRecords([record]); // the same record again: still one entry
    const calls = await store.listCalls();
    expect(calls.ok && calls.value.items.map((r) => r.callKey)).toEqual([record.callKey]);
    const queue = await service.outstandingReturnCalls();
    expect(queue).toHaveLength(1);
    const due = returnCallDue(NOON + 8_000, config().businessHours);
    expect(queue[0]).toMatchObject({ id: `call:${record.callKey}`, reason: 'missed', dueAt: due.dueAt, sameDayTarget: due.sameDayTarget, caller: { name: 'Anna', number: '+37120000000' } });
    expect(due.dueAt).toBe(Date.parse('2026-03-05T17:00:00+02:00'));
    expect(due.sameDayTarget).toBe(Date.parse('2026-03-04T17:00:00+02:00'));
  });

  it('keeps practice calls out of the history and owes no return call to a simulated caller', async () => {
    const { service, store } = setup();
    await service.saveRecords([{ ...missedCall(NOON), source: 'practice' }]);
    const calls = await store.listCalls();
    expect(calls.ok && calls.value.items).toEqual([]);
    expect(await service.outstandingReturnCalls()).toEqual([]);
  });

  it('queues no return call for an answered call, nor with the return-call rule off', async () => {
    const answered = playCalls((p) => {
      p.inbound('a', NOON);
      p.answered('a', NOON + 6_000);
      p.ended('a', NOON + 60_000);
    })[0]!;
    const on = setup();
    await on.service.saveRecords([answered]);
    expect(await on.service.outstandingReturnCalls()).toEqual([]);
    const off = setup({ config: config({ rules: { 'return-call': { enabled: false } } }) });
    await off.service.saveRecords([missedCall(NOON)]);
    expect(await off.service.outstandingReturnCalls()).toEqual([]);
  });

  it('refuses a message without a name, a recipient and a text, with every error, and stores nothing', async () => {
    const { service } = setup();
    const result = await service.takeMessage(message({ callerName: ' ', forWhom: '', text: '' }));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.map((e) => [e.path, e.code])).toEqual([
      ['callerName', 'required'],
      ['forWhom', 'required'],
      ['text', 'required'],
    ]);
    const bad = await service.takeMessage(message({ callbackWanted: true, callbackNumber: 'call Anna' }));
    expect(!bad.ok && bad.errors.map((e) => [e.path, e.code])).toEqual([['callbackNumber', 'not-a-phone-number']]);
    expect(await service.messagesToDeliver()).toEqual([]);
  });

  it('keeps a message to deliver, queues its callback, and arms the reminder at reminderMinutes', async () => {
    const { service, alarms } = setup();
    const result = await service.takeMessage(message({ callbackWanted: true, callbackNumber: '+371 2000 0000' }), '7:call-1');
    expect(result).toMatchObject({ ok: true, message: { id: 'm1', status: 'to-deliver', callKey: '7:call-1', createdAt: NOON } });
    expect(await service.messagesToDeliver()).toHaveLength(1);
    expect(await service.outstandingReturnCalls()).toMatchObject([
      { id: 'message:m1', reason: 'callback-requested', assignee: 'Ilze', messageId: 'm1', callKey: '7:call-1', caller: { name: 'Jānis Bērziņš', number: '+371 2000 0000' } },
    ]);
    // Default 10 min: the earliest reminder (the callback's is hours away).
    expect(alarms.get(REMINDER_ALARM)?.when).toBe(NOON + 10 * MIN);
  });

  it('takes a message saved again under the same request (a retry after a worker stop) once, with its callback once', async () => {
    const { service } = setup();
    const input = message({ callbackWanted: true, callbackNumber: '+371 2000 0000' });
    const first = await service.takeMessage(input, '7:call-1', '7:run1:m1');
    const retry = await service.takeMessage(input, '7:call-1', '7:run1:m1');
    expect(first).toMatchObject({ ok: true, message: { id: 'request:7:run1:m1' } });
    expect(retry).toEqual(first);
    expect(await service.messagesToDeliver()).toHaveLength(1);
    expect(await service.outstandingReturnCalls()).toHaveLength(1);
    // Another save (another request) is another message.
    await service.takeMessage(input, '7:call-1', '7:run1:m2');
    expect(await service.messagesToDeliver()).toHaveLength(2);
  });

  it('reminds of an undelivered message once, at its time, and not after delivery', async () => {
    const { service, clock, reminded, alarms } = setup();
    await service.takeMessage(message());
    clock.now = NOON + 9 * MIN;
    await service.runReminders();
    expect(reminded).toEqual([]);
    clock.now = NOON + 10 * MIN;
    await service.runReminders();
    await service.runReminders(); // a second alarm, a restarted worker: no repeat
    expect(reminded.map((n) => [n.ruleId, n.text])).toEqual([
      ['take-message', 'The message for \u2068Ilze\u2069 from \u2068Jānis Bērziņš\u2069 is still not delivered. Deliver it now.'],
    ]);
    expect(alarms.has(REMINDER_ALARM)).toBe(false); // nothing else to remind of
    const second = await service.takeMessage(message({ forWhom: 'Pēteris' }));
    expect(second.ok && (await service.markDelivered(second.message.id))).toEqual({ ok: true });
    clock.now += 11 * MIN;
    await service.runReminders();
    expect(reminded).toHaveLength(1);
  });

  it('prompts before a return call will be missed and once it is overdue, once each, in Latvian when the team speaks it', async () => {
    const { service, clock, reminded, alarms } = setup({ config: config({ language: 'lv' }) });
    await service.saveRecords([missedCall(NOON)]);
    const due = Date.parse('2026-03-05T17:00:00+02:00');
    expect(alarms.get(REMINDER_ALARM)?.when).toBe(due - 60 * MIN);
    clock.now = due - 60 * MIN;
    await service.runReminders();
    await service.runReminders();
    expect(reminded.map((n) => n.key)).toEqual([`call:1:m1|return-call|will-miss|${due}`]);
    expect(reminded[0]!.text).toBe('Zvanītājam \u2068Anna\u2069, \u2068+37120000000\u2069 jāatzvana līdz ceturtd., 17:00. Ja nepaspējat, pasakiet, kāpēc un kad atzvanīsiet.');
    expect(alarms.get(REMINDER_ALARM)?.when).toBe(due);
    clock.now = due + MIN;
    await service.runReminders();
    expect(reminded.map((n) => n.key.split('|')[2])).toEqual(['will-miss', 'overdue']);
  });

  it('never arms the reminder alarm under 30 s ahead; a reminder due now is shown at once', async () => {
    const { service, clock, alarms, reminded } = setup({ config: config({ rules: { 'take-message': { reminderMinutes: 1 } } }) });
    await service.takeMessage(message());
    await service.takeMessage(message({ forWhom: 'Pēteris' }));
    clock.now = NOON + 50_000;
    await service.takeMessage(message({ forWhom: 'Laura' })); // reminders at +60 s, +60 s, +110 s
    expect(alarms.get(REMINDER_ALARM)!.when! - clock.now).toBeGreaterThanOrEqual(30_000);
    clock.now = NOON + 61_000;
    await service.runReminders();
    expect(reminded).toHaveLength(2);
    expect(alarms.get(REMINDER_ALARM)!.when).toBe(clock.now + 49_000);
  });

  it('marks a return call done, told the caller (a new deadline), or reopened', async () => {
    const { service, clock } = setup();
    await service.saveRecords([missedCall(NOON)]);
    const [entry] = await service.outstandingReturnCalls();
    const promise = clock.now + 2 * 86_400_000;
    expect(await service.returnCallAction(entry!.id, { type: 'told-caller', promisedAt: promise })).toEqual({ ok: true });
    expect((await service.outstandingReturnCalls())[0]).toMatchObject({ status: 'told-caller', promisedAt: promise });
    expect(await service.returnCallAction(entry!.id, { type: 'told-caller', promisedAt: clock.now - 1 })).toMatchObject({ ok: false });
    expect(await service.returnCallAction(entry!.id, { type: 'done' })).toEqual({ ok: true });
    expect(await service.outstandingReturnCalls()).toEqual([]);
    expect(await service.returnCallAction(entry!.id, { type: 'reopen' })).toEqual({ ok: true });
    expect((await service.outstandingReturnCalls())[0]).toMatchObject({ status: 'open' });
    expect(await service.returnCallAction('nope', { type: 'done' })).toMatchObject({ ok: false });
  });

  it('imports the old recentCalls list once and removes it', async () => {
    const records = playCalls((p) => {
      p.inbound('a', NOON);
      p.answered('a', NOON + 5_000);
      p.ended('a', NOON + 60_000);
      p.inbound('b', NOON + 120_000);
      p.missed('b', NOON + 130_000);
    });
    const { service, local, store } = setup({ legacy: [...records, { junk: true }] });
    const said = expectedConsole('info');
    await service.importLegacy();
    expect(said).toEqual(['[Second Ring] imported 2 call record(s) into the history (0 already there, 1 unreadable)']);
    expect(local.has(LEGACY_KEY)).toBe(false);
    const listed = await store.listCalls();
    expect(listed.ok && listed.value.items.map((r) => r.callId)).toEqual(['a', 'b']);
    await service.importLegacy(); // nothing left to import
    expect((await store.counts()).ok).toBe(true);
  });

  it('keeps the old list when the history cannot take it (the next start tries again)', async () => {
    const { service, local } = setup({ factory: undefined, legacy: [] });
    const errors = expectedConsole('error');
    await service.importLegacy();
    expect(local.has(LEGACY_KEY)).toBe(true);
    expect(errors).toEqual([expect.stringMatching(/^\[Second Ring\] history: The call history cannot be opened in this browser right now\./)]);
  });

  it('reports a storage failure for the pages, and does not throw: coaching goes on', async () => {
    const { service } = setup({ factory: undefined });
    const errors = expectedConsole('error');
    await expect(service.saveRecords([missedCall(NOON)])).resolves.toBeUndefined();
    expect(await service.problem()).toMatchObject({ kind: 'unavailable', at: NOON });
    expect(await service.takeMessage(message())).toMatchObject({ ok: false, errors: [{ code: 'storage' }] });
    expect(await service.calls()).toEqual({ calls: [], skipped: 0 });
    await expect(service.runReminders()).resolves.toBeUndefined();
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.filter((line) => !/^\[Second Ring\] history: The call history cannot be opened in this browser right now\./.test(line))).toEqual([]);
  });

  it('clears the problem once a write goes through again', async () => {
    const { service, session } = setup();
    session.set('history/problem', { kind: 'quota', message: 'full', at: 1 });
    expect(await service.problem()).toMatchObject({ kind: 'quota' });
    await service.saveRecords([missedCall(NOON)]);
    expect(await service.problem()).toBeNull();
  });

  it('exports the window as CSV with a BOM, and as a call timeline', async () => {
    const { service } = setup();
    await service.saveRecords([missedCall(NOON), { ...missedCall(NOON - 3 * 86_400_000), callKey: '1:old', callId: 'old' }]);
    const csv = await service.exportCalls('csv', 'today');
    expect(csv).toMatchObject({ ok: true, fileName: 'second-ring-calls-today-2026-03-04.csv', mimeType: 'text/csv;charset=utf-8' });
    const text = csv.ok ? csv.text : '';
    expect(text.startsWith('\uFEFFcall_key,')).toBe(true);
    expect(text.trimEnd().split('\r\n')).toHaveLength(2); // today's call only
    const week = await service.exportCalls('timeline', '7d');
    const timeline = JSON.parse(week.ok ? week.text : '{}');
    expect(timeline).toMatchObject({ format: 'second-ring/call-timeline', version: 1, timeZone: 'Europe/Riga' });
    expect(timeline.calls).toHaveLength(2);
  });

  it('wipes everything, the old list and the reminder alarm too', async () => {
    const { service, local, alarms, store } = setup({ legacy: [] });
    await service.takeMessage(message());
    expect(alarms.has(REMINDER_ALARM)).toBe(true);
    await service.saveRecords([missedCall(NOON)]);
    expect(await service.wipe()).toEqual({ ok: true });
    expect(await store.counts()).toEqual({ ok: true, value: { calls: 0, messages: 0, returnCalls: 0 } });
    expect(local.has(LEGACY_KEY)).toBe(false);
    expect(alarms.has(REMINDER_ALARM)).toBe(false);
  });

  it('keeps 30 days by default, daily through an alarm created once', async () => {
    const { service, store, clock, alarms } = setup();
    await service.saveRecords([missedCall(NOON - 31 * 86_400_000), missedCall(NOON - 29 * 86_400_000)].map((r, i) => ({ ...r, callKey: `k${i}`, callId: `c${i}` })));
    await service.enforceRetention();
    const listed = await store.listCalls();
    expect(listed.ok && listed.value.items.map((r) => r.callKey)).toEqual(['k1']);
    await service.ensureRetentionAlarm();
    const first = alarms.get(RETENTION_ALARM);
    expect(first).toMatchObject({ periodInMinutes: 1440, delayInMinutes: 1440 });
    clock.now += 1000;
    await service.ensureRetentionAlarm();
    expect(alarms.get(RETENTION_ALARM)).toBe(first);
  });

  it('has every reminder text in English and Latvian', () => {
    for (const key of HISTORY_TEXT_KEYS) {
      expect(historyText('en', key)).not.toMatch(/^\[/);
      expect(historyText('lv', key)).not.toBe(historyText('en', key));
    }
  });

  it('computes the windows of the figures on local days of the team', () => {
    const zone = 'Europe/Riga';
    expect(rangeWindow('today', NOON, zone)).toEqual({ from: Date.parse('2026-03-04T00:00:00+02:00'), until: Date.parse('2026-03-05T00:00:00+02:00'), now: NOON });
    expect(rangeWindow('7d', NOON, zone).from).toBe(Date.parse('2026-02-26T00:00:00+02:00'));
    // Across the change to summer time (29 March): still local midnights.
    expect(rangeWindow('30d', Date.parse('2026-04-02T12:00:00+03:00'), zone).from).toBe(Date.parse('2026-03-04T00:00:00+02:00'));
  });
});
