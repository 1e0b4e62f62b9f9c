/**
 * hold-permission: ask before putting the caller on hold. A click on Hold (`hold-requested`)
 * brings the reminder before the hold starts; an agent hold with no request in the last
 * REQUEST_WINDOW_MS brings the question "did you ask?" (one unanswered at a time).
 */
import * as v from 'valibot';
import { callerSaid, draft, saidBetween } from '../../practice/facts';
import { REQUEST_WINDOW_MS, defineRule, ruleBase } from './rule';
import { agentHolds, evidenceAfter, lastEventBefore, plain, timeFrom } from './explain-kit';
import type { CallRecord } from '../types';

/** Evidence the caller was asked (and agreed) after `previous` hold ended (or the call began). */
const askedForHold = (r: CallRecord, previous: CallRecord['holds'][number] | undefined): boolean =>
  evidenceAfter(r, 'hold-permission', previous ? (previous.end ?? previous.start) : -Infinity) !== undefined;

export const holdPermissionRule = defineRule({
  id: 'hold-permission',
  signal: 'call+agent',
  settings: v.strictObject({ ...ruleBase }),
  defaults: { enabled: true, severity: 'nudge' },
  thresholds: [],
  texts: ['hold-permission.before', 'hold-permission.question'],
  kinds: { 'hold-permission.question': 'question' },
  coach: {
    onEvent(c, event, at) {
      const { call } = c;
      if (event.type === 'hold-requested') {
        const repeat = call.holdRequestedAt !== undefined && at - call.holdRequestedAt <= REQUEST_WINDOW_MS;
        call.holdRequestedAt = at;
        // Evidence the caller was asked since the last hold: nothing to remind of.
        const evidence = askedForHold(call.record, agentHolds(call.record).at(-1));
        if (!repeat && !evidence && c.settings.enabled) c.show('toast', c.text('hold-permission.before'), at);
      } else if (event.type === 'held' && event.by === 'agent') {
        // This hold is in the record already: the evidence counts from the end of the one before.
        const evidence = askedForHold(call.record, agentHolds(call.record).at(-2));
        const asked = evidence || (call.holdRequestedAt !== undefined && at - call.holdRequestedAt <= REQUEST_WINDOW_MS);
        delete call.holdRequestedAt;
        // One unanswered "did you ask?" at a time: an agent who ignores it does not need a pile of them.
        if (!asked && c.settings.enabled && !c.hasOpenQuestion()) c.show('question', c.text('hold-permission.question'), at);
      }
    },
    onClose(c) {
      delete c.call.holdRequestedAt;
    },
    onEvidence(c, event) {
      if (event.act !== 'hold-permission') return false;
      // Asked while the reminder was up: it has done its job.
      if (!event.undone) c.withdraw((n) => n.kind === 'toast');
      return true;
    },
  },
  explain: {
    connectedOnly: true,
    nudge(nudge, _trigger, ctx) {
      const at = timeFrom(ctx);
      if (nudge.kind === 'toast') return `hold requested at ${at(nudge.firedAt)}: the reminder comes before the hold starts`;
      const request = lastEventBefore(ctx.record, 'hold-requested', nudge.firedAt);
      const before = request
        ? `the last hold request, at ${at(request.at)}, was more than ${plain(REQUEST_WINDOW_MS)} before`
        : 'no hold request before it';
      return `held by agent at ${at(nudge.firedAt)}, ${before}`;
    },
    quiet({ record: r }) {
      if (agentHolds(r).length === 0) {
        if (r.events.some((e) => e.type === 'hold-requested')) return 'hold requested, but no reminder was due';
        const remote = r.holds.length;
        return remote > 0 ? `no hold by the agent (the other side held ${remote}×)` : 'no hold by the agent';
      }
      if (r.events.some((e) => e.type === 'evidence' && e.act === 'hold-permission')) return 'every agent hold was asked for in time (the caller was asked first)';
      return 'every agent hold was asked for in time';
    },
  },
  practice: {
    why: (_facts, nudge) => ({ key: nudge.kind === 'question' ? 'practice_why_hold_question' : 'practice_why_hold_before' }),
    score(facts) {
      const d = draft();
      if (facts.holds.length === 0) {
        d.notReached = true;
        return d;
      }
      let asked = 0;
      let unasked = 0;
      let noWait = 0;
      let since = facts.answeredAt ?? 0;
      for (const hold of facts.holds) {
        const click = hold.clickAt ?? hold.start;
        const ask = saidBetween(facts, 'ask-hold', since, click).at(-1);
        if (!ask) unasked++;
        else if (callerSaid(facts, 'hold-yes', ask.at, click).length) asked++;
        else noWait++;
        since = hold.end ?? hold.start;
      }
      if (asked) d.wentWell.push({ key: 'practice_score_hold_asked', params: { count: asked } });
      if (noWait) d.improve.push({ key: 'practice_score_hold_no_wait', params: { count: noWait } });
      if (unasked) d.improve.push({ key: 'practice_score_hold_unasked', params: { count: unasked } });
      return d;
    },
  },
});
