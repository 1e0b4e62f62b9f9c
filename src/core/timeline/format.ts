/**
 * The call-timeline file: recorded calls as the coach saw them, as JSON, so that the rules can
 * be dry-run on them (`second-ring replay`) and the agent-side history export writes the same
 * thing (`toTimeline` in ./records.ts).
 *
 * ```json
 * { "format": "second-ring/call-timeline", "version": 1, "timeZone": "Europe/Riga",
 *   "calls": [ { "id": "c1", "tabId": 1, "source": "sip-websocket",
 *     "events": [ { "at": "2025-03-04T09:00:00.000Z", "type": "ringing", "direction": "inbound" },
 *                 { "at": "2025-03-04T09:00:06.000Z", "type": "answered", "direction": "inbound" } ] } ] }
 * ```
 *
 * - An event is a `CallEvent` (src/core/call-event.ts) without `callId` (the call's `id`) and
 *   `source` (the call's `source`), with `at` as an ISO 8601 time with a UTC offset (`Z` or
 *   `±hh:mm`) and at most millisecond precision: readable, and unambiguous whatever the
 *   machine's zone. Every other field is the event model's, with the same names and values.
 * - A call's events are in time order (equal times keep their order), and its first event is
 *   one that starts a call for the coach: `ringing`, `outbound-dialing` or `answered`.
 * - Call ids are unique in a file. `tabId` defaults to 1 and `source` to "timeline".
 * - `tabsClosed` (optional) lists softphone tabs that closed, for calls whose end was never
 *   seen; the coach then closes their live calls without nudges.
 * - `timeZone` (optional, IANA) says where the calls were recorded. It is reported only: the
 *   rules use the configuration's time zone.
 *
 * - `evidence` events (what the agent did that a rule reminds of: said, ticked or noted) and
 *   `observes` on any event (what the call's source can observe; absent: SIP) were added
 *   within version 1: files without them read as before.
 *
 * `version` stays 1 while changes only add optional keys; a breaking change bumps it.
 * Pure: no Node or browser API, so the extension and the CLI share it.
 */
import { isTimeZone } from '../coach/config';
import * as v from 'valibot';
import { EVIDENCE_ACTS, EVIDENCE_HOWS, type CallEvent, type CallEventType, type MissedReason } from '../call-event';
// What a source can observe: one schema for the timeline and the content script's events (absent: SIP).
import { ObservabilitySchema } from '../content-input';

export const TIMELINE_FORMAT = 'second-ring/call-timeline';
export const TIMELINE_VERSION = 1;
/** The `source` of events whose call names none. */
export const DEFAULT_TIMELINE_SOURCE = 'timeline';
/** The `tabId` of a call that names none. */
export const DEFAULT_TIMELINE_TAB = 1;

/** The event types that start a call in the coach (any other first event is ignored there). */
export const CALL_START_TYPES = ['ringing', 'outbound-dialing', 'answered'] as const satisfies readonly CallEventType[];

const MISSED_REASONS = [
  'caller-abandoned',
  'no-answer',
  'rejected',
  'answered-elsewhere',
  'cancelled',
  'failed',
] as const satisfies readonly MissedReason[];
// A reason added to the event model without being added here is a compile error.
const _allMissedReasons: [Exclude<MissedReason, (typeof MISSED_REASONS)[number]>] extends [never] ? true : never = true;

// ─── times ──────────────────────────────────────────────────────────────────────────────────

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(Z|([+-])(\d{2}):(\d{2}))$/;

const daysInMonth = (year: number, month: number): number =>
  month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;

/**
 * Epoch ms of an ISO 8601 time with a UTC offset, e.g. "2025-03-04T09:00:00.250+02:00";
 * undefined for anything else (no offset, a date that does not exist, a year before 1970).
 * Parsed by hand: `Date.parse` reads a time without an offset in the machine's zone.
 */
export function parseIsoTime(text: string): number | undefined {
  const m = ISO_TIME.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = m[7] ? Number(m[7].padEnd(3, '0')) : 0;
  let offsetMinutes = 0;
  if (m[8] !== 'Z') {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMinutes * 60_000;
}

/** The format's spelling of an epoch-ms time: UTC, milliseconds, e.g. "2025-03-04T09:00:00.000Z". */
export function formatIsoTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}


// ─── schema ─────────────────────────────────────────────────────────────────────────────────

/** A short, plain description of a value that was not what the file should hold. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 39)}…` : value);
  return String(value);
}

const AtSchema = v.pipe(
  v.string(),
  v.check(
    (s) => parseIsoTime(s) !== undefined,
    (issue) =>
      `expected an ISO 8601 time with a UTC offset and at most milliseconds, e.g. "2025-03-04T09:00:00.000Z"; got ${describeValue(issue.input)}`,
  ),
);
const PartySchema = v.picklist(['agent', 'remote']);
const DirectionSchema = v.picklist(['inbound', 'outbound']);
const StatusSchema = v.pipe(
  v.number(),
  v.check((n) => Number.isInteger(n) && n >= 100 && n <= 699, (issue) => `expected a SIP status code (100 to 699); got ${describeValue(issue.input)}`),
);
const TabIdSchema = v.pipe(
  v.number(),
  v.check((n) => Number.isSafeInteger(n) && n >= 0, (issue) => `expected a tab id (a whole number, 0 or more); got ${describeValue(issue.input)}`),
);
const RemoteSchema = v.strictObject({
  displayName: v.optional(v.pipe(v.string(), v.maxLength(200))),
  number: v.optional(v.pipe(v.string(), v.maxLength(200))),
});


const event = <T extends CallEventType, E extends v.ObjectEntries>(type: T, entries: E) =>
  v.strictObject({ type: v.literal(type), at: AtSchema, observes: v.optional(ObservabilitySchema), ...entries });

/** One event of a call: a CallEvent without callId and source, `at` as an ISO 8601 string. */
export const TimelineEventSchema = v.variant('type', [
  event('ringing', { direction: v.literal('inbound'), remote: v.optional(RemoteSchema) }),
  event('outbound-dialing', { direction: v.literal('outbound'), remote: v.optional(RemoteSchema) }),
  event('answered', { direction: DirectionSchema, remote: v.optional(RemoteSchema) }),
  event('hold-requested', {}),
  event('held', { by: PartySchema }),
  event('resumed', { by: PartySchema }),
  event('transfer-requested', {}),
  event('transfer-started', { by: PartySchema, target: v.optional(v.pipe(v.string(), v.maxLength(500))) }),
  event('transfer-accepted', { by: PartySchema, completed: v.boolean() }),
  event('transfer-failed', { by: PartySchema, status: v.optional(StatusSchema) }),
  event('hangup-requested', {}),
  event('ended', { by: PartySchema, reason: v.optional(v.pipe(v.string(), v.maxLength(200))) }),
  event('missed', { direction: DirectionSchema, by: PartySchema, reason: v.picklist(MISSED_REASONS), status: v.optional(StatusSchema) }),
  event('muted', {}),
  event('unmuted', {}),
  event('evidence', {
    act: v.picklist(EVIDENCE_ACTS),
    how: v.picklist(EVIDENCE_HOWS),
    item: v.optional(v.pipe(v.string(), v.maxLength(100))),
    name: v.optional(v.pipe(v.string(), v.maxLength(200))),
    undone: v.optional(v.boolean()),
  }),
]);

export const TimelineCallSchema = v.strictObject({
  id: v.pipe(v.string(), v.minLength(1, 'expected a non-empty call id'), v.maxLength(200)),
  /** The softphone tab; default 1. Calls are keyed by tab and id in the coach. */
  tabId: v.optional(TabIdSchema),
  /** The adapter id the events came from, e.g. "sip-websocket"; default "timeline". */
  source: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(100))),
  /** Free text for people reading the file. */
  description: v.optional(v.string()),
  events: v.pipe(v.array(TimelineEventSchema), v.minLength(1, 'a call needs at least one event')),
});

export const TimelineSchema = v.strictObject({
  format: v.literal(TIMELINE_FORMAT, (issue) => `expected "${TIMELINE_FORMAT}"; got ${describeValue(issue.input)}`),
  version: v.literal(TIMELINE_VERSION, (issue) => `unsupported version ${describeValue(issue.input)}: expected ${TIMELINE_VERSION}`),
  /** IANA zone the calls were recorded in; reported only. */
  timeZone: v.optional(v.pipe(v.string(), v.check(isTimeZone, (issue) => `unknown time zone ${describeValue(issue.input)}`))),
  description: v.optional(v.string()),
  calls: v.array(TimelineCallSchema),
  tabsClosed: v.optional(
    v.array(v.strictObject({ tabId: TabIdSchema, at: AtSchema })),
  ),
});

export type Timeline = v.InferOutput<typeof TimelineSchema>;
export type TimelineCall = Timeline['calls'][number];
export type TimelineEvent = TimelineCall['events'][number];

// Every type of the event model has its schema, and nothing else does.
const _allEventTypes: [Exclude<CallEventType, TimelineEvent['type']>] extends [never] ? true : never = true;

/** The CallEvent the coach gets for one event of a timeline call. */
export function toCallEvent(call: Pick<TimelineCall, 'id' | 'source'>, event: TimelineEvent): CallEvent {
  const at = parseIsoTime(event.at);
  if (at === undefined) throw new Error(`not a timeline time: ${event.at}`); // parseTimeline refused it already
  return { ...event, at, callId: call.id, source: call.source ?? DEFAULT_TIMELINE_SOURCE };
}

// ─── parsing ────────────────────────────────────────────────────────────────────────────────

export interface TimelineError {
  /** Where in the file, e.g. `calls[0].events[2].type`; '' for the whole file. */
  path: string;
  message: string;
}

export type ParseTimelineResult = { ok: true; timeline: Timeline } | { ok: false; errors: TimelineError[] };

/**
 * Check `input` (parsed JSON) against the format. Returns every error with its path, in file
 * order: the schema's, and those of the rules across values (time order, unique ids, how a
 * call starts), which are checked wherever the values involved are well-formed.
 */
export function parseTimeline(input: unknown): ParseTimelineResult {
  // A file of another version would fail everywhere: say the one thing that matters.
  if (isObject(input) && input.format === TIMELINE_FORMAT && typeof input.version === 'number' && input.version !== TIMELINE_VERSION) {
    return { ok: false, errors: [{ path: 'version', message: `unsupported version ${input.version}: expected ${TIMELINE_VERSION}` }] };
  }
  // valibot takes an array for an object (and would ask for its keys): say what it is.
  if (Array.isArray(input)) return { ok: false, errors: [{ path: '', message: 'expected an object; got an array' }] };
  const result = v.safeParse(TimelineSchema, input);
  const found = result.success ? [] : result.issues.map(toTimelineError);
  found.push(...crossChecks(input));
  if (found.length > 0 || !result.success) return { ok: false, errors: inFileOrder(found) };
  return { ok: true, timeline: result.output };
}

/**
 * Errors by where they are: the file's own keys first, then call by call, event by event (the
 * indexes in the path, compared in turn). Errors at the same place keep their order.
 */
function inFileOrder(errors: TimelineError[]): TimelineError[] {
  const indexes = (path: string) => [...path.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
  const keyed = errors.map((error) => ({ error, at: indexes(error.path) }));
  keyed.sort((a, b) => {
    for (let k = 0; k < Math.min(a.at.length, b.at.length); k++) {
      const d = (a.at[k] ?? 0) - (b.at[k] ?? 0);
      if (d !== 0) return d;
    }
    return a.at.length - b.at.length;
  });
  return keyed.map((k) => k.error);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `calls[0].events[2].type`: array indexes in brackets, plain keys dotted, odd keys quoted. */
export function formatPath(keys: readonly unknown[]): string {
  let out = '';
  for (const key of keys) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$-]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

const EXPECTED_WORDS: Record<string, string> = {
  Object: 'an object',
  Array: 'an array',
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
};

/** valibot's "Expected ("a" | "b")" as "one of "a", "b""; its other expectations in words. */
function expectedInWords(expected: string): string {
  if (expected.startsWith('(') && expected.endsWith(')')) return `one of ${expected.slice(1, -1).split(' | ').join(', ')}`;
  return EXPECTED_WORDS[expected] ?? expected;
}

function toTimelineError(issue: v.BaseIssue<unknown>): TimelineError {
  const path = formatPath((issue.path ?? []).map((item) => item.key));
  // Messages written in the schema are kept; valibot's own ("Invalid type: …") are put plainly.
  if (!issue.message.startsWith('Invalid ')) return { path, message: issue.message };
  const missing = issue.input === undefined && issue.received === 'undefined';
  let message: string;
  if (issue.expected === 'never') message = 'unknown key';
  else if (missing && (issue.type === 'strict_object' || issue.type === 'object')) message = 'required';
  else if (missing) message = `required: ${expectedInWords(issue.expected ?? '')}`;
  else if (issue.kind === 'schema') message = `expected ${expectedInWords(issue.expected ?? '')}; got ${describeValue(issue.input)}`;
  else message = issue.message.replace(/^Invalid (\w+): /, '').replace(/^Expected/, 'expected');
  return { path, message };
}

/** The format's rules across values; each looks only at values that are themselves well-formed. */
function crossChecks(input: unknown): TimelineError[] {
  if (!isObject(input) || !Array.isArray(input.calls)) return [];
  const errors: TimelineError[] = [];
  const firstUse = new Map<string, number>();
  input.calls.forEach((call: unknown, c) => {
    if (!isObject(call)) return;
    if (typeof call.id === 'string' && call.id !== '') {
      const first = firstUse.get(call.id);
      if (first === undefined) firstUse.set(call.id, c);
      else errors.push({ path: `calls[${c}].id`, message: `duplicate call id ${describeValue(call.id)} (also calls[${first}].id)` });
    }
    if (!Array.isArray(call.events)) return;
    const first: unknown = call.events[0];
    if (isObject(first) && typeof first.type === 'string' && !(CALL_START_TYPES as readonly string[]).includes(first.type)) {
      const known = TimelineEventSchema.options.some((o) => o.entries.type.literal === first.type);
      if (known) {
        errors.push({
          path: `calls[${c}].events[0].type`,
          message: `a call starts with ${CALL_START_TYPES.map((t) => `"${t}"`).join(', ')}; got "${first.type}" (the coach ignores a call that starts otherwise)`,
        });
      }
    }
    let last: { index: number; at: number } | undefined;
    call.events.forEach((ev: unknown, e) => {
      const at = isObject(ev) && typeof ev.at === 'string' ? parseIsoTime(ev.at) : undefined;
      if (at === undefined) return;
      if (last && at < last.at) {
        errors.push({
          path: `calls[${c}].events[${e}].at`,
          message: `${((last.at - at) / 1000).toFixed(3)} s before events[${last.index}]: a call's events must be in time order`,
        });
      }
      if (!last || at >= last.at) last = { index: e, at };
    });
  });
  return errors;
}
