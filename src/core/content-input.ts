/**
 * What the background accepts from a content script. The content script is ours, but what it
 * forwards comes from a page that is not: every field is checked for shape and length here,
 * before the coach or the history sees it (unknown keys are dropped), and names are cleaned
 * (core/names.ts). A payload that fails is dropped whole.
 */
import * as v from 'valibot';
import { EVIDENCE_ACTS, EVIDENCE_HOWS, type CallEvent, type MissedReason, type Observability } from './call-event';
import type { AgentNote, GreetingPart, NudgeResponse } from './coach/types';
import { cleanOptionalName, MAX_NAME_CHARS } from './names';
import { MAX_CALL_EVENTS_PER_MESSAGE } from './messages';

/** Longest call id, nudge key, message id or adapter id accepted from a page. */
export const MAX_ID_CHARS = 512;
const MAX_TEXT_CHARS = 512;

const MISSED_REASONS: readonly MissedReason[] = ['caller-abandoned', 'no-answer', 'rejected', 'answered-elsewhere', 'cancelled', 'failed'];
const GREETING_PARTS: readonly GreetingPart[] = ['greeting', 'ownName', 'organization', 'offer'];

const Id = v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_ID_CHARS));
const Time = v.pipe(v.number(), v.finite(), v.minValue(0));
const Party = v.picklist(['agent', 'remote']);
const Direction = v.picklist(['inbound', 'outbound']);
const Status = v.pipe(v.number(), v.integer(), v.minValue(100), v.maxValue(699));
const Text = v.pipe(v.string(), v.maxLength(MAX_TEXT_CHARS));
// A name longer than any we keep is not a name: refused rather than cut (cleanName cuts the rest).
const Name = v.pipe(v.string(), v.maxLength(4 * MAX_NAME_CHARS));
const Remote = v.object({ displayName: v.optional(Name), number: v.optional(Name) });

/** What a call's source can observe (call-event.ts `Observability`): also the timeline format's. */
export const ObservabilitySchema = v.strictObject({
  holdIntent: v.boolean(),
  hold: v.boolean(),
  transferIntent: v.boolean(),
  transferOutcome: v.boolean(),
  hangupIntent: v.boolean(),
  endedBy: v.boolean(),
}) satisfies v.GenericSchema<Observability>;

const base = {
  callId: Id,
  at: Time,
  source: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
  observes: v.optional(ObservabilitySchema),
};
const event = <T extends CallEvent['type'], E extends v.ObjectEntries>(type: T, entries: E) =>
  v.object({ type: v.literal(type), ...base, ...entries });

const CallEventSchema = v.variant('type', [
  event('ringing', { direction: v.literal('inbound'), remote: v.optional(Remote) }),
  event('outbound-dialing', { direction: v.literal('outbound'), remote: v.optional(Remote) }),
  event('answered', { direction: Direction, remote: v.optional(Remote), lateJoined: v.optional(v.literal(true)) }),
  event('hold-requested', {}),
  event('held', { by: Party }),
  event('resumed', { by: Party }),
  event('transfer-requested', {}),
  event('transfer-started', { by: Party, target: v.optional(Text) }),
  event('transfer-accepted', { by: Party, completed: v.boolean() }),
  event('transfer-failed', { by: Party, status: v.optional(Status) }),
  event('hangup-requested', {}),
  event('ended', { by: Party, reason: v.optional(Text) }),
  event('missed', { direction: Direction, by: Party, reason: v.picklist(MISSED_REASONS), status: v.optional(Status) }),
  event('muted', {}),
  event('unmuted', {}),
  event('evidence', {
    act: v.picklist(EVIDENCE_ACTS),
    how: v.picklist(EVIDENCE_HOWS),
    item: v.optional(v.pipe(v.string(), v.maxLength(100))),
    name: v.optional(Name),
    undone: v.optional(v.literal(true)),
  }),
]);

// Every type of the event model has its schema, and nothing else does.
const _allEventTypes: [Exclude<CallEvent['type'], v.InferOutput<typeof CallEventSchema>['type']>] extends [never] ? true : never = true;
void _allEventTypes;

/** A call event from a content script, with its names cleaned; undefined when malformed. */
export function readCallEvent(raw: unknown): CallEvent | undefined {
  const parsed = v.safeParse(CallEventSchema, raw);
  if (!parsed.success) return undefined;
  const event = parsed.output as CallEvent;
  // A caller's name heard or noted is cleaned like one from the network; an empty one clears the card's.
  if (event.type === 'evidence' && event.name !== undefined) return { ...event, name: cleanOptionalName(event.name) ?? '' };
  if (!('remote' in event) || event.remote === undefined) return event;
  const displayName = cleanOptionalName(event.remote.displayName);
  const number = cleanOptionalName(event.remote.number);
  const { remote: _dropped, ...rest } = event;
  void _dropped;
  const remote = { ...(displayName ? { displayName } : {}), ...(number ? { number } : {}) };
  return (displayName || number ? { ...rest, remote } : rest) as CallEvent;
}

/**
 * Call events sent together, in order, each with its retry key: each checked like one sent alone
 * (a malformed one is dropped, the others kept in order); a payload that is no such list, or is
 * longer than MAX_CALL_EVENTS_PER_MESSAGE, is dropped whole.
 */
export function readCallEvents(raw: unknown): { event: CallEvent; eventKey?: string }[] | undefined {
  const list = (raw as { events?: unknown } | null | undefined)?.events;
  if (!Array.isArray(list) || list.length > MAX_CALL_EVENTS_PER_MESSAGE) return undefined;
  return list.flatMap((item: unknown) => {
    if (typeof item !== 'object' || item === null) return [];
    const { event: rawEvent, eventKey } = item as { event?: unknown; eventKey?: unknown };
    const event = readCallEvent(rawEvent);
    if (!event) return [];
    return [typeof eventKey === 'string' && eventKey.length <= MAX_ID_CHARS ? { event, eventKey } : { event }];
  });
}

const NudgeResponseSchema = v.variant('type', [
  v.object({ type: v.literal('dismissed') }),
  v.object({ type: v.literal('answered'), answer: v.picklist(['yes', 'no']) }),
  v.object({ type: v.literal('checked'), itemId: Id, checked: v.boolean() }),
]);

export function readNudgeResponse(raw: unknown): { key: string; response: NudgeResponse; at: number } | undefined {
  const parsed = v.safeParse(v.object({ key: Id, response: NudgeResponseSchema, at: Time }), raw);
  return parsed.success ? parsed.output : undefined;
}

const AgentNoteSchema = v.variant('type', [
  v.object({ type: v.literal('caller-name'), name: Name }),
  v.object({ type: v.literal('greeting-part'), part: v.picklist(GREETING_PARTS), checked: v.boolean() }),
  v.object({ type: v.literal('message-taken'), messageId: Id }),
]);

/** An agent's note from the call card; the caller's name is cleaned like a network name. */
export function readAgentNote(raw: unknown): { callKey: string; note: AgentNote; at: number } | undefined {
  const parsed = v.safeParse(v.object({ callKey: Id, note: AgentNoteSchema, at: Time }), raw);
  if (!parsed.success) return undefined;
  const { callKey, note, at } = parsed.output;
  return { callKey, at, note: note.type === 'caller-name' ? { type: 'caller-name', name: cleanOptionalName(note.name) ?? '' } : note };
}

export function readMessageId(raw: unknown): string | undefined {
  const parsed = v.safeParse(v.object({ id: Id }), raw);
  return parsed.success ? parsed.output.id : undefined;
}

/** A save's request id from the page (`<page run>:m<n>`): short, plain characters; anything else is none. */
export function readRequestId(raw: unknown): string | undefined {
  return typeof raw === 'string' && /^[0-9A-Za-z:_-]{1,64}$/.test(raw) ? raw : undefined;
}

/** Whether a nudge key belongs to a call of `tabId`; keys of no call (reminders shown in every tab) do too. */
export function tabMayAnswer(nudgeKey: string, tabId: number): boolean {
  const callScoped = /^\d+:/.test(nudgeKey);
  return !callScoped || nudgeKey.startsWith(`${tabId}:`);
}

const HookAttachedSchema = v.object({
  v: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1000)),
  since: Time,
  late: v.boolean(),
  at: Time,
});

/** The hook's greeting as a content script relays it; undefined when malformed. */
export function readHookAttached(raw: unknown): { v: number; since: number; late: boolean; at: number } | undefined {
  const parsed = v.safeParse(HookAttachedSchema, raw);
  return parsed.success ? parsed.output : undefined;
}
