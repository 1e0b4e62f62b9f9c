/**
 * closing: recap, ask if there is anything else, thank them — a checklist once per call, when
 * the agent reaches for hang-up, or after the call when no hang-up request was seen.
 */
import * as v from 'valibot';
import { CLOSING_LINES } from '../../practice/scenarios';
import { draft, firstOf, inOrder, listOf } from '../../practice/facts';
import { defineRule, ruleBase, type RuleCall } from './rule';
import { closedUnseen, timeFrom, unseenText } from './explain-kit';

type ClosingText = 'closing.before' | 'closing.after' | 'closing.recap' | 'closing.anything-else' | 'closing.thank';

/** The closing checklist's items, in order; ids are stable (history keeps ticked ids). */
export const CLOSING_ITEMS: readonly { id: string; textId: ClosingText }[] = [
  { id: 'recap', textId: 'closing.recap' },
  { id: 'anything-else', textId: 'closing.anything-else' },
  { id: 'thank', textId: 'closing.thank' },
];

function showClosing(c: RuleCall<unknown, ClosingText>, textId: 'closing.before' | 'closing.after', at: number): void {
  c.call.closingShown = true;
  const items = CLOSING_ITEMS.map((item) => ({ id: item.id, text: c.text(item.textId) }));
  c.show('checklist', c.text(textId), at, items);
}

export const closingRule = defineRule({
  id: 'closing',
  signal: 'agent',
  settings: v.strictObject({ ...ruleBase }),
  defaults: { enabled: true, severity: 'nudge' },
  thresholds: [],
  texts: ['closing.before', 'closing.after', 'closing.recap', 'closing.anything-else', 'closing.thank'],
  fragments: ['closing.recap', 'closing.anything-else', 'closing.thank'],
  kinds: { 'closing.before': 'checklist', 'closing.after': 'checklist' },
  checklist: CLOSING_ITEMS,
  coach: {
    onEvent(c, event, at) {
      if (event.type === 'hangup-requested' && !c.call.closingShown && c.settings.enabled) showClosing(c, 'closing.before', at);
    },
    onEnded(c, at) {
      if (!c.call.closingShown && c.settings.enabled) showClosing(c, 'closing.after', at);
    },
    onChecked(_c, entry, itemId, checked, at) {
      if (!CLOSING_ITEMS.some((i) => i.id === itemId)) return false;
      const ticked = entry.checked ?? [];
      if (ticked.includes(itemId) === checked) return false;
      // Kept in the checklist's order, whatever the order of ticking.
      const next = checked ? [...ticked, itemId] : ticked.filter((id) => id !== itemId);
      entry.checked = CLOSING_ITEMS.map((i) => i.id).filter((id) => next.includes(id));
      entry.checkedAt = at;
      return true;
    },
  },
  explain: {
    connectedOnly: true,
    nudge(nudge, trigger, ctx) {
      const at = timeFrom(ctx);
      const event = trigger.kind === 'event' ? trigger.event : undefined;
      if (event?.type === 'hangup-requested') return `hang-up requested at ${at(nudge.firedAt)}: the checklist comes before the call ends`;
      return `ended at ${at(nudge.firedAt)}${event?.type === 'ended' ? ` by ${event.by}` : ''} with no hang-up request seen: the checklist comes after the call`;
    },
    quiet({ record: r }) {
      if (closedUnseen(r)) return unseenText(r);
      if (r.endedAt === undefined) return 'the call did not end and no hang-up was requested';
      return 'no nudge';
    },
  },
  practice: {
    why(facts, nudge) {
      const before = facts.hangupClickAt !== undefined && nudge.at >= facts.hangupClickAt && (facts.end === undefined || nudge.at < facts.end.at);
      return { key: before ? 'practice_why_closing_before' : 'practice_why_closing_after' };
    },
    score(facts) {
      const d = draft();
      const { end } = facts;
      const a = facts.answeredAt;
      // Closing applies to a conversation that ended as one: not to a transfer, and not when the caller walked away.
      if (a === undefined || !end || end.by === 'transfer' || end.reason === 'hold-too-long' || end.reason === 'silence') {
        d.notReached = true;
        return d;
      }
      const until = facts.hangupClickAt ?? end.at;
      const said = firstOf(facts, CLOSING_LINES, a, until);
      const missing = CLOSING_LINES.filter((l) => !said.some((s) => s.line === l));
      if (missing.length) d.improve.push({ key: 'practice_score_closing_missing', params: { items: listOf(missing) } });
      if (!inOrder(said, CLOSING_LINES)) d.improve.push({ key: 'practice_score_closing_order' });
      if (d.improve.length === 0) d.wentWell.push({ key: 'practice_score_closing_all' });
      return d;
    },
  },
});
