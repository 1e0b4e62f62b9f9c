import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { dailyFigures, shiftFigures, todayWindow } from '../../../src/core/figures';
import { DEFAULT_BUSINESS_HOURS } from '../../../src/core/business-days';
import { markDone, queueCallback, queueFromMissedCall, type ReturnCall } from '../../../src/core/return-calls';
import { playCalls, realisticShift } from './recorded-history';

const at = (iso: string) => Date.parse(iso);
const wed = (hms: string) => at(`2026-03-18T${hms}+02:00`);
const thu = (hms: string) => at(`2026-03-19T${hms}+02:00`);

/** Wednesday 18 March 2026 in Riga, then a little of Thursday; played through the real coach. */
const records = playCalls((p) => {
  // c1: on time; one hold the agent confirms asking for; the caller's own hold is not counted.
  p.inbound('c1', wed('09:00:00'), { displayName: 'Jānis Bērziņš', number: '+37167000001' });
  p.answered('c1', wed('09:00:03'));
  p.held('c1', wed('09:01:00'));
  p.answer('c1', 'hold-permission', 'yes', wed('09:01:02'));
  p.resumed('c1', wed('09:01:30'));
  p.held('c1', wed('09:02:00'), 'remote');
  p.resumed('c1', wed('09:02:20'), 'remote');
  p.ended('c1', wed('09:05:00'));
  // c2: late (ring 3); reminded before hold; a check-back; a completed transfer.
  p.inbound('c2', wed('10:00:00'));
  p.tick(wed('10:00:10'));
  p.answered('c2', wed('10:00:12'));
  p.holdRequested('c2', wed('10:02:00'));
  p.held('c2', wed('10:02:01'));
  p.tick(wed('10:02:46'));
  p.resumed('c2', wed('10:03:01'));
  p.transfer('c2', wed('10:04:00'), 'completed', 'sip:billing@pbx');
  p.ended('c2', wed('10:04:05'));
  // c3: abandoned in ring 4. c4: a colleague took it.
  p.inbound('c3', wed('11:00:00'), { displayName: '=HYPERLINK("http://x")', number: '+37167000003' });
  p.tick(wed('11:00:10'));
  p.missed('c3', wed('11:00:17'));
  p.inbound('c4', wed('12:00:00'));
  p.missed('c4', wed('12:00:04'), 'answered-elsewhere');
  // c5: outbound; hold, and the agent says they did not ask.
  p.outbound('c5', wed('13:00:00'));
  p.answered('c5', wed('13:00:10'), 'outbound');
  p.held('c5', wed('13:01:00'));
  p.answer('c5', 'hold-permission', 'no', wed('13:01:05'));
  p.resumed('c5', wed('13:01:40'));
  p.ended('c5', wed('13:03:00'), 'remote');
  // c6: answered too early; a 90 s hold whose question is never answered.
  p.inbound('c6', wed('14:00:00'));
  p.answered('c6', wed('14:00:00') + 500);
  p.held('c6', wed('14:01:00'));
  p.tick(wed('14:01:45'));
  p.resumed('c6', wed('14:02:30'));
  p.ended('c6', wed('14:03:00'));
  // c7: Thursday, on time in ring 2. c8: 23:30 UTC on Wednesday is 01:30 on Thursday in Riga.
  p.inbound('c7', thu('09:30:00'));
  p.answered('c7', thu('09:30:06'));
  p.ended('c7', thu('09:35:00'));
  p.inbound('c8', at('2026-03-18T23:30:00Z'));
  p.tick(at('2026-03-18T23:30:10Z'));
  p.missed('c8', at('2026-03-18T23:30:20Z'), 'no-answer');
});

const byKey = (key: string) => records.find((r) => r.callKey === key)!;
const returnedC3 = markDone(queueFromMissedCall(byKey('1:c3'), DEFAULT_BUSINESS_HOURS)!, wed('15:00:00'));
if (!returnedC3.ok) throw new Error('fixture');
const queue: ReturnCall[] = [
  returnedC3.entry,
  queueFromMissedCall(byKey('1:c8'), DEFAULT_BUSINESS_HOURS)!,
  queueCallback({ id: 'message:m0', at: at('2026-03-17T12:00:00+02:00'), caller: { name: 'Anna' } }, DEFAULT_BUSINESS_HOURS),
];
const now = thu('18:00:00');
const wednesday = { from: wed('00:00:00'), until: thu('00:00:00'), now };

describe('shift figures', () => {
  const f = shiftFigures(records, queue, wednesday);

  it('counts the calls of the window by direction and outcome', () => {
    expect(f.calls).toEqual({ total: 6, inbound: 5, outbound: 1, taken: 3, outboundConnected: 1, missed: 1, answeredElsewhere: 1, live: 0 });
  });

  it('gives the on-time share of answered inbound calls and the mean rings to answer', () => {
    expect(f.answers).toEqual({ classified: 3, unclassified: 0, onTime: 1, late: 1, tooEarly: 1, onTimeShare: 1 / 3, meanRings: 5 / 3 });
  });

  it('counts the agent’s holds, the permission answers and the reminder apart, and the hold lengths', () => {
    expect(f.holds).toEqual({
      count: 4,
      asked: 3,
      confirmed: 1,
      denied: 1,
      unanswered: 1,
      remindedBefore: 1,
      confirmedShare: 1 / 3,
      totalMs: (30 + 60 + 40 + 90) * 1000,
      meanMs: 55_000,
      longestMs: 90_000,
      longestCallKey: '1:c6',
    });
  });

  it('counts transfers, nudges by rule and flags', () => {
    expect(f.transfers).toEqual({ count: 1, completed: 1, accepted: 0, failed: 0, unknown: 0 });
    expect(f.nudgesByRule).toEqual({
      'answer-window': 2,
      'caller-name': 3, // the three answered calls that noted no caller's name within 20 s
      closing: 3, // none after the completed transfer: it handed the caller over
      greeting: 3, // one greeting checklist per answered inbound call
      'hold-check-back': 2,
      'hold-overuse': 1, // c6: 90 s of 179.5 s connected on hold, over the 40 % limit.
      'hold-permission': 4,
      'missed-call': 1,
      'transfer-permission': 1,
    });
    expect(Object.keys(f.nudgesByRule)).toEqual([...Object.keys(f.nudgesByRule)].sort());
    expect(f.nudgesTotal).toBe(20);
    expect(f.flagsByRule).toEqual({});
  });

  it('counts return calls as of the end of the window', () => {
    // c3 returned the same day; Monday's callback request was overdue by Wednesday night.
    expect(f.returnCalls).toEqual({ owed: 1, overdue: 1, created: 1, done: 1, doneOnTime: 1, doneSameDay: 1 });
    // On Thursday at 18:00 the night's missed call (due 17:00) is overdue too.
    const thursday = shiftFigures(records, queue, { from: thu('00:00:00'), until: at('2026-03-20T00:00:00+02:00'), now });
    expect(thursday.calls).toMatchObject({ total: 2, taken: 1, missed: 1 });
    expect(thursday.returnCalls).toEqual({ owed: 2, overdue: 2, created: 1, done: 0, doneOnTime: 0, doneSameDay: 0 });
  });

  it('runs a hold still going on to now, and counts a live call', () => {
    const live = playCalls((p) => {
      p.inbound('x', wed('16:00:00'));
      p.answered('x', wed('16:00:03'));
      p.held('x', wed('16:01:00'));
    });
    const g = shiftFigures(live, [], { from: wed('00:00:00'), until: thu('00:00:00'), now: wed('16:01:20') });
    expect(g.calls.live).toBe(1);
    expect(g.holds.longestMs).toBe(20_000);
  });

  it('has nulls, not NaN, for shares and means without data', () => {
    const empty = shiftFigures([], [], wednesday);
    expect(empty.answers.onTimeShare).toBeNull();
    expect(empty.answers.meanRings).toBeNull();
    expect(empty.holds).toMatchObject({ confirmedShare: null, meanMs: null, longestMs: null, longestCallKey: null });
  });

  it('does not depend on the order of the records or the queue (property)', () => {
    const shift = realisticShift(wed('09:00:00'), 40, 7);
    const expected = shiftFigures(shift, queue, wednesday);
    fc.assert(
      fc.property(fc.shuffledSubarray(shift, { minLength: shift.length }), fc.shuffledSubarray(queue, { minLength: queue.length }), (r, q) => {
        expect(shiftFigures(r, q, wednesday)).toEqual(expected);
      }),
      { numRuns: 15 },
    );
  });

  it('adds up on a realistic shift: every inbound call is taken, missed or answered elsewhere', () => {
    const shift = realisticShift(wed('08:00:00'), 60, 3);
    const g = shiftFigures(shift, [], { from: wed('00:00:00'), until: thu('00:00:00'), now });
    expect(g.calls.total).toBe(60);
    expect(g.calls.live).toBe(0);
    expect(g.calls.taken + g.calls.missed + g.calls.answeredElsewhere).toBe(g.calls.inbound);
    expect(g.answers.classified + g.answers.unclassified).toBe(g.calls.taken);
    expect(g.holds.confirmed + g.holds.denied + g.holds.unanswered).toBe(g.holds.asked);
    expect(g.holds.asked + g.holds.remindedBefore).toBeLessThanOrEqual(g.holds.count);
    expect(g.answers.onTimeShare).toBeGreaterThan(0.5);
  });
});

describe('per-day figures for a chart', () => {
  it('buckets calls by local day in the team’s zone, today last', () => {
    const days = dailyFigures(records, queue, { now, days: 3, timeZone: 'Europe/Riga' });
    expect(days.map((d) => d.date)).toEqual(['2026-03-17', '2026-03-18', '2026-03-19']);
    expect(days.map((d) => d.figures.calls.taken)).toEqual([0, 3, 1]);
    expect(days.map((d) => d.figures.calls.missed)).toEqual([0, 1, 1]);
    expect(days.map((d) => d.figures.returnCalls.owed)).toEqual([1, 1, 2]);
    expect(days[1]!.figures).toEqual(shiftFigures(records, queue, wednesday));
  });

  it('gives today’s window from local midnight to local midnight', () => {
    expect(todayWindow(wed('15:00:00'), 'Europe/Riga')).toEqual({ from: wed('00:00:00'), until: thu('00:00:00'), now: wed('15:00:00') });
    expect(todayWindow(at('2026-03-29T12:00:00+03:00'), 'Europe/Riga')).toEqual({
      from: at('2026-03-29T00:00:00+02:00'),
      until: at('2026-03-30T00:00:00+03:00'),
      now: at('2026-03-29T12:00:00+03:00'),
    });
  });

  it('puts the night call in another day in New York', () => {
    const days = dailyFigures(records, [], { now, days: 2, timeZone: 'America/New_York' });
    // 23:30 UTC is 19:30 on Wednesday in New York.
    expect(days.map((d) => [d.date, d.figures.calls.total])).toEqual([
      ['2026-03-18', 7],
      ['2026-03-19', 1],
    ]);
  });

  it('has a 23-hour day at the spring DST change and covers every instant once', () => {
    const days = dailyFigures([], [], { now: at('2026-03-31T12:00:00+03:00'), days: 5, timeZone: 'Europe/Riga' });
    expect(days.map((d) => (d.figures.until - d.figures.from) / 3_600_000)).toEqual([24, 24, 23, 24, 24]);
    for (let i = 1; i < days.length; i++) expect(days[i]!.figures.from).toBe(days[i - 1]!.figures.until);
  });
});
