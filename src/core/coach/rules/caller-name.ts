/**
 * caller-name: inbound, connected, and no caller's name noted on the call card `afterSeconds`
 * after the answer: one nudge per call. A name noted in time keeps it quiet; one noted after it
 * takes it down. The deadline is re-planned when a team lead changes the delay mid-call.
 */
import * as v from 'valibot';
import type { CallState } from '../step';
import { callerSaid, draft, saidBetween, seconds as secondsOf } from '../../practice/facts';
import { defineRule, ruleBase, numberIn } from './rule';
import { closedUnseen, plain, timeFrom, unseenText } from './explain-kit';

/** A caller's name noted on the card is trimmed and cut to this many UTF-16 units. */
export const MAX_CALLER_NAME_CHARS = 120;

/** Trimmed, inner runs of whitespace (a pasted line break) made one space, cut without splitting a character. */
function cleanCallerName(name: string): string {
  let clean = name.replace(/\s+/g, ' ').trim();
  if (clean.length > MAX_CALLER_NAME_CHARS) {
    clean = clean.slice(0, MAX_CALLER_NAME_CHARS);
    if (/[\uD800-\uDBFF]$/.test(clean)) clean = clean.slice(0, -1);
    clean = clean.trimEnd();
  }
  return clean;
}

/**
 * Whether caller-name should still nudge on this call: once per call, inbound, connected, no name
 * noted. Not on a call joined mid-call: the name may have been asked before there was a card to note it on.
 */
function wantsCallerName(enabled: boolean, call: CallState): boolean {
  return (
    call.phase === 'connected' &&
    call.record.approximateTimes !== true &&
    call.record.direction === 'inbound' &&
    call.record.answeredAt !== undefined &&
    enabled &&
    !call.callerNameNoted &&
    call.record.callerName === undefined &&
    call.occurrences['caller-name'] === undefined
  );
}

export const callerNameRule = defineRule({
  id: 'caller-name',
  signal: 'agent',
  settings: v.strictObject({
    ...ruleBase,
    /** Nudge when no name was noted this long after the call was answered. */
    afterSeconds: numberIn(1, 600),
  }),
  defaults: { enabled: true, severity: 'nudge', afterSeconds: 20 },
  thresholds: [{ key: 'afterSeconds', unit: 'seconds', min: 1, max: 600 }],
  texts: ['caller-name.nudge'],
  coach: {
    /**
     * The deadline, answer + afterSeconds, planned on answer and re-planned when the team lead
     * changes the delay mid-call (a deadline then already past fires once, now); dropped when the
     * rule is switched off, the name is noted or the nudge has shown. Switched on mid-call, it is
     * planned as if it had been on since the answer.
     */
    plan(p) {
      const afterMs = p.settings.afterSeconds * 1000;
      const planned = p.peek.deadlines.filter((d) => d.ruleId === 'caller-name');
      const wanted = wantsCallerName(p.settings.enabled, p.peek);
      const [only] = planned;
      if (wanted ? planned.length === 1 && only?.afterMs === afterMs : planned.length === 0) return;
      const { call } = p.edit();
      call.deadlines = call.deadlines.filter((d) => d.ruleId !== 'caller-name');
      const answeredAt = call.record.answeredAt;
      if (!wanted || answeredAt === undefined) return;
      call.deadlines.push({ at: Math.max(answeredAt + afterMs, p.now), ruleId: 'caller-name', afterMs });
    },
    onDeadline(c, deadline) {
      if (!wantsCallerName(c.settings.enabled, c.call)) return;
      c.show('toast', c.text('caller-name.nudge'), deadline.at);
    },
    onEvidence(c, event) {
      if (event.act !== 'caller-name') return false;
      const r = c.call.record;
      const name = typeof event.name === 'string' ? cleanCallerName(event.name) : undefined;
      if (name === '') {
        // Cleared on the card: the name goes, the evidence that it was noted stays.
        if (r.callerName === undefined) return false;
        delete r.callerName;
        return true;
      }
      if (name !== undefined && r.callerName === name) return false;
      if (name === undefined && c.call.callerNameNoted) return false;
      if (name !== undefined) r.callerName = name;
      c.call.callerNameNoted = true;
      // Noted in time: no nudge. Noted after it: the reminder has done its job.
      c.call.deadlines = c.call.deadlines.filter((d) => d.ruleId !== 'caller-name');
      c.withdraw();
      return true;
    },
  },
  explain: {
    connectedOnly: true,
    nudge(nudge, _trigger, ctx) {
      const at = timeFrom(ctx);
      const r = ctx.record;
      const after = ctx.settings.afterSeconds * 1000;
      const answered = r.answeredAt !== undefined ? `answered at ${at(r.answeredAt)}, ` : '';
      return `${answered}still connected at ${at(nudge.firedAt)} with no caller's name noted on the card (afterSeconds ${plain(after)})`;
    },
    quiet(ctx) {
      const r = ctx.record;
      const at = timeFrom(ctx);
      if (r.direction === 'outbound') return 'outbound call: no caller to ask for a name';
      if (r.approximateTimes) return 'joined mid-call: the name may have been asked before the coach could see the call';
      const evidence = r.events.filter((e) => e.type === 'evidence' && e.act === 'caller-name').at(-1);
      if (evidence?.how === 'said') return `the caller's name was said on the call at ${timeFrom(ctx)(evidence.at)}`;
      if (r.callerName !== undefined || evidence) return "the caller's name was noted on the card";
      const due = (r.answeredAt ?? r.startedAt) + ctx.settings.afterSeconds * 1000;
      if (r.endedAt !== undefined && r.endedAt < due) {
        const end = closedUnseen(r) ? unseenText(r) : `ended at ${at(r.endedAt)}`;
        return `${end}, before the caller's name was due at ${at(due)} (afterSeconds ${plain(ctx.settings.afterSeconds * 1000)})`;
      }
      return 'no nudge';
    },
  },
  practice: {
    why: (facts) => ({ key: 'practice_why_caller_name', params: { seconds: facts.rules.callerNameAfterSeconds } }),
    score(facts, focus, nudges) {
      const d = draft();
      const a = facts.answeredAt;
      if (a === undefined) {
        d.notReached = true;
        return d;
      }
      const limitMs = facts.rules.callerNameAfterSeconds * 1000;
      const asked = saidBetween(facts, 'ask-name', a, facts.end?.at ?? Infinity)[0];
      if (!asked) {
        // A call over before the reminder was due is no failure unless names are what it practises.
        if (focus || (facts.end?.at ?? facts.lastAt) - a >= limitMs) d.improve.push({ key: 'practice_score_name_never' });
        else d.notReached = true;
        return d;
      }
      const after = asked.at - a;
      const params = { seconds: secondsOf(after), limit: facts.rules.callerNameAfterSeconds };
      if (after <= limitMs) d.wentWell.push({ key: 'practice_score_name_asked', params });
      else d.improve.push({ key: 'practice_score_name_late', params });
      const given = callerSaid(facts, 'name', asked.at)[0];
      if (given) {
        if (facts.said.some((s) => s.line === 'use-name' && s.at >= given.at)) d.wentWell.push({ key: 'practice_score_name_used' });
        else if (focus) d.improve.push({ key: 'practice_score_name_not_used' });
      }
      if (nudges.some((n) => n.ruleId === 'caller-name' && n.at >= asked.at)) d.tips.push({ key: 'practice_tip_name_card' });
      return d;
    },
  },
});
