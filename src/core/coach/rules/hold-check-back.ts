/**
 * hold-check-back: while the agent holds the caller, a check-back every `intervalSeconds` (45,
 * 90, 135 s… of the hold), each replacing the last; resuming takes it down. A team lead's change
 * of the interval reaches a call already on hold.
 */
import * as v from 'valibot';
import type { Party } from '../../call-event';
import type { CallState } from '../step';
import { draft, seconds as secondsOf } from '../../practice/facts';
import { defineRule, ruleBase, numberIn } from './rule';
import { agentHolds, plain, secondsText, timeFrom } from './explain-kit';

const currentHold = (call: CallState, by: Party) => call.record.holds.find((h) => h.by === by && h.end === undefined);

export const holdCheckBackRule = defineRule({
  id: 'hold-check-back',
  signal: 'call',
  settings: v.strictObject({ ...ruleBase, intervalSeconds: numberIn(1, 3600) }),
  defaults: { enabled: true, severity: 'nudge', intervalSeconds: 45 },
  thresholds: [{ key: 'intervalSeconds', unit: 'seconds', min: 1, max: 3600 }],
  texts: ['hold-check-back.nudge'],
  preview: { params: (settings) => ({ seconds: settings.intervalSeconds }) },
  coach: {
    onEvent(c, event, at) {
      if (event.type === 'held' && event.by === 'agent' && c.settings.enabled) {
        const intervalMs = c.settings.intervalSeconds * 1000;
        c.call.deadlines.push({ at: at + intervalMs, ruleId: 'hold-check-back', intervalMs });
      } else if (event.type === 'resumed' && event.by === 'agent') {
        c.call.deadlines = c.call.deadlines.filter((d) => d.ruleId !== 'hold-check-back');
        c.withdraw();
      }
    },
    /**
     * One check-back per due deadline, however late the tick. The next one stays on the hold's
     * grid (start + k × interval, so the texts read 45, 90, 135 s…) but is at least half an
     * interval after `now`: a tick that comes at 89.9 s to fire the 45 s check-back must not be
     * followed by the 90 s one a moment later. The text gives the true time on hold at `now`.
     */
    onDeadline(c, deadline) {
      const { call, now } = c;
      const hold = currentHold(call, 'agent');
      if (call.phase !== 'connected' || !hold || !c.settings.enabled) return;
      const seconds = Math.round(Math.max(0, now - hold.start) / 1000);
      // The new check-back replaces the last one rather than stacking up beside it.
      c.withdraw();
      c.show('toast', c.text('hold-check-back.nudge', { seconds }), deadline.at);
      const interval = c.settings.intervalSeconds * 1000;
      const k = Math.max(1, Math.ceil((now + interval / 2 - hold.start) / interval));
      const next = Math.max(hold.start + k * interval, now + 1);
      call.deadlines.push({ at: next, ruleId: 'hold-check-back', intervalMs: interval });
    },
    /**
     * A team lead's change applies to calls already on hold: a check-back planned with another
     * interval (or for a rule since switched off or on) is planned again from the last check-back
     * of this hold, or from its start. A deadline that is then already past fires once, now.
     */
    plan(p) {
      const intervalMs = p.settings.intervalSeconds * 1000;
      if (p.peek.phase !== 'connected') return;
      const hold = currentHold(p.peek, 'agent');
      const planned = p.peek.deadlines.filter((d) => d.ruleId === 'hold-check-back');
      const wanted = p.settings.enabled && hold !== undefined;
      // Deadlines from before `intervalMs` was recorded count as planned with the current interval.
      const [only] = planned;
      if (wanted ? planned.length === 1 && (only?.intervalMs ?? intervalMs) === intervalMs : planned.length === 0) return;
      const { call } = p.edit();
      call.deadlines = call.deadlines.filter((d) => d.ruleId !== 'hold-check-back');
      if (!wanted || !hold) return;
      const lastShown = call.record.nudges
        .filter((n) => n.ruleId === 'hold-check-back' && n.firedAt >= hold.start)
        .reduce((latest, n) => Math.max(latest, n.firedAt), hold.start);
      call.deadlines.push({ at: Math.max(lastShown + intervalMs, p.now), ruleId: 'hold-check-back', intervalMs });
    },
  },
  explain: {
    connectedOnly: true,
    nudge(nudge, _trigger, ctx) {
      const at = timeFrom(ctx);
      const hold = agentHolds(ctx.record).filter((h) => h.start <= nudge.firedAt && (h.end === undefined || h.end > nudge.firedAt)).at(-1);
      const interval = ctx.settings.intervalSeconds * 1000;
      if (!hold) return `check-back due at ${at(nudge.firedAt)}; check-back interval ${plain(interval)}`;
      return `held by agent at ${at(hold.start)}, still on hold at ${at(nudge.firedAt)} (${secondsText(nudge.firedAt - hold.start)}); check-back interval ${plain(interval)}`;
    },
    quiet(ctx) {
      const r = ctx.record;
      const at = timeFrom(ctx);
      const holds = agentHolds(r);
      if (holds.length === 0) {
        const remote = r.holds.length;
        return remote > 0 ? `no hold by the agent (the other side held ${remote}×)` : 'no hold by the agent';
      }
      const interval = ctx.settings.intervalSeconds * 1000;
      const end = r.endedAt ?? r.events.at(-1)?.at ?? r.startedAt;
      const longest = holds.reduce((a, h) => ((h.end ?? end) - h.start > (a.end ?? end) - a.start ? h : a));
      return `every agent hold was shorter than the check-back interval ${plain(interval)} (longest ${secondsText((longest.end ?? end) - longest.start)}, from ${at(longest.start)})`;
    },
  },
  practice: {
    why(facts, nudge) {
      const hold = [...facts.holds].reverse().find((h) => h.start <= nudge.at);
      return {
        key: 'practice_why_check_back',
        params: { seconds: Math.round((nudge.at - (hold?.start ?? nudge.at)) / 1000), limit: facts.rules.checkBackSeconds },
      };
    },
    score(facts) {
      const d = draft();
      if (facts.holds.length === 0) {
        d.notReached = true;
        return d;
      }
      const limit = facts.rules.checkBackSeconds;
      const longest = Math.max(...facts.holds.map((h) => (h.end ?? h.start) - h.start));
      const callerLeft = facts.end?.reason === 'hold-too-long';
      if (callerLeft) d.improve.push({ key: 'practice_score_hold_caller_left', params: { seconds: secondsOf(longest) } });
      else if (longest <= limit * 1000) d.wentWell.push({ key: 'practice_score_hold_back_in_time', params: { seconds: secondsOf(longest), limit } });
      else d.improve.push({ key: 'practice_score_hold_back_late', params: { seconds: secondsOf(longest), limit } });
      const resumed = facts.holds.filter((h) => h.resumed);
      if (resumed.length) {
        const thanked = resumed.every((h) => {
          const next = facts.said.find((s) => s.at >= (h.end ?? 0));
          return next?.line === 'thank-hold';
        });
        if (thanked) d.wentWell.push({ key: 'practice_score_hold_thanked' });
        else d.tips.push({ key: 'practice_tip_hold_thank' });
      }
      return d;
    },
  },
});
