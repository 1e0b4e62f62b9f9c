/**
 * Why a replayed nudge fired, and why a checked rule stayed quiet on a call: plain sentences
 * for `second-ring replay --explain`.
 *
 * Derived here, from what the replay fed the coach (the triggering event or deadline), the
 * call's record as the coach wrote it, and the thresholds of the configuration; the coach
 * itself is not asked. These sentences restate the rules of src/core/coach/step.ts: when a rule
 * changes there, its sentence changes here (the replay tests show both side by side).
 * Times are seconds from the call's first event.
 */
import type { CallEvent } from '../call-event';
import {
  RING_CADENCES,
  RING_WINDOWS,
  REQUEST_WINDOW_MS,
  type CallRecord,
  type CoachConfig,
  type ConfigurableRuleId,
  type Nudge,
} from '../coach';

/**
 * The rules the replay explains: those the coach implements from call events today. greeting
 * and caller-name also take the agent's notes, which a timeline does not have: a replay shows
 * them as for an agent who ticks and notes nothing.
 */
export const EXPLAINED_RULES = [
  'answer-window',
  'missed-call',
  'greeting',
  'caller-name',
  'hold-permission',
  'hold-check-back',
  'hold-overuse',
  'transfer-permission',
  'safe-hold',
  'closing',
] as const satisfies readonly ConfigurableRuleId[];

export type ExplainedRuleId = (typeof EXPLAINED_RULES)[number];

/** What made the coach show a nudge: an event of the call, or one of its deadlines coming due. */
export type Trigger = { kind: 'event'; event: CallEvent } | { kind: 'deadline'; at: number };

export interface ExplainContext {
  config: CoachConfig;
  /** The call's record as of the step that showed the nudge (or the last one, for quiet rules). */
  record: CallRecord;
  /** Epoch ms of the call's first event: times are given from there. */
  start: number;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
/** A threshold as written in a config: 45 s, 0.4 s. */
const plain = (ms: number): string => `${Number((ms / 1000).toFixed(3))} s`;
const percent = (share: number): string => `${Math.round(share * 100)}%`;

const agentHolds = (r: CallRecord) => r.holds.filter((h) => h.by === 'agent');
const agentTransfers = (r: CallRecord) => r.transfers.filter((t) => t.by === 'agent');
const lastEventBefore = (r: CallRecord, type: CallEvent['type'], at: number) =>
  r.events.filter((e) => e.type === type && e.at <= at).at(-1);

/** One sentence on why `nudge` fired; undefined for a rule the replay does not know. */
export function explainNudge(nudge: Nudge, trigger: Trigger, ctx: ExplainContext): string | undefined {
  const { config, record: r } = ctx;
  const at = (ms: number) => seconds(ms - ctx.start);
  const event = trigger.kind === 'event' ? trigger.event : undefined;
  switch (nudge.ruleId) {
    case 'answer-window': {
      const cadence = RING_CADENCES[config.region];
      return `still ringing at ${at(nudge.firedAt)}, when ring 3 began (${config.region} cadence: ${plain(cadence.onMs)} on, ${plain(cadence.offMs)} off)`;
    }
    case 'missed-call': {
      const how = event?.type === 'missed' ? `missed (${event.reason}, by ${event.by})` : `ended by ${event?.type === 'ended' ? event.by : 'nobody seen'}`;
      return `never answered: ${how} at ${at(nudge.firedAt)}, in ring ${r.rings ?? 1}`;
    }
    case 'greeting': {
      // The agent's name comes from the agent's own settings, never from a replayed configuration.
      const organization = config.organization.trim() ? '' : '; no organization set: a stand-in fills {organization}';
      return `inbound call answered at ${at(nudge.firedAt)}: the greeting's four parts to tick (${config.language})${organization}`;
    }
    case 'caller-name': {
      const after = config.rules['caller-name'].afterSeconds * 1000;
      const answered = r.answeredAt !== undefined ? `answered at ${at(r.answeredAt)}, ` : '';
      return `${answered}still connected at ${at(nudge.firedAt)} with no caller's name noted on the card (afterSeconds ${plain(after)})`;
    }
    case 'hold-permission': {
      if (nudge.kind === 'toast') return `hold requested at ${at(nudge.firedAt)}: the reminder comes before the hold starts`;
      const request = lastEventBefore(r, 'hold-requested', nudge.firedAt);
      const before = request
        ? `the last hold request, at ${at(request.at)}, was more than ${plain(REQUEST_WINDOW_MS)} before`
        : 'no hold request before it';
      return `held by agent at ${at(nudge.firedAt)}, ${before}`;
    }
    case 'hold-check-back': {
      const hold = agentHolds(r).filter((h) => h.start <= nudge.firedAt && (h.end === undefined || h.end > nudge.firedAt)).at(-1);
      const interval = config.rules['hold-check-back'].intervalSeconds * 1000;
      if (!hold) return `check-back due at ${at(nudge.firedAt)}; check-back interval ${plain(interval)}`;
      return `held by agent at ${at(hold.start)}, still on hold at ${at(nudge.firedAt)} (${seconds(nudge.firedAt - hold.start)}); check-back interval ${plain(interval)}`;
    }
    case 'hold-overuse': {
      const rule = config.rules['hold-overuse'];
      if (event?.type === 'held') {
        const count = agentHolds(r).filter((h) => h.start <= nudge.firedAt).length;
        return `hold ${count} by the agent at ${at(nudge.firedAt)}; nudges from hold ${rule.maxHolds} (maxHolds ${rule.maxHolds})`;
      }
      const share = holdShare(r, nudge.firedAt);
      if (!share) return `hold share over ${percent(rule.maxHoldShare)} (maxHoldShare ${rule.maxHoldShare})`;
      return `agent hold ${seconds(share.held)} of ${seconds(share.connected)} connected (${percent(share.share)}), over ${percent(rule.maxHoldShare)} (maxHoldShare ${rule.maxHoldShare})`;
    }
    case 'transfer-permission': {
      if (nudge.kind === 'toast') return `transfer requested at ${at(nudge.firedAt)}: the reminder comes before the transfer starts`;
      const target = event?.type === 'transfer-started' && event.target ? ` to ${event.target}` : '';
      const request = lastEventBefore(r, 'transfer-requested', nudge.firedAt);
      const before = request
        ? `the last transfer request, at ${at(request.at)}, was more than ${plain(REQUEST_WINDOW_MS)} before`
        : 'no transfer request before it';
      return `transfer started by agent at ${at(nudge.firedAt)}${target}, ${before}`;
    }
    case 'safe-hold': {
      const window = plain(config.rules['safe-hold'].windowSeconds * 1000);
      const cause = safeHoldCause(r, nudge.firedAt, config.rules['safe-hold'].windowSeconds * 1000);
      if (!cause) return `ended by agent at ${at(nudge.firedAt)}; window ${window}`;
      const what =
        cause.kind === 'hold'
          ? `a hold began at ${at(cause.since)}`
          : cause.failed
            ? `a transfer at ${at(cause.transferAt)} that failed at ${at(cause.since)}`
            : `a transfer at ${at(cause.transferAt)} that was never accepted`;
      return `ended by agent at ${at(nudge.firedAt)}, ${seconds(nudge.firedAt - cause.since)} after ${what}; window ${window}`;
    }
    case 'closing':
      if (event?.type === 'hangup-requested') return `hang-up requested at ${at(nudge.firedAt)}: the checklist comes before the call ends`;
      return `ended at ${at(nudge.firedAt)}${event?.type === 'ended' ? ` by ${event.by}` : ''} with no hang-up request seen: the checklist comes after the call`;
    default:
      return event ? `on ${event.type} at ${at(nudge.firedAt)}` : `at a deadline, ${at(nudge.firedAt)}`;
  }
}

/** Why `ruleId` (enabled, checked) showed nothing on this call. */
export function explainQuiet(ruleId: ExplainedRuleId, ctx: ExplainContext): string {
  const { config, record: r } = ctx;
  const at = (ms: number) => seconds(ms - ctx.start);
  const ended = r.endedAt !== undefined;
  const closedUnseen = r.endReason === 'tab-closed' || r.endReason === 'stale';
  const unseen = r.endReason === 'tab-closed' ? 'the tab closed: the coach closed the call without nudges' : 'the coach closed the call as stale, without nudges';
  const startedAnswered = r.events[0]?.type === 'answered';
  const connectedOnly = ruleId !== 'answer-window' && ruleId !== 'missed-call';
  if (connectedOnly && r.answeredAt === undefined) return r.outcome === 'live' ? 'not connected when the timeline ends' : 'never connected';
  switch (ruleId) {
    case 'answer-window': {
      const ring3 = RING_WINDOWS[config.region].ring3StartsMs;
      if (r.direction === 'outbound') return 'outbound call: the agent\'s phone does not ring';
      if (startedAnswered) return 'first seen already answered: no ringing seen';
      if (r.answeredAt !== undefined) {
        return `answered at ${at(r.answeredAt)} (ring ${r.rings ?? 1}, ${r.answerClass ?? 'on-time'}), before ring 3 at ${at(r.startedAt + ring3)}`;
      }
      if (r.endedAt !== undefined) return `gone at ${at(r.endedAt)} (${r.missedReason ?? r.endReason ?? 'ended'}), before ring 3 at ${at(r.startedAt + ring3)}`;
      return 'no nudge';
    }
    case 'missed-call':
      if (r.outcome === 'answered') return `answered at ${at(r.answeredAt ?? r.startedAt)}`;
      if (r.outcome === 'live') return 'still ringing when the timeline ends: never missed';
      if (closedUnseen) return unseen;
      if (r.direction === 'outbound') return `outbound call not connected (${r.missedReason ?? 'ended'}): recorded only`;
      if (r.missedReason === 'answered-elsewhere') return "answered elsewhere (a colleague took it): not the agent's miss";
      return 'no nudge';
    case 'greeting':
      if (r.direction === 'outbound') return 'outbound call: the agent is the caller, no greeting to check';
      return 'no nudge';
    case 'caller-name': {
      if (r.direction === 'outbound') return 'outbound call: no caller to ask for a name';
      if (r.callerName !== undefined) return "the caller's name was noted on the card";
      const due = (r.answeredAt ?? r.startedAt) + config.rules['caller-name'].afterSeconds * 1000;
      if (r.endedAt !== undefined && r.endedAt < due) {
        const end = closedUnseen ? unseen : `ended at ${at(r.endedAt)}`;
        return `${end}, before the caller's name was due at ${at(due)} (afterSeconds ${plain(config.rules['caller-name'].afterSeconds * 1000)})`;
      }
      return 'no nudge';
    }
    case 'hold-permission':
    case 'hold-check-back': {
      const holds = agentHolds(r);
      if (holds.length === 0) {
        if (ruleId === 'hold-permission' && r.events.some((e) => e.type === 'hold-requested')) return 'hold requested, but no reminder was due';
        const remote = r.holds.length;
        return remote > 0 ? `no hold by the agent (the other side held ${remote}×)` : 'no hold by the agent';
      }
      if (ruleId === 'hold-permission') return 'every agent hold was asked for in time';
      const interval = config.rules['hold-check-back'].intervalSeconds * 1000;
      const end = r.endedAt ?? r.events.at(-1)?.at ?? r.startedAt;
      const longest = holds.reduce((a, h) => ((h.end ?? end) - h.start > (a.end ?? end) - a.start ? h : a));
      return `every agent hold was shorter than the check-back interval ${plain(interval)} (longest ${seconds((longest.end ?? end) - longest.start)}, from ${at(longest.start)})`;
    }
    case 'hold-overuse': {
      const rule = config.rules['hold-overuse'];
      const count = agentHolds(r).length;
      if (count === 0) return 'no hold by the agent';
      const holds = `${count} agent ${count === 1 ? 'hold' : 'holds'}, nudges from hold ${rule.maxHolds}`;
      if (closedUnseen) return `${holds}; ${unseen}`;
      if (r.endedAt === undefined) return `${holds}; the call did not end, so no hold share`;
      const share = holdShare(r, r.endedAt);
      const shareText = share ? `on hold ${percent(share.share)} of the connected time` : 'no connected time';
      return `${holds}; ${shareText}, limit ${percent(rule.maxHoldShare)}`;
    }
    case 'transfer-permission': {
      if (agentTransfers(r).length === 0) {
        if (r.events.some((e) => e.type === 'transfer-requested')) return 'transfer requested, but no reminder was due';
        return r.transfers.length > 0 ? 'no transfer by the agent (only the other side transferred)' : 'no transfer by the agent';
      }
      return 'every agent transfer was asked for in time';
    }
    case 'safe-hold': {
      if (closedUnseen) return unseen;
      if (!ended) return 'the call did not end';
      const end = r.endedAt ?? r.startedAt;
      if (r.endedBy !== 'agent') return `ended by ${r.endedBy ?? 'nobody seen'} at ${at(end)}: only an end from the agent's side is checked`;
      const windowMs = config.rules['safe-hold'].windowSeconds * 1000;
      const transfer = agentTransfers(r).at(-1);
      const accepted = transfer?.outcome === 'accepted' || transfer?.outcome === 'completed';
      const hold = agentHolds(r).at(-1);
      if (!hold && !transfer) return `ended by agent at ${at(end)} with no agent hold or transfer before it`;
      const parts = [`ended by agent at ${at(end)}`];
      if (hold) {
        const cleared = accepted && transfer && hold.start <= transfer.at ? ', before an accepted transfer' : '';
        parts.push(`the last agent hold began ${seconds(end - hold.start)} before${cleared}`);
      } else {
        parts.push('no agent hold');
      }
      if (transfer) {
        parts.push(accepted ? `the transfer at ${at(transfer.at)} was ${transfer.outcome}` : `the transfer at ${at(transfer.at)} was ${seconds(end - transfer.at)} before`);
      }
      return `${parts.join('; ')}; window ${plain(windowMs)}`;
    }
    case 'closing':
      if (closedUnseen) return unseen;
      if (!ended) return 'the call did not end and no hang-up was requested';
      return 'no nudge';
  }
}

/** hold-overuse's end-of-call figure, as the coach computes it: agent hold time over answer → end. */
function holdShare(r: CallRecord, end: number): { held: number; connected: number; share: number } | undefined {
  if (r.answeredAt === undefined) return undefined;
  const connected = end - r.answeredAt;
  if (connected <= 0) return undefined;
  let held = 0;
  for (const h of agentHolds(r)) held += Math.max(0, Math.min(h.end ?? end, end) - Math.max(h.start, r.answeredAt));
  return { held, connected, share: held / connected };
}

/** safe-hold's cause, as the coach finds it: an unsuccessful transfer first, then the last hold. */
function safeHoldCause(
  r: CallRecord,
  end: number,
  windowMs: number,
): { kind: 'hold'; since: number } | { kind: 'transfer'; since: number; transferAt: number; failed: boolean } | undefined {
  const transfer = agentTransfers(r).at(-1);
  if (transfer && (transfer.outcome === undefined || transfer.outcome === 'failed')) {
    const failedAt = transfer.outcome === 'failed' ? lastEventBefore(r, 'transfer-failed', end)?.at : undefined;
    const since = Math.max(transfer.at, failedAt ?? transfer.at);
    if (end - since <= windowMs) return { kind: 'transfer', since, transferAt: transfer.at, failed: failedAt !== undefined };
  }
  const accepted = transfer?.outcome === 'accepted' || transfer?.outcome === 'completed';
  const hold = agentHolds(r).at(-1);
  if (hold && (!accepted || hold.start > (transfer?.at ?? 0)) && end - hold.start <= windowMs) return { kind: 'hold', since: hold.start };
  return undefined;
}
