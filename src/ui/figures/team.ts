/**
 * The team lead view: several agents' call-timeline exports, each turned into shift figures, side
 * by side. Pure.
 *
 * How: a timeline holds the calls' events, and the figures are made from call records; the
 * coach is what turns events into records (rings and answer class on the team's ring cadence,
 * holds, transfers, missed calls), so each timeline is replayed through the coach's own `step`
 * (as `replayTimeline` does, with the simulated clock of the file) under the team's
 * configuration in force, and its `record-call` effects are the records. Missed calls queue
 * their return calls as in the extension (due on the team's business hours), counted as of the
 * file's last event.
 *
 * What a timeline cannot tell (version 1 has no agent responses): whether the agent confirmed
 * asking before a hold, and which checklist items were ticked. So "holds with permission
 * confirmed" is not shown for imported files (`responses: false`); nudges by rule are what the
 * coach shows on those calls under the configuration in force now, which makes agents comparable
 * under one rule set.
 */
import { callKeyOf, initialCoachState, step, type CallRecord, type CoachConfig, type CoachInput } from '../../core/coach';
import { shiftFigures, type ShiftFigures } from '../../core/figures';
import { queueFromMissedCall, type ReturnCall } from '../../core/return-calls';
import { DEFAULT_TIMELINE_TAB, parseIsoTime, parseTimeline, toCallEvent, type Timeline, type TimelineError } from '../../core/timeline';

/** A guard: the coach's own stale limit ends every replay long before this. */
const MAX_TICKS = 100_000;

export interface AgentFigures {
  /** The file's name (the agent's, as the team lead saved it). */
  name: string;
  description?: string;
  timeZone?: string;
  calls: number;
  /** The span of the file's calls: first start to the last event. */
  from: number;
  until: number;
  figures: ShiftFigures;
  /** Imported files carry no agent responses: shares that depend on them are not shown. */
  responses: false;
}

export type ReadAgentResult = { ok: true; agent: AgentFigures } | { ok: false; name: string; errors: TimelineError[] };

/** Replay a timeline through the coach; the last record of every call. */
export function recordsFromTimeline(timeline: Timeline, config: CoachConfig): CallRecord[] {
  const items: { at: number; input: CoachInput }[] = [];
  for (const call of timeline.calls) {
    const tabId = call.tabId ?? DEFAULT_TIMELINE_TAB;
    for (const event of call.events) items.push({ at: parseIsoTime(event.at) ?? 0, input: { kind: 'call-event', tabId, event: toCallEvent(call, event) } });
  }
  for (const closed of timeline.tabsClosed ?? []) items.push({ at: parseIsoTime(closed.at) ?? 0, input: { kind: 'tab-closed', tabId: closed.tabId } });
  items.sort((a, b) => a.at - b.at);

  const records = new Map<string, CallRecord>();
  let state = initialCoachState();
  let wakeAt: number | null = null;
  let ticks = 0;
  const run = (input: CoachInput, now: number) => {
    const result = step(state, input, now, config);
    state = result.state;
    wakeAt = result.wakeAt;
    for (const effect of result.effects) if (effect.type === 'record-call') records.set(effect.record.callKey, effect.record);
  };
  const tickUntil = (until: number) => {
    while (wakeAt !== null && wakeAt <= until && ticks < MAX_TICKS) {
      ticks++;
      run({ kind: 'tick' }, wakeAt);
    }
  };
  for (const item of items) {
    tickUntil(item.at);
    run(item.input, item.at);
  }
  tickUntil(Number.POSITIVE_INFINITY);
  // Keep file order for calls of the same start.
  const order = new Map(timeline.calls.map((c, i) => [callKeyOf(c.tabId ?? DEFAULT_TIMELINE_TAB, c.id), i]));
  return [...records.values()].sort((a, b) => a.startedAt - b.startedAt || (order.get(a.callKey) ?? 0) - (order.get(b.callKey) ?? 0));
}

/** Figures for one agent's export (the file's text). */
export function readAgentTimeline(name: string, text: string, config: CoachConfig): ReadAgentResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, name, errors: [{ path: '', message: `not JSON: ${(error as Error).message}` }] };
  }
  const parsed = parseTimeline(json);
  if (!parsed.ok) return { ok: false, name, errors: parsed.errors };
  const { timeline } = parsed;
  const records = recordsFromTimeline(timeline, config);
  const times = timeline.calls.flatMap((c) => c.events.map((e) => parseIsoTime(e.at) ?? 0));
  const from = times.length ? Math.min(...times) : 0;
  const last = times.length ? Math.max(...times) : 0;
  const returnCalls: ReturnCall[] = records.flatMap((r) => queueFromMissedCall(r, config.businessHours) ?? []);
  const figures = shiftFigures(records, returnCalls, { from, until: last + 1, now: last + 1 });
  return {
    ok: true,
    agent: {
      name,
      ...(timeline.description ? { description: timeline.description } : {}),
      ...(timeline.timeZone ? { timeZone: timeline.timeZone } : {}),
      calls: timeline.calls.length,
      from,
      until: last,
      figures,
      responses: false,
    },
  };
}
