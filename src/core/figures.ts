/**
 * Shift figures from call records and the return-call queue: what the agent's popup shows for
 * the shift, and per-day buckets for a chart of the last N days. Pure and deterministic: the
 * window, `now` and the time zone are parameters, and the output does not depend on the order
 * of the records.
 *
 * Definitions (a call belongs to a window when it *started* in it, `[from, until)`):
 *  - **taken**: inbound calls answered. **missed**: inbound calls never answered, except those a
 *    colleague took off a ring-all queue (`answered-elsewhere`, counted on their own: not the
 *    agent's miss).
 *  - **on-time share**: on-time answers over answered inbound calls *with an answer class*. A
 *    call the adapter only saw once answered (joined mid-call) has no ring count; it is counted
 *    as `unclassified` and left out, rather than counted as late.
 *  - **mean rings**: over answered inbound calls with a ring count.
 *  - **holds**: the agent's holds only (a hold by the other side is not the agent's to coach).
 *    Durations run to `now` for a hold still going on. **asked**: holds that got the "Did you
 *    ask permission?" question; **confirmed**: those answered "yes". **confirmed share** =
 *    confirmed / asked. A "before" reminder (the agent reached for Hold and was reminded to ask)
 *    is counted as `remindedBefore` and is in neither: it prompts the agent to ask but nobody
 *    confirmed anything, and counting it as unconfirmed would penalise the softphones that let
 *    the extension remind in time. An unanswered question counts against the share: the agent
 *    was asked and did not say yes.
 *  - **transfers**: the agent's transfers (started by the agent), with their outcomes.
 *  - **nudges by rule**: every nudge the coach showed on the window's calls (the ring counter is
 *    not a nudge); **flags by rule**: after-the-fact coaching flags (e.g. `safe-hold`).
 *  - **return calls**: as of `asOf = min(now, until)`: `owed` = created before `asOf` and not
 *    returned by then; `overdue` = owed whose deadline (the promise given to the caller once the
 *    agent told them, else the due time) has come; `created` and `done` in the window;
 *    `doneOnTime` = done in the window by the due time (or the promised time);
 *    `doneSameDay` = done by the same-day target.
 */
import type { AnswerClass, CallRecord, RuleId } from './coach/types';
import type { ReturnCall } from './return-calls';
import { addDays, localDate, startOfLocalDay } from './business-days';

export interface FigureWindow {
  /** Inclusive, epoch ms. */
  from: number;
  /** Exclusive, epoch ms. */
  until: number;
  /** The present: holds still going on run to it; return calls are counted as of min(now, until). */
  now: number;
}

export interface CallFigures {
  total: number;
  inbound: number;
  outbound: number;
  /** Inbound answered. */
  taken: number;
  /** Outbound answered by the other side. */
  outboundConnected: number;
  /** Inbound never answered, not counting `answered-elsewhere`. */
  missed: number;
  answeredElsewhere: number;
  /** Not yet ended: ringing, dialing, or connected (a connected one also counts as taken). */
  live: number;
}

export interface AnswerFigures {
  /** Answered inbound calls with an answer class. */
  classified: number;
  unclassified: number;
  onTime: number;
  late: number;
  tooEarly: number;
  /** onTime / classified; null when nothing was classified. */
  onTimeShare: number | null;
  /** Mean ring number at answer; null when no answered call has a ring count. */
  meanRings: number | null;
}

export interface HoldFigures {
  /** The agent's holds. */
  count: number;
  asked: number;
  confirmed: number;
  denied: number;
  /** Questions left unanswered. */
  unanswered: number;
  remindedBefore: number;
  /** confirmed / asked; null when no hold was asked about. */
  confirmedShare: number | null;
  totalMs: number;
  /** null without holds. */
  meanMs: number | null;
  longestMs: number | null;
  longestCallKey: string | null;
}

export interface TransferFigures {
  count: number;
  completed: number;
  accepted: number;
  failed: number;
  /** No outcome seen (yet). */
  unknown: number;
}

export interface ReturnCallFigures {
  owed: number;
  overdue: number;
  created: number;
  done: number;
  doneOnTime: number;
  doneSameDay: number;
}

export interface ShiftFigures {
  from: number;
  until: number;
  calls: CallFigures;
  answers: AnswerFigures;
  holds: HoldFigures;
  transfers: TransferFigures;
  returnCalls: ReturnCallFigures;
  /** Keys in alphabetical order; rules without nudges are absent. */
  nudgesByRule: Partial<Record<RuleId, number>>;
  nudgesTotal: number;
  flagsByRule: Partial<Record<RuleId, number>>;
}

export interface DayFigures {
  /** Local date in the given time zone. */
  date: string;
  figures: ShiftFigures;
}

const inWindow = (at: number, w: { from: number; until: number }) => at >= w.from && at < w.until;

const mean = (sum: number, n: number): number | null => (n === 0 ? null : sum / n);

function sortedCounts(counts: Map<RuleId, number>): Partial<Record<RuleId, number>> {
  const out: Partial<Record<RuleId, number>> = {};
  for (const id of [...counts.keys()].sort()) out[id] = counts.get(id);
  return out;
}

function callFigures(records: readonly CallRecord[]): CallFigures {
  const f: CallFigures = { total: 0, inbound: 0, outbound: 0, taken: 0, outboundConnected: 0, missed: 0, answeredElsewhere: 0, live: 0 };
  for (const r of records) {
    f.total++;
    if (r.direction === 'inbound') f.inbound++;
    else f.outbound++;
    if (r.endedAt === undefined) f.live++;
    if (r.answeredAt !== undefined || r.outcome === 'answered') {
      if (r.direction === 'inbound') f.taken++;
      else f.outboundConnected++;
    } else if (r.outcome === 'missed' && r.direction === 'inbound') {
      if (r.missedReason === 'answered-elsewhere') f.answeredElsewhere++;
      else f.missed++;
    }
  }
  return f;
}

function answerFigures(records: readonly CallRecord[]): AnswerFigures {
  const classes: Record<AnswerClass, number> = { 'on-time': 0, late: 0, 'too-early': 0 };
  let unclassified = 0;
  let rings = 0;
  let ringCalls = 0;
  for (const r of records) {
    if (r.direction !== 'inbound' || (r.answeredAt === undefined && r.outcome !== 'answered')) continue;
    if (r.answerClass) classes[r.answerClass]++;
    else unclassified++;
    if (r.rings !== undefined) {
      rings += r.rings;
      ringCalls++;
    }
  }
  const classified = classes['on-time'] + classes.late + classes['too-early'];
  return {
    classified,
    unclassified,
    onTime: classes['on-time'],
    late: classes.late,
    tooEarly: classes['too-early'],
    onTimeShare: mean(classes['on-time'], classified),
    meanRings: mean(rings, ringCalls),
  };
}

function holdFigures(records: readonly CallRecord[], now: number): HoldFigures {
  const f: HoldFigures = {
    count: 0,
    asked: 0,
    confirmed: 0,
    denied: 0,
    unanswered: 0,
    remindedBefore: 0,
    confirmedShare: null,
    totalMs: 0,
    meanMs: null,
    longestMs: null,
    longestCallKey: null,
  };
  for (const r of records) {
    for (const hold of r.holds) {
      if (hold.by !== 'agent') continue;
      const ms = Math.max(0, (hold.end ?? Math.max(now, hold.start)) - hold.start);
      f.count++;
      f.totalMs += ms;
      // Ties go to the earlier call, whatever the input order.
      if (f.longestMs === null || ms > f.longestMs || (ms === f.longestMs && r.callKey < (f.longestCallKey ?? ''))) {
        f.longestMs = ms;
        f.longestCallKey = r.callKey;
      }
    }
    for (const n of r.nudges) {
      if (n.ruleId !== 'hold-permission') continue;
      const question = n.kind === 'question' || n.answer !== undefined;
      if (!question) {
        f.remindedBefore++;
        continue;
      }
      f.asked++;
      if (n.answer === 'yes') f.confirmed++;
      else if (n.answer === 'no') f.denied++;
      else f.unanswered++;
    }
  }
  f.confirmedShare = mean(f.confirmed, f.asked);
  f.meanMs = mean(f.totalMs, f.count);
  return f;
}

function transferFigures(records: readonly CallRecord[]): TransferFigures {
  const f: TransferFigures = { count: 0, completed: 0, accepted: 0, failed: 0, unknown: 0 };
  for (const r of records) {
    for (const t of r.transfers) {
      if (t.by !== 'agent') continue;
      f.count++;
      f[t.outcome ?? 'unknown']++;
    }
  }
  return f;
}

/** The deadline in force at `asOf`: the promise once the agent had told the caller, else the due time. */
function deadlineAsOf(entry: ReturnCall, asOf: number): number {
  return entry.promisedAt !== undefined && entry.toldCallerAt !== undefined && entry.toldCallerAt <= asOf
    ? entry.promisedAt
    : entry.dueAt;
}

function returnCallFigures(entries: readonly ReturnCall[], w: FigureWindow): ReturnCallFigures {
  const asOf = Math.min(w.now, w.until);
  const f: ReturnCallFigures = { owed: 0, overdue: 0, created: 0, done: 0, doneOnTime: 0, doneSameDay: 0 };
  for (const e of entries) {
    if (inWindow(e.createdAt, w)) f.created++;
    const doneAt = e.status === 'done' ? e.doneAt : undefined;
    if (doneAt !== undefined && inWindow(doneAt, w)) {
      f.done++;
      if (doneAt <= deadlineAsOf(e, doneAt)) f.doneOnTime++;
      if (e.sameDayTarget !== null && doneAt <= e.sameDayTarget) f.doneSameDay++;
    }
    const owed = e.createdAt < asOf && (doneAt === undefined || doneAt >= asOf);
    if (owed) {
      f.owed++;
      if (deadlineAsOf(e, asOf) <= asOf) f.overdue++;
    }
  }
  return f;
}

/** Figures for the calls that started in `[from, until)` and the return-call queue as of then. */
export function shiftFigures(records: readonly CallRecord[], returnCalls: readonly ReturnCall[], window: FigureWindow): ShiftFigures {
  const calls = records.filter((r) => inWindow(r.startedAt, window));
  const nudges = new Map<RuleId, number>();
  const flags = new Map<RuleId, number>();
  let nudgesTotal = 0;
  for (const r of calls) {
    for (const n of r.nudges) {
      nudges.set(n.ruleId, (nudges.get(n.ruleId) ?? 0) + 1);
      nudgesTotal++;
    }
    for (const flag of r.flags) flags.set(flag.ruleId, (flags.get(flag.ruleId) ?? 0) + 1);
  }
  return {
    from: window.from,
    until: window.until,
    calls: callFigures(calls),
    answers: answerFigures(calls),
    holds: holdFigures(calls, window.now),
    transfers: transferFigures(calls),
    returnCalls: returnCallFigures(returnCalls, window),
    nudgesByRule: sortedCounts(nudges),
    nudgesTotal,
    flagsByRule: sortedCounts(flags),
  };
}

/** The window of the local day of `now` in `timeZone` (midnight to midnight), for "today's figures". */
export function todayWindow(now: number, timeZone: string): FigureWindow {
  const today = localDate(now, timeZone);
  return { from: startOfLocalDay(today, timeZone), until: startOfLocalDay(addDays(today, 1), timeZone), now };
}

/**
 * One bucket per local day in `timeZone` for the last `days` days, today (the day of `now`)
 * last. Day boundaries are local midnights, so a DST day is 23 or 25 hours long. Today's bucket
 * ends at the next midnight; its return calls are counted as of `now`.
 */
export function dailyFigures(
  records: readonly CallRecord[],
  returnCalls: readonly ReturnCall[],
  options: { now: number; days: number; timeZone: string },
): DayFigures[] {
  const today = localDate(options.now, options.timeZone);
  const count = Math.max(0, Math.floor(options.days));
  const out: DayFigures[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const date = addDays(today, -i);
    const from = startOfLocalDay(date, options.timeZone);
    const until = startOfLocalDay(addDays(date, 1), options.timeZone);
    out.push({ date, figures: shiftFigures(records, returnCalls, { from, until, now: options.now }) });
  }
  return out;
}
