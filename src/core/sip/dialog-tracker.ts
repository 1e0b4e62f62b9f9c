/**
 * SIP dialogs on the agent's socket → CallEvents.
 *
 * A pure state machine in the shape of xstate's `transition()`: `trackSipMessage(state, …)`
 * returns the next state and the events as data and never changes the state it was given.
 * The state is plain JSON (arrays, not objects keyed by Call-ID, so a Call-ID of "__proto__"
 * is just a string) and bounded, so it can be inspected, stored and kept for a whole shift.
 *
 * Orientation comes from the frame direction and from which side sent the initial INVITE,
 * never from From/To (the callee's in-dialog requests have them reversed) and never from
 * URIs (proxies rewrite Request-URIs and Contacts: `;alias=`, `.invalid` hosts).
 */
import type { CallDirection, CallEvent, MissedReason, Party, RemoteParty } from '../call-event';
import type { FrameDirection, SipMessage, SipRequest, SipResponse } from './message';
import {
  callIdOf,
  contentTypeOf,
  cseqOf,
  displayNameOf,
  eventPackageOf,
  headerValue,
  reasonsOf,
  tagOf,
  topViaBranchOf,
  uriOf,
  userPartOf,
} from './headers';
import { parseSipFrame } from './parse';
import { audioDirection, isHoldDirection } from './sdp';
import type { AudioDirection } from './sdp';
import { cleanOptionalName } from '../names';

export const SIP_SOURCE = 'sip-websocket';
/** Live calls kept at most; a 33rd drops the oldest (a softphone has one or two calls at once). */
export const MAX_LIVE_CALLS = 32;
/** Finished Call-IDs remembered so that late retransmissions stay silent. */
export const MAX_ENDED_CALLS = 64;
/** Offers and REFERs awaiting a final response, per call. */
const MAX_PENDING = 8;
/** Longer Call-IDs are ignored (real ones are 20–80 characters; this bounds the state). */
const MAX_CALL_ID_LENGTH = 256;
/** Caps on strings copied from the network into events and state. */
const MAX_NAME_LENGTH = 128;
const MAX_TARGET_LENGTH = 512;

/**
 * The life of one call (one Call-ID) as seen from the agent's phone.
 *
 * ```text
 *   inbound: INVITE received            outbound: INVITE sent → outbound-dialing
 *              │                                     │
 *              ▼                                     ▼         401/407 received:
 *        ┌──────────┐ 18x sent   ┌─────────┐   ┌─────────┐◀─┐ the INVITE comes again
 *        │ incoming │──────────▶│ ringing │   │ dialing │──┘ with credentials
 *        └──────────┘  ringing   └─────────┘   └─────────┘
 *     2xx sent: │ ringing +   2xx sent: │     2xx received: │ answered
 *               │ answered     answered │                   │
 *               ▼                       ▼                   ▼
 *        ┌──────────────────────────────────────────────────────────┐
 *        │ confirmed: hold per side (agentHolding, remoteHolding),  │
 *        │ offers and REFERs pending, one transfer sub-state        │
 *        └──────────────────────────────────────────────────────────┘
 *               │ BYE sent / received: ended
 *               ▼
 *        (finished: the Call-ID moves to `ended`; a transfer still open there may
 *         still report its outcome)
 *
 *   incoming/ringing/dialing ── final non-2xx, or BYE in the early dialog ──▶ missed ──▶ finished
 *   incoming/ringing ── CANCEL "call completed elsewhere", then final ──▶ ended ──▶ finished
 *   (a CANCEL only marks the call: the final response to the INVITE decides, since an
 *    answer may cross it)
 * ```
 *
 * The transfer sub-state (REFER sent by the agent, or received by it):
 *
 * ```text
 *   REFER ──▶ started ── 2xx to REFER ──▶ accepted ── sipfrag 2xx ──▶ completed
 *               │ ≥300 to REFER             │ sipfrag ≥300
 *               │ or sipfrag ≥300           ▼
 *               └─────────────────────▶ failed        (started ── sipfrag 2xx ──▶ completed)
 * ```
 */
export type CallPhase =
  /** Inbound: the INVITE arrived, the phone has not alerted yet. */
  | 'incoming'
  /** Inbound: the phone sent 18x, `ringing` was emitted. */
  | 'ringing'
  /** Outbound: the INVITE went out, no final response yet. */
  | 'dialing'
  /** Answered: a 2xx to the initial INVITE was seen. */
  | 'confirmed';

/** A re-INVITE/UPDATE offer or a REFER waiting for its final response. */
export interface PendingOffer {
  /** Who sent the request (CSeq numbers are per sender). */
  readonly by: Party;
  readonly method: string;
  readonly seq: number;
  readonly audio: AudioDirection;
}

export interface TransferState {
  /** Who sent the REFER. */
  readonly by: Party;
  /** CSeq number of the REFER, to match its response. */
  readonly seq: number;
  readonly stage: 'started' | 'accepted' | 'completed' | 'failed';
  /** The REFER got 401/407: the same transfer comes again with credentials. */
  readonly challenged?: boolean;
}

export interface TrackedCall {
  readonly callId: string;
  readonly direction: CallDirection;
  readonly phase: CallPhase;
  /** CSeq number of the latest initial INVITE (an auth retry raises it). */
  readonly inviteSeq: number;
  /** Top Via branch of that INVITE: a response on another branch answers another transaction. */
  readonly inviteBranch?: string;
  readonly remote?: RemoteParty;
  /** Dialog tags, for the record only (never used for orientation). */
  readonly localTag?: string;
  readonly remoteTag?: string;
  /** The caller's side sent CANCEL (received on inbound calls, sent on outbound ones). */
  readonly cancelled: boolean;
  /** The CANCEL said the call was answered on another phone (RFC 3326 Reason). */
  readonly answeredElsewhere: boolean;
  readonly agentHolding: boolean;
  readonly remoteHolding: boolean;
  readonly pending: readonly PendingOffer[];
  readonly transfer?: TransferState;
  /** Time of the first frame of this call. */
  readonly since: number;
  /** Seen first mid-call (see `joinLate`): `since` is when it was learnt of, not its start. */
  readonly lateJoined?: true;
}

/** A finished call: its Call-ID, and a transfer whose outcome may still come in. */
export interface EndedCall {
  readonly callId: string;
  readonly transfer?: TransferState;
}

export interface TrackerState {
  /** Live calls, oldest first. */
  readonly calls: readonly TrackedCall[];
  /** Finished calls, oldest first, at most {@link MAX_ENDED_CALLS}. */
  readonly ended: readonly EndedCall[];
}

export interface TrackResult {
  state: TrackerState;
  events: CallEvent[];
}

export function createTrackerState(): TrackerState {
  return { calls: [], ended: [] };
}

type Draft<T> = { -readonly [K in keyof T]: T[K] };

/** What one message does, built on copies: the input state is never changed. */
interface Step {
  calls: TrackedCall[];
  ended: EndedCall[];
  events: CallEvent[];
  at: number;
  source: string;
}

/**
 * Feed one SIP message seen on the agent's socket. `direction` is 'sent' when the agent's
 * phone sent it. Returns the next state and the events, in order, all stamped `at`.
 *
 * Decisions where SIP leaves a choice:
 * - Hold/resume needs an offer with SDP in a re-INVITE or UPDATE and a 2xx to it; a
 *   re-INVITE without SDP (offer in the 200, answer in the ACK) is not followed.
 * - A BYE in the early dialog (RFC 3261 §15 lets the caller send one) ends the call as
 *   missed: inbound, received → 'caller-abandoned'; outbound, sent → 'cancelled'; the
 *   other two (not allowed by the RFC) → 'rejected' / 'failed'.
 * - 401/407 to the initial INVITE or to a REFER is an auth challenge, not a failure: the
 *   phone repeats the request with credentials and a new CSeq.
 * - After `ended`, a transfer still open may report its outcome once (a late sipfrag NOTIFY
 *   or REFER response: the phone may send BYE right after the 202); everything else for
 *   that Call-ID is ignored.
 * - A CANCEL whose Reason says "answered elsewhere" (SIP cause 200, Q.850 cause 26: a
 *   ring-all queue where a colleague took the call) is not the agent's miss: it closes as
 *   `missed` with reason 'answered-elsewhere', which the coach neither nudges nor queues.
 * - A 480 sent without CANCEL is 'rejected' by the agent; note that SIP.js's own
 *   no-answer timer also sends 480 (JsSIP's sends 408, which is 'no-answer').
 */
export function trackSipMessage(
  state: TrackerState,
  msg: SipMessage,
  direction: FrameDirection,
  at: number,
  source: string = SIP_SOURCE,
): TrackResult {
  const step: Step = { calls: state.calls.slice(), ended: state.ended.slice(), events: [], at, source };
  const callId = callIdOf(msg);
  const cseq = cseqOf(msg);
  if (callId === undefined || callId.length > MAX_CALL_ID_LENGTH || cseq === undefined) {
    return { state, events: [] };
  }
  if (msg.kind === 'request') {
    // RFC 4475 §3.1.2.17: a CSeq method that differs from the request's is malformed.
    if (cseq.method !== msg.method) return { state, events: [] };
    onRequest(step, msg, callId, cseq.seq, direction);
  } else {
    onResponse(step, msg, callId, cseq, direction);
  }
  if (step.events.length === 0 && sameState(state, step)) return { state, events: [] };
  return { state: { calls: step.calls, ended: step.ended }, events: step.events };
}

/** Parse a frame and feed each of its messages. */
export function trackSipFrame(
  state: TrackerState,
  data: string,
  direction: FrameDirection,
  at: number,
  source: string = SIP_SOURCE,
): TrackResult & { invalid: number } {
  const parsed = parseSipFrame(data);
  let current = state;
  const events: CallEvent[] = [];
  for (const msg of parsed.messages) {
    const result = trackSipMessage(current, msg, direction, at, source);
    current = result.state;
    events.push(...result.events);
  }
  return { state: current, events, invalid: parsed.invalid };
}

// ─── Requests ──────────────────────────────────────────────────────────────────────────

function onRequest(step: Step, req: SipRequest, callId: string, seq: number, direction: FrameDirection): void {
  const by: Party = direction === 'sent' ? 'agent' : 'remote';
  if (req.method === 'INVITE') {
    onInvite(step, req, callId, seq, direction);
    return;
  }
  let index = liveIndex(step, callId);
  if (index === -1 && revealsCall(step, req, callId)) index = joinLate(step, req, callId, direction);
  if (index === -1) {
    if (req.method === 'NOTIFY') onLateNotify(step, req, callId, by);
    return;
  }
  const call = draftOf(step, index);
  switch (req.method) {
    case 'UPDATE':
      if (call.phase === 'confirmed') addOffer(call, req, by, seq);
      break;
    case 'CANCEL':
      onCancel(call, req, by);
      break;
    case 'BYE':
      onBye(step, index, call, by);
      return;
    case 'REFER':
      onRefer(step, call, req, by, seq);
      break;
    case 'NOTIFY': {
      const transfer = call.transfer && notifyOutcome(step, call.callId, call.transfer, req, by);
      if (transfer) call.transfer = transfer;
      break;
    }
    default:
      // OPTIONS, REGISTER, MESSAGE, SUBSCRIBE, INFO, PRACK, ACK…: nothing to say about the call.
      break;
  }
  step.calls[index] = call;
}

function onInvite(step: Step, req: SipRequest, callId: string, seq: number, direction: FrameDirection): void {
  const hasToTag = tagOf(headerValue(req, 'to')) !== undefined;
  let index = liveIndex(step, callId);
  if (index === -1) {
    // A late copy of a finished call's INVITE.
    if (endedIndex(step, callId) !== -1) return;
    if (!hasToTag) {
      startCall(step, req, callId, seq, direction);
      return;
    }
    // A re-INVITE of a call that began before we were there (see joinLate).
    index = joinLate(step, req, callId, direction);
  }
  const call = draftOf(step, index);
  const by: Party = direction === 'sent' ? 'agent' : 'remote';
  if (hasToTag) {
    if (call.phase === 'confirmed') addOffer(call, req, by, seq);
  } else if (sideOf(call) === direction && call.phase !== 'confirmed' && seq > call.inviteSeq) {
    // The same INVITE again with credentials after 401/407 (a new transaction, same call).
    call.inviteSeq = seq;
    const branch = topViaBranchOf(req);
    if (branch === undefined) delete call.inviteBranch;
    else call.inviteBranch = branch;
  }
  // Anything else is a retransmission of the initial INVITE.
  step.calls[index] = call;
}

/**
 * The Call-ID as a string of its own. A header value is a slice of the frame's text and keeps
 * the whole frame alive (V8 sliced strings): a call's record, its events and the ended calls
 * kept after it would each hold a ~1.4 kB INVITE for a ~40-character id (bench heap snapshots).
 */
const ownCopy = (text: string): string => JSON.parse(JSON.stringify(text)) as string;

function startCall(step: Step, req: SipRequest, callId: string, seq: number, direction: FrameDirection): void {
  const inbound = direction === 'received';
  const call: Draft<TrackedCall> = {
    callId: ownCopy(callId),
    direction: inbound ? 'inbound' : 'outbound',
    phase: inbound ? 'incoming' : 'dialing',
    inviteSeq: seq,
    cancelled: false,
    answeredElsewhere: false,
    agentHolding: false,
    remoteHolding: false,
    pending: [],
    since: step.at,
  };
  setOptional(call, 'inviteBranch', topViaBranchOf(req));
  // The caller's From, the callee's To: the INVITE's own orientation, before any dialog.
  const remoteValue = headerValue(req, inbound ? 'from' : 'to');
  setOptional(call, 'remote', remotePartyOf(remoteValue));
  setOptional(call, inbound ? 'remoteTag' : 'localTag', capped(tagOf(headerValue(req, 'from')), MAX_NAME_LENGTH));
  step.calls.push(call);
  if (step.calls.length > MAX_LIVE_CALLS) {
    const dropped = step.calls.shift();
    if (dropped) rememberEnded(step, { callId: dropped.callId });
  }
  if (!inbound) emit(step, call, { type: 'outbound-dialing', direction: 'outbound', ...withRemote(call) });
}

/**
 * In-dialog requests that can only belong to an established call: a re-INVITE (hold, resume,
 * session refresh), an UPDATE, a BYE, a REFER. NOTIFY and the rest also serve subscriptions,
 * so they never start a call. Finished calls stay finished.
 */
const REVEALING_METHODS = new Set(['INVITE', 'UPDATE', 'BYE', 'REFER']);
function revealsCall(step: Step, req: SipRequest, callId: string): boolean {
  return (
    REVEALING_METHODS.has(req.method) && tagOf(headerValue(req, 'to')) !== undefined && endedIndex(step, callId) === -1
  );
}

/**
 * A call that was already connected when this tracker started (the extension installed or
 * updated under an open softphone, with the call's first frames gone from the hook's history):
 * its first revealing in-dialog request starts it as answered, at that frame's time, marked
 * `lateJoined`. Who called cannot be told from in-dialog requests: it counts as inbound (a
 * call centre's usual case). The other party is the sender's To for a request the agent sent,
 * its From for one received. Returns the new call's index.
 */
function joinLate(step: Step, req: SipRequest, callId: string, direction: FrameDirection): number {
  const sent = direction === 'sent';
  const call: Draft<TrackedCall> = {
    callId: ownCopy(callId),
    direction: 'inbound',
    phase: 'confirmed',
    inviteSeq: 0,
    cancelled: false,
    answeredElsewhere: false,
    agentHolding: false,
    remoteHolding: false,
    pending: [],
    since: step.at,
    lateJoined: true,
  };
  setOptional(call, 'remote', remotePartyOf(headerValue(req, sent ? 'to' : 'from')));
  setOptional(call, 'localTag', capped(tagOf(headerValue(req, sent ? 'from' : 'to')), MAX_NAME_LENGTH));
  setOptional(call, 'remoteTag', capped(tagOf(headerValue(req, sent ? 'to' : 'from')), MAX_NAME_LENGTH));
  step.calls.push(call);
  if (step.calls.length > MAX_LIVE_CALLS) {
    const dropped = step.calls.shift();
    if (dropped) rememberEnded(step, { callId: dropped.callId });
  }
  emit(step, call, { type: 'answered', direction: 'inbound', ...withRemote(call), lateJoined: true });
  return step.calls.length - 1;
}

function onCancel(call: Draft<TrackedCall>, req: SipRequest, by: Party): void {
  // Only the caller's side can CANCEL its INVITE, and only before the answer.
  if (call.phase === 'confirmed' || by !== callerParty(call)) return;
  call.cancelled = true;
  if (call.direction === 'inbound' && isAnsweredElsewhere(req)) call.answeredElsewhere = true;
}

function onBye(step: Step, index: number, call: Draft<TrackedCall>, by: Party): void {
  if (call.phase === 'confirmed') {
    emit(step, call, { type: 'ended', by });
  } else {
    const inbound = call.direction === 'inbound';
    const callerHungUp = by === callerParty(call);
    const reason: MissedReason = inbound
      ? callerHungUp
        ? 'caller-abandoned'
        : 'rejected'
      : callerHungUp
        ? 'cancelled'
        : 'failed';
    emit(step, call, { type: 'missed', direction: call.direction, by, reason });
  }
  finish(step, index, call);
}

function onRefer(step: Step, call: Draft<TrackedCall>, req: SipRequest, by: Party, seq: number): void {
  const previous = call.transfer;
  if (previous && previous.by === by && seq <= previous.seq) return; // a retransmission
  if (previous && previous.by === by && previous.challenged && previous.stage === 'started') {
    // The same transfer again, now with credentials.
    call.transfer = { by, seq, stage: 'started' };
    return;
  }
  call.transfer = { by, seq, stage: 'started' };
  const referTo = headerValue(req, 'refer-to');
  const target = capped(uriOf(referTo) ?? referTo, MAX_TARGET_LENGTH);
  emit(step, call, { type: 'transfer-started', by, ...(target ? { target } : {}) });
}

/** A sipfrag NOTIFY for a call that already ended: only an open transfer may still report. */
function onLateNotify(step: Step, req: SipRequest, callId: string, by: Party): void {
  const index = endedIndex(step, callId);
  const entry = step.ended[index];
  if (!entry?.transfer) return;
  const transfer = notifyOutcome(step, callId, entry.transfer, req, by);
  if (transfer) step.ended[index] = closedTail(entry, transfer);
}

/**
 * The transfer after a NOTIFY (RFC 3515 §2.4.5), or undefined when the NOTIFY says nothing
 * new. The notifier is the side that received the REFER.
 */
function notifyOutcome(
  step: Step,
  callId: string,
  transfer: TransferState,
  req: SipRequest,
  by: Party,
): TransferState | undefined {
  if (by === transfer.by || transfer.stage === 'completed' || transfer.stage === 'failed') return undefined;
  if (eventPackageOf(req) !== 'refer' || contentTypeOf(req) !== 'message/sipfrag') return undefined;
  const status = sipfragStatus(req.body);
  if (status === undefined || status < 200) return undefined;
  if (status < 300) {
    emitFor(step, callId, { type: 'transfer-accepted', by: transfer.by, completed: true });
    return { by: transfer.by, seq: transfer.seq, stage: 'completed' };
  }
  emitFor(step, callId, { type: 'transfer-failed', by: transfer.by, status });
  return { by: transfer.by, seq: transfer.seq, stage: 'failed' };
}

// ─── Responses ─────────────────────────────────────────────────────────────────────────

function onResponse(
  step: Step,
  res: SipResponse,
  callId: string,
  cseq: { seq: number; method: string },
  direction: FrameDirection,
): void {
  // The request went the other way: a response received answers a request the agent sent.
  const requestBy: Party = direction === 'received' ? 'agent' : 'remote';
  const index = liveIndex(step, callId);
  if (index === -1) {
    if (cseq.method === 'REFER') onLateReferResponse(step, res, callId, cseq.seq, requestBy);
    return;
  }
  const call = draftOf(step, index);
  if (
    cseq.method === 'INVITE' &&
    call.phase !== 'confirmed' &&
    requestBy === callerParty(call) &&
    cseq.seq === call.inviteSeq
  ) {
    onInviteResponse(step, index, call, res);
    return;
  }
  if (cseq.method === 'INVITE' || cseq.method === 'UPDATE') {
    onOfferResponse(step, call, res, requestBy, cseq);
  } else if (cseq.method === 'REFER' && call.transfer) {
    const transfer = referOutcome(step, callId, call.transfer, res, requestBy, cseq.seq);
    if (transfer) call.transfer = transfer;
  }
  step.calls[index] = call;
}

function onInviteResponse(step: Step, index: number, call: Draft<TrackedCall>, res: SipResponse): void {
  const branch = topViaBranchOf(res);
  // E.g. 482 to a merged copy of the INVITE that came by another path (RFC 3261 §8.2.2.2).
  if (branch !== undefined && call.inviteBranch !== undefined && branch !== call.inviteBranch) return;
  const inbound = call.direction === 'inbound';
  const status = res.status;
  if (status < 200) {
    if (inbound && status >= 180 && call.phase === 'incoming') {
      call.phase = 'ringing';
      emit(step, call, { type: 'ringing', direction: 'inbound', ...withRemote(call) });
    }
    step.calls[index] = call;
    return;
  }
  if (status < 300) {
    if (call.phase === 'incoming') emit(step, call, { type: 'ringing', direction: 'inbound', ...withRemote(call) });
    call.phase = 'confirmed';
    setOptional(call, inbound ? 'localTag' : 'remoteTag', capped(tagOf(headerValue(res, 'to')), MAX_NAME_LENGTH));
    emit(step, call, { type: 'answered', direction: call.direction, ...withRemote(call) });
    step.calls[index] = call;
    return;
  }
  if (!inbound && !call.cancelled && (status === 401 || status === 407)) {
    step.calls[index] = call; // the phone will send the INVITE again with credentials
    return;
  }
  const cause = inbound && call.answeredElsewhere ? { by: 'remote' as const, reason: 'answered-elsewhere' as const } : missedCause(call, status);
  emit(step, call, { type: 'missed', direction: call.direction, status, ...cause });
  finish(step, index, call);
}

function missedCause(call: TrackedCall, status: number): { by: Party; reason: MissedReason } {
  if (call.direction === 'outbound') {
    return call.cancelled ? { by: 'agent', reason: 'cancelled' } : { by: 'remote', reason: 'failed' };
  }
  if (call.cancelled) return { by: 'remote', reason: 'caller-abandoned' };
  return status === 408 ? { by: 'remote', reason: 'no-answer' } : { by: 'agent', reason: 'rejected' };
}

function onOfferResponse(
  step: Step,
  call: Draft<TrackedCall>,
  res: SipResponse,
  requestBy: Party,
  cseq: { seq: number; method: string },
): void {
  if (res.status < 200) return;
  const offer = call.pending.find((p) => p.by === requestBy && p.method === cseq.method && p.seq === cseq.seq);
  if (!offer) return; // a retransmitted 2xx, or a request we did not follow
  call.pending = call.pending.filter((p) => p !== offer);
  // A rejected offer (491 glare, 488, 500…) leaves the session as it was (RFC 3261 §14.1).
  if (res.status >= 300) return;
  const holding = requestBy === 'agent' ? call.agentHolding : call.remoteHolding;
  const hold = isHoldDirection(offer.audio);
  if (hold === holding) return; // e.g. a session-timer refresh with sendrecv: no resume
  if (requestBy === 'agent') call.agentHolding = hold;
  else call.remoteHolding = hold;
  emit(step, call, { type: hold ? 'held' : 'resumed', by: requestBy });
}

function onLateReferResponse(step: Step, res: SipResponse, callId: string, seq: number, requestBy: Party): void {
  const index = endedIndex(step, callId);
  const entry = step.ended[index];
  if (!entry?.transfer) return;
  const transfer = referOutcome(step, callId, entry.transfer, res, requestBy, seq);
  if (transfer) step.ended[index] = closedTail(entry, transfer);
}

/** The transfer after a response to its REFER, or undefined when nothing changes. */
function referOutcome(
  step: Step,
  callId: string,
  transfer: TransferState,
  res: SipResponse,
  requestBy: Party,
  seq: number,
): TransferState | undefined {
  if (transfer.by !== requestBy || transfer.seq !== seq || transfer.stage !== 'started') return undefined;
  const status = res.status;
  if (status < 200) return undefined;
  if (status < 300) {
    emitFor(step, callId, { type: 'transfer-accepted', by: transfer.by, completed: false });
    return { by: transfer.by, seq, stage: 'accepted' };
  }
  if (status === 401 || status === 407) return { ...transfer, challenged: true };
  emitFor(step, callId, { type: 'transfer-failed', by: transfer.by, status });
  return { by: transfer.by, seq, stage: 'failed' };
}

// ─── Helpers ───────────────────────────────────────────────────────────────────────────

function addOffer(call: Draft<TrackedCall>, req: SipRequest, by: Party, seq: number): void {
  const sdp = sdpOf(req);
  const audio = sdp === undefined ? undefined : audioDirection(sdp);
  // No SDP: an UPDATE or re-INVITE refreshing the session timer (RFC 4028), or an offerless
  // re-INVITE, neither of which we follow.
  if (audio === undefined) return;
  const others = call.pending.filter((p) => !(p.by === by && p.method === req.method && p.seq === seq));
  call.pending = [...others, { by, method: req.method, seq, audio }].slice(-MAX_PENDING);
}

function sdpOf(msg: SipMessage): string | undefined {
  if (msg.body.trim() === '') return undefined;
  const type = contentTypeOf(msg);
  if (type === 'application/sdp') return msg.body;
  return type === undefined && msg.body.trimStart().startsWith('v=') ? msg.body : undefined;
}

/** The status code in a message/sipfrag body (RFC 3420), e.g. "SIP/2.0 200 OK" → 200. */
function sipfragStatus(body: string): number | undefined {
  const match = /^\s*SIP\/2\.0[ \t]+([1-6][0-9]{2})(?:[ \t\r\n]|$)/i.exec(body);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

function isAnsweredElsewhere(req: SipRequest): boolean {
  return reasonsOf(req).some(
    ({ protocol, cause }) =>
      (protocol.toUpperCase() === 'SIP' && cause === 200) || (protocol.toUpperCase() === 'Q.850' && cause === 26),
  );
}

function remotePartyOf(nameAddr: string | undefined): RemoteParty | undefined {
  // Names from the network are cleaned where they enter (core/names.ts): no control or bidi characters.
  const displayName = cleanOptionalName(displayNameOf(nameAddr), MAX_NAME_LENGTH);
  let number = cleanOptionalName(userPartOf(uriOf(nameAddr)) ?? undefined, MAX_NAME_LENGTH);
  // RFC 3323 §4.1.1.3: "anonymous" is no number to call back.
  if (number?.toLowerCase() === 'anonymous') number = undefined;
  if (!displayName && !number) return undefined;
  return { ...(displayName ? { displayName } : {}), ...(number ? { number } : {}) };
}

function withRemote(call: TrackedCall): { remote?: RemoteParty } {
  return call.remote ? { remote: call.remote } : {};
}

/** The frame direction in which the caller's requests travel on the agent's socket. */
function sideOf(call: TrackedCall): FrameDirection {
  return call.direction === 'inbound' ? 'received' : 'sent';
}

function callerParty(call: TrackedCall): Party {
  return call.direction === 'inbound' ? 'remote' : 'agent';
}

type EventBody = CallEvent extends infer E ? (E extends CallEvent ? Omit<E, 'callId' | 'at' | 'source'> : never) : never;

function emit(step: Step, call: TrackedCall, body: EventBody): void {
  emitFor(step, call.callId, body);
}

function emitFor(step: Step, callId: string, body: EventBody): void {
  step.events.push({ callId, at: step.at, source: step.source, ...body } as CallEvent);
}

function finish(step: Step, index: number, call: TrackedCall): void {
  step.calls.splice(index, 1);
  const open = call.transfer && (call.transfer.stage === 'started' || call.transfer.stage === 'accepted');
  rememberEnded(step, open && call.transfer ? { callId: call.callId, transfer: call.transfer } : { callId: call.callId });
}

function rememberEnded(step: Step, entry: EndedCall): void {
  step.ended.push(entry);
  if (step.ended.length > MAX_ENDED_CALLS) step.ended.splice(0, step.ended.length - MAX_ENDED_CALLS);
}

/** An ended call's entry after its transfer moved on: an outcome closes it for good. */
function closedTail(entry: EndedCall, transfer: TransferState): EndedCall {
  return transfer.stage === 'accepted' ? { callId: entry.callId, transfer } : { callId: entry.callId };
}

function liveIndex(step: Step, callId: string): number {
  return step.calls.findIndex((call) => call.callId === callId);
}

function endedIndex(step: Step, callId: string): number {
  return step.ended.findIndex((entry) => entry.callId === callId);
}

/** A copy of a live call to change; nested objects are replaced, never changed in place. */
function draftOf(step: Step, index: number): Draft<TrackedCall> {
  return { ...(step.calls[index] as TrackedCall) };
}

/** Set an optional field only when there is a value, so the state holds no undefined. */
function setOptional<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

function capped(text: string | undefined, max: number): string | undefined {
  if (text === undefined || text === '') return undefined;
  return text.length > max ? text.slice(0, max) : text;
}

function sameState(state: TrackerState, step: Step): boolean {
  return (
    state.calls.length === step.calls.length &&
    state.calls.every((call, i) => shallowEqual(call, step.calls[i])) &&
    state.ended.length === step.ended.length &&
    state.ended.every((entry, i) => entry === step.ended[i])
  );
}

function shallowEqual(a: object, b: object | undefined): boolean {
  if (a === b) return true;
  if (b === undefined) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  return (
    keysA.length === keysB.length &&
    keysA.every((key) => (a as Record<string, unknown>)[key] === (b as Record<string, unknown>)[key])
  );
}
