import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DEFAULT_BUSINESS_HOURS,
  addDays,
  businessDayOf,
  endOfBusinessDay,
  formatLocalIso,
  isBusinessDay,
  isBusinessTime,
  isoWeekday,
  localDate,
  nextBusinessDay,
  returnCallDue,
  startOfLocalDay,
  wallClock,
  zonedTime,
  type BusinessHours,
} from '../../../src/core/business-days';

/** Instants are written with explicit offsets, so the expectations do not use the code under test. */
const at = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad instant ${iso}`);
  return ms;
};

/**
 * Latvian public holidays of 2026 and 2027 (Law on Public Holidays, Commemoration Days and
 * Celebration Days), including those that fall on a weekend: what a Latvian team lead enters
 * (the product's default has no holidays; README, "Business hours and holidays").
 */
const LATVIAN_HOLIDAYS_2026_2027: readonly string[] = [
  '2026-01-01', '2026-04-03', '2026-04-05', '2026-04-06', '2026-05-01', '2026-05-04', '2026-06-23',
  '2026-06-24', '2026-11-18', '2026-12-24', '2026-12-25', '2026-12-26', '2026-12-31',
  '2027-01-01', '2027-03-26', '2027-03-28', '2027-03-29', '2027-05-01', '2027-05-04', '2027-06-23',
  '2027-06-24', '2027-11-18', '2027-12-24', '2027-12-25', '2027-12-26', '2027-12-31',
];

/** The default hours (Mon–Fri 09:00–17:00, Riga) with the Latvian holidays a team lead entered. */
const RIGA: BusinessHours = { ...DEFAULT_BUSINESS_HOURS, holidays: LATVIAN_HOLIDAYS_2026_2027 };
const NEW_YORK: BusinessHours = { timeZone: 'America/New_York', days: [1, 2, 3, 4, 5], open: '09:00', close: '17:00', holidays: ['2026-11-26', '2026-12-25'] };

describe('business days in Riga (Mon–Fri 09:00–17:00, Latvian holidays)', () => {
  it('counts weekdays as business days and weekends and holidays as not', () => {
    expect(isoWeekday('2026-03-27')).toBe(5);
    expect(isBusinessDay('2026-03-27', RIGA)).toBe(true);
    expect(isBusinessDay('2026-03-28', RIGA)).toBe(false);
    expect(isBusinessDay('2026-03-29', RIGA)).toBe(false);
    expect(isBusinessDay('2026-12-24', RIGA)).toBe(false);
    expect(isBusinessDay('2026-04-03', RIGA)).toBe(false); // Good Friday
  });

  it('is business time from opening (inclusive) to closing (exclusive), in Riga time', () => {
    expect(isBusinessTime(at('2026-03-27T09:00:00+02:00'), RIGA)).toBe(true);
    expect(isBusinessTime(at('2026-03-27T08:59:59.999+02:00'), RIGA)).toBe(false);
    expect(isBusinessTime(at('2026-03-27T16:59:59.999+02:00'), RIGA)).toBe(true);
    expect(isBusinessTime(at('2026-03-27T17:00:00+02:00'), RIGA)).toBe(false);
    expect(isBusinessTime(at('2026-03-28T12:00:00+02:00'), RIGA)).toBe(false);
    expect(isBusinessTime(at('2026-12-24T12:00:00+02:00'), RIGA)).toBe(false);
    // 07:30 UTC is 09:30 in Riga in winter and 10:30 in summer.
    expect(isBusinessTime(at('2026-02-02T07:30:00Z'), RIGA)).toBe(true);
    expect(isBusinessTime(at('2026-02-02T06:30:00Z'), RIGA)).toBe(false);
  });

  it('gives the close of a business day by date or by instant, and null for a day off', () => {
    expect(endOfBusinessDay('2026-03-27', RIGA)).toBe(at('2026-03-27T17:00:00+02:00'));
    expect(endOfBusinessDay(at('2026-03-27T23:30:00+02:00'), RIGA)).toBe(at('2026-03-27T17:00:00+02:00'));
    expect(endOfBusinessDay('2026-03-30', RIGA)).toBe(at('2026-03-30T17:00:00+03:00'));
    expect(endOfBusinessDay('2026-03-28', RIGA)).toBeNull();
    expect(endOfBusinessDay('2026-12-25', RIGA)).toBeNull();
  });

  it('finds the next business day over weekends and runs of holidays', () => {
    expect(nextBusinessDay('2026-03-27', RIGA).date).toBe('2026-03-30');
    expect(nextBusinessDay(at('2026-03-25T23:59:00+02:00'), RIGA).date).toBe('2026-03-26');
    // 24, 25 Dec holidays, 26–27 weekend.
    expect(nextBusinessDay('2026-12-23', RIGA)).toEqual({
      date: '2026-12-28',
      opensAt: at('2026-12-28T09:00:00+02:00'),
      closesAt: at('2026-12-28T17:00:00+02:00'),
    });
    // 31 Dec and 1 Jan holidays, then a weekend.
    expect(nextBusinessDay('2026-12-30', RIGA).date).toBe('2027-01-04');
  });
});

describe('return-call due times', () => {
  it('makes a call at 16:59 on Friday due at 17:00 on Monday, with a same-day target of 17:00 Friday', () => {
    expect(returnCallDue(at('2026-03-20T16:59:00+02:00'), RIGA)).toEqual({
      dueAt: at('2026-03-23T17:00:00+02:00'),
      dueDate: '2026-03-23',
      sameDayTarget: at('2026-03-20T17:00:00+02:00'),
    });
  });

  it('makes a call at 17:01 on Friday due at 17:00 on Monday too, with no same-day target', () => {
    expect(returnCallDue(at('2026-03-20T17:01:00+02:00'), RIGA)).toEqual({
      dueAt: at('2026-03-23T17:00:00+02:00'),
      dueDate: '2026-03-23',
      sameDayTarget: null,
    });
  });

  it('makes a call at exactly 17:00 an after-hours call', () => {
    const due = returnCallDue(at('2026-03-20T17:00:00+02:00'), RIGA);
    expect(due.sameDayTarget).toBeNull();
    expect(due.dueDate).toBe('2026-03-23');
  });

  it('makes a call during a weekday due at the close of the next business day', () => {
    expect(returnCallDue(at('2026-03-18T12:00:00+02:00'), RIGA)).toEqual({
      dueAt: at('2026-03-19T17:00:00+02:00'),
      dueDate: '2026-03-19',
      sameDayTarget: at('2026-03-18T17:00:00+02:00'),
    });
  });

  it('makes a call before opening due the same day, which is also its same-day target', () => {
    const due = returnCallDue(at('2026-03-23T08:59:00+02:00'), RIGA);
    expect(due.dueAt).toBe(at('2026-03-23T17:00:00+02:00'));
    expect(due.sameDayTarget).toBe(due.dueAt);
    // At opening exactly the whole day is still ahead; a millisecond later it is not.
    expect(returnCallDue(at('2026-03-23T09:00:00+02:00'), RIGA).dueDate).toBe('2026-03-23');
    expect(returnCallDue(at('2026-03-23T09:00:00.001+02:00'), RIGA).dueDate).toBe('2026-03-24');
  });

  it('makes weekend calls due at the close of Monday, with no same-day target', () => {
    for (const iso of ['2026-03-21T10:00:00+02:00', '2026-03-22T23:59:00+02:00']) {
      expect(returnCallDue(at(iso), RIGA)).toEqual({ dueAt: at('2026-03-23T17:00:00+02:00'), dueDate: '2026-03-23', sameDayTarget: null });
    }
  });

  it('skips holidays: a call on 23 December is due on 28 December, one on Christmas Eve too', () => {
    expect(returnCallDue(at('2026-12-23T10:00:00+02:00'), RIGA)).toEqual({
      dueAt: at('2026-12-28T17:00:00+02:00'),
      dueDate: '2026-12-28',
      sameDayTarget: at('2026-12-23T17:00:00+02:00'),
    });
    expect(returnCallDue(at('2026-12-24T11:00:00+02:00'), RIGA).sameDayTarget).toBeNull();
    expect(returnCallDue(at('2026-12-24T11:00:00+02:00'), RIGA).dueDate).toBe('2026-12-28');
    // Easter: Good Friday and Easter Monday.
    expect(returnCallDue(at('2026-04-02T16:59:00+03:00'), RIGA).dueDate).toBe('2026-04-07');
  });

  it('keeps 17:00 local across the spring DST change in Riga (the weekend of 29 March 2026)', () => {
    // Friday at +02:00, Monday at +03:00: 71 h 1 min apart, not 72 h.
    const due = returnCallDue(at('2026-03-27T16:59:00+02:00'), RIGA);
    expect(due.dueAt).toBe(at('2026-03-30T14:00:00Z'));
    expect(formatLocalIso(due.dueAt, 'Europe/Riga')).toBe('2026-03-30T17:00:00+03:00');
    expect(due.sameDayTarget).toBe(at('2026-03-27T15:00:00Z'));
  });

  it('keeps 17:00 local across the autumn DST change in Riga (the weekend of 25 October 2026)', () => {
    const due = returnCallDue(at('2026-10-23T12:00:00+03:00'), RIGA);
    expect(due.dueAt).toBe(at('2026-10-26T15:00:00Z'));
    expect(formatLocalIso(due.dueAt, 'Europe/Riga')).toBe('2026-10-26T17:00:00+02:00');
  });

  it('keeps 17:00 local across both DST changes in New York', () => {
    expect(returnCallDue(at('2026-03-06T16:59:00-05:00'), NEW_YORK).dueAt).toBe(at('2026-03-09T17:00:00-04:00'));
    expect(returnCallDue(at('2026-10-30T16:59:00-04:00'), NEW_YORK).dueAt).toBe(at('2026-11-02T17:00:00-05:00'));
    // Thanksgiving is a holiday there.
    expect(returnCallDue(at('2026-11-25T10:00:00-05:00'), NEW_YORK).dueDate).toBe('2026-11-27');
  });

  it('uses the team zone, not the caller’s: 23:30 in New York is already the next morning in Riga', () => {
    // Thursday 23:30 New York = Friday 06:30 Riga: before opening on Friday.
    const due = returnCallDue(at('2026-03-19T23:30:00-04:00'), RIGA);
    expect(due.dueDate).toBe('2026-03-20');
    expect(due.sameDayTarget).toBe(at('2026-03-20T17:00:00+02:00'));
  });
});

describe('wall-clock arithmetic', () => {
  it('resolves a time in the spring-forward gap to the instant after the gap, and a repeated one to the first', () => {
    expect(zonedTime('2026-03-08', 2 * 60 + 30, 'America/New_York')).toBe(at('2026-03-08T03:30:00-04:00'));
    expect(zonedTime('2026-11-01', 60 + 30, 'America/New_York')).toBe(at('2026-11-01T01:30:00-04:00'));
    const gapHours: BusinessHours = { timeZone: 'America/New_York', days: [1, 2, 3, 4, 5, 6, 7], open: '02:30', close: '12:00', holidays: [] };
    expect(businessDayOf('2026-03-08', gapHours)?.opensAt).toBe(at('2026-03-08T07:30:00Z'));
  });

  it('finds wall times on the day of a DST change, before and after it', () => {
    expect(zonedTime('2026-03-29', 2 * 60, 'Europe/Riga')).toBe(at('2026-03-29T02:00:00+02:00'));
    expect(zonedTime('2026-03-29', 10 * 60, 'Europe/Riga')).toBe(at('2026-03-29T10:00:00+03:00'));
    expect(zonedTime('2026-10-25', 2 * 60, 'Europe/Riga')).toBe(at('2026-10-25T02:00:00+03:00'));
    expect(zonedTime('2026-10-25', 10 * 60, 'Europe/Riga')).toBe(at('2026-10-25T10:00:00+02:00'));
    expect(zonedTime('2026-03-08', 9 * 60, 'America/New_York')).toBe(at('2026-03-08T09:00:00-04:00'));
  });

  it('treats a close of 24:00 as the next midnight', () => {
    const allDay: BusinessHours = { ...RIGA, open: '00:00', close: '24:00' };
    expect(endOfBusinessDay('2026-03-27', allDay)).toBe(at('2026-03-28T00:00:00+02:00'));
    expect(isBusinessTime(at('2026-03-27T23:59:59+02:00'), allDay)).toBe(true);
  });

  it('has 23- and 25-hour local days at the DST changes', () => {
    const spring = startOfLocalDay('2026-03-30', 'Europe/Riga') - startOfLocalDay('2026-03-29', 'Europe/Riga');
    const autumn = startOfLocalDay('2026-10-26', 'Europe/Riga') - startOfLocalDay('2026-10-25', 'Europe/Riga');
    expect(spring / 3_600_000).toBe(23);
    expect(autumn / 3_600_000).toBe(25);
  });

  it('formats local times with the zone offset, including fractional ones', () => {
    expect(formatLocalIso(at('2026-06-01T12:00:00Z'), 'Asia/Kathmandu')).toBe('2026-06-01T17:45:00+05:45');
    expect(formatLocalIso(at('2026-01-15T12:00:00Z'), 'America/St_Johns')).toBe('2026-01-15T08:30:00-03:30');
  });

  it('refuses hours with no working day or with closing before opening, rather than looping', () => {
    expect(() => nextBusinessDay('2026-03-27', { ...RIGA, days: [] })).toThrow(RangeError);
    expect(() => businessDayOf('2026-03-27', { ...RIGA, open: '17:00', close: '09:00' })).toThrow(RangeError);
  });

  it('finds a zoned time whose wall clock reads back the same, for any instant in many zones', () => {
    const zones = ['Europe/Riga', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/St_Johns', 'Pacific/Chatham', 'UTC'];
    fc.assert(
      fc.property(fc.integer({ min: at('2024-01-01T00:00:00Z') / 60_000, max: at('2029-01-01T00:00:00Z') / 60_000 }), fc.constantFrom(...zones), (minute, zone) => {
        const instant = minute * 60_000;
        const w = wallClock(instant, zone);
        const found = zonedTime(localDate(instant, zone), w.hour * 60 + w.minute, zone);
        // The same wall time, and the earliest instant showing it (only differs in a repeated hour).
        expect(wallClock(found, zone)).toEqual(w);
        expect(found).toBeLessThanOrEqual(instant);
      }),
      { numRuns: 500 },
    );
  });
});

const HOURS_TO_TRY: BusinessHours[] = [
  RIGA,
  NEW_YORK,
  { timeZone: 'Australia/Lord_Howe', days: [1, 2, 3, 4, 5, 6], open: '08:30', close: '18:00', holidays: ['2026-04-03', '2026-12-25'] },
  { timeZone: 'America/New_York', days: [7], open: '01:30', close: '02:30', holidays: [] }, // Inside the DST changes.
  { timeZone: 'Asia/Kathmandu', days: [1, 3, 5], open: '00:00', close: '24:00', holidays: ['2026-05-01'] },
];

const instants = fc.integer({ min: at('2025-06-01T00:00:00Z'), max: at('2027-12-01T00:00:00Z') });

/** The business day before `date` (searching back). */
function previousBusinessDay(date: string, hours: BusinessHours) {
  for (let i = 1; i < 400; i++) {
    const day = businessDayOf(addDays(date, -i), hours);
    if (day) return day;
  }
  throw new Error('none');
}

describe('return-call due times, for any instant (properties)', () => {
  it('falls due at a close, in business time just before it, after the call', () => {
    fc.assert(
      fc.property(instants, fc.constantFrom(...HOURS_TO_TRY), (t, hours) => {
        const due = returnCallDue(t, hours);
        expect(due.dueAt).toBeGreaterThan(t);
        expect(isBusinessDay(due.dueDate, hours)).toBe(true);
        expect(due.dueAt).toBe(endOfBusinessDay(due.dueDate, hours));
        expect(isBusinessTime(due.dueAt - 1, hours)).toBe(true);
        expect(isBusinessTime(due.dueAt, hours) && localDate(due.dueAt, hours.timeZone) === due.dueDate).toBe(false);
      }),
      { numRuns: 400 },
    );
  });

  it('leaves one whole business day between the call and the due time, and no more than needed', () => {
    fc.assert(
      fc.property(instants, fc.constantFrom(...HOURS_TO_TRY), (t, hours) => {
        const due = returnCallDue(t, hours);
        const dueDay = businessDayOf(due.dueDate, hours)!;
        expect(dueDay.opensAt).toBeGreaterThanOrEqual(t);
        expect(previousBusinessDay(due.dueDate, hours).opensAt).toBeLessThan(t);
      }),
      { numRuns: 400 },
    );
  });

  it('puts the same-day target after the call and no later than the due time', () => {
    fc.assert(
      fc.property(instants, fc.constantFrom(...HOURS_TO_TRY), (t, hours) => {
        const { sameDayTarget, dueAt } = returnCallDue(t, hours);
        if (sameDayTarget === null) {
          const today = businessDayOf(t, hours);
          expect(today === null || t >= today.closesAt).toBe(true);
        } else {
          expect(sameDayTarget).toBeGreaterThan(t);
          expect(sameDayTarget).toBeLessThanOrEqual(dueAt);
          expect(localDate(sameDayTarget - 1, hours.timeZone)).toBe(localDate(t, hours.timeZone));
        }
      }),
      { numRuns: 400 },
    );
  });

  it('never makes a later call due earlier', () => {
    fc.assert(
      fc.property(instants, fc.integer({ min: 0, max: 5 * 86_400_000 }), fc.constantFrom(...HOURS_TO_TRY), (t, later, hours) => {
        expect(returnCallDue(t + later, hours).dueAt).toBeGreaterThanOrEqual(returnCallDue(t, hours).dueAt);
      }),
      { numRuns: 300 },
    );
  });
});

describe('independence from the machine’s time zone', () => {
  const original = process.env.TZ;
  afterEach(() => {
    if (original === undefined) delete process.env.TZ;
    else process.env.TZ = original;
  });

  const sample = () => {
    const out: unknown[] = [];
    for (let t = at('2026-03-20T00:00:00Z'); t < at('2026-04-10T00:00:00Z'); t += 3_600_000 * 7 + 60_000 * 13) {
      out.push(returnCallDue(t, RIGA), returnCallDue(t, NEW_YORK), isBusinessTime(t, RIGA), localDate(t, 'Europe/Riga'));
    }
    out.push(startOfLocalDay('2026-10-25', 'Europe/Riga'), formatLocalIso(at('2026-10-25T01:30:00Z'), 'Europe/Riga'));
    return out;
  };

  it('gives the same answers whatever TZ the process runs in', () => {
    process.env.TZ = 'Europe/Riga';
    const baseline = sample();
    for (const zone of ['UTC', 'America/Los_Angeles', 'Pacific/Kiritimati', 'Asia/Kathmandu', 'Australia/Lord_Howe']) {
      process.env.TZ = zone;
      // Proof that the switch took effect: local-time Date methods now follow the new zone.
      expect(new Date(at('2026-01-15T12:00:00Z')).getTimezoneOffset()).toBe(
        { UTC: 0, 'America/Los_Angeles': 480, 'Pacific/Kiritimati': -840, 'Asia/Kathmandu': -345, 'Australia/Lord_Howe': -660 }[zone],
      );
      expect(sample()).toEqual(baseline);
    }
  });
});

describe('the configuration’s business hours', () => {
  it('can be passed as they are (the shapes match)', async () => {
    const { DEFAULT_CONFIG } = await import('../../../src/core/coach/config');
    const hours: BusinessHours = DEFAULT_CONFIG.businessHours;
    expect(returnCallDue(at('2026-03-20T16:59:00+02:00'), hours).dueDate).toBe('2026-03-23');
  });
});
