/**
 * transfer-permission: ask before transferring. A click on Transfer (`transfer-requested`)
 * brings the reminder before the transfer starts; an agent transfer with no request in the last
 * REQUEST_WINDOW_MS brings the question "did you ask?" (one unanswered at a time).
 */
import * as v from 'valibot';
import { DEPARTMENTS, colleagueOf } from '../../practice/scenarios';
import { draft } from '../../practice/facts';
import { REQUEST_WINDOW_MS, defineRule, ruleBase } from './rule';
import { agentTransfers, evidenceAfter, lastEventBefore, plain, timeFrom } from './explain-kit';
import type { CallRecord } from '../types';

/** Evidence the caller was told of a transfer after the `previous` one (or since the call began). */
const toldOfTransfer = (r: CallRecord, previous: CallRecord['transfers'][number] | undefined): boolean =>
  evidenceAfter(r, 'transfer-permission', previous ? previous.at : -Infinity) !== undefined;

export const transferPermissionRule = defineRule({
  id: 'transfer-permission',
  signal: 'call+agent',
  settings: v.strictObject({ ...ruleBase }),
  defaults: { enabled: true, severity: 'nudge' },
  thresholds: [],
  texts: ['transfer-permission.before', 'transfer-permission.question'],
  kinds: { 'transfer-permission.question': 'question' },
  coach: {
    onEvent(c, event, at) {
      const { call } = c;
      if (event.type === 'transfer-requested') {
        const repeat = call.transferRequestedAt !== undefined && at - call.transferRequestedAt <= REQUEST_WINDOW_MS;
        call.transferRequestedAt = at;
        const evidence = toldOfTransfer(call.record, agentTransfers(call.record).at(-1));
        if (!repeat && !evidence && c.settings.enabled) c.show('toast', c.text('transfer-permission.before'), at);
      } else if (event.type === 'transfer-started' && event.by === 'agent') {
        // This transfer is in the record already: the evidence counts from the one before.
        const evidence = toldOfTransfer(call.record, agentTransfers(call.record).at(-2));
        const asked = evidence || (call.transferRequestedAt !== undefined && at - call.transferRequestedAt <= REQUEST_WINDOW_MS);
        delete call.transferRequestedAt;
        if (!asked && c.settings.enabled && !c.hasOpenQuestion()) c.show('question', c.text('transfer-permission.question'), at);
      }
    },
    onClose(c) {
      delete c.call.transferRequestedAt;
    },
    onEvidence(c, event) {
      if (event.act !== 'transfer-permission') return false;
      if (!event.undone) c.withdraw((n) => n.kind === 'toast');
      return true;
    },
  },
  explain: {
    connectedOnly: true,
    nudge(nudge, trigger, ctx) {
      const at = timeFrom(ctx);
      if (nudge.kind === 'toast') return `transfer requested at ${at(nudge.firedAt)}: the reminder comes before the transfer starts`;
      const event = trigger.kind === 'event' ? trigger.event : undefined;
      const target = event?.type === 'transfer-started' && event.target ? ` to ${event.target}` : '';
      const request = lastEventBefore(ctx.record, 'transfer-requested', nudge.firedAt);
      const before = request
        ? `the last transfer request, at ${at(request.at)}, was more than ${plain(REQUEST_WINDOW_MS)} before`
        : 'no transfer request before it';
      return `transfer started by agent at ${at(nudge.firedAt)}${target}, ${before}`;
    },
    quiet({ record: r }) {
      if (agentTransfers(r).length === 0) {
        if (r.events.some((e) => e.type === 'transfer-requested')) return 'transfer requested, but no reminder was due';
        return r.transfers.length > 0 ? 'no transfer by the agent (only the other side transferred)' : 'no transfer by the agent';
      }
      return 'every agent transfer was asked for in time';
    },
  },
  practice: {
    why: (_facts, nudge) => ({ key: nudge.kind === 'question' ? 'practice_why_transfer_question' : 'practice_why_transfer_before' }),
    score(facts) {
      const d = draft();
      const { scenario } = facts;
      const needs = scenario.needs;
      if (facts.transfers.length === 0) {
        if (needs && facts.end && facts.answeredAt !== undefined) {
          d.improve.push({ key: 'practice_score_transfer_none', params: { department: DEPARTMENTS[needs].name } });
        } else {
          d.notReached = true;
        }
        return d;
      }
      let since = facts.answeredAt ?? 0;
      for (const transfer of facts.transfers) {
        const colleague = colleagueOf(transfer.colleague);
        const announced = facts.said.some(
          (s) => s.line === 'announce-transfer' && s.at >= since && s.at <= transfer.clickAt && (s.colleague === undefined || s.colleague === transfer.colleague),
        );
        const params = { colleague: colleague.name, department: DEPARTMENTS[colleague.department].name };
        if (announced) d.wentWell.push({ key: 'practice_score_transfer_announced', params });
        else d.improve.push({ key: 'practice_score_transfer_unannounced', params });
        if (needs && colleague.department !== needs) {
          d.improve.push({ key: 'practice_score_transfer_wrong', params: { department: DEPARTMENTS[needs].name } });
        }
        if (transfer.ok === false) d.tips.push({ key: 'practice_tip_transfer_failed', params: { colleague: colleague.name } });
        since = transfer.doneAt ?? transfer.clickAt;
      }
      return d;
    },
  },
});
