import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CallEvent } from '../../../src/core/call-event';
import {
  DEFAULT_CONFIG,
  MAX_RECORD_EVENTS,
  initialCoachState,
  parseCoachConfig,
  step,
  type CallRecord,
  type CoachConfig,
  type CoachInput,
} from '../../../src/core/coach';
import {
  DEFAULT_TIMELINE_TAB,
  parseIsoTime,
  parseTimeline,
  replayTimeline,
  toCallEvent,
  toTimeline,
  type Timeline,
} from '../../../src/core/timeline';
import { BASE, e, timeline } from './helpers';

const EXAMPLES = join(import.meta.dirname, '../../replay');

/**
 * The coach as the extension runs it, on full CallEvents: events at their time, a tick at every
 * deadline before each. Gives the records it wrote and the nudges it showed.
 */
function live(t: Timeline, config: CoachConfig) {
  const inputs: { at: number; input: CoachInput }[] = [];
  for (const call of t.calls) {
    for (const ev of call.events) {
      const event: CallEvent = toCallEvent(call, ev);
      inputs.push({ at: event.at, input: { kind: 'call-event', tabId: call.tabId ?? DEFAULT_TIMELINE_TAB, event } });
    }
  }
  for (const c of t.tabsClosed ?? []) inputs.push({ at: parseIsoTime(c.at)!, input: { kind: 'tab-closed', tabId: c.tabId } });
  inputs.sort((a, b) => a.at - b.at);
  let state = initialCoachState();
  let wakeAt: number | null = null;
  const records = new Map<string, CallRecord>();
  const nudges: { callKey: string; ruleId: string; firedAt: number; text: string }[] = [];
  const run = (input: CoachInput, now: number) => {
    const r = step(state, input, now, config);
    state = r.state;
    wakeAt = r.wakeAt;
    for (const effect of r.effects) {
      if (effect.type === 'record-call') records.set(effect.record.callKey, effect.record);
      if (effect.type === 'show-nudge') nudges.push(effect.nudge);
    }
  };
  for (const { at, input } of inputs) {
    while (wakeAt !== null && wakeAt <= at) run({ kind: 'tick' }, wakeAt);
    run(input, at);
  }
  while (wakeAt !== null) run({ kind: 'tick' }, wakeAt);
  return { records: [...records.values()], nudges };
}

const shape = (r: ReturnType<typeof replayTimeline>) => r.nudges.map((n) => `${n.callId} ${n.ruleId} ${n.atMs} ${n.text}`);

describe('toTimeline', () => {
  const examples = readdirSync(EXAMPLES).filter((f) => f.endsWith('.timeline.json') && !f.startsWith('invalid-'));

  it.each(examples)('turns the records of %s back into a timeline that replays to the same nudges', (file) => {
    const parsed = parseTimeline(JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8')));
    if (!parsed.ok) throw new Error(`invalid example ${file}`);
    const configFile = join(EXAMPLES, file.replace('.timeline.json', '.config.json'));
    let config = DEFAULT_CONFIG;
    try {
      const c = parseCoachConfig(JSON.parse(readFileSync(configFile, 'utf8')));
      if (c.ok) config = c.config;
    } catch {
      // no config for this example
    }
    const { records } = live(parsed.timeline, config);
    const { timeline: back } = toTimeline(records, parsed.timeline.timeZone ? { timeZone: parsed.timeline.timeZone } : {});
    expect(parseTimeline(JSON.parse(JSON.stringify(back)))).toEqual({ ok: true, timeline: back });
    expect(shape(replayTimeline(back, config))).toEqual(shape(replayTimeline(parsed.timeline, config)));
    expect(back.calls.map((c) => c.id).sort()).toEqual(parsed.timeline.calls.map((c) => c.id).sort());
  });

  it('rebuilds who held, resumed and transferred, and transfer outcomes', () => {
    const t = timeline([
      {
        id: 'c1',
        source: 'sip-websocket',
        events: [
          e.ringing(0, { displayName: 'Anna', number: '+371' }),
          e.answered(3),
          e.held(10, 'remote'),
          e.held(12, 'agent'),
          e.resumed(15, 'remote'),
          e.resumed(20, 'agent'),
          e.transferStarted(30, { target: 'sip:billing@pbx' }),
          e.transferAccepted(31, false),
          e.transferAccepted(32, true),
          e.ended(33, 'agent'),
        ],
      },
    ]);
    const { records } = live(t, DEFAULT_CONFIG);
    const { timeline: back, notes } = toTimeline(records);
    expect(back).toEqual({
      format: 'second-ring/call-timeline',
      version: 1,
      calls: [{ id: 'c1', tabId: 1, source: 'sip-websocket', events: t.calls[0]!.events }],
    });
    expect(notes).toEqual([]);
  });

  it('writes a tab that closed mid-call to tabsClosed, and notes what a timeline cannot hold', () => {
    const t = timeline([{ id: 'c1', events: [e.ringing(0), e.answered(3), e.held(20)] }], { tabsClosed: [{ tabId: 1, at: new Date(BASE + 100_000).toISOString() }] });
    const { records } = live(t, DEFAULT_CONFIG);
    const answered: CallRecord[] = records.map((r) => ({ ...r, nudges: r.nudges.map((n) => (n.kind === 'question' ? { ...n, answer: 'yes' as const } : n)) }));
    const { timeline: back, notes } = toTimeline(answered, { timeZone: 'Europe/Riga' });
    expect(back.timeZone).toBe('Europe/Riga');
    expect(back.tabsClosed).toEqual([{ tabId: 1, at: '2025-03-04T09:01:40.000Z' }]);
    expect(back.calls[0]?.events).toEqual(t.calls[0]!.events);
    expect(notes).toEqual([{ callId: 'c1', message: "the agent's answers, dismissals and ticks are not part of a timeline: a replay sees none of them" }]);
  });

  it('starts a record whose first events were dropped with an answered event, and says so', () => {
    const events: CallRecord['events'] = [{ type: 'held', at: BASE + 10_000 }, { type: 'resumed', at: BASE + 11_000 }];
    const record: CallRecord = {
      callKey: '1:long',
      callId: 'long',
      tabId: 1,
      source: 'sip-websocket',
      direction: 'inbound',
      startedAt: BASE,
      answeredAt: BASE + 2_000,
      outcome: 'answered',
      holds: [
        { start: BASE + 5_000, end: BASE + 6_000, by: 'agent' },
        { start: BASE + 10_000, end: BASE + 11_000, by: 'remote' },
      ],
      transfers: [],
      events,
      nudges: [],
      flags: [],
    };
    const { timeline: back, notes } = toTimeline([record]);
    expect(back.calls[0]?.events).toEqual([
      { type: 'answered', at: '2025-03-04T09:00:10.000Z', direction: 'inbound' },
      { type: 'held', at: '2025-03-04T09:00:10.000Z', by: 'remote' },
      { type: 'resumed', at: '2025-03-04T09:00:11.000Z', by: 'remote' },
    ]);
    expect(notes.map((n) => n.message)).toEqual(['older events were dropped from the record: the timeline starts with the call already answered']);
    expect(MAX_RECORD_EVENTS).toBeGreaterThan(2); // (the coach's cap: only long calls lose events)
  });

  it('keeps ids unique when two tabs had a call with the same id', () => {
    const t = timeline([
      { id: 'a', tabId: 1, events: [e.ringing(0), e.missed(3, { by: 'agent', reason: 'rejected' })] },
      { id: 'b', tabId: 2, events: [e.ringing(1), e.missed(4, { by: 'agent', reason: 'rejected' })] },
    ]);
    const { records } = live(t, DEFAULT_CONFIG);
    const same = records.map((r) => ({ ...r, callId: 'x', callKey: `${r.tabId}:x` }));
    expect(toTimeline(same).timeline.calls.map((c) => [c.id, c.tabId])).toEqual([
      ['x@1', 1],
      ['x@2', 2],
    ]);
  });
});
