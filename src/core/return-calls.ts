/**
 * The return-call queue (rules-catalogue.md, `return-call` and `missed-call`): pure data and
 * functions; the background keeps the entries in the history store and arms an alarm at
 * `nextReminderAt`.
 *
 * An entry's life:
 *
 * ```
 *                    markToldCaller(at, promisedAt)
 *            ┌──────────────────────────────────────┐
 *            │                                      ▼
 *        ┌───────┐                           ┌─────────────┐ ──┐ markToldCaller
 *  ────▶ │ open  │ ◀────────── reopen ────── │ told-caller │ ◀─┘ (a new promise)
 *        └───────┘                           └─────────────┘
 *            │ markDone(at)                         │ markDone(at)
 *            ▼                                      │
 *        ┌───────┐ ◀────────────────────────────────┘
 *        │ done  │ ──── reopen ────▶ open   (marked done by mistake)
 *        └───────┘
 * ```
 *
 *  - `open`: the call is owed; its deadline is `dueAt`.
 *  - `told-caller`: the due time was going to be missed, and the agent told the caller why and
 *    when they will be called: still owed, now by `promisedAt` (the deadline from then on).
 *  - `done`: returned at `doneAt`.
 *
 * Prompts: when an owed entry comes within `leadMs` of its deadline the agent is prompted to
 * tell the caller why and when ("will-miss"); once the deadline has passed, once more
 * ("overdue"). Each prompt is shown once per deadline: the shell records it with `markPrompted`,
 * which is persisted with the entry, so a restarted worker does not repeat it, and a new
 * promise (a new deadline) can be prompted again.
 */
import * as v from 'valibot';
import type { CallRecord } from './coach/types';
import { returnCallDue, type BusinessHours } from './business-days';

export type ReturnCallReason = 'missed' | 'callback-requested';
export type ReturnCallStatus = 'open' | 'done' | 'told-caller';
export type ReturnCallPromptKind = 'will-miss' | 'overdue';

export interface ReturnCall {
  /** Stable and derived from the source (`call:<callKey>`, `message:<id>`), so queueing twice is one entry. */
  id: string;
  /** The missed call this entry returns, when it came from one. */
  callKey?: string;
  /** The message whose callback this entry is, when it came from one. */
  messageId?: string;
  /** From the network or typed by an agent: render as text only. */
  caller: { name?: string; number?: string };
  /** Who is to call back when it is not the agent (a message's recipient). */
  assignee?: string;
  reason: ReturnCallReason;
  createdAt: number;
  /** The close of the first business day that opens at or after `createdAt`. */
  dueAt: number;
  /** The close of the day of `createdAt` when that was a business day still open; else null. */
  sameDayTarget: number | null;
  status: ReturnCallStatus;
  doneAt?: number;
  /** When the agent told the caller the due time would be missed, and the new time they gave. */
  toldCallerAt?: number;
  promisedAt?: number;
  note?: string;
  /** The deadline each prompt was last shown for. */
  prompted?: { 'will-miss'?: number; overdue?: number };
}

/** Defaults: "due soon" within 2 h; prompt 60 min before the deadline (the configuration's `reminderLeadMinutes`). */
export const DUE_SOON_MS = 2 * 3_600_000;
export const PROMPT_LEAD_MS = 60 * 60_000;

const MAX_NOTE = 2000;

export const returnCallIdForCall = (callKey: string): string => `call:${callKey}`;
export const returnCallIdForMessage = (messageId: string): string => `message:${messageId}`;

/** The remote party as the queue shows it: only non-empty strings. */
function callerOf(record: CallRecord): ReturnCall['caller'] {
  const caller: ReturnCall['caller'] = {};
  const name = record.remote?.displayName?.trim();
  const number = record.remote?.number?.trim();
  if (name) caller.name = name;
  if (number) caller.number = number;
  return caller;
}

/**
 * Whether a call record is one somebody owes a return call: an inbound call that was never
 * answered, unless a colleague took it off a ring-all queue (`answered-elsewhere`). A missed call
 * with no known number is still queued: the softphone's own call log may have it.
 */
export function owesReturnCall(record: CallRecord): boolean {
  return record.direction === 'inbound' && record.outcome === 'missed' && record.missedReason !== 'answered-elsewhere';
}

/**
 * The queue entry for a missed call, or null when none is owed. The due time counts from when
 * the call stopped ringing (`endedAt`, else `startedAt`): that is when it became a missed call.
 */
export function queueFromMissedCall(record: CallRecord, hours: BusinessHours): ReturnCall | null {
  if (!owesReturnCall(record)) return null;
  const createdAt = record.endedAt ?? record.startedAt;
  const due = returnCallDue(createdAt, hours);
  return {
    id: returnCallIdForCall(record.callKey),
    callKey: record.callKey,
    caller: callerOf(record),
    reason: 'missed',
    createdAt,
    dueAt: due.dueAt,
    sameDayTarget: due.sameDayTarget,
    status: 'open',
  };
}

export interface CallbackRequest {
  id: string;
  at: number;
  caller: ReturnCall['caller'];
  callKey?: string;
  messageId?: string;
  assignee?: string;
  note?: string;
}

/** A callback the caller asked for (e.g. a message with "callback wanted"). */
export function queueCallback(request: CallbackRequest, hours: BusinessHours): ReturnCall {
  const due = returnCallDue(request.at, hours);
  const entry: ReturnCall = {
    id: request.id,
    caller: { ...request.caller },
    reason: 'callback-requested',
    createdAt: request.at,
    dueAt: due.dueAt,
    sameDayTarget: due.sameDayTarget,
    status: 'open',
  };
  if (request.callKey !== undefined) entry.callKey = request.callKey;
  if (request.messageId !== undefined) entry.messageId = request.messageId;
  if (request.assignee !== undefined) entry.assignee = request.assignee;
  if (request.note !== undefined) entry.note = request.note.slice(0, MAX_NOTE);
  return entry;
}

/** Still owed (not done). */
export const isOutstanding = (entry: ReturnCall): boolean => entry.status !== 'done';

/** The time the entry must be returned by: the promise given to the caller, else `dueAt`. */
export function deadlineOf(entry: ReturnCall): number {
  return entry.status === 'told-caller' && entry.promisedAt !== undefined ? entry.promisedAt : entry.dueAt;
}

const byDeadline = (a: ReturnCall, b: ReturnCall) => deadlineOf(a) - deadlineOf(b) || a.createdAt - b.createdAt;

/** Owed entries whose deadline is still ahead but within `withinMs`, soonest first. */
export function dueSoon(entries: readonly ReturnCall[], now: number, withinMs: number = DUE_SOON_MS): ReturnCall[] {
  return entries
    .filter((e) => isOutstanding(e) && deadlineOf(e) > now && deadlineOf(e) <= now + withinMs)
    .sort(byDeadline);
}

/** Owed entries whose deadline has come (at the deadline itself the business day is over), oldest first. */
export function overdue(entries: readonly ReturnCall[], now: number): ReturnCall[] {
  return entries.filter((e) => isOutstanding(e) && deadlineOf(e) <= now).sort(byDeadline);
}

/**
 * The nudge condition "the due time will be missed": still owed, and less than `leadMs` before
 * the deadline. (After it, the entry is overdue.)
 */
export function willMissDue(entry: ReturnCall, now: number, leadMs: number = PROMPT_LEAD_MS): boolean {
  const deadline = deadlineOf(entry);
  return isOutstanding(entry) && now >= deadline - leadMs && now < deadline;
}

export interface ReturnCallPrompt {
  entry: ReturnCall;
  kind: ReturnCallPromptKind;
  deadline: number;
  /** Unique per entry, kind and deadline: the nudge key. */
  key: string;
}

function promptDue(entry: ReturnCall, kind: ReturnCallPromptKind, leadMs: number): number | null {
  if (!isOutstanding(entry)) return null;
  const deadline = deadlineOf(entry);
  if (entry.prompted?.[kind] === deadline) return null;
  return kind === 'will-miss' ? deadline - leadMs : deadline;
}

/**
 * The prompts to show now: each owed entry within `leadMs` of its deadline ("will-miss") or past
 * it ("overdue") and not yet prompted for that deadline. A past-deadline entry gets only its
 * overdue prompt (telling the caller "soon" is moot by then). Soonest deadline first.
 */
export function pendingPrompts(entries: readonly ReturnCall[], now: number, leadMs: number = PROMPT_LEAD_MS): ReturnCallPrompt[] {
  const prompts: ReturnCallPrompt[] = [];
  for (const entry of [...entries].sort(byDeadline)) {
    const deadline = deadlineOf(entry);
    const kind: ReturnCallPromptKind | null = !isOutstanding(entry)
      ? null
      : now >= deadline
        ? 'overdue'
        : now >= deadline - leadMs
          ? 'will-miss'
          : null;
    if (kind && entry.prompted?.[kind] !== deadline) {
      prompts.push({ entry, kind, deadline, key: `${entry.id}|return-call|${kind}|${deadline}` });
    }
  }
  return prompts;
}

/**
 * When `pendingPrompts` will next have something: the earliest unprompted will-miss or overdue
 * moment of an owed entry. It is `now` when a prompt is already pending; null when nothing is
 * owed. The shell arms an alarm at it (never under the 30 s alarm floor) and calls
 * `pendingPrompts` when it fires.
 */
export function nextReminderAt(entries: readonly ReturnCall[], now: number, leadMs: number = PROMPT_LEAD_MS): number | null {
  let next: number | null = null;
  for (const entry of entries) {
    const deadline = deadlineOf(entry);
    // No will-miss prompt once the deadline has come (the overdue one supersedes it), nor with no lead time.
    const willMiss = now < deadline && leadMs > 0 ? promptDue(entry, 'will-miss', leadMs) : null;
    for (const at of [willMiss, promptDue(entry, 'overdue', leadMs)]) {
      if (at === null) continue;
      const when = Math.max(at, now);
      if (next === null || when < next) next = when;
    }
  }
  return next;
}

/** Record that a prompt was shown for the entry's current deadline. */
export function markPrompted(entry: ReturnCall, kind: ReturnCallPromptKind): ReturnCall {
  return { ...entry, prompted: { ...entry.prompted, [kind]: deadlineOf(entry) } };
}

export type TransitionResult = { ok: true; entry: ReturnCall } | { ok: false; reason: string };

function withNote(entry: ReturnCall, note: string | undefined): ReturnCall {
  return note === undefined ? entry : { ...entry, note: note.slice(0, MAX_NOTE) };
}

/** The call was returned. Idempotent: a second call keeps the first `doneAt`. */
export function markDone(entry: ReturnCall, at: number, note?: string): TransitionResult {
  if (entry.status === 'done') return { ok: true, entry: withNote(entry, note) };
  return { ok: true, entry: withNote({ ...entry, status: 'done', doneAt: at }, note) };
}

/** The agent told the caller the due time will be missed and promised a new time (after `at`). */
export function markToldCaller(entry: ReturnCall, at: number, promisedAt: number, note?: string): TransitionResult {
  if (entry.status === 'done') return { ok: false, reason: 'The call was already returned.' };
  if (!(promisedAt > at)) return { ok: false, reason: 'The promised time must be in the future.' };
  return { ok: true, entry: withNote({ ...entry, status: 'told-caller', toldCallerAt: at, promisedAt }, note) };
}

/** Back to `open` with the original due time (e.g. "done" was a mis-click). */
export function reopen(entry: ReturnCall): TransitionResult {
  if (entry.status === 'open') return { ok: true, entry };
  const { doneAt: _doneAt, toldCallerAt: _told, promisedAt: _promised, ...rest } = entry;
  return { ok: true, entry: { ...rest, status: 'open' } };
}

/** The queue as shown: owed entries by deadline, then returned ones, latest first. */
export function sortQueue(entries: readonly ReturnCall[]): ReturnCall[] {
  const owed = entries.filter(isOutstanding).sort(byDeadline);
  const done = entries.filter((e) => !isOutstanding(e)).sort((a, b) => (b.doneAt ?? 0) - (a.doneAt ?? 0));
  return [...owed, ...done];
}

const time = v.pipe(v.number(), v.finite());
const shortText = v.pipe(v.string(), v.maxLength(500));

/** What a stored entry must look like; the history store skips (and counts) entries that fail it. */
export const ReturnCallSchema = v.looseObject({
  id: v.pipe(v.string(), v.minLength(1)),
  callKey: v.optional(v.string()),
  messageId: v.optional(v.string()),
  caller: v.looseObject({ name: v.optional(shortText), number: v.optional(shortText) }),
  assignee: v.optional(shortText),
  reason: v.picklist(['missed', 'callback-requested']),
  createdAt: time,
  dueAt: time,
  sameDayTarget: v.nullable(time),
  status: v.picklist(['open', 'done', 'told-caller']),
  doneAt: v.optional(time),
  toldCallerAt: v.optional(time),
  promisedAt: v.optional(time),
  note: v.optional(v.string()),
  prompted: v.optional(v.looseObject({ 'will-miss': v.optional(time), overdue: v.optional(time) })),
});
