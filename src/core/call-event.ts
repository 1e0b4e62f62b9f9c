/**
 * The one call event model every softphone adapter produces (design.md, "The call event model").
 *
 * Adapters turn whatever a softphone exposes (SIP frames, a vendor's postMessage, DOM clicks)
 * into these events; the coach only ever sees these. Everything is keyed by `callId`, because
 * two calls at once (call waiting, a consult transfer) are normal.
 *
 * `*-requested` events are the agent reaching for a control before the softphone acts on it
 * (a click on Hold, a platform's before-hold hook): they let a nudge come *before* the caller is
 * put on hold. SIP alone never yields them.
 */

/** Who did something on a call: the agent's own phone, or the other side (caller, PBX, transferee). */
export type Party = 'agent' | 'remote';

export type CallDirection = 'inbound' | 'outbound';

/** What the softphone knows of the other party. Comes from the network: render as text only. */
export interface RemoteParty {
  displayName?: string;
  /** The user part or number of the remote URI, e.g. "+37167000000" or "alice". */
  number?: string;
}

/**
 * What a signal source can observe of a call. A rule fires on evidence of a lapse, never on
 * missing evidence of success: an outcome the source cannot observe is unknown, not failed
 * (design.md, "The call event model"; rules-catalogue.md, `safe-hold`).
 */
export interface Observability {
  /** `hold-requested`: the agent reaching for Hold before the softphone acts. */
  holdIntent: boolean;
  /** `held` / `resumed`. */
  hold: boolean;
  /** `transfer-requested`. */
  transferIntent: boolean;
  /** `transfer-accepted` / `transfer-failed` (SIP: 202 to REFER, NOTIFY sipfrag). */
  transferOutcome: boolean;
  /** `hangup-requested`. */
  hangupIntent: boolean;
  /** Whether `ended.by` / `missed.by` say truly who ended the call. */
  endedBy: boolean;
}

/** What SIP over WebSocket shows: every outcome on the wire, no intent before it. */
export const SIP_OBSERVABILITY: Observability = {
  holdIntent: false,
  hold: true,
  transferIntent: false,
  transferOutcome: true,
  hangupIntent: false,
  endedBy: true,
};

interface CallEventBase {
  /** Stable for the whole call in one tab (for SIP: the Call-ID). */
  callId: string;
  /** Epoch milliseconds at which the adapter saw the signal (the frame's time, not the coach's). */
  at: number;
  /** The adapter id that produced the event, e.g. "sip-websocket". */
  source: string;
  /**
   * What the source can observe of this call. Sent at least on the event that starts a call;
   * absent means `SIP_OBSERVABILITY` (SIP adapters and call timelines written before it existed).
   */
  observes?: Observability;
}

export type CallEvent = CallEventBase &
  (
    | { type: 'ringing'; direction: 'inbound'; remote?: RemoteParty }
    | { type: 'outbound-dialing'; direction: 'outbound'; remote?: RemoteParty }
    /**
     * `lateJoined`: the adapter came in mid-call (an extension installed or updated while a call
     * was on) and learnt of the call from a later frame: `at` is when it learnt, not the answer,
     * and `direction` is a guess (SIP in-dialog requests do not say who called).
     */
    | { type: 'answered'; direction: CallDirection; remote?: RemoteParty; lateJoined?: true }
    | { type: 'hold-requested' }
    | { type: 'held'; by: Party }
    | { type: 'resumed'; by: Party }
    | { type: 'transfer-requested' }
    /** A transfer was started (SIP: REFER sent or received). `target` is the Refer-To as given. */
    | { type: 'transfer-started'; by: Party; target?: string }
    /**
     * The transfer was accepted (SIP: 202 to REFER, or a 1xx/2xx in its NOTIFY sipfrag) or has
     * completed (a 2xx in the sipfrag, or the platform's success event).
     */
    | { type: 'transfer-accepted'; by: Party; completed: boolean }
    /** The transfer failed (REFER rejected, or a final non-2xx in the sipfrag). */
    | { type: 'transfer-failed'; by: Party; status?: number }
    | { type: 'hangup-requested' }
    /** An answered call ended. */
    | { type: 'ended'; by: Party; reason?: string }
    /**
     * A call that never got answered: an inbound call the caller abandoned, that rang out, or
     * that the agent's phone rejected; an outbound call that failed or was cancelled.
     */
    | { type: 'missed'; direction: CallDirection; by: Party; reason: MissedReason; status?: number }
    | { type: 'muted' }
    | { type: 'unmuted' }
    /**
     * Evidence that the agent did something a rule reminds them of: a part of the greeting or
     * of the closing ticked on the call card or said (the practice phone knows its phrases), the
     * caller's name noted or heard, the caller asked before a hold or told of a transfer. A rule
     * never reminds of what it has evidence of, and a reminder already shown goes away when its
     * evidence arrives. `undone`: a tick taken back on the card.
     */
    | { type: 'evidence'; act: EvidenceAct; how: EvidenceHow; item?: string; name?: string; undone?: boolean }
  );

/** What an `evidence` event is evidence of (the rule it satisfies). */
export type EvidenceAct =
  /** A part of the greeting (`item`: a GreetingPart id: greeting, ownName, organization, offer). */
  | 'greeting-part'
  /** The caller's name (`name`, when known; an empty name clears a noted one). */
  | 'caller-name'
  /** The caller was asked before a hold and agreed: counts for the next agent hold. */
  | 'hold-permission'
  /** The caller was told of the transfer before it: counts for the next agent transfer. */
  | 'transfer-permission'
  /** An item of the closing (`item`: recap, anything-else, thank). */
  | 'closing-item';

/** How the evidence came: said (speech, or a practice phrase), ticked on the card, noted on the card. */
export type EvidenceHow = 'said' | 'ticked' | 'noted';

export const EVIDENCE_ACTS: readonly EvidenceAct[] = ['greeting-part', 'caller-name', 'hold-permission', 'transfer-permission', 'closing-item'];
export const EVIDENCE_HOWS: readonly EvidenceHow[] = ['said', 'ticked', 'noted'];

export type MissedReason =
  /** The caller gave up while it rang (SIP: CANCEL received, then 487/480). */
  | 'caller-abandoned'
  /** Nobody answered in time (SIP: 408 or 480 without a CANCEL). */
  | 'no-answer'
  /** The agent's phone declined it (SIP: 486, 603, 480 sent without a CANCEL). */
  | 'rejected'
  /**
   * A queue rang several phones and a colleague took it (SIP: CANCEL with
   * `Reason: SIP;cause=200`). Not the agent's miss, and nobody owes a return call.
   */
  | 'answered-elsewhere'
  /** Outbound: the agent cancelled before the other side answered. */
  | 'cancelled'
  /** Outbound: the other side or the network refused the call. */
  | 'failed';

/**
 * The `source` of calls from the practice softphone: coached like any other, but not the
 * shift's (no history, no figures, no return call owed to a simulated caller).
 */
export const PRACTICE_SOURCE = 'practice';

export type CallEventType = CallEvent['type'];

/** Narrow a CallEvent by its `type`. */
export type CallEventOf<T extends CallEventType> = Extract<CallEvent, { type: T }>;

export const CALL_EVENT_TYPES: readonly CallEventType[] = [
  'ringing',
  'outbound-dialing',
  'answered',
  'hold-requested',
  'held',
  'resumed',
  'transfer-requested',
  'transfer-started',
  'transfer-accepted',
  'transfer-failed',
  'hangup-requested',
  'ended',
  'missed',
  'muted',
  'unmuted',
  'evidence',
];
