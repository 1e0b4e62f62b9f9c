/**
 * return-call: missed calls and callbacks owed, due at the close of the next business day
 * (src/core/return-calls.ts, src/core/business-days.ts); the reminder `reminderLeadMinutes`
 * before the due time is the background's. No hook in the live coach.
 */
import * as v from 'valibot';
import { defineRule, ruleBase, numberIn } from './rule';

export const returnCallRule = defineRule({
  id: 'return-call',
  signal: 'call+agent',
  settings: v.strictObject({
    ...ruleBase,
    /** How long before a return call's due time the reminder comes. */
    reminderLeadMinutes: numberIn(1, 24 * 60),
  }),
  defaults: { enabled: true, severity: 'nudge', reminderLeadMinutes: 60 },
  thresholds: [{ key: 'reminderLeadMinutes', unit: 'minutes', min: 1, max: 24 * 60 }],
  texts: [],
});
