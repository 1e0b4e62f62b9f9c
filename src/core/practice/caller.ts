/**
 * The simulated caller of a practice call, pure like the coach:
 * `callerStep(state, input, now) → { state, says, hangsUp, wakeAt }`. The page feeds it what
 * the caller can perceive (the answer, the agent's lines, hold, resume, a transfer) and calls
 * it again with a `tick` at `wakeAt`; it never reads a clock.
 *
 * ```
 *  ringing ──answered──▶ talking ◀──resumed── on-hold
 *     │                   │   │  ──held──────▶   │
 *     │ 3–4 rings         │   └─transfer-started─▶ transferring ──transfer-failed──▶ talking
 *     ▼                   ▼                                      (succeeded: the call is over)
 *   gone ◀── goodbye + silence, long silence, agent hang-up, hold past patience
 * ```
 *
 * How the caller behaves: waits for the greeting's offer to help before saying why they call
 * (or gives the reason after a pause); asks "Hello?" after a silence and hangs up after a long
 * one; agrees to hold when asked and complains on return when not asked or kept too long;
 * waits on hold up to 2.5 check-back intervals; questions a transfer to the wrong department;
 * leaves a message for a colleague who is out and asks to be called back; says goodbye after
 * thanks and hangs up if the agent does not.
 */
import { abandonAtMs } from './cadence';
import { colleagueOf, type Scenario } from './scenarios';
import type { AgentLineId, CallerHangUp, CallerLineId, ColleagueId, RingRegion } from './types';

/** After the answer, nothing said this long: "Hello? Is anyone there?". */
export const HELLO_AFTER_MS = 6_000;
/** After the answer, nothing at all said this long: the caller hangs up. */
export const SILENCE_HANGUP_MS = 20_000;
/** The agent spoke but never offered help: the caller says why they call after this pause. */
export const REASON_AFTER_MS = 4_000;
/** After their goodbye, the caller waits this long for the agent to hang up. */
export const GOODBYE_HANGUP_MS = 5_000;
/** A "yes" to "may I put you on hold?" covers a hold that starts within this time. */
export const HOLD_AGREEMENT_MS = 60_000;
/** The least a caller waits on hold, whatever the check-back interval. */
export const MIN_HOLD_PATIENCE_MS = 10_000;

export interface CallerSetup {
  scenario: Scenario;
  region: RingRegion;
  /** The team's check-back interval: how long a hold feels long, and (×2.5) the caller's patience. */
  checkBackMs: number;
}

export type CallerPhase = 'ringing' | 'talking' | 'on-hold' | 'transferring' | 'gone';

export interface CallerState {
  phase: CallerPhase;
  ringStartedAt: number;
  answeredAt?: number;
  heldAt?: number;
  heldUnasked?: boolean;
  /** Since when the caller waits for the agent to say something (after the answer or a resume). */
  waitingSince?: number;
  helloSaid: boolean;
  lastHeardAt?: number;
  heard: AgentLineId[];
  reasonGiven: boolean;
  holdAgreedAt?: number;
  /** Just back from hold: the next line the caller hears gets a word about the hold first. */
  back?: { long: boolean; unasked: boolean };
  nameGiven: boolean;
  numberGiven: boolean;
  messageGiven: boolean;
  goodbyeAt?: number;
}

export type CallerInput =
  | { type: 'answered' }
  | { type: 'said'; line: AgentLineId | null; colleague?: ColleagueId }
  | { type: 'held' }
  | { type: 'resumed' }
  | { type: 'transfer-started' }
  | { type: 'transfer-failed' }
  | { type: 'agent-hung-up' }
  | { type: 'tick' };

export interface CallerStepResult {
  state: CallerState;
  says: CallerLineId[];
  /** Set when the caller put the phone down in this step. */
  hangsUp?: CallerHangUp;
  wakeAt: number | null;
}

export function initialCallerState(ringStartedAt: number): CallerState {
  return {
    phase: 'ringing',
    ringStartedAt,
    helloSaid: false,
    heard: [],
    reasonGiven: false,
    nameGiven: false,
    numberGiven: false,
    messageGiven: false,
  };
}

const patienceMs = (setup: CallerSetup): number => Math.max(2.5 * setup.checkBackMs, MIN_HOLD_PATIENCE_MS);

export function callerStep(setup: CallerSetup, previous: CallerState, input: CallerInput, now: number): CallerStepResult {
  const state: CallerState = { ...previous, heard: [...previous.heard] };
  const says: CallerLineId[] = [];
  let hangsUp: CallerHangUp | undefined;

  switch (input.type) {
    case 'answered':
      if (state.phase === 'ringing') {
        state.phase = 'talking';
        state.answeredAt = now;
        state.waitingSince = now;
      }
      break;
    case 'said':
      if (state.phase === 'talking') hear(setup, state, input.line, input.colleague, now, says);
      break;
    case 'held':
      if (state.phase === 'talking') {
        state.phase = 'on-hold';
        state.heldAt = now;
        state.heldUnasked = !(state.holdAgreedAt !== undefined && now - state.holdAgreedAt <= HOLD_AGREEMENT_MS);
        delete state.holdAgreedAt;
      }
      break;
    case 'resumed':
      if (state.phase === 'on-hold') {
        state.phase = 'talking';
        state.back = { long: now - (state.heldAt ?? now) > setup.checkBackMs, unasked: state.heldUnasked ?? false };
        state.waitingSince = now;
        state.helloSaid = false;
      }
      break;
    case 'transfer-started':
      if (state.phase === 'talking' || state.phase === 'on-hold') state.phase = 'transferring';
      break;
    case 'transfer-failed':
      if (state.phase === 'transferring') {
        state.phase = 'talking';
        says.push('transfer-failed');
        state.waitingSince = now;
        state.helloSaid = true;
      }
      break;
    case 'agent-hung-up':
      state.phase = 'gone';
      break;
    case 'tick':
      break;
  }

  if (state.phase !== 'gone') hangsUp = due(setup, state, now, says);
  return { state, says, ...(hangsUp ? { hangsUp } : {}), wakeAt: wakeOf(setup, state) };
}

function hear(
  setup: CallerSetup,
  state: CallerState,
  line: AgentLineId | null,
  colleague: ColleagueId | undefined,
  now: number,
  says: CallerLineId[],
): void {
  const { scenario } = setup;
  if (line) state.heard.push(line);
  state.lastHeardAt = now;
  delete state.waitingSince;

  if (state.back) {
    const { long, unasked } = state.back;
    delete state.back;
    if (unasked) says.push('held-unasked');
    else if (line === 'thank-hold' || long) says.push(long ? 'back-long' : 'back-quick');
    if (line === 'thank-hold') return;
  }

  switch (line) {
    case 'greet':
    case 'own-name':
    case 'organization':
    case 'use-name':
    case 'thank-hold':
      return;
    case 'offer':
      if (!state.reasonGiven) {
        state.reasonGiven = true;
        says.push('reason');
      }
      return;
    case 'ask-name':
      state.nameGiven = true;
      says.push('name');
      return;
    case 'ask-hold':
      state.holdAgreedAt = now;
      says.push('hold-yes');
      return;
    case 'give-answer':
      says.push(state.reasonGiven ? 'answer-thanks' : 'pardon');
      return;
    case 'announce-transfer': {
      const right =
        colleague !== undefined &&
        ((scenario.needs !== undefined && colleagueOf(colleague).department === scenario.needs) || scenario.asksFor === colleague);
      says.push(right ? 'transfer-ok' : 'transfer-wrong');
      return;
    }
    case 'colleague-out':
      if (scenario.asksFor !== undefined && colleague === scenario.asksFor) {
        state.messageGiven = true;
        says.push('message');
      } else {
        says.push('not-asked-for');
      }
      return;
    case 'ask-number':
      state.numberGiven = true;
      says.push('number');
      return;
    case 'read-back':
      if (scenario.asksFor === undefined || !state.messageGiven) says.push('pardon');
      else says.push(state.nameGiven && state.numberGiven ? 'confirm' : 'read-back-early');
      return;
    case 'promise-callback':
      says.push(scenario.asksFor === undefined ? 'pardon' : 'callback-thanks');
      return;
    case 'recap':
      says.push('confirm');
      return;
    case 'anything-else':
      says.push('nothing-else');
      return;
    case 'thank-you':
      if (state.goodbyeAt === undefined) state.goodbyeAt = now;
      says.push('goodbye');
      return;
    case null:
      says.push('pardon');
      return;
  }
}

/** Whatever is due at `now`; returns why the caller hung up, if they did. */
function due(setup: CallerSetup, state: CallerState, now: number, says: CallerLineId[]): CallerHangUp | undefined {
  switch (state.phase) {
    case 'ringing':
      if (now >= state.ringStartedAt + abandonAtMs(setup.region, setup.scenario.abandonAfterRings)) {
        state.phase = 'gone';
        return 'abandoned';
      }
      return undefined;
    case 'on-hold':
      if (state.heldAt !== undefined && now >= state.heldAt + patienceMs(setup)) {
        state.phase = 'gone';
        return 'hold-too-long';
      }
      return undefined;
    case 'talking': {
      if (state.goodbyeAt !== undefined && now >= state.goodbyeAt + GOODBYE_HANGUP_MS) {
        state.phase = 'gone';
        return 'done';
      }
      if (state.heard.length === 0 && state.lastHeardAt === undefined && state.answeredAt !== undefined && now >= state.answeredAt + SILENCE_HANGUP_MS) {
        state.phase = 'gone';
        return 'silence';
      }
      if (state.waitingSince !== undefined && !state.helloSaid && now >= state.waitingSince + HELLO_AFTER_MS) {
        state.helloSaid = true;
        says.push('hello');
      }
      if (!state.reasonGiven && state.lastHeardAt !== undefined && now >= state.lastHeardAt + REASON_AFTER_MS) {
        state.reasonGiven = true;
        says.push('reason');
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

function wakeOf(setup: CallerSetup, state: CallerState): number | null {
  const times: number[] = [];
  switch (state.phase) {
    case 'ringing':
      times.push(state.ringStartedAt + abandonAtMs(setup.region, setup.scenario.abandonAfterRings));
      break;
    case 'on-hold':
      if (state.heldAt !== undefined) times.push(state.heldAt + patienceMs(setup));
      break;
    case 'talking':
      if (state.goodbyeAt !== undefined) times.push(state.goodbyeAt + GOODBYE_HANGUP_MS);
      if (state.heard.length === 0 && state.lastHeardAt === undefined && state.answeredAt !== undefined) {
        times.push(state.answeredAt + SILENCE_HANGUP_MS);
      }
      if (state.waitingSince !== undefined && !state.helloSaid) times.push(state.waitingSince + HELLO_AFTER_MS);
      if (!state.reasonGiven && state.lastHeardAt !== undefined) times.push(state.lastHeardAt + REASON_AFTER_MS);
      break;
    default:
      break;
  }
  return times.length ? Math.min(...times) : null;
}
