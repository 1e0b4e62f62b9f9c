/**
 * Dry-run the coach on a call timeline: the same `step` the extension runs, with a simulated
 * clock instead of a service worker's.
 *
 * - Every event goes in at its own time (`now` = the event's `at`), in time order across calls
 *   (calls may overlap); events at the same time keep the file's order (calls in file order,
 *   then a call's events in order), and tabs closing at that time come after them.
 * - Before each event, the coach gets a tick at every `wakeAt` up to and including the event's
 *   time: a deadline and an event at the same millisecond count as the deadline first, as a
 *   timer that fires on time would. After the last event, ticks go on until no deadline is left
 *   (a call left on hold keeps nudging until the coach closes it as stale, 8 h after its last
 *   event), bounded by `maxTicks`.
 * - Nudges are the `show-nudge` effects, with times from their call's first event. The agent
 *   never answers or dismisses anything: a timeline has no nudge responses.
 *
 * Pure: the clock is the timeline's.
 */
import type { CallEvent } from '../call-event';
import {
  RULE_SETTINGS,
  callKeyOf,
  initialCoachState,
  step,
  type CallRecord,
  type ChecklistItem,
  type CoachConfig,
  type CoachInput,
  type Nudge,
  type RuleId,
  type Severity,
} from '../coach';
import { EXPLAINED_RULES, explainNudge, explainQuiet, type Trigger } from './explain';
import { DEFAULT_TIMELINE_TAB, parseIsoTime, toCallEvent, type Timeline } from './format';

export interface ReplayNudge {
  callId: string;
  ruleId: RuleId;
  /** Milliseconds from the call's first event. */
  atMs: number;
  text: string;
  severity: Severity;
  kind: Nudge['kind'];
  /** 1 for the rule's first nudge on the call, 2 for its second… */
  occurrence: number;
  /** A checklist's items. */
  items?: readonly ChecklistItem[];
  /** Why it fired: the triggering event or deadline and the thresholds involved. */
  why?: string;
}

export interface QuietRule {
  callId: string;
  ruleId: RuleId;
  reason: string;
}

export interface ReplayResult {
  /** In time order (ties: the order the coach showed them). */
  nudges: ReplayNudge[];
  /** Per call (file order), each enabled rule the replay explains that showed nothing there. */
  quiet: QuietRule[];
  /** Nudges per rule, rules in catalogue order, only rules that fired. */
  summary: Partial<Record<RuleId, number>>;
  /** Rules the replay explains that the configuration switches off. */
  disabled: RuleId[];
  calls: number;
  events: number;
  /** Set when `maxTicks` ran out with a deadline still pending. */
  stoppedEarly?: string;
}

export interface ReplayOptions {
  /** Upper bound on ticks in one replay (a guard; the coach's own stale limit normally ends it). */
  maxTicks?: number;
}

export const DEFAULT_MAX_TICKS = 100_000;

interface CallInfo {
  id: string;
  start: number;
}

interface Item {
  at: number;
  input: CoachInput;
  /** The call event's call key, for attributing nudges to their trigger. */
  callKey?: string;
}

export function replayTimeline(timeline: Timeline, config: CoachConfig, options: ReplayOptions = {}): ReplayResult {
  const maxTicks = options.maxTicks ?? DEFAULT_MAX_TICKS;
  const calls = new Map<string, CallInfo>();
  const items: Item[] = [];
  for (const call of timeline.calls) {
    const tabId = call.tabId ?? DEFAULT_TIMELINE_TAB;
    const key = callKeyOf(tabId, call.id);
    const events = call.events.map((e) => toCallEvent(call, e));
    calls.set(key, { id: call.id, start: events[0]?.at ?? 0 });
    for (const event of events) items.push({ at: event.at, input: { kind: 'call-event', tabId, event }, callKey: key });
  }
  for (const closed of timeline.tabsClosed ?? []) {
    items.push({ at: parseIsoTime(closed.at) ?? 0, input: { kind: 'tab-closed', tabId: closed.tabId } });
  }
  items.sort((a, b) => a.at - b.at); // stable: ties keep the order above

  const records = new Map<string, CallRecord>();
  const nudges: (ReplayNudge & { firedAt: number })[] = [];
  let state = initialCoachState();
  let wakeAt: number | null = null;
  let ticks = 0;
  let stoppedEarly: string | undefined;

  const run = (input: CoachInput, now: number, item?: Item): void => {
    const result = step(state, input, now, config);
    state = result.state;
    wakeAt = result.wakeAt;
    for (const effect of result.effects) if (effect.type === 'record-call') records.set(effect.record.callKey, effect.record);
    for (const effect of result.effects) {
      if (effect.type !== 'show-nudge') continue;
      const n = effect.nudge;
      const info = calls.get(n.callKey);
      const record = records.get(n.callKey);
      const event: CallEvent | undefined = item?.input.kind === 'call-event' && item.callKey === n.callKey ? item.input.event : undefined;
      const trigger: Trigger = event ? { kind: 'event', event } : { kind: 'deadline', at: n.firedAt };
      const start = info?.start ?? n.firedAt;
      const why = record ? explainNudge(n, trigger, { config, record, start }) : undefined;
      nudges.push({
        callId: info?.id ?? n.callKey,
        ruleId: n.ruleId,
        atMs: n.firedAt - start,
        text: n.text,
        severity: n.severity,
        kind: n.kind,
        occurrence: n.occurrence,
        ...(n.items ? { items: n.items } : {}),
        ...(why !== undefined ? { why } : {}),
        firedAt: n.firedAt,
      });
    }
  };

  /** Tick through every deadline up to `until` (all of them when undefined); false when the guard tripped. */
  const tickUntil = (until?: number): boolean => {
    while (wakeAt !== null && (until === undefined || wakeAt <= until)) {
      if (ticks >= maxTicks) {
        stoppedEarly = `stopped after ${maxTicks} deadlines with one still pending`;
        return false;
      }
      ticks++;
      run({ kind: 'tick' }, wakeAt);
    }
    return true;
  };

  let running = true;
  for (const item of items) {
    running = tickUntil(item.at);
    if (!running) break;
    run(item.input, item.at, item);
  }
  if (running) tickUntil();

  nudges.sort((a, b) => a.firedAt - b.firedAt);
  const quiet: QuietRule[] = [];
  for (const [key, info] of calls) {
    const record = records.get(key);
    if (!record) continue;
    for (const ruleId of EXPLAINED_RULES) {
      if (!config.rules[ruleId].enabled) continue;
      if (nudges.some((n) => n.callId === info.id && n.ruleId === ruleId)) continue;
      quiet.push({ callId: info.id, ruleId, reason: explainQuiet(ruleId, { config, record, start: info.start }) });
    }
  }

  const counts = new Map<RuleId, number>();
  for (const n of nudges) counts.set(n.ruleId, (counts.get(n.ruleId) ?? 0) + 1);
  const order = Object.keys(RULE_SETTINGS) as RuleId[];
  const summary: Partial<Record<RuleId, number>> = {};
  for (const id of [...order, ...[...counts.keys()].filter((id) => !order.includes(id))]) {
    const count = counts.get(id);
    if (count) summary[id] = count;
  }

  return {
    nudges: nudges.map(({ firedAt: _firedAt, ...n }) => n),
    quiet,
    summary,
    disabled: EXPLAINED_RULES.filter((id) => !config.rules[id].enabled),
    calls: timeline.calls.length,
    events: timeline.calls.reduce((sum, c) => sum + c.events.length, 0),
    ...(stoppedEarly ? { stoppedEarly } : {}),
  };
}
