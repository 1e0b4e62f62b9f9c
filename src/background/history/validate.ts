/**
 * What a stored call record must look like to be used: the fields the figures, the CSV and the
 * queue read. Loose objects, so fields added later pass through untouched. A record that fails
 * is skipped and counted by the store, never fatal.
 */
import * as v from 'valibot';
import type { CallRecord } from '../../core/coach/types';

const time = v.pipe(v.number(), v.finite());
const party = v.picklist(['agent', 'remote']);

export const CallRecordSchema = v.looseObject({
  callKey: v.pipe(v.string(), v.minLength(1)),
  callId: v.string(),
  tabId: v.number(),
  source: v.string(),
  direction: v.picklist(['inbound', 'outbound']),
  remote: v.optional(v.looseObject({ displayName: v.optional(v.string()), number: v.optional(v.string()) })),
  startedAt: time,
  answeredAt: v.optional(time),
  endedAt: v.optional(time),
  outcome: v.picklist(['live', 'answered', 'missed']),
  endedBy: v.optional(party),
  endReason: v.optional(v.string()),
  missedReason: v.optional(v.string()),
  rings: v.optional(v.number()),
  answerClass: v.optional(v.picklist(['too-early', 'on-time', 'late'])),
  holds: v.array(v.looseObject({ start: time, end: v.optional(time), by: party })),
  transfers: v.array(
    v.looseObject({
      at: time,
      by: party,
      target: v.optional(v.string()),
      outcome: v.optional(v.picklist(['accepted', 'completed', 'failed'])),
    }),
  ),
  events: v.array(v.looseObject({ type: v.string(), at: time })),
  nudges: v.array(
    v.looseObject({
      key: v.string(),
      ruleId: v.string(),
      firedAt: time,
      text: v.string(),
      answer: v.optional(v.picklist(['yes', 'no'])),
    }),
  ),
  flags: v.array(v.looseObject({ ruleId: v.string(), at: time, note: v.string() })),
});

export function isCallRecord(value: unknown): value is CallRecord {
  return v.is(CallRecordSchema, value);
}

/** The first problem, as "path: message", for a refused write. */
export function describeProblem(schema: v.GenericSchema, value: unknown): string {
  const result = v.safeParse(schema, value);
  if (result.success) return '';
  const issue = result.issues[0];
  return `${v.getDotPath(issue) ?? '(root)'}: ${issue.message}`;
}
