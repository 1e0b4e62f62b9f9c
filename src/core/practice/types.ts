/**
 * The practice softphone's vocabulary, shared by its scenarios, the simulated caller, the
 * scoring and the page. Pure data types: the page keeps a log of these while a practice call
 * runs, and the score card is computed from that log and the nudges the page showed.
 */
import type { Language, Nudge, RuleId } from '../coach/types';
import type { RingRegion } from '../coach/ring';

export type { Language, RuleId, RingRegion };

/** A text in both product languages. */
export type Bilingual = Readonly<Record<Language, string>>;

export type ScenarioId = 'answer-window' | 'greeting-name' | 'hold' | 'transfer' | 'message' | 'closing';

export type ColleagueId = 'janis' | 'liga' | 'peteris';
export type DepartmentId = 'billing' | 'support' | 'sales';

/**
 * What the agent can say on a practice call: the buttons of the page, or what a typed line was
 * recognised as (see intents.ts). Greeting parts are the catalogue's four.
 */
export type AgentLineId =
  | 'greet'
  | 'own-name'
  | 'organization'
  | 'offer'
  | 'ask-name'
  | 'use-name'
  | 'ask-hold'
  | 'thank-hold'
  | 'give-answer'
  | 'announce-transfer'
  | 'colleague-out'
  | 'ask-number'
  | 'read-back'
  | 'promise-callback'
  | 'recap'
  | 'anything-else'
  | 'thank-you';

/** What the simulated caller can say. */
export type CallerLineId =
  | 'hello'
  | 'reason'
  | 'name'
  | 'number'
  | 'hold-yes'
  | 'back-quick'
  | 'back-long'
  | 'held-unasked'
  | 'transfer-ok'
  | 'transfer-wrong'
  | 'transfer-failed'
  | 'message'
  | 'not-asked-for'
  | 'confirm'
  | 'read-back-early'
  | 'callback-thanks'
  | 'answer-thanks'
  | 'nothing-else'
  | 'goodbye'
  | 'pardon';

/** Why the caller put the phone down. */
export type CallerHangUp =
  /** It rang too long (3–4 rings). */
  | 'abandoned'
  /** Left on hold longer than they would wait. */
  | 'hold-too-long'
  /** Said goodbye and the agent did not hang up. */
  | 'done'
  /** Nobody spoke after the answer. */
  | 'silence';

/**
 * One entry of the page's own log of a practice call. `at` is milliseconds since the call was
 * offered (the phone started ringing), the log's zero.
 */
export type PracticeAction =
  | { type: 'ringing' }
  | { type: 'answered' }
  /** The agent said something: a line button, or typed text (`line` null when not recognised). */
  | { type: 'said'; line: AgentLineId | null; text: string; colleague?: ColleagueId }
  | { type: 'caller-said'; line: CallerLineId; text: string }
  | { type: 'hold-clicked' }
  | { type: 'held' }
  | { type: 'resumed' }
  | { type: 'transfer-clicked'; colleague: ColleagueId }
  | { type: 'transfer-started'; colleague: ColleagueId }
  | { type: 'transfer-done'; colleague: ColleagueId; ok: boolean }
  | { type: 'hangup-clicked' }
  /** The call is over: the agent hung up, the caller did (`reason`), or a transfer took it. */
  | { type: 'ended'; by: 'agent' | 'caller' | 'transfer'; reason?: CallerHangUp };

export type PracticeLogEntry = { at: number } & PracticeAction;

/** A nudge as the page showed it (read from the coach's toasts on the page). */
export interface ShownNudge {
  key: string;
  ruleId: RuleId;
  kind: Nudge['kind'];
  text: string;
  /** When the coach fired it, ms since the call was offered (the same zero as the log). */
  at: number;
}

/**
 * The slice of the team's configuration the practice call needs: the ring region (cadence and
 * answer window), the thresholds the score card measures against, and which rules are on.
 */
export interface PracticeRules {
  region: RingRegion;
  callerNameAfterSeconds: number;
  checkBackSeconds: number;
  safeHoldSeconds: number;
  enabled: Readonly<Partial<Record<RuleId, boolean>>>;
}
