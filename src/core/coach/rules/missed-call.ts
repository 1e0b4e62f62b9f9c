/** missed-call: an inbound call the agent let ring out gets a note with the caller and the rings. */
import * as v from 'valibot';
import type { RemoteParty } from '../../call-event';
import { draft } from '../../practice/facts';
import { shorten } from '../format-text';
import { isolate } from '../../names';
import { defineRule, ruleBase, type RuleCall } from './rule';
import { closedUnseen, timeFrom, unseenText } from './explain-kit';

function callerName(c: RuleCall<unknown, string>, remote: RemoteParty | undefined): string {
  const name = remote?.displayName?.trim();
  const number = remote?.number?.trim();
  // Names and numbers from the network: direction-isolated in the text (it may become a notification).
  if (name && number && name !== number) return `${isolate(shorten(name))}, ${isolate(shorten(number))}`;
  if (name) return isolate(shorten(name));
  if (number) return isolate(shorten(number));
  return c.text('missed-call.unknown-caller');
}

export const missedCallRule = defineRule({
  id: 'missed-call',
  signal: 'call',
  settings: v.strictObject({ ...ruleBase }),
  defaults: { enabled: true, severity: 'info' },
  thresholds: [],
  texts: ['missed-call.nudge', 'missed-call.unknown-caller'],
  fragments: ['missed-call.unknown-caller'],
  preview: { params: (_settings, sample) => ({ caller: sample.caller, rings: 4 }) },
  coach: {
    onMissed(c, at, end) {
      const r = c.call.record;
      // Outbound calls that did not connect are recorded only: the agent knows they did not get through.
      // A colleague took it off a ring-all queue: recorded, but not the agent's miss to nudge about.
      const theirs = end.missedReason === 'answered-elsewhere';
      if (end.coach && !theirs && end.wasRinging && r.direction === 'inbound' && c.settings.enabled) {
        const body = c.text('missed-call.nudge', { caller: callerName(c, r.remote), rings: r.rings ?? 1 });
        c.show('toast', body, at);
      }
    },
  },
  explain: {
    connectedOnly: false,
    nudge(nudge, trigger, ctx) {
      const at = timeFrom(ctx);
      const event = trigger.kind === 'event' ? trigger.event : undefined;
      const how = event?.type === 'missed' ? `missed (${event.reason}, by ${event.by})` : `ended by ${event?.type === 'ended' ? event.by : 'nobody seen'}`;
      return `never answered: ${how} at ${at(nudge.firedAt)}, in ring ${ctx.record.rings ?? 1}`;
    },
    quiet(ctx) {
      const r = ctx.record;
      const at = timeFrom(ctx);
      if (r.outcome === 'answered') return `answered at ${at(r.answeredAt ?? r.startedAt)}`;
      if (r.outcome === 'live') return 'still ringing when the timeline ends: never missed';
      if (closedUnseen(r)) return unseenText(r);
      if (r.direction === 'outbound') return `outbound call not connected (${r.missedReason ?? 'ended'}): recorded only`;
      if (r.missedReason === 'answered-elsewhere') return "answered elsewhere (a colleague took it): not the agent's miss";
      return 'no nudge';
    },
  },
  practice: {
    why: () => ({ key: 'practice_why_missed_call' }),
    score(facts, focus) {
      const d = draft();
      if (facts.answeredAt !== undefined) {
        // Worth saying only where missed calls are what the scenario practises.
        if (focus) d.wentWell.push({ key: 'practice_score_missed_none' });
        else d.notReached = true;
      } else if (!facts.end) d.notReached = true;
      else d.tips.push({ key: 'practice_score_missed_return' });
      return d;
    },
  },
});
