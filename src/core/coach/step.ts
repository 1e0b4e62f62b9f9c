/**
 * The coach: `step(state, input, now, config) → { state, effects, wakeAt }` (design.md §3).
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
 *  - A late tick fires a timer rule once, not once per missed interval (see `fireCheckBack`).
 *
 * At the end of a call the coach withdraws its toasts (they were about the moment) and keeps
 * questions and checklists on screen: an answer given after the call still goes into the record,
 * for KEEP_FINISHED_MS. A tab that closes, or a call that went stale, ends without new nudges.
 *
 * What the agent notes on the call card (`agent-note`: the caller's name, greeting parts ticked,
 * messages taken) goes into the record of any call the coach still holds, live or finished; a
 * name noted in time keeps caller-name quiet, and greeting ticks from the card and from the
 * greeting checklist are one list.
 */
import type { CallEvent, CallEventOf, MissedReason, Party, RemoteParty } from '../call-event';
import { isolate } from '../names';
import type {
  AgentNote,
  CallRecord,
  ChecklistItem,
  CoachInput,
  Effect,
  GreetingPart,
  Nudge,
  NudgeResponse,
  RuleId,
  StepResult,
} from './types';
import type { CoachConfig, ConfigurableRuleId } from './config';
import { classifyAnswer, ringNumberAt, RING_CADENCES, RING_WINDOWS, type RingRegion } from './ring';
import { DEFAULT_TEXTS, formatText, type TextId, type TextParams } from './texts';

/** A `*-requested` this recent (ms) before hold/transfer started means the "before" reminder came in time. */
export const REQUEST_WINDOW_MS = 10_000;
/** Finished calls stay this long (ms) after their end, so answers to their nudges are still recorded. */
export const KEEP_FINISHED_MS = 15 * 60_000;
/** At most this many finished calls are kept, however recent. */
export const MAX_FINISHED_CALLS = 50;
/** A live call with no event for this long (ms) lost its end (e.g. the page reloaded): close it. */
export const STALE_LIVE_MS = 8 * 3_600_000;
/** Live calls beyond this many (the oldest first) are closed as stale: a broken adapter cannot grow the state. */
export const MAX_LIVE_CALLS = 20;
/** Keys of pruned calls remembered so that late events for them are ignored. */
export const MAX_RETIRED_KEYS = 200;
/** Per-record caps (newest kept): a record is upserted whole after every change. */
export const MAX_RECORD_EVENTS = 500;
export const MAX_RECORD_NUDGES = 300;

/** The greeting's parts, in the order they are said: the greeting checklist's item ids. */
export const GREETING_PARTS: readonly GreetingPart[] = ['greeting', 'ownName', 'organization', 'offer'];
/** A caller's name noted on the card is trimmed and cut to this many UTF-16 units. */
export const MAX_CALLER_NAME_CHARS = 120;
/** At most this many message ids per call record (newest kept), each at most MAX_MESSAGE_ID_CHARS long. */
export const MAX_RECORD_MESSAGES = 100;
export const MAX_MESSAGE_ID_CHARS = 200;

/** The closing checklist's items, in order; ids are stable (history keeps ticked ids). */
export const CLOSING_ITEMS: readonly { id: string; textId: TextId }[] = [
  { id: 'recap', textId: 'closing.recap' },
  { id: 'anything-else', textId: 'closing.anything-else' },
  { id: 'thank', textId: 'closing.thank' },
];

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

/** A pending timer rule. Check-backs find their hold in the record when they fire. */
export interface Deadline {
  at: number;
  ruleId: 'answer-window' | 'hold-check-back' | 'caller-name';
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
  replanCheckBacks(ctx);
  replanCallerName(ctx);
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

function ruleOn(ctx: Ctx, ruleId: ConfigurableRuleId): boolean {
  return ctx.config.rules[ruleId].enabled;
}

/** An event's time: its own `at`, but never in the future and never before the call's last event. */
function eventTime(at: number, now: number, lastEventAt?: number): number {
  const t = Number.isFinite(at) ? at : now;
  return Math.min(lastEventAt === undefined ? t : Math.max(t, lastEventAt), now);
}

// ─── texts and nudges ───────────────────────────────────────────────────────────────────────

function text(ctx: Ctx, id: TextId, params: TextParams = {}): string {
  const lang = ctx.config.language;
  const template = ctx.config.texts?.[lang]?.[id] ?? DEFAULT_TEXTS[lang][id];
  return formatText(template, params);
}

const MAX_NAME_CHARS = 80;
const shorten = (s: string): string => (s.length > MAX_NAME_CHARS ? `${s.slice(0, MAX_NAME_CHARS - 1)}…` : s);

/** Names and numbers from the network: direction-isolated in the text (it may become a notification). */
function callerName(ctx: Ctx, remote: RemoteParty | undefined): string {
  const name = remote?.displayName?.trim();
  const number = remote?.number?.trim();
  if (name && number && name !== number) return `${isolate(shorten(name))}, ${isolate(shorten(number))}`;
  if (name) return isolate(shorten(name));
  if (number) return isolate(shorten(number));
  return text(ctx, 'missed-call.unknown-caller');
}

function showNudge(
  ctx: Ctx,
  key: string,
  call: CallState,
  ruleId: ConfigurableRuleId,
  kind: Nudge['kind'],
  body: string,
  firedAt: number,
  items?: readonly ChecklistItem[],
): void {
  const occurrence = (call.occurrences[ruleId] ?? 0) + 1;
  call.occurrences[ruleId] = occurrence;
  const nudge: Nudge = {
    key: nudgeKeyOf(key, ruleId, occurrence),
    callKey: key,
    tabId: call.record.tabId,
    ruleId,
    occurrence,
    severity: ctx.config.rules[ruleId].severity,
    kind,
    text: body,
    firedAt,
    ...(items ? { items } : {}),
  };
  ctx.effects.push({ type: 'show-nudge', nudge });
  call.record.nudges.push({ key: nudge.key, ruleId, kind, firedAt, text: body });
  if (call.record.nudges.length > MAX_RECORD_NUDGES) call.record.nudges.splice(0, call.record.nudges.length - MAX_RECORD_NUDGES);
  call.open.push({ key: nudge.key, ruleId, kind });
  markChanged(ctx, key);
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

const hasOpenQuestion = (call: CallState, ruleId: RuleId): boolean =>
  call.open.some((n) => n.ruleId === ruleId && n.kind === 'question');

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
  call.lastEventAt = at;
  call.record.events.push(eventEntry(event, at));
  if (call.record.events.length > MAX_RECORD_EVENTS) call.record.events.splice(0, call.record.events.length - MAX_RECORD_EVENTS);
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
    startedAt: at,
    outcome: event.type === 'answered' ? 'answered' : 'live',
    ...(event.type === 'answered' ? { answeredAt: at } : {}),
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
  if (event.type === 'answered') onConnected(ctx, key, call, at);

  if (event.type === 'ringing') {
    const region = ctx.config.region;
    call.ringStartedAt = at;
    call.region = region;
    if (ruleOn(ctx, 'answer-window')) {
      const cadence = RING_CADENCES[region];
      call.ringShown = true;
      ctx.effects.push({
        type: 'ring-status',
        tabId,
        callKey: key,
        ring: { callKey: key, startedAt: at, onMs: cadence.onMs, offMs: cadence.offMs, answerNowFromRing: 2 },
      });
      call.deadlines.push({ at: at + RING_WINDOWS[region].ring3StartsMs, ruleId: 'answer-window' });
    }
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
    case 'transfer-accepted':
    case 'transfer-failed':
      if (phase !== 'connected' && phase !== 'ended') return false;
      return onTransferOutcome(ctx, call, event, at);
    default:
      if (phase !== 'connected') return false;
      return applyConnected(ctx, key, call, event, at);
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
  stopRinging(ctx, key, call);
  withdraw(ctx, call, (n) => n.ruleId === 'answer-window');
  onConnected(ctx, key, call, at);
}

/**
 * On answer, inbound only (on an outbound call the agent is the caller): the greeting
 * checklist. caller-name's deadline is planned by `replanCallerName`, later in the same step.
 */
function onConnected(ctx: Ctx, key: string, call: CallState, at: number): void {
  if (call.record.direction !== 'inbound' || !ruleOn(ctx, 'greeting')) return;
  const params = greetingParams(ctx);
  const parts = ctx.config.greeting[ctx.config.language];
  const items = GREETING_PARTS.map((part) => ({ id: part, text: formatText(parts[part], params) }));
  showNudge(ctx, key, call, 'greeting', 'checklist', text(ctx, 'greeting.intro', params), at, items);
  // Parts the card ticked already (it may open before the answer event arrives) stay ticked.
  const ticked = call.record.greetingChecked;
  const entry = call.record.nudges.at(-1);
  if (ticked && entry?.ruleId === 'greeting') entry.checked = [...ticked];
}

/** `{agent}` and `{organization}` for the greeting; a neutral stand-in for one not set. */
function greetingParams(ctx: Ctx): TextParams {
  const agent = ctx.config.agentName?.trim();
  const organization = ctx.config.organization.trim();
  return {
    agent: agent ? shorten(agent) : text(ctx, 'greeting.no-agent-name'),
    organization: organization || text(ctx, 'greeting.no-organization'),
  };
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
  return entry;
}

function stopRinging(ctx: Ctx, key: string, call: CallState): void {
  call.deadlines = call.deadlines.filter((d) => d.ruleId !== 'answer-window');
  if (call.ringShown) {
    call.ringShown = false;
    ctx.effects.push({ type: 'ring-status', tabId: call.record.tabId, callKey: key, ring: null });
  }
}

const currentHold = (call: CallState, by: Party) => call.record.holds.find((h) => h.by === by && h.end === undefined);

function applyConnected(ctx: Ctx, key: string, call: CallState, event: CallEvent, at: number): boolean {
  const r = call.record;
  switch (event.type) {
    case 'hold-requested': {
      if (currentHold(call, 'agent')) return false; // Already on hold: a click on Hold now is not a new hold.
      const repeat = call.holdRequestedAt !== undefined && at - call.holdRequestedAt <= REQUEST_WINDOW_MS;
      call.holdRequestedAt = at;
      if (!repeat && ruleOn(ctx, 'hold-permission')) {
        showNudge(ctx, key, call, 'hold-permission', 'toast', text(ctx, 'hold-permission.before'), at);
      }
      return true;
    }
    case 'held': {
      if (currentHold(call, event.by)) return false;
      r.holds.push({ start: at, by: event.by });
      if (event.by === 'agent') onAgentHold(ctx, key, call, at);
      return true;
    }
    case 'resumed': {
      const hold = currentHold(call, event.by);
      if (!hold) return false;
      hold.end = at;
      if (event.by === 'agent') {
        call.deadlines = call.deadlines.filter((d) => d.ruleId !== 'hold-check-back');
        withdraw(ctx, call, (n) => n.ruleId === 'hold-check-back');
      }
      return true;
    }
    case 'transfer-requested': {
      const repeat = call.transferRequestedAt !== undefined && at - call.transferRequestedAt <= REQUEST_WINDOW_MS;
      call.transferRequestedAt = at;
      if (!repeat && ruleOn(ctx, 'transfer-permission')) {
        showNudge(ctx, key, call, 'transfer-permission', 'toast', text(ctx, 'transfer-permission.before'), at);
      }
      return true;
    }
    case 'transfer-started': {
      r.transfers.push({ at, by: event.by, ...(event.target !== undefined ? { target: event.target } : {}) });
      if (event.by !== 'agent') return true; // The other side transferring us: nothing to coach.
      delete call.transferFailedAt;
      const asked = call.transferRequestedAt !== undefined && at - call.transferRequestedAt <= REQUEST_WINDOW_MS;
      delete call.transferRequestedAt;
      if (!asked && ruleOn(ctx, 'transfer-permission') && !hasOpenQuestion(call, 'transfer-permission')) {
        showNudge(ctx, key, call, 'transfer-permission', 'question', text(ctx, 'transfer-permission.question'), at);
      }
      return true;
    }
    case 'hangup-requested': {
      if (!call.closingShown && ruleOn(ctx, 'closing')) showClosing(ctx, key, call, 'closing.before', at);
      return true;
    }
    case 'muted':
    case 'unmuted':
      return true; // Recorded only.
    default:
      return false;
  }
}

function onAgentHold(ctx: Ctx, key: string, call: CallState, at: number): void {
  const asked = call.holdRequestedAt !== undefined && at - call.holdRequestedAt <= REQUEST_WINDOW_MS;
  delete call.holdRequestedAt;
  // One unanswered "did you ask?" at a time: an agent who ignores it does not need a pile of them.
  if (!asked && ruleOn(ctx, 'hold-permission') && !hasOpenQuestion(call, 'hold-permission')) {
    showNudge(ctx, key, call, 'hold-permission', 'question', text(ctx, 'hold-permission.question'), at);
  }
  const overuse = ctx.config.rules['hold-overuse'];
  const holds = call.record.holds.filter((h) => h.by === 'agent').length;
  if (overuse.enabled && holds >= overuse.maxHolds) {
    showNudge(ctx, key, call, 'hold-overuse', 'toast', text(ctx, 'hold-overuse.nudge', { holds }), at);
  }
  const checkBack = ctx.config.rules['hold-check-back'];
  if (checkBack.enabled) {
    const intervalMs = checkBack.intervalSeconds * 1000;
    call.deadlines.push({ at: at + intervalMs, ruleId: 'hold-check-back', intervalMs });
  }
}

function onTransferOutcome(
  ctx: Ctx,
  call: CallState,
  event: CallEventOf<'transfer-accepted'> | CallEventOf<'transfer-failed'>,
  at: number,
): boolean {
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
  if (event.by !== 'agent') return true;
  if (outcome === 'failed') {
    call.transferFailedAt = at;
  } else if (call.phase === 'ended' && call.safeHold === 'transfer') {
    // The success came just after the agent's leg ended: the caller reached the target after all.
    call.record.flags = call.record.flags.filter((f) => f.ruleId !== 'safe-hold');
    delete call.safeHold;
    withdraw(ctx, call, (n) => n.ruleId === 'safe-hold');
  }
  return true;
}

function showClosing(ctx: Ctx, key: string, call: CallState, textId: 'closing.before' | 'closing.after', at: number): void {
  call.closingShown = true;
  const items = CLOSING_ITEMS.map((item) => ({ id: item.id, text: text(ctx, item.textId) }));
  showNudge(ctx, key, call, 'closing', 'checklist', text(ctx, textId), at, items);
}

// ─── the end of a call ──────────────────────────────────────────────────────────────────────

interface EndOptions {
  by?: Party;
  endReason?: string;
  missedReason?: MissedReason;
  /** False for tab-closed and stale calls: nobody is there to read a nudge. */
  coach: boolean;
}

/**
 * Common to every end: stop timers and the ring counter, close holds, and withdraw the toasts
 * that were about the moment (ring, check-back, "before" reminders, 4th hold). Questions and
 * checklists stay: answering them after the call still completes the record.
 */
function closeDown(ctx: Ctx, key: string, call: CallState, at: number, opts: EndOptions): void {
  const r = call.record;
  r.endedAt = at;
  if (opts.by) r.endedBy = opts.by;
  if (opts.endReason) r.endReason = opts.endReason;
  for (const hold of r.holds) if (hold.end === undefined) hold.end = at;
  call.deadlines = [];
  delete call.holdRequestedAt;
  delete call.transferRequestedAt;
  stopRinging(ctx, key, call);
  withdraw(ctx, call, (n) => n.kind === 'toast');
  markChanged(ctx, key);
}

function missCall(ctx: Ctx, key: string, call: CallState, at: number, opts: EndOptions): void {
  const r = call.record;
  const inboundRinging = call.phase === 'ringing';
  call.phase = 'missed';
  r.outcome = 'missed';
  if (opts.missedReason) r.missedReason = opts.missedReason;
  if (call.ringStartedAt !== undefined && call.region) r.rings = ringNumberAt(at - call.ringStartedAt, call.region);
  closeDown(ctx, key, call, at, opts);
  // Outbound calls that did not connect are recorded only: the agent knows they did not get through.
  // A colleague took it off a ring-all queue: recorded, but not the agent's miss to nudge about.
  const theirs = opts.missedReason === 'answered-elsewhere';
  if (opts.coach && !theirs && inboundRinging && r.direction === 'inbound' && ruleOn(ctx, 'missed-call')) {
    const body = text(ctx, 'missed-call.nudge', { caller: callerName(ctx, r.remote), rings: r.rings ?? 1 });
    showNudge(ctx, key, call, 'missed-call', 'toast', body, at);
  }
}

function endCall(ctx: Ctx, key: string, call: CallState, at: number, opts: EndOptions): void {
  call.phase = 'ended';
  closeDown(ctx, key, call, at, opts);
  if (!opts.coach) return;
  if (opts.by === 'agent') checkSafeHold(ctx, key, call, at);
  checkHoldShare(ctx, key, call, at);
  if (!call.closingShown && ruleOn(ctx, 'closing')) showClosing(ctx, key, call, 'closing.after', at);
}

/**
 * safe-hold: the agent's side ended the call within the window after (a) a transfer attempt
 * that did not succeed (never accepted, or failed; the window runs from its start or its
 * failure, whichever is later) or (b) the start of an agent hold. A transfer that was accepted
 * clears every hold before it: that is the normal blind transfer (hold, REFER, 202, BYE).
 */
function checkSafeHold(ctx: Ctx, key: string, call: CallState, end: number): void {
  const rule = ctx.config.rules['safe-hold'];
  if (!rule.enabled) return;
  const windowMs = rule.windowSeconds * 1000;
  const r = call.record;
  const transfer = r.transfers.filter((t) => t.by === 'agent').at(-1);
  const lastHold = r.holds.filter((h) => h.by === 'agent').at(-1);

  let cause: { kind: 'hold' | 'transfer'; since: number } | undefined;
  if (transfer && (transfer.outcome === undefined || transfer.outcome === 'failed')) {
    const since = Math.max(transfer.at, call.transferFailedAt ?? transfer.at);
    if (end - since <= windowMs) cause = { kind: 'transfer', since };
  }
  const transferSucceeded = transfer?.outcome === 'accepted' || transfer?.outcome === 'completed';
  const holdCounts = lastHold !== undefined && (!transferSucceeded || lastHold.start > (transfer?.at ?? 0));
  if (!cause && lastHold && holdCounts && end - lastHold.start <= windowMs) {
    cause = { kind: 'hold', since: lastHold.start };
  }
  if (!cause) return;

  const seconds = Math.round(Math.max(0, end - cause.since) / 1000);
  call.safeHold = cause.kind;
  r.flags.push({
    ruleId: 'safe-hold',
    at: end,
    note:
      cause.kind === 'hold'
        ? `likely accidental disconnect: ended ${seconds} s after a hold started`
        : `likely accidental disconnect: ended ${seconds} s after a transfer that did not succeed`,
  });
  const textId = cause.kind === 'hold' ? 'safe-hold.hold' : 'safe-hold.transfer';
  showNudge(ctx, key, call, 'safe-hold', 'toast', text(ctx, textId, { seconds }), end);
}

/** hold-overuse at the end: the agent's hold time as a share of the connected time (answer → end). */
function checkHoldShare(ctx: Ctx, key: string, call: CallState, end: number): void {
  const rule = ctx.config.rules['hold-overuse'];
  const answeredAt = call.record.answeredAt;
  if (!rule.enabled || answeredAt === undefined) return;
  const connected = end - answeredAt;
  if (connected <= 0) return;
  let held = 0;
  for (const h of call.record.holds) {
    if (h.by !== 'agent') continue;
    held += Math.max(0, Math.min(h.end ?? end, end) - Math.max(h.start, answeredAt));
  }
  const share = held / connected;
  if (share <= rule.maxHoldShare) return;
  const percent = Math.round(share * 100);
  showNudge(ctx, key, call, 'hold-overuse', 'toast', text(ctx, 'hold-overuse.share', { percent }), end);
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
      if (entry.ruleId === 'greeting') {
        // One list with the call card's ticks: the record's greetingChecked, mirrored here.
        if (!isGreetingPart(response.itemId) || !setGreetingPart(call, response.itemId, response.checked, when)) return;
        break;
      }
      if (!CLOSING_ITEMS.some((i) => i.id === response.itemId)) return;
      const checked = entry.checked ?? [];
      const has = checked.includes(response.itemId);
      if (has === response.checked) return;
      // Kept in the checklist's order, whatever the order of ticking.
      const next = response.checked ? [...checked, response.itemId] : checked.filter((id) => id !== response.itemId);
      entry.checked = CLOSING_ITEMS.map((i) => i.id).filter((id) => next.includes(id));
      entry.checkedAt = when;
      break;
    }
  }
  markChanged(ctx, key);
}

/** An input's own time, but never in the future (the page's clock may run ahead). */
function inputTime(at: number, now: number): number {
  return Math.min(Number.isFinite(at) ? at : now, now);
}

const isGreetingPart = (value: unknown): value is GreetingPart => GREETING_PARTS.some((p) => p === value);

/**
 * Tick or untick a greeting part: the record's `greetingChecked` (in the greeting's order) and
 * the greeting checklist's `checked` and `checkedAt`, kept equal. False when nothing changed.
 */
function setGreetingPart(call: CallState, part: GreetingPart, checked: boolean, at: number): boolean {
  const r = call.record;
  const current = r.greetingChecked ?? [];
  if (current.includes(part) === checked) return false;
  const next = checked ? [...current, part] : current.filter((p) => p !== part);
  r.greetingChecked = GREETING_PARTS.filter((p) => next.includes(p));
  for (const n of r.nudges) {
    if (n.ruleId !== 'greeting' || n.kind !== 'checklist') continue;
    n.checked = [...r.greetingChecked];
    n.checkedAt = at;
  }
  return true;
}

/** Trimmed, inner runs of whitespace (a pasted line break) made one space, cut without splitting a character. */
function cleanCallerName(name: string): string {
  let clean = name.replace(/\s+/g, ' ').trim();
  if (clean.length > MAX_CALLER_NAME_CHARS) {
    clean = clean.slice(0, MAX_CALLER_NAME_CHARS);
    if (/[\uD800-\uDBFF]$/.test(clean)) clean = clean.slice(0, -1);
    clean = clean.trimEnd();
  }
  return clean;
}

/**
 * What the agent noted on the call card, for a call the coach still holds (live, or finished
 * less than KEEP_FINISHED_MS ago: a name or a message is often noted after hanging up). A note
 * that changes nothing (a retry, the same name again) writes no record.
 */
function onAgentNote(ctx: Ctx, key: string, note: AgentNote, at: number): void {
  const peek = typeof key === 'string' ? ctx.state.calls[key] : undefined;
  if (!peek || typeof note !== 'object' || note === null) return;
  const when = inputTime(at, ctx.now);
  switch (note.type) {
    case 'caller-name': {
      if (typeof note.name !== 'string') return;
      const name = cleanCallerName(note.name);
      if ((peek.record.callerName ?? '') === name) return;
      const call = mutable(ctx, key);
      if (!call) return;
      if (name === '') {
        delete call.record.callerName;
        break;
      }
      call.record.callerName = name;
      call.callerNameNoted = true;
      // Noted in time: no nudge. Noted after it: the reminder has done its job.
      call.deadlines = call.deadlines.filter((d) => d.ruleId !== 'caller-name');
      withdraw(ctx, call, (n) => n.ruleId === 'caller-name');
      break;
    }
    case 'greeting-part': {
      if (!isGreetingPart(note.part) || typeof note.checked !== 'boolean') return;
      if ((peek.record.greetingChecked ?? []).includes(note.part) === note.checked) return;
      const call = mutable(ctx, key);
      if (!call || !setGreetingPart(call, note.part, note.checked, when)) return;
      break;
    }
    case 'message-taken': {
      const id = note.messageId;
      if (typeof id !== 'string' || id === '' || id.length > MAX_MESSAGE_ID_CHARS) return;
      if (peek.record.messages?.includes(id)) return;
      const call = mutable(ctx, key);
      if (!call) return;
      const messages = [...(call.record.messages ?? []), id];
      call.record.messages = messages.slice(-MAX_RECORD_MESSAGES);
      break;
    }
    default:
      return; // A note of a kind this version does not know.
  }
  markChanged(ctx, key);
}

// ─── deadlines ──────────────────────────────────────────────────────────────────────────────

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
    const { at, ruleId } = due.deadline;
    call.deadlines = call.deadlines.filter((d) => !(d.at === at && d.ruleId === ruleId));
    if (ruleId === 'answer-window') fireRingThree(ctx, due.key, call, at);
    else if (ruleId === 'caller-name') fireCallerName(ctx, due.key, call, at);
    else fireCheckBack(ctx, due.key, call, at);
  }
}

function fireRingThree(ctx: Ctx, key: string, call: CallState, at: number): void {
  if (call.phase !== 'ringing' || !ruleOn(ctx, 'answer-window')) return;
  showNudge(ctx, key, call, 'answer-window', 'toast', text(ctx, 'answer-window.nudge'), at);
}

/** caller-name: still connected and no name noted by the deadline (answer + afterSeconds). */
function fireCallerName(ctx: Ctx, key: string, call: CallState, at: number): void {
  if (!wantsCallerName(ctx, call)) return;
  showNudge(ctx, key, call, 'caller-name', 'toast', text(ctx, 'caller-name.nudge'), at);
}

/** Whether caller-name should still nudge on this call: once per call, inbound, connected, no name noted. */
function wantsCallerName(ctx: Ctx, call: CallState): boolean {
  return (
    call.phase === 'connected' &&
    call.record.direction === 'inbound' &&
    call.record.answeredAt !== undefined &&
    ruleOn(ctx, 'caller-name') &&
    !call.callerNameNoted &&
    call.record.callerName === undefined &&
    call.occurrences['caller-name'] === undefined
  );
}

/**
 * caller-name's deadline, answer + afterSeconds, planned on answer and re-planned when the team
 * lead changes the delay mid-call (a deadline then already past fires once, now); dropped when
 * the rule is switched off, the name is noted or the nudge has shown. Switched on mid-call, it
 * is planned as if it had been on since the answer.
 */
function replanCallerName(ctx: Ctx): void {
  const afterMs = ctx.config.rules['caller-name'].afterSeconds * 1000;
  for (const [key, peek] of Object.entries(ctx.state.calls)) {
    const planned = peek.deadlines.filter((d) => d.ruleId === 'caller-name');
    const wanted = wantsCallerName(ctx, peek);
    const [only] = planned;
    if (wanted ? planned.length === 1 && only?.afterMs === afterMs : planned.length === 0) continue;
    const call = mutable(ctx, key);
    if (!call) continue;
    call.deadlines = call.deadlines.filter((d) => d.ruleId !== 'caller-name');
    const answeredAt = call.record.answeredAt;
    if (!wanted || answeredAt === undefined) continue;
    call.deadlines.push({ at: Math.max(answeredAt + afterMs, ctx.now), ruleId: 'caller-name', afterMs });
  }
}

/**
 * One check-back per due deadline, however late the tick. The next one stays on the hold's
 * grid (start + k × interval, so the texts read 45, 90, 135 s…) but is at least half an
 * interval after `now`: a tick that comes at 89.9 s to fire the 45 s check-back must not be
 * followed by the 90 s one a moment later. The text gives the true time on hold at `now`.
 */
function fireCheckBack(ctx: Ctx, key: string, call: CallState, at: number): void {
  const hold = currentHold(call, 'agent');
  const rule = ctx.config.rules['hold-check-back'];
  if (call.phase !== 'connected' || !hold || !rule.enabled) return;
  const seconds = Math.round(Math.max(0, ctx.now - hold.start) / 1000);
  // The new check-back replaces the last one rather than stacking up beside it.
  withdraw(ctx, call, (n) => n.ruleId === 'hold-check-back');
  showNudge(ctx, key, call, 'hold-check-back', 'toast', text(ctx, 'hold-check-back.nudge', { seconds }), at);
  const interval = rule.intervalSeconds * 1000;
  const k = Math.max(1, Math.ceil((ctx.now + interval / 2 - hold.start) / interval));
  const next = Math.max(hold.start + k * interval, ctx.now + 1);
  call.deadlines.push({ at: next, ruleId: 'hold-check-back', intervalMs: interval });
}

/**
 * A team lead's change applies to calls already on hold: a check-back planned with another
 * interval (or for a rule since switched off or on) is planned again from the last check-back
 * of this hold, or from its start. A deadline that is then already past fires once, now.
 */
function replanCheckBacks(ctx: Ctx): void {
  const rule = ctx.config.rules['hold-check-back'];
  const intervalMs = rule.intervalSeconds * 1000;
  for (const [key, peek] of Object.entries(ctx.state.calls)) {
    if (peek.phase !== 'connected') continue;
    const hold = currentHold(peek, 'agent');
    const planned = peek.deadlines.filter((d) => d.ruleId === 'hold-check-back');
    const wanted = rule.enabled && hold !== undefined;
    // Deadlines from before `intervalMs` was recorded count as planned with the current interval.
    const [only] = planned;
    if (wanted ? planned.length === 1 && (only?.intervalMs ?? intervalMs) === intervalMs : planned.length === 0) continue;
    const call = mutable(ctx, key);
    if (!call) continue;
    call.deadlines = call.deadlines.filter((d) => d.ruleId !== 'hold-check-back');
    if (!wanted || !hold) continue;
    const lastShown = call.record.nudges
      .filter((n) => n.ruleId === 'hold-check-back' && n.firedAt >= hold.start)
      .reduce((latest, n) => Math.max(latest, n.firedAt), hold.start);
    call.deadlines.push({ at: Math.max(lastShown + intervalMs, ctx.now), ruleId: 'hold-check-back', intervalMs });
  }
}

// ─── pruning ────────────────────────────────────────────────────────────────────────────────

/** Live calls that lost their end, or too many of them: close them so nothing nudges forever. */
function closeStaleCalls(ctx: Ctx): void {
  const { now, state } = ctx;
  const live = Object.entries(state.calls).filter(([, c]) => isLive(c));
  // Sorting only when over the cap: this runs on every step.
  if (live.length > MAX_LIVE_CALLS) live.sort(([ka, a], [kb, b]) => a.lastEventAt - b.lastEventAt || (ka < kb ? -1 : 1));
  live.forEach(([key, peek], i) => {
    if (now - peek.lastEventAt > STALE_LIVE_MS || live.length - i > MAX_LIVE_CALLS) {
      const call = mutable(ctx, key);
      // Its end went unseen; its last event is the best guess (`now` would count hours of nothing).
      if (call) closeSilently(ctx, key, call, call.lastEventAt, 'stale');
    }
  });
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
