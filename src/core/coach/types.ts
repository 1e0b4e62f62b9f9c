/**
 * The coach's contract: a pure `step(state, input, now, config) → { state, effects, wakeAt }`
 * (design.md §3). No timer, clock or browser API inside; the background shell persists `state`,
 * carries out `effects` and makes sure `step` is called again with a `tick` at `wakeAt`.
 */
import type { CallDirection, CallEvent, MissedReason, Party, RemoteParty } from '../call-event';

/** Rule ids of shared/rules-catalogue.md. Stable: config, history, tests and reports use them. */
export type RuleId =
  | 'answer-window'
  | 'missed-call'
  | 'greeting'
  | 'caller-name'
  | 'hold-permission'
  | 'hold-check-back'
  | 'hold-overuse'
  | 'transfer-permission'
  | 'safe-hold'
  | 'take-message'
  | 'return-call'
  | 'closing'
  | 'professional-language'
  | 'voice-pace'
  | 'prepared';

/** `info`: quiet, no sound; `nudge`: the default; `urgent`: stays until acknowledged. */
export type Severity = 'info' | 'nudge' | 'urgent';

export type Language = 'en' | 'lv';

export interface ChecklistItem {
  id: string;
  text: string;
}

/**
 * One nudge as the agent sees it. `key` = callKey + rule id + occurrence: the shell and the page
 * use it so a restart can neither drop nor repeat a nudge.
 */
export interface Nudge {
  key: string;
  callKey: string;
  tabId: number;
  ruleId: RuleId;
  /** 1 for the first nudge of this rule on this call, 2 for the second (e.g. each check-back). */
  occurrence: number;
  severity: Severity;
  /** `question`: yes/no answer recorded with the call; `checklist`: items the agent ticks. */
  kind: 'toast' | 'question' | 'checklist';
  /** Already filled in and in the configured language. Plain text, never HTML. */
  text: string;
  items?: readonly ChecklistItem[];
  /** When the rule fired (the triggering event's time or the deadline), epoch ms. */
  firedAt: number;
}

/** The agent's reaction to a nudge, sent from the page. */
export type NudgeResponse =
  | { type: 'dismissed' }
  | { type: 'answered'; answer: 'yes' | 'no' }
  | { type: 'checked'; itemId: string; checked: boolean };

/** The four parts of the team's greeting, in the order they are said (checklist item ids). */
export type GreetingPart = 'greeting' | 'ownName' | 'organization' | 'offer';

/**
 * What the agent notes on the call card. Plain JSON, like every input: it comes over runtime
 * messaging and may come again (a retry); applying the same note twice changes nothing.
 */
export type AgentNote =
  /** The caller's name as the agent typed it; an empty name clears it. */
  | { type: 'caller-name'; name: string }
  /** A part of the greeting ticked (or unticked) on the card: the same list as the greeting checklist's. */
  | { type: 'greeting-part'; part: GreetingPart; checked: boolean }
  /** A message taken during or after the call (its id in the message store). */
  | { type: 'message-taken'; messageId: string };

export type CoachInput =
  | { kind: 'call-event'; tabId: number; event: CallEvent }
  /** Time passed: fire every deadline up to `now`. Ticks are idempotent; extra ones are harmless. */
  | { kind: 'tick' }
  | { kind: 'nudge-response'; key: string; response: NudgeResponse; at: number }
  /** The tab is gone: its live calls are closed as ended by nobody we saw. */
  | {
      kind: 'tab-closed';
      tabId: number;
      /**
       * Only these calls of the tab (by callId): the page that held them was reloaded or left,
       * and a browser softphone's calls do not outlive its page. All of the tab's when absent.
       */
      callIds?: string[];
    }
  /** The agent noted something on the call card; `callKey` is the call's `${tabId}:${callId}`. */
  | { kind: 'agent-note'; callKey: string; note: AgentNote; at: number };

/** The ring cadence the page uses to show its quiet ring counter (informational, no nudge). */
export interface RingStatus {
  callKey: string;
  startedAt: number;
  onMs: number;
  offMs: number;
  /** The ring from which the counter says "answer now" (2 in the catalogue). */
  answerNowFromRing: number;
}

export type AnswerClass = 'too-early' | 'on-time' | 'late';

/** What the coach recorded about one call; upserted to history each time it changes. */
export interface CallRecord {
  callKey: string;
  callId: string;
  tabId: number;
  source: string;
  direction: CallDirection;
  remote?: RemoteParty;
  startedAt: number;
  answeredAt?: number;
  endedAt?: number;
  /**
   * The call was joined mid-call (the extension came after it began): `startedAt` and
   * `answeredAt` are when it was first seen, not when it rang or was answered.
   */
  approximateTimes?: true;
  outcome: 'live' | 'answered' | 'missed';
  endedBy?: Party;
  /**
   * Why it ended, when known: the `ended` event's reason, or the coach's own 'tab-closed' (the
   * tab went away mid-call) or 'stale' (no event for hours: the end was never seen).
   */
  endReason?: string;
  missedReason?: MissedReason;
  /** Ring number (1-based) in which the call was answered or given up; inbound only. */
  rings?: number;
  answerClass?: AnswerClass;
  holds: { start: number; end?: number; by: Party }[];
  transfers: { at: number; by: Party; target?: string; outcome?: 'accepted' | 'completed' | 'failed' }[];
  /**
   * Every event applied to the call, with the payload fields a lossless export needs, each
   * present only when the event has it (`by`, a missed call's or an end's `reason`, a failure's
   * `status`, a transfer's `target`, an accepted transfer's `completed`).
   */
  events: {
    type: CallEvent['type'];
    at: number;
    by?: Party;
    reason?: string;
    status?: number;
    target?: string;
    completed?: boolean;
  }[];
  nudges: {
    key: string;
    ruleId: RuleId;
    /** The nudge's kind, so a response can be checked against it after the nudge left the screen. */
    kind?: Nudge['kind'];
    firedAt: number;
    text: string;
    /** The agent's answer to a question nudge. */
    answer?: 'yes' | 'no';
    /** When the recorded `answer` was given (a changed answer moves it; the same answer again does not). */
    answeredAt?: number;
    dismissedAt?: number;
    /** Ticked checklist items, by id, in the checklist's order. */
    checked?: string[];
    /** When an item of the checklist was last ticked or unticked. */
    checkedAt?: number;
  }[];
  /**
   * The caller's name as the agent noted it on the call card (trimmed, at most 120 characters).
   * The softphone's display name stays in `remote`.
   */
  callerName?: string;
  /**
   * The greeting parts (`GreetingPart` ids) the agent ticked, in the greeting's order: one list, whether ticked on
   * the greeting checklist or on the call card (the checklist nudge's `checked` mirrors it).
   */
  greetingChecked?: string[];
  /** Ids of the messages taken on this call, in the order they were noted. */
  messages?: string[];
  /**
   * How many of the oldest entries of each capped list were dropped (a record keeps the newest
   * MAX_RECORD_EVENTS events, MAX_RECORD_NUDGES nudges, MAX_RECORD_HOLDS holds and
   * MAX_RECORD_TRANSFERS transfers). Absent when nothing was dropped.
   */
  dropped?: { events?: number; nudges?: number; holds?: number; transfers?: number };
  /** Coaching flags set after the fact, e.g. { ruleId: 'safe-hold', note: 'likely accidental disconnect' }. */
  flags: { ruleId: RuleId; at: number; note: string }[];
}

export type Effect =
  | { type: 'show-nudge'; nudge: Nudge }
  | { type: 'dismiss-nudge'; tabId: number; key: string }
  /** Start (`ring` set) or stop (`ring: null`) the page's ring counter for a call. */
  | { type: 'ring-status'; tabId: number; callKey: string; ring: RingStatus | null }
  | { type: 'record-call'; record: CallRecord };

export interface StepResult<S> {
  state: S;
  effects: Effect[];
  /** The next deadline (epoch ms) at which `step` must get a `tick`, or null when none. */
  wakeAt: number | null;
}
