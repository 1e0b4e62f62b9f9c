/**
 * A driver for the pure coach with an injected clock (plain numbers): it keeps the state the way
 * the shell would, optionally JSON round-tripping it after each step as storage does.
 */
import type { CallDirection, CallEvent, MissedReason, Party, RemoteParty } from '../../../src/core/call-event';
import {
  DEFAULT_CONFIG,
  type AgentNote,
  initialCoachState,
  parseCoachConfig,
  step,
  type CallRecord,
  type CoachConfig,
  type CoachConfigInput,
  type CoachInput,
  type CoachState,
  type Effect,
  type Nudge,
  type NudgeResponse,
  type StepResult,
} from '../../../src/core/coach';

/** An arbitrary epoch: the coach must never care what the absolute time is. */
export const T0 = 1_760_000_000_000;
/** Seconds after T0, as epoch ms. */
export const t = (seconds: number): number => T0 + Math.round(seconds * 1000);

export function config(input: CoachConfigInput = {}): CoachConfig {
  const parsed = parseCoachConfig(input);
  if (!parsed.ok) throw new Error(`bad test config: ${JSON.stringify(parsed.errors)}`);
  return parsed.config;
}

type EventFields = { callId: string; at: number; source: string };
const base = (callId: string, at: number): EventFields => ({ callId, at, source: 'test' });

/** CallEvent builders; `at` is epoch ms (use `t(seconds)`). */
export const ev = {
  ringing: (callId: string, at: number, remote?: RemoteParty): CallEvent => ({
    ...base(callId, at),
    type: 'ringing',
    direction: 'inbound',
    ...(remote ? { remote } : {}),
  }),
  dialing: (callId: string, at: number): CallEvent => ({ ...base(callId, at), type: 'outbound-dialing', direction: 'outbound' }),
  answered: (callId: string, at: number, direction: CallDirection = 'inbound'): CallEvent => ({
    ...base(callId, at),
    type: 'answered',
    direction,
  }),
  holdRequested: (callId: string, at: number): CallEvent => ({ ...base(callId, at), type: 'hold-requested' }),
  held: (callId: string, at: number, by: Party = 'agent'): CallEvent => ({ ...base(callId, at), type: 'held', by }),
  resumed: (callId: string, at: number, by: Party = 'agent'): CallEvent => ({ ...base(callId, at), type: 'resumed', by }),
  transferRequested: (callId: string, at: number): CallEvent => ({ ...base(callId, at), type: 'transfer-requested' }),
  transferStarted: (callId: string, at: number, by: Party = 'agent', target?: string): CallEvent => ({
    ...base(callId, at),
    type: 'transfer-started',
    by,
    ...(target ? { target } : {}),
  }),
  transferAccepted: (callId: string, at: number, completed = false, by: Party = 'agent'): CallEvent => ({
    ...base(callId, at),
    type: 'transfer-accepted',
    by,
    completed,
  }),
  transferFailed: (callId: string, at: number, by: Party = 'agent'): CallEvent => ({
    ...base(callId, at),
    type: 'transfer-failed',
    by,
    status: 486,
  }),
  hangupRequested: (callId: string, at: number): CallEvent => ({ ...base(callId, at), type: 'hangup-requested' }),
  ended: (callId: string, at: number, by: Party = 'agent'): CallEvent => ({ ...base(callId, at), type: 'ended', by }),
  missed: (
    callId: string,
    at: number,
    reason: MissedReason = 'caller-abandoned',
    direction: CallDirection = 'inbound',
    by: Party = 'remote',
  ): CallEvent => ({ ...base(callId, at), type: 'missed', direction, by, reason }),
  muted: (callId: string, at: number): CallEvent => ({ ...base(callId, at), type: 'muted' }),
};

export interface Harness {
  readonly state: CoachState;
  readonly wakeAt: number | null;
  readonly now: number;
  /** Every effect of every step so far. */
  readonly effects: readonly Effect[];
  /** The effects of the last step only. */
  readonly last: readonly Effect[];
  setConfig(next: CoachConfig): void;
  /** Feed a call event at `now = event.at` (or the given time). */
  event(event: CallEvent, tabId?: number, now?: number): StepResult<CoachState>;
  tick(now: number): StepResult<CoachState>;
  respond(key: string, response: NudgeResponse, at: number): StepResult<CoachState>;
  tabClosed(tabId: number, now: number, callIds?: string[]): StepResult<CoachState>;
  /** The agent notes something on the call card of `callKey` (e.g. '1:c1') at `at` (the coach's `now` too, unless given). */
  note(callKey: string, note: AgentNote, at: number, now?: number): StepResult<CoachState>;
  /** Nudges shown so far (optionally of one rule). */
  shown(ruleId?: string): Nudge[];
  /** Keys the coach took down so far. */
  withdrawn(): string[];
  /** The latest record written for a call. */
  record(callKey: string): CallRecord | undefined;
}

export function harness(options: { config?: CoachConfig; roundTrip?: boolean } = {}): Harness {
  let cfg = options.config ?? DEFAULT_CONFIG;
  let state = initialCoachState();
  let wakeAt: number | null = null;
  let now = T0;
  const effects: Effect[] = [];
  let last: Effect[] = [];

  const run = (input: CoachInput, at: number): StepResult<CoachState> => {
    now = at;
    const result = step(state, input, now, cfg);
    state = options.roundTrip ? (JSON.parse(JSON.stringify(result.state)) as CoachState) : result.state;
    wakeAt = result.wakeAt;
    last = result.effects;
    effects.push(...result.effects);
    return result;
  };

  return {
    get state() {
      return state;
    },
    get wakeAt() {
      return wakeAt;
    },
    get now() {
      return now;
    },
    get effects() {
      return effects;
    },
    get last() {
      return last;
    },
    setConfig(next) {
      cfg = next;
    },
    event: (event, tabId = 1, at = event.at) => run({ kind: 'call-event', tabId, event }, at),
    tick: (at) => run({ kind: 'tick' }, at),
    respond: (key, response, at) => run({ kind: 'nudge-response', key, response, at }, at),
    tabClosed: (tabId, at, callIds) => run({ kind: 'tab-closed', tabId, ...(callIds ? { callIds } : {}) }, at),
    note: (callKey, note, at, now = at) => run({ kind: 'agent-note', callKey, note, at }, now),
    shown: (ruleId) =>
      effects.flatMap((e) => (e.type === 'show-nudge' && (!ruleId || e.nudge.ruleId === ruleId) ? [e.nudge] : [])),
    withdrawn: () => effects.flatMap((e) => (e.type === 'dismiss-nudge' ? [e.key] : [])),
    record: (callKey) =>
      effects.flatMap((e) => (e.type === 'record-call' && e.record.callKey === callKey ? [e.record] : [])).at(-1),
  };
}

/** Ringing at 0 s, answered at 2 s (on time): a connected inbound call on tab 1. */
export function connectedCall(h: Harness, callId = 'c1', tabId = 1): void {
  h.event(ev.ringing(callId, t(0)), tabId);
  h.event(ev.answered(callId, t(2)), tabId);
}
