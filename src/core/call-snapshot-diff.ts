/**
 * The one "previous state → next state → events" differ for snapshot-style softphone sources
 * (a cloud contact center that posts the whole agent state, or an adapter that folds a vendor's
 * event stream into a state). Each adapter maps its vendor's state to `SnapshotCall`s; this
 * module alone decides which call events a change stands for, so every platform's calls start,
 * hold, transfer and end by the same rules.
 */
import type { CallDirection, CallEvent, MissedReason, Observability, Party, RemoteParty } from './call-event';

/** One call as the source shows it at one moment. */
export interface SnapshotCall {
  /** Stable for the whole call (a vendor's contact or call id). */
  id: string;
  direction: CallDirection;
  /** `ringing`: inbound alerting or outbound dialing. The last three are final. */
  state: 'ringing' | 'connected' | 'ended' | 'missed' | 'rejected';
  /** The caller is on hold (only from sources that observe hold). */
  held?: boolean;
  /** A third party joining the call (a transfer or consult), while there is one. */
  thirdParty?: 'connecting' | 'connected';
  remote?: RemoteParty;
  /** Who ended it, where the source says so; otherwise the event says 'remote'. */
  endedBy?: Party;
}

export interface SnapshotDiffContext {
  at: number;
  source: string;
  /** What this source can observe; stamped on the event that starts each call. */
  observes: Observability;
}

const FINAL: ReadonlySet<SnapshotCall['state']> = new Set(['ended', 'missed', 'rejected']);

/**
 * The events that lead from `previous` to `next`. `previous` undefined is the first snapshot
 * (attaching mid-call): a call already connected starts as `answered` (held if it is), a
 * ringing one as ringing, and a finished one is not reported at all. A call missing from
 * `next` has ended (or was missed, if it never connected).
 */
export function diffCallSnapshots(
  previous: readonly SnapshotCall[] | undefined,
  next: readonly SnapshotCall[],
  context: SnapshotDiffContext,
): CallEvent[] {
  const events: CallEvent[] = [];
  const before = new Map((previous ?? []).map((call) => [call.id, call]));
  const seen = new Set<string>();
  for (const call of next) {
    seen.add(call.id);
    const old = before.get(call.id);
    if (old) changed(old, call, context, events);
    else started(call, previous === undefined, context, events);
  }
  for (const old of previous ?? []) {
    if (!seen.has(old.id)) changed(old, { ...old, state: old.state === 'connected' ? 'ended' : 'missed' }, context, events, true);
  }
  return events;
}

function base(call: SnapshotCall, context: SnapshotDiffContext) {
  return { callId: call.id, at: context.at, source: context.source };
}

function started(call: SnapshotCall, attaching: boolean, context: SnapshotDiffContext, events: CallEvent[]): void {
  if (FINAL.has(call.state) && attaching) return;
  const first = { ...base(call, context), observes: context.observes };
  const remote = call.remote ? { remote: call.remote } : {};
  if (call.state === 'connected') {
    events.push({ ...first, type: 'answered', direction: call.direction, ...remote });
    if (call.held) events.push({ ...base(call, context), type: 'held', by: 'agent' });
    if (call.thirdParty) transferChanged(undefined, call, context, events);
    return;
  }
  events.push(
    call.direction === 'inbound'
      ? { ...first, type: 'ringing', direction: 'inbound', ...remote }
      : { ...first, type: 'outbound-dialing', direction: 'outbound', ...remote },
  );
  if (FINAL.has(call.state)) changed({ ...call, state: 'ringing' }, call, context, events);
}

function changed(old: SnapshotCall, call: SnapshotCall, context: SnapshotDiffContext, events: CallEvent[], gone = false): void {
  if (FINAL.has(old.state)) return;
  const b = base(call, context);
  if (old.state === 'ringing') {
    if (call.state === 'connected') {
      events.push({ ...b, type: 'answered', direction: call.direction, ...(call.remote ? { remote: call.remote } : {}) });
      old = { ...old, state: 'connected', held: false, thirdParty: undefined };
    } else if (call.state !== 'ringing') {
      events.push({ ...b, type: 'missed', direction: call.direction, ...missedWhy(call, gone) });
      return;
    } else {
      return;
    }
  }
  // old is connected from here on.
  if (call.state === 'connected') {
    if (!old.held && call.held) events.push({ ...b, type: 'held', by: 'agent' });
    if (old.held && !call.held) events.push({ ...b, type: 'resumed', by: 'agent' });
    transferChanged(old.thirdParty, call, context, events);
    return;
  }
  // A third party that was still connecting when the call ended never took it.
  if (old.thirdParty === 'connecting' && call.thirdParty !== 'connected') events.push({ ...b, type: 'transfer-failed', by: 'agent' });
  if (old.thirdParty === 'connecting' && call.thirdParty === 'connected') transferChanged(old.thirdParty, call, context, events);
  events.push({ ...b, type: 'ended', by: call.endedBy ?? 'remote' });
}

/** A third-party connection: connecting → transfer started; connected → accepted; gone while connecting → failed. */
function transferChanged(
  was: SnapshotCall['thirdParty'],
  call: SnapshotCall,
  context: SnapshotDiffContext,
  events: CallEvent[],
): void {
  const now = call.thirdParty;
  if (was === now) return;
  const b = base(call, context);
  if (was === undefined) events.push({ ...b, type: 'transfer-started', by: 'agent' });
  if (now === 'connected' && was !== 'connected') events.push({ ...b, type: 'transfer-accepted', by: 'agent', completed: true });
  if (now === undefined && was === 'connecting') events.push({ ...b, type: 'transfer-failed', by: 'agent' });
}

function missedWhy(call: SnapshotCall, gone: boolean): { by: Party; reason: MissedReason } {
  if (call.direction === 'outbound') return { by: 'remote', reason: 'failed' };
  if (call.state === 'rejected') return { by: 'agent', reason: 'rejected' };
  // Still ringing when it went away: the caller hung up. A source's own "missed": it rang out.
  if (gone || call.state === 'ended') return { by: 'remote', reason: 'caller-abandoned' };
  return { by: 'remote', reason: 'no-answer' };
}
