import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { CallRecord } from '../../../src/core/coach/types';
import { DEFAULT_BUSINESS_HOURS } from '../../../src/core/business-days';
import {
  deadlineOf,
  dueSoon,
  markDone,
  markPrompted,
  markToldCaller,
  nextReminderAt,
  overdue,
  pendingPrompts,
  queueCallback,
  queueFromMissedCall,
  reopen,
  sortQueue,
  willMissDue,
  type ReturnCall,
} from '../../../src/core/return-calls';

const at = (iso: string) => Date.parse(iso);
const MIN = 60_000;
const HOUR = 60 * MIN;

function missedCall(overrides: Partial<CallRecord> = {}): CallRecord {
  return {
    callKey: '3:abc@pbx',
    callId: 'abc@pbx',
    tabId: 3,
    source: 'sip-websocket',
    direction: 'inbound',
    remote: { displayName: 'Jānis Bērziņš', number: '+37167000000' },
    startedAt: at('2026-03-18T11:59:40+02:00'),
    endedAt: at('2026-03-18T12:00:00+02:00'),
    outcome: 'missed',
    endedBy: 'remote',
    missedReason: 'caller-abandoned',
    rings: 4,
    holds: [],
    transfers: [],
    events: [],
    nudges: [],
    flags: [],
    ...overrides,
  };
}

const entry = (overrides: Partial<ReturnCall> = {}): ReturnCall => ({
  id: 'call:1',
  caller: { number: '+37167000001' },
  reason: 'missed',
  createdAt: at('2026-03-18T12:00:00+02:00'),
  dueAt: at('2026-03-19T17:00:00+02:00'),
  sameDayTarget: at('2026-03-18T17:00:00+02:00'),
  status: 'open',
  ...overrides,
});

describe('queueing return calls', () => {
  it('queues a missed inbound call with its caller, due the next business day, by a stable id', () => {
    expect(queueFromMissedCall(missedCall(), DEFAULT_BUSINESS_HOURS)).toEqual({
      id: 'call:3:abc@pbx',
      callKey: '3:abc@pbx',
      caller: { name: 'Jānis Bērziņš', number: '+37167000000' },
      reason: 'missed',
      createdAt: at('2026-03-18T12:00:00+02:00'),
      dueAt: at('2026-03-19T17:00:00+02:00'),
      sameDayTarget: at('2026-03-18T17:00:00+02:00'),
      status: 'open',
    });
  });

  it('counts from when the call stopped ringing: one that rang until after closing has no same-day target', () => {
    const entry = queueFromMissedCall(
      missedCall({ startedAt: at('2026-03-20T16:59:50+02:00'), endedAt: at('2026-03-20T17:00:10+02:00') }),
      DEFAULT_BUSINESS_HOURS,
    );
    expect(entry?.sameDayTarget).toBeNull();
    expect(entry?.dueAt).toBe(at('2026-03-23T17:00:00+02:00'));
  });

  it('queues nothing for answered, outbound, or answered-elsewhere calls', () => {
    expect(queueFromMissedCall(missedCall({ outcome: 'answered', answeredAt: 1 }), DEFAULT_BUSINESS_HOURS)).toBeNull();
    expect(queueFromMissedCall(missedCall({ direction: 'outbound', missedReason: 'failed' }), DEFAULT_BUSINESS_HOURS)).toBeNull();
    expect(queueFromMissedCall(missedCall({ missedReason: 'answered-elsewhere' }), DEFAULT_BUSINESS_HOURS)).toBeNull();
    expect(queueFromMissedCall(missedCall({ outcome: 'live' }), DEFAULT_BUSINESS_HOURS)).toBeNull();
  });

  it('queues a missed call from an unknown caller with an empty caller, and drops blank names', () => {
    expect(queueFromMissedCall(missedCall({ remote: { displayName: '  ' } }), DEFAULT_BUSINESS_HOURS)?.caller).toEqual({});
    expect(queueFromMissedCall(missedCall({ remote: undefined }), DEFAULT_BUSINESS_HOURS)?.caller).toEqual({});
  });

  it('queues a requested callback for the message recipient', () => {
    const e = queueCallback(
      { id: 'message:m1', messageId: 'm1', at: at('2026-03-18T10:00:00+02:00'), caller: { name: 'Anna', number: '+371 2000 0000' }, assignee: 'Pēteris' },
      DEFAULT_BUSINESS_HOURS,
    );
    expect(e).toMatchObject({ id: 'message:m1', messageId: 'm1', reason: 'callback-requested', assignee: 'Pēteris', status: 'open' });
    expect(e.dueAt).toBe(at('2026-03-19T17:00:00+02:00'));
  });
});

describe('due soon, overdue and the "will miss" nudge', () => {
  const now = at('2026-03-19T16:30:00+02:00');

  it('lists owed entries due within the window, soonest first, and past-due ones as overdue', () => {
    const a = entry({ id: 'a', dueAt: now + 20 * MIN });
    const b = entry({ id: 'b', dueAt: now + 10 * MIN });
    const c = entry({ id: 'c', dueAt: now + 3 * HOUR });
    const d = entry({ id: 'd', dueAt: now - MIN });
    const done = entry({ id: 'e', dueAt: now + 5 * MIN, status: 'done', doneAt: now - HOUR });
    expect(dueSoon([a, b, c, d, done], now, HOUR).map((e) => e.id)).toEqual(['b', 'a']);
    expect(overdue([a, b, c, d, done], now).map((e) => e.id)).toEqual(['d']);
  });

  it('is overdue from the due time itself: at 17:00 the business day is over', () => {
    const e = entry({ dueAt: now });
    expect(overdue([e], now)).toEqual([e]);
    expect(dueSoon([e], now, HOUR)).toEqual([]);
  });

  it('says the due time will be missed within the lead time before it, while still owed', () => {
    const e = entry({ dueAt: now + 30 * MIN });
    expect(willMissDue(e, now, HOUR)).toBe(true);
    expect(willMissDue(e, now, 20 * MIN)).toBe(false);
    expect(willMissDue({ ...e, status: 'done', doneAt: now }, now, HOUR)).toBe(false);
    expect(willMissDue(e, now + 30 * MIN, HOUR)).toBe(false); // Overdue by then.
  });

  it('uses the time promised to the caller as the deadline once they were told', () => {
    const told = markToldCaller(entry({ dueAt: now + 10 * MIN }), now, now + 2 * HOUR + 30 * MIN);
    expect(told.ok).toBe(true);
    if (!told.ok) return;
    expect(told.entry.status).toBe('told-caller');
    expect(deadlineOf(told.entry)).toBe(now + 2 * HOUR + 30 * MIN);
    expect(willMissDue(told.entry, now, HOUR)).toBe(false);
    expect(overdue([told.entry], now + HOUR)).toEqual([]);
    expect(overdue([told.entry], now + 3 * HOUR)).toEqual([told.entry]);
  });
});

describe('prompts and the reminder alarm', () => {
  const due = at('2026-03-19T17:00:00+02:00');
  const lead = HOUR;

  it('arms the alarm for the will-miss moment, then the due time, and nothing once done', () => {
    const e = entry({ dueAt: due });
    const early = due - 5 * HOUR;
    expect(nextReminderAt([e], early, lead)).toBe(due - lead);
    expect(pendingPrompts([e], early, lead)).toEqual([]);

    const prompts = pendingPrompts([e], due - lead, lead);
    expect(prompts).toEqual([{ entry: e, kind: 'will-miss', deadline: due, key: `call:1|return-call|will-miss|${due}` }]);
    const prompted = markPrompted(e, 'will-miss');
    expect(pendingPrompts([prompted], due - lead + MIN, lead)).toEqual([]);
    expect(nextReminderAt([prompted], due - lead + MIN, lead)).toBe(due);

    expect(pendingPrompts([prompted], due, lead).map((p) => p.kind)).toEqual(['overdue']);
    const both = markPrompted(prompted, 'overdue');
    expect(nextReminderAt([both], due + MIN, lead)).toBeNull();
    const done = markDone(e, due - 2 * HOUR);
    expect(done.ok && nextReminderAt([done.entry], early, lead)).toBeNull();
  });

  it('returns now when a prompt is already pending, e.g. after the browser was closed past the due time', () => {
    const e = entry({ dueAt: due });
    expect(nextReminderAt([e], due + 3 * HOUR, lead)).toBe(due + 3 * HOUR);
    expect(pendingPrompts([e], due + 3 * HOUR, lead).map((p) => p.kind)).toEqual(['overdue']);
  });

  it('prompts again for a new promise once the caller was told', () => {
    const e = markPrompted(entry({ dueAt: due }), 'will-miss');
    const told = markToldCaller(e, due - 30 * MIN, due + 20 * HOUR);
    if (!told.ok) throw new Error(told.reason);
    expect(pendingPrompts([told.entry], due, lead)).toEqual([]);
    expect(nextReminderAt([told.entry], due, lead)).toBe(due + 19 * HOUR);
    expect(pendingPrompts([told.entry], due + 19 * HOUR, lead)[0]?.key).toBe(`call:1|return-call|will-miss|${due + 20 * HOUR}`);
  });

  it('never returns a reminder time in the past, and always one when something is owed (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            dueOffset: fc.integer({ min: -3 * 86_400_000, max: 3 * 86_400_000 }),
            status: fc.constantFrom<ReturnCall['status']>('open', 'done', 'told-caller'),
            promptedWillMiss: fc.boolean(),
            promptedOverdue: fc.boolean(),
          }),
          { maxLength: 8 },
        ),
        fc.integer({ min: 0, max: 3 * HOUR }),
        (specs, leadMs) => {
          const now = due;
          const entries = specs.map((s, i) => {
            let e = entry({ id: `e${i}`, dueAt: now + s.dueOffset, status: s.status === 'told-caller' ? 'open' : s.status });
            if (s.status === 'told-caller') e = { ...e, status: 'told-caller', toldCallerAt: now - HOUR, promisedAt: now + s.dueOffset };
            if (s.promptedWillMiss) e = markPrompted(e, 'will-miss');
            if (s.promptedOverdue) e = markPrompted(e, 'overdue');
            return e;
          });
          const next = nextReminderAt(entries, now, leadMs);
          const pending = pendingPrompts(entries, now, leadMs);
          if (next !== null) expect(next).toBeGreaterThanOrEqual(now);
          if (pending.length > 0) expect(next).toBe(now);
          const unpromptedOverdue = entries.some((e) => e.status !== 'done' && e.prompted?.overdue !== deadlineOf(e));
          if (unpromptedOverdue) expect(next).not.toBeNull();
          // Whatever is pending at `next` is really new.
          if (next !== null && pending.length === 0) expect(pendingPrompts(entries, next, leadMs).length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('the entry life cycle', () => {
  it('marks done once and keeps the first time', () => {
    const first = markDone(entry(), 100, 'Called back, sorted.');
    if (!first.ok) throw new Error();
    expect(first.entry).toMatchObject({ status: 'done', doneAt: 100, note: 'Called back, sorted.' });
    const again = markDone(first.entry, 200);
    expect(again.ok && again.entry.doneAt).toBe(100);
  });

  it('refuses to tell the caller about a returned call or to promise a time in the past', () => {
    const done = markDone(entry(), 100);
    if (!done.ok) throw new Error();
    expect(markToldCaller(done.entry, 200, 300).ok).toBe(false);
    expect(markToldCaller(entry(), 200, 200).ok).toBe(false);
  });

  it('reopens a done or told entry with its original due time', () => {
    const told = markToldCaller(entry(), 100, 5000);
    if (!told.ok) throw new Error();
    const back = reopen(told.entry);
    expect(back.ok && back.entry).toEqual(entry());
  });

  it('sorts the queue: owed by deadline, then returned ones latest first', () => {
    const list = [
      entry({ id: 'done-early', status: 'done', doneAt: 10 }),
      entry({ id: 'late', dueAt: 500 }),
      entry({ id: 'done-late', status: 'done', doneAt: 20 }),
      entry({ id: 'soon', dueAt: 300 }),
      entry({ id: 'told', dueAt: 100, status: 'told-caller', toldCallerAt: 50, promisedAt: 400 }),
    ];
    expect(sortQueue(list).map((e) => e.id)).toEqual(['soon', 'told', 'late', 'done-late', 'done-early']);
  });
});
