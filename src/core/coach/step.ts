/**
 * The coach: `step(state, input, now, config) → { state, effects, wakeAt }` (design.md §3).
 *
 * This module is the call lifecycle: calls, phases, records, deadlines, pruning. What each rule
 * does lives in its module under rules/ (registry.ts lists them); at each moment of a call the
 * engine calls the hooks of every rule, in the registry's order (rules/rule.ts).
 *
 * Pure: the input state is never mutated (calls are copied on write), nothing reads a clock,
 * and effects are returned as data. The state is plain JSON because the shell persists it after
 * every step and reloads it after a service-worker restart; a JSON round-trip between two steps
 * changes nothing (no `undefined` values, no Maps, no class instances).
 *
 * How "on time, once" is kept:
 *  - Deadlines are absolute epoch ms, computed from event times (`event.at`, clamped to `now`).
 *  - Every step, not only a tick, fires each deadline ≤ now, after applying its input. An input
 *    that makes a deadline moot (the call answered at 10.5 s when the 10 s tick never came)
 *    cancels it first: a nudge about a state that is already over would be noise.
 *  - A nudge key is `${callKey}|${ruleId}|${occurrence}` with a per-call, per-rule counter that
 *    lives in the persisted state, so a repeated or late tick, or one after a restart, can
 *    never produce the same key twice. Calls pruned from the state are remembered by key, and
 *    late events for them are ignored, so a pruned call cannot start over at occurrence 1.
 *  - A late tick fires a timer rule once, not once per missed interval (see rules/hold-check-back.ts).
 *
 * At the end of a call the coach withdraws its toasts (they were about the moment) and keeps
 * questions and checklists on screen: an answer given after the call still goes into the record,
 * for KEEP_FINISHED_MS. The greeting's checklist goes too (its moment is the answer; the call
 * card keeps its parts to tick). A tab that closes, or a call that went stale, ends without new nudges.
 *
 * What the agent notes on the call card (`agent-note`: the caller's name, greeting parts ticked,
 * messages taken) goes into the record of any call the coach still holds, live or finished; a
 * name noted in time keeps caller-name quiet, and greeting ticks from the card and from the
 * greeting checklist are one list.
 */
import type { CallEvent, CallEventOf, Observability, Party } from '../call-event';
import type { AgentNote, CallRecord, CoachInput, Effect, Nudge, NudgeResponse, RuleId, StepResult } from './types';
import type { CoachConfig } from './config';
import { classifyAnswer, ringNumberAt, type RingRegion } from './ring';
import { DEFAULT_TEXTS } from './texts';
import { formatText, type TextParams } from './format-text';
import { RULES, RULE_BY_ID, type AnyRule } from './rules/registry';
import type { CallEnd, CoachHooks, RuleCall, RulePlan } from './rules/rule';

/** Finished calls stay this long (ms) after their end, so answers to their nudges are still recorded. */
export const KEEP_FINISHED_MS = 15 * 60_000;
/** At most this many finished calls are kept, however recent. */
export const MAX_FINISHED_CALLS = 50;
/** A live call with no event for this long (ms) lost its end (e.g. the page reloaded): close it. */
export const STALE_LIVE_MS = 8 * 3_600_000;
/** Live calls beyond this many in all tabs are closed as stale, from the tab with the most: a broken adapter cannot grow the state. */
export const MAX_COACHED_LIVE_CALLS = 20;
/**
 * Live calls of one tab beyond this many are closed as stale, the oldest unanswered first: made-up
 * Call-IDs from one page close that page's calls, never another tab's.
 */
export const MAX_LIVE_CALLS_PER_TAB = 8;
/** Keys of pruned calls remembered so that late events for them are ignored. */
export const MAX_RETIRED_KEYS = 200;
/** Per-record caps (newest kept): a record is upserted whole after every change. */
export const MAX_RECORD_EVENTS = 500;
export const MAX_RECORD_NUDGES = 300;
export const MAX_RECORD_HOLDS = 100;
export const MAX_RECORD_TRANSFERS = 100;
/** Nudges of one call on screen at once; beyond it the oldest is withdrawn (a flood of transfers cannot pile them up). */
export const MAX_OPEN_NUDGES_PER_CALL = 20;

type CappedList = keyof NonNullable<CallRecord['dropped']>;
const RECORD_CAPS: Record<CappedList, number> = {
  events: MAX_RECORD_EVENTS,
  nudges: MAX_RECORD_NUDGES,
  holds: MAX_RECORD_HOLDS,
  transfers: MAX_RECORD_TRANSFERS,
};

/** Keep the newest entries of a record's list within its cap, and count what was dropped. */
function capRecordList(record: CallRecord, list: CappedList): void {
  const items = record[list] as unknown[];
  const over = items.length - RECORD_CAPS[list];
  if (over <= 0) return;
  items.splice(0, over);
  const dropped = (record.dropped ??= {});
  dropped[list] = (dropped[list] ?? 0) + over;
}

/**
 * The per-call state machine. Holds and transfers are facts inside `connected` (kept in the
 * record's `holds` and `transfers`), not states of their own: hold by agent and by remote can
 * overlap, and a transfer can be pending while on hold.
 *
 * ```
 *   ringing (inbound) ─┐              ┌─ outbound-dialing
 *                      ▼              ▼
 *                ┌──────────┐   ┌──────────┐
 *                │ ringing  │   │ dialing  │
 *                └──────────┘   └──────────┘
 *          answered │  │ missed /     │  │ answered
 *                   │  │ ended /      │  │
 *                   │  │ tab-closed   │  │       answered for an unknown call
 *                   │  ▼              ▼  │       (the adapter joined mid-call)
 *                   │ ┌────────────────┐ │              │
 *                   │ │     missed     │ │              │
 *                   │ └────────────────┘ │              │
 *                   ▼                    ▼              ▼
 *                ┌──────────────────────────────────────────┐
 *                │ connected  (holds, transfers, hangup-     │
 *                │            requested, mute: recorded)     │
 *                └──────────────────────────────────────────┘
 *                                 │ ended / tab-closed / stale
 *                                 ▼
 *                          ┌────────────┐  transfer-accepted / -failed
 *                          │   ended    │◀─ still recorded here (they can
 *                          └────────────┘   arrive just after the BYE)
 *
 *   missed, ended: kept KEEP_FINISHED_MS for nudge responses, then pruned (key retired).
 * ```
 */
export type CallPhase =
  /** Inbound, alerting: the ring counter runs and the ring-3 deadline is pending. */
  | 'ringing'
  /** Outbound, not yet answered by the other side. */
  | 'dialing'
  /** Answered and not ended. */
  | 'connected'
  /** Never answered; final. */
  | 'missed'
  /** Answered, then ended; final. */
  | 'ended';

/** A pending timer of a rule (its `onDeadline` hook fires it). Check-backs find their hold in the record when they fire. */
export interface Deadline {
  at: number;
  ruleId: RuleId;
  /** For check-backs: the interval the deadline was planned with, to re-plan when it changes. */
  intervalMs?: number;
  /** For caller-name: the delay after the answer it was planned with, to re-plan when it changes. */
  afterMs?: number;
}

/** A nudge still on the agent's screen as far as the coach knows (not dismissed, not answered). */
export interface OpenNudge {
  key: string;
  ruleId: RuleId;
  kind: Nudge['kind'];
}

export interface CallState {
  phase: CallPhase;
  record: CallRecord;
  /** Time of the last applied event; events are clamped to never go back before it. */
  lastEventAt: number;
  /** Inbound only: when alerting began, and the cadence used (config may change mid-call). */
  ringStartedAt?: number;
  region?: RingRegion;
  /** A ring counter was started on the page and must be stopped. */
  ringShown: boolean;
  holdRequestedAt?: number;
  transferRequestedAt?: number;
  /** When the last agent transfer failed (safe-hold measures its window from the failure too). */
  transferFailedAt?: number;
  closingShown: boolean;
  /**
   * The agent noted a caller's name at some point: caller-name is satisfied for this call, even
   * if the name is cleared again (a card being edited must not bring the nudge back).
   */
  callerNameNoted?: boolean;
  /** Why safe-hold flagged this call, so a transfer success arriving after the end can retract it. */
  safeHold?: 'hold' | 'transfer';
  /** The last occurrence used per rule: keys are never reused. */
  occurrences: Partial<Record<RuleId, number>>;
  open: OpenNudge[];
  deadlines: Deadline[];
}

export interface CoachState {
  version: 1;
  /** By call key `${tabId}:${callId}`, in order of arrival. */
  calls: Record<string, CallState>;
  /** Keys of pruned calls, oldest first (bounded by MAX_RETIRED_KEYS). */
  retired: string[];
}

export function initialCoachState(): CoachState {
  return { version: 1, calls: {}, retired: [] };
}

export const callKeyOf = (tabId: number, callId: string): string => `${tabId}:${callId}`;

export const nudgeKeyOf = (callKey: string, ruleId: RuleId, occurrence: number): string =>
  `${callKey}|${ruleId}|${occurrence}`;

// ─── step ──────────────────────────────────────────────────────────────────────────────────

interface Ctx {
  readonly now: number;
  readonly config: CoachConfig;
  readonly state: CoachState;
  readonly effects: Effect[];
  /** Calls already copied in this step (safe to mutate). */
  readonly copied: Set<string>;
  /** Calls whose record changed in this step, in order of first change. */
  readonly changed: string[];
}

export function step(state: CoachState, input: CoachInput, now: number, config: CoachConfig): StepResult<CoachState> {
  // A snapshot that is not ours (corrupt storage, a future version) cannot be stepped safely.
  const base = isCoachState(state) ? state : initialCoachState();
  const ctx: Ctx = {
    now,
    config,
    state: { version: 1, calls: { ...base.calls }, retired: [...base.retired] },
    effects: [],
    copied: new Set(),
    changed: [],
  };

  switch (input.kind) {
    case 'call-event':
      onCallEvent(ctx, input.tabId, input.event);
      break;
    case 'nudge-response':
      onNudgeResponse(ctx, input.key, input.response, input.at);
      break;
    case 'tab-closed':
      onTabClosed(ctx, input.tabId, input.callIds);
      break;
    case 'agent-note':
      onAgentNote(ctx, input.callKey, input.note, input.at);
      break;
    case 'tick':
      break;
  }
  planDeadlines(ctx);
  fireDueDeadlines(ctx);
  closeStaleCalls(ctx);
  // Records before pruning: a call that changed and expired in the same step is still recorded.
  for (const key of ctx.changed) {
    const call = ctx.state.calls[key];
    if (call) ctx.effects.push({ type: 'record-call', record: clone(call.record) });
  }
  pruneFinished(ctx);
  return { state: ctx.state, effects: ctx.effects, wakeAt: nextWake(ctx.state) };
}

function isCoachState(value: unknown): value is CoachState {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Partial<CoachState>;
  return s.version === 1 && typeof s.calls === 'object' && s.calls !== null && Array.isArray(s.retired);
}

function nextWake(state: CoachState): number | null {
  let wake: number | null = null;
  for (const call of Object.values(state.calls)) {
    for (const d of call.deadlines) if (wake === null || d.at < wake) wake = d.at;
  }
  return wake;
}

/** The state is JSON by contract, so a JSON copy is a faithful deep copy. */
function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The call, copied on first write in this step. */
function mutable(ctx: Ctx, key: string): CallState | undefined {
  const call = ctx.state.calls[key];
  if (!call) return undefined;
  if (ctx.copied.has(key)) return call;
  const copy = clone(call);
  ctx.state.calls[key] = copy;
  ctx.copied.add(key);
  return copy;
}

function markChanged(ctx: Ctx, key: string): void {
  if (!ctx.changed.includes(key)) ctx.changed.push(key);
}

/** An event's time: its own `at`, but never in the future and never before the call's last event. */
function eventTime(at: number, now: number, lastEventAt?: number): number {
  const t = Number.isFinite(at) ? at : now;
  return Math.min(lastEventAt === undefined ? t : Math.max(t, lastEventAt), now);
}

// ─── the rules' hooks ───────────────────────────────────────────────────────────────────────

type Settings = { enabled: boolean; severity: Nudge['severity'] } & Record<string, unknown>;
type Call = RuleCall<Settings, string>;
type Hooks = CoachHooks<Settings, string>;

/** A rule's hooks, seen through the one shape every rule's hooks have. */
const hooksOf = (rule: AnyRule): Hooks => (rule.coach ?? {}) as unknown as Hooks;

/** Rules in the order their end hooks run: `endOrder`, then the registry's. */
const END_ORDER: readonly AnyRule[] = [...RULES].sort((a, b) => (hooksOf(a).endOrder ?? 0) - (hooksOf(b).endOrder ?? 0));

function text(ctx: Ctx, id: string, params: TextParams = {}): string {
  const lang = ctx.config.language;
  const overrides = ctx.config.texts?.[lang] as Readonly<Record<string, string>> | undefined;
  const template = overrides?.[id] ?? (DEFAULT_TEXTS[lang] as Readonly<Record<string, string>>)[id] ?? `[${lang}:${id}]`;
  return formatText(template, params);
}

/** One call as `rule` sees it: the call must already be mutable in this step. */
function ruleCall(ctx: Ctx, key: string, call: CallState, rule: AnyRule): Call {
  const ruleId = rule.id;
  const settings = ctx.config.rules[ruleId] as Settings;
  return {
    key,
    call,
    now: ctx.now,
    config: ctx.config,
    settings,
    text: (id, params) => text(ctx, id, params),
    show: (kind, body, firedAt, items) => {
      const occurrence = (call.occurrences[ruleId] ?? 0) + 1;
      call.occurrences[ruleId] = occurrence;
      const nudge: Nudge = {
        key: nudgeKeyOf(key, ruleId, occurrence),
        callKey: key,
        tabId: call.record.tabId,
        ruleId,
        occurrence,
        severity: settings.severity,
        kind,
        text: body,
        firedAt,
        ...(items ? { items } : {}),
      };
      ctx.effects.push({ type: 'show-nudge', nudge });
      call.record.nudges.push({ key: nudge.key, ruleId, kind, firedAt, text: body });
      capRecordList(call.record, 'nudges');
      call.open.push({ key: nudge.key, ruleId, kind });
      if (call.open.length > MAX_OPEN_NUDGES_PER_CALL) {
        const oldest = call.open[0];
        if (oldest) withdraw(ctx, call, (n) => n.key === oldest.key);
      }
      markChanged(ctx, key);
    },
    withdraw: (which = () => true) => withdraw(ctx, call, (n) => n.ruleId === ruleId && which(n)),
    hasOpenQuestion: () => call.open.some((n) => n.ruleId === ruleId && n.kind === 'question'),
    effect: (effect) => ctx.effects.push(effect),
  };
}

/** Every rule's `moment` hook on a call that is already mutable, in the given order. */
function dispatch(ctx: Ctx, key: string, call: CallState, run: (hooks: Hooks, c: Call) => void, order: readonly AnyRule[] = RULES): void {
  for (const rule of order) run(hooksOf(rule), ruleCall(ctx, key, call, rule));
}

/** A rule's look at a call that copies it only once the rule changes it. */
function rulePlan(ctx: Ctx, key: string, peek: CallState, rule: AnyRule): RulePlan<Settings, string> {
  return {
    key,
    peek,
    now: ctx.now,
    settings: ctx.config.rules[rule.id] as Settings,
    edit: () => ruleCall(ctx, key, mutable(ctx, key) ?? peek, rule),
  };
}

/** Take the coach's own nudges off the screen (not an agent dismissal: `dismissedAt` stays unset). */
function withdraw(ctx: Ctx, call: CallState, which: (n: OpenNudge) => boolean): void {
  const keep: OpenNudge[] = [];
  for (const n of call.open) {
    if (which(n)) ctx.effects.push({ type: 'dismiss-nudge', tabId: call.record.tabId, key: n.key });
    else keep.push(n);
  }
  call.open = keep;
}

// ─── call events ────────────────────────────────────────────────────────────────────────────

function onCallEvent(ctx: Ctx, tabId: number, event: CallEvent): void {
  const key = callKeyOf(tabId, event.callId);
  if (ctx.state.retired.includes(key)) return;
  const existing = mutable(ctx, key);
  if (!existing) {
    startCall(ctx, key, tabId, event);
    return;
  }
  const call = existing;
  const at = eventTime(event.at, ctx.now, call.lastEventAt);
  if (!applyEvent(ctx, key, call, event, at)) return;
  if (!call.record.observes && isObservability(event.observes)) call.record.observes = { ...event.observes };
  call.lastEventAt = at;
  call.record.events.push(eventEntry(event, at));
  capRecordList(call.record, 'events');
  markChanged(ctx, key);
}

/**
 * The agent has moved on to the next call in this tab: what is still open from calls that are
 * over (an unticked closing checklist, an unanswered question) leaves the screen, so nudges of
 * different calls never pile up. What was answered stays recorded; the rest stays unanswered.
 */
function clearFinishedCallsOfTab(ctx: Ctx, tabId: number): void {
  for (const [otherKey, other] of Object.entries(ctx.state.calls)) {
    if (other.record.tabId !== tabId || other.open.length === 0) continue;
    if (other.phase !== 'missed' && other.phase !== 'ended') continue;
    const call = mutable(ctx, otherKey);
    if (call) withdraw(ctx, call, () => true);
  }
}

/** Only a call's first signal starts it; anything else for an unknown call is ignored. */
function startCall(ctx: Ctx, key: string, tabId: number, event: CallEvent): void {
  if (event.type !== 'ringing' && event.type !== 'outbound-dialing' && event.type !== 'answered') return;
  const at = eventTime(event.at, ctx.now);
  const record: CallRecord = {
    callKey: key,
    callId: event.callId,
    tabId,
    source: event.source,
    direction: event.direction,
    ...(event.remote ? { remote: { ...event.remote } } : {}),
    ...(isObservability(event.observes) ? { observes: { ...event.observes } } : {}),
    startedAt: at,
    outcome: event.type === 'answered' ? 'answered' : 'live',
    ...(event.type === 'answered' ? { answeredAt: at } : {}),
    ...(event.type === 'answered' && event.lateJoined ? { approximateTimes: true as const } : {}),
    holds: [],
    transfers: [],
    events: [eventEntry(event, at)],
    nudges: [],
    flags: [],
  };
  const call: CallState = {
    phase: event.type === 'ringing' ? 'ringing' : event.type === 'answered' ? 'connected' : 'dialing',
    record,
    lastEventAt: at,
    ringShown: false,
    closingShown: false,
    occurrences: {},
    open: [],
    deadlines: [],
  };
  clearFinishedCallsOfTab(ctx, tabId);
  ctx.state.calls[key] = call;
  ctx.copied.add(key);
  markChanged(ctx, key);
  // First seen answered (the adapter joined mid-call, or the softphone shows no ringing): still an answer.
  if (event.type === 'answered') dispatch(ctx, key, call, (h, c) => h.onAnswered?.(c, at));

  if (event.type === 'ringing') {
    // The cadence in force when it began: a configuration changed mid-ring does not move the rings.
    call.ringStartedAt = at;
    call.region = ctx.config.region;
    dispatch(ctx, key, call, (h, c) => h.onRinging?.(c, at));
  }
}

/** Apply one event to a known call; false when it does not apply in the call's phase (ignored). */
function applyEvent(ctx: Ctx, key: string, call: CallState, event: CallEvent, at: number): boolean {
  const { phase } = call;
  const live = phase === 'ringing' || phase === 'dialing';
  switch (event.type) {
    case 'ringing':
    case 'outbound-dialing':
      return false; // A repeat (e.g. a retransmitted INVITE): the call already exists.
    case 'answered':
      if (!live) return false;
      onAnswered(ctx, key, call, event, at);
      return true;
    case 'missed':
      if (!live) return false;
      missCall(ctx, key, call, at, { by: event.by, missedReason: event.reason, coach: true });
      return true;
    case 'ended':
      if (live) {
        // `ended` is for answered calls; an adapter that sends it for a ringing one still means "gone".
        missCall(ctx, key, call, at, { by: event.by, ...(event.reason ? { endReason: event.reason } : {}), coach: true });
        return true;
      }
      if (phase !== 'connected') return false;
      endCall(ctx, key, call, at, { by: event.by, ...(event.reason ? { endReason: event.reason } : {}), coach: true });
      return true;
    case 'evidence': {
      // In any phase: the card may tick before the answer arrives, and a name is noted after the end.
      let took = false;
      for (const rule of RULES) if (hooksOf(rule).onEvidence?.(ruleCall(ctx, key, call, rule), event, at)) took = true;
      return took;
    }
    case 'transfer-accepted':
    case 'transfer-failed':
      if (phase !== 'connected' && phase !== 'ended') return false;
      if (!applyTransferOutcome(call, event)) return false;
      dispatch(ctx, key, call, (h, c) => h.onEvent?.(c, event, at));
      return true;
    default:
      if (phase !== 'connected' || !applyConnected(call, event, at)) return false;
      dispatch(ctx, key, call, (h, c) => h.onEvent?.(c, event, at));
      return true;
  }
}

function onAnswered(ctx: Ctx, key: string, call: CallState, event: CallEventOf<'answered'>, at: number): void {
  const r = call.record;
  r.outcome = 'answered';
  r.answeredAt = at;
  if (!r.remote && event.remote) r.remote = { ...event.remote };
  if (call.phase === 'ringing' && call.ringStartedAt !== undefined && call.region) {
    // Recorded whether or not answer-window nudges are on: these are figures, not nudges.
    r.rings = ringNumberAt(at - call.ringStartedAt, call.region);
    r.answerClass = classifyAnswer(at - call.ringStartedAt, call.region);
  }
  call.phase = 'connected';
  dispatch(ctx, key, call, (h, c) => h.onAnswered?.(c, at));
}

/** What the record keeps of an event: its type, time, and whatever payload a lossless export needs. */
function eventEntry(event: CallEvent, at: number): CallRecord['events'][number] {
  const entry: CallRecord['events'][number] = { type: event.type, at };
  // Read loosely: an event comes over messaging, and the state must stay plain JSON whatever it holds.
  const e = event as Partial<Record<'by' | 'reason' | 'status' | 'target' | 'completed', unknown>>;
  if (e.by === 'agent' || e.by === 'remote') entry.by = e.by;
  if (typeof e.reason === 'string') entry.reason = e.reason;
  if (typeof e.status === 'number' && Number.isFinite(e.status)) entry.status = e.status;
  if (typeof e.target === 'string') entry.target = e.target;
  if (typeof e.completed === 'boolean') entry.completed = e.completed;
  if (event.type === 'evidence') {
    entry.act = event.act;
    entry.how = event.how;
    if (typeof event.item === 'string') entry.item = event.item;
    if (typeof event.name === 'string') entry.name = event.name;
    if (event.undone === true) entry.undone = true;
  }
  return entry;
}

/** What a source says it observes, read loosely (an event comes over messaging). */
function isObservability(value: unknown): value is Observability {
  if (typeof value !== 'object' || value === null) return false;
  const o = value as Record<string, unknown>;
  return (['holdIntent', 'hold', 'transferIntent', 'transferOutcome', 'hangupIntent', 'endedBy'] as const).every((k) => typeof o[k] === 'boolean');
}

const currentHold = (call: CallState, by: Party) => call.record.holds.find((h) => h.by === by && h.end === undefined);

/** The record's side of an event on a connected call; false when it does not apply (the rules then never see it). */
function applyConnected(call: CallState, event: CallEvent, at: number): boolean {
  const r = call.record;
  switch (event.type) {
    case 'hold-requested':
      return !currentHold(call, 'agent'); // Already on hold: a click on Hold now is not a new hold.
    case 'held':
      if (currentHold(call, event.by)) return false;
      r.holds.push({ start: at, by: event.by });
      capRecordList(r, 'holds');
      return true;
    case 'resumed': {
      const hold = currentHold(call, event.by);
      if (!hold) return false;
      hold.end = at;
      return true;
    }
    case 'transfer-started':
      r.transfers.push({ at, by: event.by, ...(event.target !== undefined ? { target: event.target } : {}) });
      capRecordList(r, 'transfers');
      return true;
    case 'transfer-requested':
    case 'hangup-requested':
    case 'muted':
    case 'unmuted':
      return true; // Recorded; the rules decide what they mean.
    default:
      return false;
  }
}

/** The outcome of the last transfer by the same side; false when it changes nothing. */
function applyTransferOutcome(call: CallState, event: CallEventOf<'transfer-accepted'> | CallEventOf<'transfer-failed'>): boolean {
  const transfers = call.record.transfers;
  let index = -1;
  for (let i = transfers.length - 1; i >= 0; i--) {
    if (transfers[i]?.by === event.by) {
      index = i;
      break;
    }
  }
  const transfer = transfers[index];
  // A completed transfer is final; "accepted then failed" (202, then a 486 in the NOTIFY) is not.
  if (!transfer || transfer.outcome === 'completed') return false;
  const outcome = event.type === 'transfer-failed' ? 'failed' : event.completed ? 'completed' : 'accepted';
  if (transfer.outcome === outcome) return false;
  transfer.outcome = outcome;
  return true;
}

// ─── the end of a call ──────────────────────────────────────────────────────────────────────

type EndOptions = Omit<CallEnd, 'wasRinging'>;

/**
 * Common to every end: stop timers (and, through the rules, the ring counter and pending
 * requests), close holds, and withdraw the toasts that were about the moment (ring,
 * check-back, "before" reminders, 4th hold). Questions and checklists stay (the rules may take
 * theirs in `onClose`: the greeting's): answering them after the call still completes the record.
 */
function closeDown(ctx: Ctx, key: string, call: CallState, at: number, opts: EndOptions): void {
  const r = call.record;
  r.endedAt = at;
  if (opts.by) r.endedBy = opts.by;
  if (opts.endReason) r.endReason = opts.endReason;
  for (const hold of r.holds) if (hold.end === undefined) hold.end = at;
  call.deadlines = [];
  dispatch(ctx, key, call, (h, c) => h.onClose?.(c, at));
  withdraw(ctx, call, (n) => n.kind === 'toast');
  markChanged(ctx, key);
}

function missCall(ctx: Ctx, key: string, call: CallState, at: number, opts: EndOptions): void {
  const r = call.record;
  const wasRinging = call.phase === 'ringing';
  call.phase = 'missed';
  r.outcome = 'missed';
  if (opts.missedReason) r.missedReason = opts.missedReason;
  if (call.ringStartedAt !== undefined && call.region) r.rings = ringNumberAt(at - call.ringStartedAt, call.region);
  closeDown(ctx, key, call, at, opts);
  dispatch(ctx, key, call, (h, c) => h.onMissed?.(c, at, { ...opts, wasRinging }));
}

function endCall(ctx: Ctx, key: string, call: CallState, at: number, opts: EndOptions): void {
  call.phase = 'ended';
  closeDown(ctx, key, call, at, opts);
  if (!opts.coach) return;
  dispatch(ctx, key, call, (h, c) => h.onEnded?.(c, at, { ...opts, wasRinging: false }), END_ORDER);
}

// ─── other inputs ───────────────────────────────────────────────────────────────────────────

function onTabClosed(ctx: Ctx, tabId: number, callIds?: readonly string[]): void {
  for (const key of Object.keys(ctx.state.calls)) {
    const peek = ctx.state.calls[key];
    if (!peek || peek.record.tabId !== tabId || !isLive(peek)) continue;
    if (callIds && !callIds.includes(peek.record.callId)) continue;
    const call = mutable(ctx, key);
    if (call) closeSilently(ctx, key, call, ctx.now, 'tab-closed');
  }
}

const isLive = (call: CallState): boolean =>
  call.phase === 'ringing' || call.phase === 'dialing' || call.phase === 'connected';

/** End a live call nobody saw end (tab closed, stale): recorded, no nudges. */
function closeSilently(ctx: Ctx, key: string, call: CallState, at: number, endReason: string): void {
  const when = Math.max(at, call.lastEventAt);
  if (call.phase === 'connected') endCall(ctx, key, call, when, { endReason, coach: false });
  else missCall(ctx, key, call, when, { endReason, coach: false });
}

/** Split `${callKey}|${ruleId}|${occurrence}` from the right: a call id may contain anything. */
function callKeyOfNudge(key: string): string | undefined {
  const last = key.lastIndexOf('|');
  const middle = last > 0 ? key.lastIndexOf('|', last - 1) : -1;
  return middle > 0 ? key.slice(0, middle) : undefined;
}

function onNudgeResponse(ctx: Ctx, nudgeKey: string, response: NudgeResponse, at: number): void {
  const key = callKeyOfNudge(nudgeKey);
  if (key === undefined || !ctx.state.calls[key]?.record.nudges.some((n) => n.key === nudgeKey)) return;
  const call = mutable(ctx, key);
  const entry = call?.record.nudges.find((n) => n.key === nudgeKey);
  if (!call || !entry) return;
  const when = inputTime(at, ctx.now);
  const closeOpen = () => (call.open = call.open.filter((n) => n.key !== nudgeKey));

  switch (response.type) {
    case 'dismissed':
      closeOpen();
      if (entry.dismissedAt !== undefined) return;
      entry.dismissedAt = when;
      break;
    case 'answered':
      if (entry.kind !== 'question') return;
      closeOpen();
      if (entry.answer === response.answer) return;
      entry.answer = response.answer; // The agent may change their mind: the last answer counts.
      entry.answeredAt = when;
      break;
    case 'checked': {
      if (entry.kind !== 'checklist') return;
      // The checklist's rule keeps its items (greeting: one list with the call card's ticks).
      const rule = RULE_BY_ID[entry.ruleId] as AnyRule | undefined;
      const onChecked = rule && hooksOf(rule).onChecked;
      if (!rule || !onChecked?.(ruleCall(ctx, key, call, rule), entry, response.itemId, response.checked, when)) return;
      break;
    }
  }
  markChanged(ctx, key);
}

/** An input's own time, but never in the future (the page's clock may run ahead). */
function inputTime(at: number, now: number): number {
  return Math.min(Number.isFinite(at) ? at : now, now);
}

/**
 * What the agent noted on the call card, for a call the coach still holds (live, or finished
 * less than KEEP_FINISHED_MS ago: a name or a message is often noted after hanging up); the
 * rule of the note's kind keeps it. A note that changes nothing (a retry, the same name again)
 * writes no record.
 */
function onAgentNote(ctx: Ctx, key: string, note: AgentNote, at: number): void {
  const peek = typeof key === 'string' ? ctx.state.calls[key] : undefined;
  if (!peek || typeof note !== 'object' || note === null) return;
  const when = inputTime(at, ctx.now);
  // A name or a greeting tick is evidence, like any other: one path, recorded as an event.
  const evidence = evidenceOfNote(note);
  if (evidence) {
    onCallEvent(ctx, peek.record.tabId, { ...evidence, callId: peek.record.callId, at: when, source: peek.record.source } as CallEvent);
    return;
  }
  let took = false;
  for (const rule of RULES) {
    const onNote = hooksOf(rule).onNote;
    if (onNote?.(rulePlan(ctx, key, ctx.state.calls[key] ?? peek, rule), note, when)) took = true;
  }
  if (took) markChanged(ctx, key);
}

/** The evidence a note on the call card stands for (the popup's card sends notes; the page's card sends evidence itself). */
function evidenceOfNote(note: AgentNote): Omit<CallEventOf<'evidence'>, 'callId' | 'at' | 'source'> | undefined {
  if (note.type === 'caller-name' && typeof note.name === 'string') return { type: 'evidence', act: 'caller-name', how: 'noted', name: note.name };
  if (note.type === 'greeting-part' && typeof note.part === 'string' && typeof note.checked === 'boolean') {
    return { type: 'evidence', act: 'greeting-part', how: 'ticked', item: note.part, ...(note.checked ? {} : { undone: true }) };
  }
  return undefined;
}

// ─── deadlines ──────────────────────────────────────────────────────────────────────────────

/** Every rule plans its deadlines on every call (a configuration may have changed since the last step). */
function planDeadlines(ctx: Ctx): void {
  for (const rule of RULES) {
    const plan = hooksOf(rule).plan;
    if (!plan) continue;
    for (const [key, peek] of Object.entries(ctx.state.calls)) plan(rulePlan(ctx, key, peek, rule));
  }
}

function fireDueDeadlines(ctx: Ctx): void {
  // Each firing removes its deadline and schedules any next one strictly after `now`, so this
  // ends; the bound only guards against a bug turning into a hung service worker.
  for (let guard = 0; guard < 10_000; guard++) {
    let due: { key: string; deadline: Deadline } | undefined;
    for (const [key, call] of Object.entries(ctx.state.calls)) {
      for (const d of call.deadlines) {
        if (d.at <= ctx.now && (!due || d.at < due.deadline.at)) due = { key, deadline: d };
      }
    }
    if (!due) return;
    const call = mutable(ctx, due.key);
    if (!call) return;
    const { deadline } = due;
    call.deadlines = call.deadlines.filter((d) => !(d.at === deadline.at && d.ruleId === deadline.ruleId));
    const rule = RULE_BY_ID[deadline.ruleId] as AnyRule | undefined;
    if (rule) hooksOf(rule).onDeadline?.(ruleCall(ctx, due.key, call, rule), deadline);
  }
}

// ─── pruning ────────────────────────────────────────────────────────────────────────────────

/**
 * Live calls that lost their end, or too many of them: close them so nothing nudges forever.
 * Too many in one tab closes that tab's oldest unanswered calls first, then its oldest answered
 * ones; too many in all closes from the tab with the most. A page making up Call-IDs so closes
 * only its own calls.
 */
function closeStaleCalls(ctx: Ctx): void {
  const { now, state } = ctx;
  const byTab = new Map<number, [string, CallState][]>();
  let total = 0;
  for (const entry of Object.entries(state.calls)) {
    const [key, peek] = entry;
    if (!isLive(peek)) continue;
    if (now - peek.lastEventAt > STALE_LIVE_MS) {
      closeStale(ctx, key);
      continue;
    }
    const list = byTab.get(peek.record.tabId) ?? [];
    list.push(entry);
    byTab.set(peek.record.tabId, list);
    total++;
  }
  if (total <= MAX_LIVE_CALLS_PER_TAB) return; // The usual case: no sorting on every step.
  const firstToGo = ([ka, a]: [string, CallState], [kb, b]: [string, CallState]) =>
    Number(a.phase === 'connected') - Number(b.phase === 'connected') || a.lastEventAt - b.lastEventAt || (ka < kb ? -1 : 1);
  for (const list of byTab.values()) {
    list.sort(firstToGo);
    for (const [key] of list.splice(0, Math.max(0, list.length - MAX_LIVE_CALLS_PER_TAB))) {
      closeStale(ctx, key);
      total--;
    }
  }
  while (total > MAX_COACHED_LIVE_CALLS) {
    let fullest: [string, CallState][] | undefined;
    for (const list of byTab.values()) if (!fullest || list.length > fullest.length) fullest = list;
    const victim = fullest?.shift();
    if (!victim) return;
    closeStale(ctx, victim[0]);
    total--;
  }
}

function closeStale(ctx: Ctx, key: string): void {
  const call = mutable(ctx, key);
  // Its end went unseen; its last event is the best guess (`now` would count hours of nothing).
  if (call) closeSilently(ctx, key, call, call.lastEventAt, 'stale');
}

/** Finished calls go KEEP_FINISHED_MS after their end, or sooner beyond MAX_FINISHED_CALLS. */
function pruneFinished(ctx: Ctx): void {
  const { now, state } = ctx;
  const finished = Object.entries(state.calls).filter(([, c]) => !isLive(c));
  if (finished.length > MAX_FINISHED_CALLS) {
    finished.sort(([ka, a], [kb, b]) => (a.record.endedAt ?? 0) - (b.record.endedAt ?? 0) || (ka < kb ? -1 : 1));
  }
  finished.forEach(([key, call], i) => {
    const expired = now - (call.record.endedAt ?? 0) > KEEP_FINISHED_MS;
    if (!expired && finished.length - i <= MAX_FINISHED_CALLS) return;
    // Whatever is still open (an unanswered question) can no longer be answered: take it down.
    for (const n of call.open) ctx.effects.push({ type: 'dismiss-nudge', tabId: call.record.tabId, key: n.key });
    delete state.calls[key];
    state.retired.push(key);
  });
  if (state.retired.length > MAX_RETIRED_KEYS) state.retired.splice(0, state.retired.length - MAX_RETIRED_KEYS);
}
