/**
 * Business hours, business days and the return-call due times computed on them
 * (rules-catalogue.md, `return-call`: "within one business day, the same day if possible").
 *
 * Everything is in the team's time zone (`hours.timeZone`), never the machine's: the agent's
 * browser may run in another zone than the call center. Time-zone arithmetic uses only
 * `Intl.DateTimeFormat` (no date library, no `Date` local-time methods), so the results are the
 * same whatever `TZ` the machine has; the tests run under several to prove it.
 *
 * Instants are epoch milliseconds (as in CallRecord); local calendar dates are "YYYY-MM-DD"
 * strings in the team's zone; times of day are "HH:MM".
 *
 * ## When a return call is due
 *
 * One rule, no special cases: **a return call is due at the close of the first business day
 * that opens at or after the call.** That is the catalogue's "due = end of next business day",
 * made precise for calls outside business hours:
 *
 * | call (Mon–Fri 09:00–17:00)     | same-day target | due            |
 * |--------------------------------|-----------------|----------------|
 * | Wednesday 12:00                | Wednesday 17:00 | Thursday 17:00 |
 * | Friday 16:59                   | Friday 17:00    | Monday 17:00   |
 * | Friday 17:01, Saturday, Sunday | none            | Monday 17:00   |
 * | Monday 08:59 (before opening)  | Monday 17:00    | Monday 17:00   |
 *
 * Why: "within one business day" promises the caller one whole business day, no more. A call
 * during business hours gets the rest of today plus the next business day. A call after close
 * (or on a weekend or holiday) gets the next business day whole, which is exactly one business
 * day; pushing it to the day after would make the 17:01 caller wait a day longer than the 16:59
 * caller while the agent has the same working time (all of Monday) for both. The rule is
 * monotonic (a later call is never due earlier) and the window between the call and the due time
 * always contains one complete business day; the property tests check both.
 *
 * The same-day target is the close of the call's own local day when that is a business day and
 * the call came before its close ("the same day if possible"). For a call before opening it
 * equals the due time.
 *
 * ## Daylight saving time
 *
 * Opening and closing are wall-clock times: 17:00 is 17:00 local on both sides of a DST change,
 * so the instants between two closes are 23, 24 or 25 hours apart. A wall time that does not
 * exist (in the gap when clocks spring forward) resolves to the instant after the gap; one that
 * happens twice (clocks fall back) resolves to the first (Temporal's "compatible"
 * disambiguation).
 */

/** ISO weekday: Monday = 1 … Sunday = 7. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/**
 * When the team works. Structurally the same as the configuration's `businessHours`, so a
 * validated configuration can be passed as is.
 */
export interface BusinessHours {
  /** IANA time zone, e.g. "Europe/Riga". */
  timeZone: string;
  /** ISO weekdays the team works (Monday = 1 … Sunday = 7); at least one. */
  days: readonly number[];
  /** "HH:MM" local to `timeZone`; before `close`. */
  open: string;
  /** "HH:MM" local to `timeZone`; "24:00" means the end of the day. */
  close: string;
  /** "YYYY-MM-DD" local dates with no business, e.g. public holidays. */
  holidays: readonly string[];
}

/**
 * The catalogue's default, the one home of it (the configuration's default is this object):
 * Monday to Friday 09:00–17:00 in Riga, and no holidays. Public holidays are the team lead's
 * to list (options page, or policy): a built-in list would be one country's, and out of date
 * the year after it was written (README, "Business hours and holidays").
 */
export const DEFAULT_BUSINESS_HOURS: Readonly<{ timeZone: string; days: number[]; open: string; close: string; holidays: string[] }> = {
  timeZone: 'Europe/Riga',
  days: [1, 2, 3, 4, 5],
  open: '09:00',
  close: '17:00',
  holidays: [],
};

/** One business day: its local date and when it opens and closes (epoch ms). */
export interface BusinessDay {
  date: string;
  opensAt: number;
  closesAt: number;
}

export interface ReturnCallDue {
  /** The close of the first business day that opens at or after the call. */
  dueAt: number;
  /** That business day's local date, for "by the end of Monday". */
  dueDate: string;
  /** The close of the call's own day, if that is a business day and the call came before its close. */
  sameDayTarget: number | null;
}

// ─── time-zone arithmetic ──────────────────────────────────────────────────────────────────

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock reading in `timeZone` at `at`, to the second. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export function wallClock(at: number, timeZone: string): WallClock {
  const out: WallClock = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatter(timeZone).formatToParts(at)) {
    if (part.type in out) out[part.type as keyof WallClock] = Number(part.value);
  }
  // Some engines still say 24 for midnight despite h23.
  if (out.hour === 24) out.hour = 0;
  return out;
}

/** The zone's offset from UTC at `at`, in ms (e.g. +3 h in Riga in summer). */
export function offsetAt(at: number, timeZone: string): number {
  const w = wallClock(at, timeZone);
  const wallMs = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return wallMs - (at - mod(at, 1000));
}

function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

/** Days since 1970-01-01 of a "YYYY-MM-DD" date (calendar arithmetic, no zone). */
function dayNumber(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d) / DAY_MS;
}

function dateOfDayNumber(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/** `date` plus `days` calendar days. */
export function addDays(date: string, days: number): string {
  return dateOfDayNumber(dayNumber(date) + days);
}

/** ISO weekday of a local date (Monday = 1 … Sunday = 7). */
export function isoWeekday(date: string): IsoWeekday {
  const sundayZero = new Date(dayNumber(date) * DAY_MS).getUTCDay();
  return (sundayZero === 0 ? 7 : sundayZero) as IsoWeekday;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The local calendar date ("YYYY-MM-DD") in `timeZone` at `at`. */
export function localDate(at: number, timeZone: string): string {
  const w = wallClock(at, timeZone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
}

/**
 * The instant at which the wall clock in `timeZone` reads `date` + `minutes` after midnight.
 * Minutes may reach 1440 ("24:00", the next midnight). A wall time in a DST gap resolves to the
 * instant after the gap; one that happens twice, to the first.
 */
export function zonedTime(date: string, minutes: number, timeZone: string): number {
  const wall = dayNumber(date) * DAY_MS + minutes * MINUTE_MS;
  // No zone changes its offset twice within two days: the offsets a day either side are the
  // only candidates.
  const before = offsetAt(wall - DAY_MS, timeZone);
  const after = offsetAt(wall + DAY_MS, timeZone);
  const candidates = before === after ? [wall - before] : [wall - before, wall - after].sort((a, b) => a - b);
  for (const at of candidates) {
    if (at + offsetAt(at, timeZone) === wall) return at;
  }
  // In the gap: the old offset carries the wall time past the jump, as a clock would.
  return wall - before;
}

/** The start (local midnight) of the local day of `dateOrAt`. */
export function startOfLocalDay(dateOrAt: string | number, timeZone: string): number {
  const date = typeof dateOrAt === 'number' ? localDate(dateOrAt, timeZone) : dateOrAt;
  return zonedTime(date, 0, timeZone);
}

/** ISO 8601 local time with the zone's offset, e.g. "2026-03-27T16:59:00+02:00". */
export function formatLocalIso(at: number, timeZone: string): string {
  const w = wallClock(at, timeZone);
  const offsetMinutes = Math.round(offsetAt(at, timeZone) / MINUTE_MS);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return (
    `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

// ─── business days ─────────────────────────────────────────────────────────────────────────

const TIME_OF_DAY = /^(?:([01]\d|2[0-3]):([0-5]\d)|(24):(00))$/;

/** Minutes after midnight of "HH:MM" ("24:00" = 1440); NaN when malformed. */
export function minutesOfDay(time: string): number {
  const m = TIME_OF_DAY.exec(time);
  if (!m) return Number.NaN;
  return Number(m[1] ?? m[3]) * 60 + Number(m[2] ?? m[4]);
}

interface Compiled {
  open: number;
  close: number;
  days: ReadonlySet<number>;
  holidays: ReadonlySet<string>;
}

const compiledCache = new WeakMap<BusinessHours, Compiled>();

function compile(hours: BusinessHours): Compiled {
  let c = compiledCache.get(hours);
  if (!c) {
    const open = minutesOfDay(hours.open);
    const close = minutesOfDay(hours.close);
    const days = new Set(hours.days.filter((d) => Number.isInteger(d) && d >= 1 && d <= 7));
    // Validated configuration never gets here; a hand-made one must not loop or mislead.
    if (!(open < close)) throw new RangeError(`Business hours: opening ${hours.open} must come before closing ${hours.close}`);
    if (days.size === 0) throw new RangeError('Business hours: no working day');
    c = { open, close, days, holidays: new Set(hours.holidays) };
    compiledCache.set(hours, c);
  }
  return c;
}

/** Whether the local date is a working weekday and not a holiday. */
export function isBusinessDay(date: string, hours: BusinessHours): boolean {
  const c = compile(hours);
  return c.days.has(isoWeekday(date)) && !c.holidays.has(date);
}

/** The business day of a local date (or of the local date at an instant); null if not a business day. */
export function businessDayOf(dateOrAt: string | number, hours: BusinessHours): BusinessDay | null {
  const date = typeof dateOrAt === 'number' ? localDate(dateOrAt, hours.timeZone) : dateOrAt;
  if (!isBusinessDay(date, hours)) return null;
  const c = compile(hours);
  return {
    date,
    opensAt: zonedTime(date, c.open, hours.timeZone),
    closesAt: zonedTime(date, c.close, hours.timeZone),
  };
}

/** Whether `at` falls in business hours: opening inclusive, closing exclusive. */
export function isBusinessTime(at: number, hours: BusinessHours): boolean {
  const day = businessDayOf(at, hours);
  return day !== null && at >= day.opensAt && at < day.closesAt;
}

/** The close of the business day of a local date (or of the local date at an instant); null if not a business day. */
export function endOfBusinessDay(dateOrAt: string | number, hours: BusinessHours): number | null {
  return businessDayOf(dateOrAt, hours)?.closesAt ?? null;
}

/**
 * The first business day strictly after the local date of `dateOrAt` (whatever its time of
 * day). Always found: among `holidays.length + 1` consecutive weeks one has no holiday, and every
 * week has a working day.
 */
export function nextBusinessDay(dateOrAt: string | number, hours: BusinessHours): BusinessDay {
  const date = typeof dateOrAt === 'number' ? localDate(dateOrAt, hours.timeZone) : dateOrAt;
  const limit = 7 * (compile(hours).holidays.size + 1);
  for (let i = 1; i <= limit; i++) {
    const day = businessDayOf(addDays(date, i), hours);
    if (day) return day;
  }
  throw new RangeError('Business hours: no business day found'); // Unreachable with a working day.
}

/** The first business day whose opening is at or after `at`. */
export function firstBusinessDayOpeningFrom(at: number, hours: BusinessHours): BusinessDay {
  const today = businessDayOf(at, hours);
  return today && at <= today.opensAt ? today : nextBusinessDay(at, hours);
}

/** The due time and same-day target of a return call for a call at `at` (see the module comment). */
export function returnCallDue(at: number, hours: BusinessHours): ReturnCallDue {
  const today = businessDayOf(at, hours);
  const due = firstBusinessDayOpeningFrom(at, hours);
  return {
    dueAt: due.closesAt,
    dueDate: due.date,
    sameDayTarget: today && at < today.closesAt ? today.closesAt : null,
  };
}
