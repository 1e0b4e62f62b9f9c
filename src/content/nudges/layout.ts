/**
 * What of the coach's nudges the overlay shows, so each thing is in one place on screen: a
 * checklist the open call card already holds is not repeated as a nudge, and at most two nudges
 * are in view (the older ones wait behind a count the agent can open). Pure: tested in node.
 */
import type { Nudge } from '../../core/coach/types';
import type { CardCall } from '../../core/messages';
import type { ShownNudge } from './nudge-stack';

/** More than this many nudges at once and agents stop reading them. */
export const MAX_VISIBLE_NUDGES = 2;
/**
 * Nudges kept in the stack (in view, or behind the count), oldest dropped first (mount.tsx).
 * Questions, checklists and urgent toasts stay until the agent or the coach closes them; when
 * the coach's close never comes (a page that missed it), a shift must not pile them up here.
 */
export const SHOWN_NUDGES_KEPT = 12;

/** The open card holds this checklist (the greeting of its call, or its closing checklist). */
export function carriedByCard(nudge: Nudge, openCard: CardCall | undefined): boolean {
  if (!openCard || nudge.kind !== 'checklist' || nudge.callKey !== openCard.callKey) return false;
  if (nudge.ruleId === 'greeting') return openCard.greeting !== undefined;
  return nudge.ruleId === 'closing' && openCard.closing?.key === nudge.key;
}

/**
 * The greeting checklist nudge lists what its call's card lists: the card leaves out the parts
 * not known yet (no agent name, no organization), so the nudge never shows a stand-in either.
 * The nudge can come a few ms before its call's card has the greeting (the coach's messages come
 * one by one): until then it shows no items, rather than the coach's four (with stand-ins) for a
 * frame and then the card's fewer, which moved the rows below and shifted the page's layout.
 * Without any card for the call, it shows its own.
 */
export function withCardItems(shown: ShownNudge, cards: ReadonlyMap<string, CardCall>): ShownNudge {
  if (shown.nudge.ruleId !== 'greeting' || shown.nudge.kind !== 'checklist') return shown;
  const card = cards.get(shown.nudge.callKey);
  if (!card) return shown;
  return { ...shown, nudge: { ...shown.nudge, items: card.greeting?.items ?? [] } };
}

export interface NudgeLayout {
  /** In view, oldest first. */
  visible: ShownNudge[];
  /** Older nudges behind the count (none when the agent opened the count). */
  folded: number;
}

/** The nudges in view: the newest two unless the agent opened the older ones. */
export function layoutNudges(shown: readonly ShownNudge[], openCard: CardCall | undefined, showAll: boolean): NudgeLayout {
  const listed = shown.filter((s) => !carriedByCard(s.nudge, openCard));
  if (showAll || listed.length <= MAX_VISIBLE_NUDGES) return { visible: listed, folded: 0 };
  return { visible: listed.slice(-MAX_VISIBLE_NUDGES), folded: listed.length - MAX_VISIBLE_NUDGES };
}
