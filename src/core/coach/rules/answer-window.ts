/**
 * answer-window: answer in the second ring. The page's ring counter runs while an inbound call
 * rings (it says "answer now" from ring 2); still ringing when ring 3 begins: a nudge.
 */
import * as v from 'valibot';
import { RING_CADENCES, RING_WINDOWS } from '../ring';
import { answerWindow, ringAt } from '../../practice/cadence';
import { draft, seconds } from '../../practice/facts';
import { defineRule, ruleBase, type RuleCall } from './rule';
import { plain, timeFrom } from './explain-kit';

/** Stop the ring counter and drop the ring-3 deadline. */
function stopRinging(c: RuleCall<unknown, string>): void {
  const { call } = c;
  call.deadlines = call.deadlines.filter((d) => d.ruleId !== 'answer-window');
  if (call.ringShown) {
    call.ringShown = false;
    c.effect({ type: 'ring-status', tabId: call.record.tabId, callKey: c.key, ring: null });
  }
}

export const answerWindowRule = defineRule({
  id: 'answer-window',
  signal: 'call',
  settings: v.strictObject({ ...ruleBase }),
  defaults: { enabled: true, severity: 'nudge' },
  thresholds: [],
  texts: ['answer-window.nudge'],
  preview: { ringCounter: true },
  coach: {
    onRinging(c, at) {
      if (!c.settings.enabled) return;
      const region = c.config.region;
      const cadence = RING_CADENCES[region];
      c.call.ringShown = true;
      c.effect({
        type: 'ring-status',
        tabId: c.call.record.tabId,
        callKey: c.key,
        ring: { callKey: c.key, startedAt: at, onMs: cadence.onMs, offMs: cadence.offMs, answerNowFromRing: 2 },
      });
      c.call.deadlines.push({ at: at + RING_WINDOWS[region].ring3StartsMs, ruleId: 'answer-window' });
    },
    onAnswered(c) {
      stopRinging(c);
      c.withdraw();
    },
    onClose(c) {
      stopRinging(c);
    },
    onDeadline(c, deadline) {
      if (c.call.phase !== 'ringing' || !c.settings.enabled) return;
      c.show('toast', c.text('answer-window.nudge'), deadline.at);
    },
  },
  explain: {
    connectedOnly: false,
    nudge(nudge, _trigger, ctx) {
      const at = timeFrom(ctx);
      const { config } = ctx;
      const cadence = RING_CADENCES[config.region];
      return `still ringing at ${at(nudge.firedAt)}, when ring 3 began (${config.region} cadence: ${plain(cadence.onMs)} on, ${plain(cadence.offMs)} off)`;
    },
    quiet(ctx) {
      const { config, record: r } = ctx;
      const at = timeFrom(ctx);
      const ring3 = RING_WINDOWS[config.region].ring3StartsMs;
      if (r.direction === 'outbound') return 'outbound call: the agent\'s phone does not ring';
      if (r.events[0]?.type === 'answered') return 'first seen already answered: no ringing seen';
      if (r.answeredAt !== undefined) {
        return `answered at ${at(r.answeredAt)} (ring ${r.rings ?? 1}, ${r.answerClass ?? 'on-time'}), before ring 3 at ${at(r.startedAt + ring3)}`;
      }
      if (r.endedAt !== undefined) return `gone at ${at(r.endedAt)} (${r.missedReason ?? r.endReason ?? 'ended'}), before ring 3 at ${at(r.startedAt + ring3)}`;
      return 'no nudge';
    },
  },
  practice: {
    why: (facts) => ({ key: 'practice_why_answer_window', params: { seconds: seconds(answerWindow(facts.rules.region).untilMs) } }),
    score(facts) {
      const d = draft();
      const { region } = facts.rules;
      const window = answerWindow(region);
      const a = facts.answeredAt;
      if (a === undefined) {
        if (!facts.end) d.notReached = true;
        else d.improve.push({ key: 'practice_score_answer_none', params: { rings: ringAt(facts.end.at - 1, region) } });
        return d;
      }
      const params = { seconds: seconds(a), ring: ringAt(a, region), from: seconds(window.fromMs), until: seconds(window.untilMs) };
      if (a < window.fromMs) d.improve.push({ key: 'practice_score_answer_early', params });
      else if (a < window.untilMs) d.wentWell.push({ key: 'practice_score_answer_on_time', params });
      else d.improve.push({ key: 'practice_score_answer_late', params });
      return d;
    },
  },
});
