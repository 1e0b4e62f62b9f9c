/**
 * hold-overuse: from the `maxHolds`-th agent hold on, a nudge at each hold; at the end of a
 * call, a note when the agent's hold time was over `maxHoldShare` of the connected time.
 */
import * as v from 'valibot';
import { draft } from '../../practice/facts';
import { defineRule, ruleBase } from './rule';
import { agentHolds, closedUnseen, holdShare, percent, secondsText, timeFrom, unseenText } from './explain-kit';

export const holdOveruseRule = defineRule({
  id: 'hold-overuse',
  signal: 'call',
  settings: v.strictObject({
    ...ruleBase,
    /** The hold number that first nudges (4: the 4th hold and each one after it). */
    maxHolds: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100)),
    /** Agent hold time over connected time above which the end-of-call note shows. */
    maxHoldShare: v.pipe(v.number(), v.minValue(0), v.maxValue(1)),
  }),
  defaults: { enabled: true, severity: 'nudge', maxHolds: 4, maxHoldShare: 0.4 },
  thresholds: [
    { key: 'maxHolds', unit: 'count', min: 1, max: 100, integer: true },
    { key: 'maxHoldShare', unit: 'percent', min: 0, max: 100, scale: 100 },
  ],
  texts: ['hold-overuse.nudge', 'hold-overuse.share'],
  preview: { params: (settings) => ({ holds: settings.maxHolds, percent: Math.min(100, Math.round(settings.maxHoldShare * 100) + 10) }) },
  coach: {
    onEvent(c, event, at) {
      if (event.type !== 'held' || event.by !== 'agent') return;
      const holds = c.call.record.holds.filter((h) => h.by === 'agent').length;
      if (c.settings.enabled && holds >= c.settings.maxHolds) c.show('toast', c.text('hold-overuse.nudge', { holds }), at);
    },
    /** At the end: the agent's hold time as a share of the connected time (answer → end). */
    onEnded(c, end) {
      if (!c.settings.enabled) return;
      const share = holdShare(c.call.record, end);
      if (!share || share.share <= c.settings.maxHoldShare) return;
      c.show('toast', c.text('hold-overuse.share', { percent: Math.round(share.share * 100) }), end);
    },
  },
  explain: {
    connectedOnly: true,
    nudge(nudge, trigger, ctx) {
      const at = timeFrom(ctx);
      const rule = ctx.settings;
      if (trigger.kind === 'event' && trigger.event.type === 'held') {
        const count = agentHolds(ctx.record).filter((h) => h.start <= nudge.firedAt).length;
        return `hold ${count} by the agent at ${at(nudge.firedAt)}; nudges from hold ${rule.maxHolds} (maxHolds ${rule.maxHolds})`;
      }
      const share = holdShare(ctx.record, nudge.firedAt);
      if (!share) return `hold share over ${percent(rule.maxHoldShare)} (maxHoldShare ${rule.maxHoldShare})`;
      return `agent hold ${secondsText(share.held)} of ${secondsText(share.connected)} connected (${percent(share.share)}), over ${percent(rule.maxHoldShare)} (maxHoldShare ${rule.maxHoldShare})`;
    },
    quiet(ctx) {
      const r = ctx.record;
      const rule = ctx.settings;
      const count = agentHolds(r).length;
      if (count === 0) return 'no hold by the agent';
      const holds = `${count} agent ${count === 1 ? 'hold' : 'holds'}, nudges from hold ${rule.maxHolds}`;
      if (closedUnseen(r)) return `${holds}; ${unseenText(r)}`;
      if (r.endedAt === undefined) return `${holds}; the call did not end, so no hold share`;
      const share = holdShare(r, r.endedAt);
      const shareText = share ? `on hold ${percent(share.share)} of the connected time` : 'no connected time';
      return `${holds}; ${shareText}, limit ${percent(rule.maxHoldShare)}`;
    },
  },
  practice: {
    why: () => ({ key: 'practice_why_hold_overuse' }),
    score(facts, _focus, nudges) {
      const d = draft();
      if (nudges.some((n) => n.ruleId === 'hold-overuse')) d.improve.push({ key: 'practice_score_hold_overuse', params: { count: facts.holds.length } });
      else d.notReached = true;
      return d;
    },
  },
});
