/**
 * take-message: messages taken for a colleague (the call card's message form). The coach keeps
 * the ids of the messages noted on a call; their reminder (`reminderMinutes`) is the
 * background's (src/background/shift.ts), on the message store.
 */
import * as v from 'valibot';
import { callerSaid, draft } from '../../practice/facts';
import type { PracticeKey } from '../../practice/texts';
import { defineRule, ruleBase, numberIn } from './rule';

/** At most this many message ids per call record (newest kept), each at most MAX_MESSAGE_ID_CHARS long. */
export const MAX_RECORD_MESSAGES = 100;
export const MAX_MESSAGE_ID_CHARS = 200;

export const takeMessageRule = defineRule({
  id: 'take-message',
  signal: 'agent',
  settings: v.strictObject({ ...ruleBase, reminderMinutes: numberIn(1, 24 * 60) }),
  defaults: { enabled: true, severity: 'nudge', reminderMinutes: 10 },
  thresholds: [{ key: 'reminderMinutes', unit: 'minutes', min: 1, max: 24 * 60 }],
  texts: [],
  coach: {
    onNote(p, note) {
      if (note.type !== 'message-taken') return false;
      const id = note.messageId;
      if (typeof id !== 'string' || id === '' || id.length > MAX_MESSAGE_ID_CHARS) return false;
      if (p.peek.record.messages?.includes(id)) return false;
      const { call } = p.edit();
      const messages = [...(call.record.messages ?? []), id];
      call.record.messages = messages.slice(-MAX_RECORD_MESSAGES);
      return true;
    },
  },
  practice: {
    score(facts) {
      const d = draft();
      const asksFor = facts.scenario.asksFor;
      const offered = facts.said.some((s) => s.line === 'colleague-out' && (asksFor === undefined || s.colleague === undefined || s.colleague === asksFor));
      if (!asksFor && !offered) {
        d.notReached = true;
        return d;
      }
      if (facts.answeredAt === undefined) {
        d.notReached = true;
        return d;
      }
      const missing: PracticeKey[] = [];
      if (!offered) missing.push('practice_item_offer');
      if (!callerSaid(facts, 'name').length) missing.push('practice_item_name');
      if (!callerSaid(facts, 'number').length) missing.push('practice_item_number');
      const readBack = facts.said.filter((s) => s.line === 'read-back');
      // The caller's answer to the read-back: their next line.
      const confirmed = readBack.some((r) => facts.caller.find((c) => c.index > r.index)?.line === 'confirm');
      if (!confirmed) missing.push('practice_item_read_back');
      if (!facts.said.some((s) => s.line === 'promise-callback')) missing.push('practice_item_callback');
      if (missing.length === 0) d.wentWell.push({ key: 'practice_score_message_complete' });
      else d.improve.push({ key: 'practice_score_message_missing', params: { items: { list: missing } } });
      return d;
    },
  },
});
