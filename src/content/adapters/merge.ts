/**
 * When two adapters report the same call (a SIP phone watched on the wire and through its
 * buttons; a cloud softphone whose page also shows the call), the coach must see one call.
 * Events are merged per call: a call that starts from one source within a few seconds of an
 * open call of the same direction from another source is the same call, reported under the
 * first one's id. Its lifecycle (ringing, answered, ended, missed) is sent once, by whichever
 * source saw it first; for hold, transfer and the agent's intents, a source's event goes
 * through only when no other source of that call has more authority (the platform's own API
 * over the wire over inference) and observes that kind of event itself.
 * Pure apart from what it is handed: times come from the events.
 */
import type { CallEvent, CallEventType, Observability } from '../../core/call-event';
import type { SignalAuthority, SoftphoneAdapter } from './adapter';

/** How far apart two sources may see the start of the same call. */
export const SAME_CALL_WINDOW_MS = 3_000;
const KEEP_CLOSED = 20;

const RANK: Record<SignalAuthority, number> = { 'platform-api': 3, wire: 2, inference: 1 };
const LIFECYCLE = new Set<CallEventType>(['ringing', 'outbound-dialing', 'answered', 'ended', 'missed']);
const STARTS = new Set<CallEventType>(['ringing', 'outbound-dialing', 'answered']);
const KIND: Partial<Record<CallEventType, keyof Observability>> = {
  'hold-requested': 'holdIntent',
  held: 'hold',
  resumed: 'hold',
  'transfer-requested': 'transferIntent',
  'transfer-started': 'transferOutcome',
  'transfer-accepted': 'transferOutcome',
  'transfer-failed': 'transferOutcome',
  'hangup-requested': 'hangupIntent',
};

interface MergedCall {
  id: string;
  direction?: string;
  startedAt: number;
  /** source → that source's call id */
  members: Map<string, string>;
  sent: Set<CallEventType>;
  closed: boolean;
}

export function createCallMerger(adapters: readonly SoftphoneAdapter[], emit: (event: CallEvent) => void): (event: CallEvent) => void {
  const bySource = new Map(adapters.map((a) => [a.id, a]));
  const calls: MergedCall[] = [];
  const key = (source: string, callId: string) => `${source}\u0000${callId}`;
  const memberOf = new Map<string, MergedCall>();
  const rank = (source: string) => RANK[bySource.get(source)?.authority ?? 'inference'];

  const forget = () => {
    const closed = calls.filter((c) => c.closed);
    for (const old of closed.slice(0, Math.max(0, closed.length - KEEP_CLOSED))) {
      calls.splice(calls.indexOf(old), 1);
      for (const [source, callId] of old.members) memberOf.delete(key(source, callId));
    }
  };

  return (event) => {
    let call = memberOf.get(key(event.source, event.callId));
    if (!call) {
      const direction = 'direction' in event ? event.direction : undefined;
      call = STARTS.has(event.type)
        ? calls.find(
            (c) =>
              !c.closed &&
              !c.members.has(event.source) &&
              c.direction === direction &&
              Math.abs(c.startedAt - event.at) <= SAME_CALL_WINDOW_MS,
          )
        : undefined;
      if (!call) {
        call = { id: event.callId, direction, startedAt: event.at, members: new Map(), sent: new Set(), closed: false };
        calls.push(call);
      }
      call.members.set(event.source, event.callId);
      memberOf.set(key(event.source, event.callId), call);
    }
    if (LIFECYCLE.has(event.type)) {
      if (call.sent.has(event.type) || call.closed) return;
      call.sent.add(event.type);
      if (event.type === 'ended' || event.type === 'missed') {
        call.closed = true;
        forget();
      }
    } else {
      const kind = KIND[event.type];
      const mine = rank(event.source);
      const outranked =
        kind !== undefined &&
        [...call.members.keys()].some((other) => other !== event.source && rank(other) > mine && bySource.get(other)?.observes[kind]);
      if (outranked) return;
    }
    emit(call.id === event.callId ? event : { ...event, callId: call.id });
  };
}
