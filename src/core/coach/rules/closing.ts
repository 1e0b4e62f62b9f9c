/**
 * closing: recap, ask if there is anything else, thank them — a checklist once per call, when
 * the agent reaches for hang-up, or after the call when no hang-up request was seen; of the
 * items there is no evidence of yet (none at all when every item was said or ticked), and none
 * when a transfer handed the caller over.
 */
import * as v from 'valibot';
import { CLOSING_LINES } from '../../practice/scenarios';
import { draft, firstOf, inOrder, listOf } from '../../practice/facts';
import { defineRule, ruleBase, type RuleCall } from './rule';
import { closedUnseen, timeFrom, unseenText } from './explain-kit';
import type { CallRecord } from '../types';

type ClosingText = 'closing.before' | 'closing.after' | 'closing.recap' | 'closing.anything-else' | 'closing.thank';

/** The closing checklist's items, in order; ids are stable (history keeps ticked ids). */
export const CLOSING_ITEMS: readonly { id: string; textId: ClosingText }[] = [
  { id: 'recap', textId: 'closing.recap' },
  { id: 'anything-else', textId: 'closing.anything-else' },
  { id: 'thank', textId: 'closing.thank' },
];

/**
 * The closing items there is evidence of, in the closing's order. A record written before
 * `closingChecked` existed (a coach state persisted by the previous build, mid-call) kept its
 * ticks on the checklist only: those are the same evidence, so no migration is needed.
 */
const closingDone = (r: CallRecord): readonly string[] =>
  r.closingChecked ?? r.nudges.filter((n) => n.ruleId === 'closing' && n.kind === 'checklist').at(-1)?.checked ?? [];

/**
 * The agent handed the caller over: their last transfer was seen accepted, so the colleague
 * closes that conversation. A transfer of unknown outcome (a selector softphone) may not have
 * gone through: the checklist still comes, as a reminder, never as a reproach.
 */
function handedOver(r: CallRecord): boolean {
  const transfer = r.transfers.filter((t) => t.by === 'agent').at(-1);
  return transfer?.outcome === 'accepted' || transfer?.outcome === 'completed';
}

/** The checklist of what the agent has not done yet; none when there is evidence of every item, or the caller was handed over. */
function showClosing(c: RuleCall<unknown, ClosingText>, textId: 'closing.before' | 'closing.after', at: number): void {
  c.call.closingShown = true;
  if (handedOver(c.call.record)) return;
  const done = closingDone(c.call.record);
  const missing = CLOSING_ITEMS.filter((item) => !done.includes(item.id));
  if (missing.length === 0) return;
  c.show('checklist', c.text(textId), at, missing.map((item) => ({ id: item.id, text: c.text(item.textId) })));
  const entry = c.call.record.nudges.at(-1);
  if (entry?.ruleId === 'closing' && done.length > 0) entry.checked = [...done];
}

/**
 * Tick or untick a closing item: the record's `closingChecked` and every closing checklist's
 * `checked`, kept equal (in the closing's order); once every item is done the checklist leaves
 * the screen. False when nothing changed.
 */
function setClosingItem(c: RuleCall<unknown, ClosingText>, itemId: string, checked: boolean, at: number): boolean {
  const r = c.call.record;
  const ticked = closingDone(r);
  if (!CLOSING_ITEMS.some((i) => i.id === itemId) || ticked.includes(itemId) === checked) return false;
  const next = checked ? [...ticked, itemId] : ticked.filter((id) => id !== itemId);
  r.closingChecked = CLOSING_ITEMS.map((i) => i.id).filter((id) => next.includes(id));
  for (const n of r.nudges) {
    if (n.ruleId !== 'closing' || n.kind !== 'checklist') continue;
    n.checked = [...r.closingChecked];
    n.checkedAt = at;
  }
  if (r.closingChecked.length === CLOSING_ITEMS.length) c.withdraw();
  return true;
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
    onChecked(c, _entry, itemId, checked, at) {
      return setClosingItem(c, itemId, checked, at);
    },
    onEvidence(c, event, at) {
      if (event.act !== 'closing-item' || typeof event.item !== 'string') return false;
      return setClosingItem(c, event.item, !event.undone, at);
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
      if (closingDone(r).length === CLOSING_ITEMS.length) return 'every closing item was done before the checklist was due';
      if (handedOver(r)) return 'the caller was handed over by a transfer: the colleague closes the conversation';
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
