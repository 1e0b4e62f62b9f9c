/**
 * Messages taken for a colleague (rules-catalogue.md, `take-message`): the form's validation,
 * the stored message, and its "deliver it now" reminder. Pure; the history store keeps them.
 *
 * The form cannot be saved without the caller's name, the recipient and the message; when a
 * callback is wanted, a callback number of a plausible shape is required too. Every error comes
 * back at once with the field it belongs to (`path`) and a stable `code` the UI can translate;
 * `message` is the English text.
 *
 * ```
 *   save ──▶ to-deliver ── markDelivered(at) ──▶ delivered
 *                │
 *                └─ undelivered after 10 min: one reminder (markReminded records it)
 * ```
 */
import * as v from 'valibot';

export type MessageStatus = 'to-deliver' | 'delivered';

/** What the agent typed, validated and trimmed. */
export interface MessageDraft {
  callerName: string;
  forWhom: string;
  callbackWanted: boolean;
  /** Present exactly when `callbackWanted`; as typed (trimmed), see `dialableNumber`. */
  callbackNumber?: string;
  text: string;
}

export interface TakenMessage extends MessageDraft {
  id: string;
  /** The call during which it was taken, if any. */
  callKey?: string;
  status: MessageStatus;
  createdAt: number;
  deliveredAt?: number;
  /** When the undelivered reminder was shown. */
  remindedAt?: number;
}

/** The catalogue's default: remind when a message is still undelivered 10 minutes after it was taken. */
export const UNDELIVERED_REMINDER_MS = 10 * 60_000;

export const MESSAGE_LIMITS = { callerName: 200, forWhom: 200, callbackNumber: 40, text: 5000 } as const;

export type MessageErrorCode = 'required' | 'too-long' | 'not-a-phone-number' | 'invalid';

export interface MessageError {
  /** The form field: 'callerName', 'forWhom', 'callbackWanted', 'callbackNumber', 'text'; '' for the whole input. */
  path: string;
  code: MessageErrorCode;
  message: string;
}

export type ValidateMessageResult = { ok: true; value: MessageDraft } | { ok: false; errors: MessageError[] };

/** The digits of an E.164 number are at most 15; a local extension has at least 2. */
const MIN_DIGITS = 2;
const MAX_DIGITS = 15;

/**
 * A phone number as people type it: digits, spaces, dashes and parentheses, an optional leading
 * "+". No letters (a "call Anna" in the number field belongs in the message), at most one pair of
 * parentheses, properly closed, and 2 to 15 digits.
 */
export function isPhoneNumber(input: string): boolean {
  const s = input.trim();
  if (!/^\+?[0-9 ()-]+$/.test(s)) return false;
  const digits = s.replace(/\D/g, '').length;
  if (digits < MIN_DIGITS || digits > MAX_DIGITS) return false;
  const open = s.indexOf('(');
  const close = s.indexOf(')');
  if (open < 0 && close < 0) return true;
  return open >= 0 && close > open + 1 && s.indexOf('(', open + 1) < 0 && s.indexOf(')', close + 1) < 0;
}

/** The number for a `tel:` link: a leading "+" and the digits, nothing else. */
export function dialableNumber(number: string): string {
  const s = number.trim();
  return (s.startsWith('+') ? '+' : '') + s.replace(/\D/g, '');
}

const MESSAGES: Record<MessageErrorCode, string> = {
  required: 'Required',
  'too-long': 'Too long',
  'not-a-phone-number': 'Expected a phone number: digits, spaces, dashes, parentheses and a leading +',
  invalid: 'Invalid value',
};

// The schemas' messages are the error codes; `validateMessage` turns them into texts.
const requiredText = (field: 'callerName' | 'forWhom' | 'text') =>
  v.pipe(
    v.string('required' satisfies MessageErrorCode),
    v.trim(),
    v.nonEmpty('required' satisfies MessageErrorCode),
    v.maxLength(MESSAGE_LIMITS[field], 'too-long' satisfies MessageErrorCode),
  );

const FieldsSchema = v.object(
  {
    callerName: requiredText('callerName'),
    forWhom: requiredText('forWhom'),
    callbackWanted: v.optional(v.boolean('invalid' satisfies MessageErrorCode), false),
    callbackNumber: v.optional(v.pipe(v.string('invalid' satisfies MessageErrorCode), v.trim())),
    text: requiredText('text'),
  },
  'invalid' satisfies MessageErrorCode,
);

const CallbackNumberSchema = v.pipe(
  v.string('required' satisfies MessageErrorCode),
  v.trim(),
  v.nonEmpty('required' satisfies MessageErrorCode),
  v.maxLength(MESSAGE_LIMITS.callbackNumber, 'too-long' satisfies MessageErrorCode),
  v.check(isPhoneNumber, 'not-a-phone-number' satisfies MessageErrorCode),
);

const isCode = (s: string): s is MessageErrorCode => s in MESSAGES;

function toErrors(issues: readonly v.BaseIssue<unknown>[], pathPrefix?: string): MessageError[] {
  return issues.map((issue) => {
    const code = isCode(issue.message) ? issue.message : 'invalid';
    const path = pathPrefix ?? v.getDotPath(issue) ?? '';
    return { path, code, message: MESSAGES[code] };
  });
}

/**
 * Validate the message form. Strings are trimmed. Every error comes back at once (a missing
 * name and a bad callback number together). The callback number is checked only when a callback
 * is wanted; otherwise it is dropped (the form may keep a stale one).
 */
export function validateMessage(input: unknown): ValidateMessageResult {
  const fields = v.safeParse(FieldsSchema, input, { abortPipeEarly: true });
  const errors = fields.success ? [] : toErrors(fields.issues);
  const wanted = typeof input === 'object' && input !== null && (input as { callbackWanted?: unknown }).callbackWanted === true;
  let callbackNumber: string | undefined;
  if (wanted && !errors.some((e) => e.path === 'callbackNumber')) {
    const raw = (input as { callbackNumber?: unknown }).callbackNumber;
    const number = v.safeParse(CallbackNumberSchema, raw ?? '', { abortPipeEarly: true });
    if (number.success) callbackNumber = number.output;
    else errors.push(...toErrors(number.issues, 'callbackNumber'));
  }
  if (!fields.success || errors.length > 0) return { ok: false, errors };
  const { callerName, forWhom, text } = fields.output;
  const value: MessageDraft = { callerName, forWhom, callbackWanted: wanted, text };
  if (wanted && callbackNumber !== undefined) value.callbackNumber = callbackNumber;
  return { ok: true, value };
}

/** A new message from a validated draft; the caller supplies the id (e.g. `crypto.randomUUID()`) and the time. */
export function createMessage(draft: MessageDraft, meta: { id: string; createdAt: number; callKey?: string }): TakenMessage {
  const message: TakenMessage = { ...draft, id: meta.id, status: 'to-deliver', createdAt: meta.createdAt };
  if (meta.callKey !== undefined) message.callKey = meta.callKey;
  return message;
}

/** Delivered. Idempotent: the first delivery time stays. */
export function markDelivered(message: TakenMessage, at: number): TakenMessage {
  return message.status === 'delivered' ? message : { ...message, status: 'delivered', deliveredAt: at };
}

export function markReminded(message: TakenMessage, at: number): TakenMessage {
  return { ...message, remindedAt: at };
}

/** When the "still not delivered" reminder is due: `createdAt + delayMs`, or null when delivered or already reminded. */
export function undeliveredReminderAt(message: TakenMessage, delayMs: number = UNDELIVERED_REMINDER_MS): number | null {
  if (message.status === 'delivered' || message.remindedAt !== undefined) return null;
  return message.createdAt + delayMs;
}

/** Messages whose reminder is due at `now`, oldest first. */
export function messagesToRemind(messages: readonly TakenMessage[], now: number, delayMs: number = UNDELIVERED_REMINDER_MS): TakenMessage[] {
  return messages
    .filter((m) => {
      const at = undeliveredReminderAt(m, delayMs);
      return at !== null && at <= now;
    })
    .sort((a, b) => a.createdAt - b.createdAt);
}

/** The earliest pending reminder time (possibly ≤ now: remind at once), or null. For the shell's alarm. */
export function nextMessageReminderAt(messages: readonly TakenMessage[], delayMs: number = UNDELIVERED_REMINDER_MS): number | null {
  let next: number | null = null;
  for (const m of messages) {
    const at = undeliveredReminderAt(m, delayMs);
    if (at !== null && (next === null || at < next)) next = at;
  }
  return next;
}

const time = v.pipe(v.number(), v.finite());

/** What a stored message must look like; the history store skips (and counts) those that fail it. */
export const TakenMessageSchema = v.looseObject({
  id: v.pipe(v.string(), v.minLength(1)),
  callKey: v.optional(v.string()),
  callerName: v.string(),
  forWhom: v.string(),
  callbackWanted: v.boolean(),
  callbackNumber: v.optional(v.string()),
  text: v.string(),
  status: v.picklist(['to-deliver', 'delivered']),
  createdAt: time,
  deliveredAt: v.optional(time),
  remindedAt: v.optional(time),
});
