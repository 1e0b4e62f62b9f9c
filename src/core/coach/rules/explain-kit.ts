/** What the rules' replay explanations share: time formats and facts read off a call record. */
import type { CallEvent, EvidenceAct } from '../../call-event';
import type { CallRecord } from '../types';
import type { ExplainContext } from './rule';

/** A time from the call's start, or a duration: 12.3 s. */
export const secondsText = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
/** A threshold as written in a config: 45 s, 0.4 s. */
export const plain = (ms: number): string => `${Number((ms / 1000).toFixed(3))} s`;
export const percent = (share: number): string => `${Math.round(share * 100)}%`;

/** `at(ms)`: an epoch time as seconds from the call's first event. */
export const timeFrom = (ctx: ExplainContext) => (ms: number): string => secondsText(ms - ctx.start);

export const agentHolds = (r: CallRecord) => r.holds.filter((h) => h.by === 'agent');
export const agentTransfers = (r: CallRecord) => r.transfers.filter((t) => t.by === 'agent');
export const lastEventBefore = (r: CallRecord, type: CallEvent['type'], at: number) =>
  r.events.filter((e) => e.type === type && e.at <= at).at(-1);

/** The coach closed the call itself (tab closed, stale): it ended without nudges. */
export const closedUnseen = (r: CallRecord): boolean => r.endReason === 'tab-closed' || r.endReason === 'stale';
export const unseenText = (r: CallRecord): string =>
  r.endReason === 'tab-closed' ? 'the tab closed: the coach closed the call without nudges' : 'the coach closed the call as stale, without nudges';

/** hold-overuse's end-of-call figure, as the coach computes it: agent hold time over answer → end. */
export function holdShare(r: CallRecord, end: number): { held: number; connected: number; share: number } | undefined {
  if (r.answeredAt === undefined) return undefined;
  const connected = end - r.answeredAt;
  if (connected <= 0) return undefined;
  let held = 0;
  for (const h of agentHolds(r)) held += Math.max(0, Math.min(h.end ?? end, end) - Math.max(h.start, r.answeredAt));
  return { held, connected, share: held / connected };
}

/**
 * The last evidence of `act` in the record after `since` (exclusive), unless taken back: what a
 * permission rule reads to know the caller was asked before this hold or transfer.
 */
export function evidenceAfter(r: CallRecord, act: EvidenceAct, since: number): CallRecord['events'][number] | undefined {
  const last = r.events.filter((e) => e.type === 'evidence' && e.act === act && e.at > since).at(-1);
  return last && !last.undone ? last : undefined;
}
